import { randomBytes } from "node:crypto";

import type { NextFunction, Request, Response } from "express";

/**
 * Headers on every response, and the Origin check on every state-changing request.
 *
 * - Content-Security-Policy with a fresh nonce per request for Remix's inline scripts (no
 *   'unsafe-inline' for scripts), no framing, no plug-ins, forms and fetches to this site only.
 * - Referrer-Policy, X-Content-Type-Options, Permissions-Policy; HSTS when served over https.
 * - A POST/PUT/PATCH/DELETE from a browser must come from this site (Origin, else Referer);
 *   bearer-token API calls (no cookies) are not subject to it.
 */
export function securityHeaders(options: { appUrl: string }) {
  const https = options.appUrl.startsWith("https://");
  return (req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    res.setHeader(
      "Content-Security-Policy",
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${nonce}'`,
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join("; "),
    );
    res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    if (https || req.secure) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    next();
  };
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function sameOriginOnly(options: { appUrl: string }) {
  const allowed = new URL(options.appUrl).origin;
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE.has(req.method)) return next();
    const bearer = /^Bearer\s/i.test(req.headers.authorization ?? "") && !req.headers.cookie;
    if (bearer) return next();
    const origin = req.headers.origin ?? refererOrigin(req.headers.referer);
    if (origin === allowed) return next();
    res.status(403).type("text/plain").send("Cross-site request refused: the request did not come from this site.");
  };
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}
