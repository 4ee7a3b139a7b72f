import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { launchBrowser, newPage, startPortal, type Portal } from "./harness";

/** Headers on every response, scripts only with the page's nonce, and no cross-site form posts. */
let portal: Portal;
let browser: Browser;

beforeAll(async () => {
  portal = await startPortal();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

describe("security headers", () => {
  it("sends a nonce-based Content-Security-Policy and the other headers on pages, the API and static files", async () => {
    for (const path of ["/", "/api/v1/lead-time?type=simple-change&submittedDate=2026-12-21", "/favicon.svg", "/no/such/page"]) {
      const response = await fetch(`${portal.url}${path}`);
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}'/);
      expect(csp, path).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(response.headers.get("referrer-policy"), path).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("permissions-policy"), path).toContain("camera=()");
    }
    const first = (await fetch(portal.url)).headers.get("content-security-policy");
    const second = (await fetch(portal.url)).headers.get("content-security-policy");
    expect(first).not.toBe(second);
  });

  it("runs the page's own scripts under the policy, without violations", async () => {
    const { page, context } = await newPage(browser, { baseURL: portal.url });
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to (execute|load)/i.test(message.text())) violations.push(message.text());
    });
    await page.goto("/");
    // Hydrated: the language switch works as a client-side form submission.
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { level: 1, name: "Supplier access" }).waitFor();
    // The switch reloads the document: its heading can be there before the scripts at the end of its body have run.
    await page.waitForLoadState("load");
    expect(await page.evaluate(() => typeof (window as unknown as { __remixContext?: unknown }).__remixContext)).toBe("object");
    expect(violations).toEqual([]);
    await context.close();
  });

  it("refuses a form post from another site, and takes one from this site", async () => {
    const refused = await fetch(`${portal.url}/language`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example" },
      body: "lang=en&redirectTo=/",
      redirect: "manual",
    });
    expect(refused.status).toBe(403);
    const accepted = await fetch(`${portal.url}/language`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: portal.url },
      body: "lang=en&redirectTo=/",
      redirect: "manual",
    });
    expect(accepted.status).toBe(302);
    // No Origin at all (and no Referer) from a cookie-carrying client: refused too.
    const bare = await fetch(`${portal.url}/logout`, { method: "POST", headers: { Cookie: "__session=x" }, redirect: "manual" });
    expect(bare.status).toBe(403);
  });
});
