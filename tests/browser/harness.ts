import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { onTestFinished } from "vitest";

import type { Db } from "../../db/client";
import { openDatabase } from "../../db/open";
import type { User } from "../../db/schema";
import { createSession } from "~/access/sessions.server";
import { sessionCookie } from "~/access/guards.server";

/**
 * Starts the built portal (`npm run build` first) as its own process on a free port, with a
 * fresh embedded database, and drives it with Debian's Chromium. A test that needs rows (people,
 * sessions) writes them before the server starts: the embedded database has one owner at a time.
 */
export const SESSION_SECRET = "browser-test-secret-browser-test-secret-0123";

export type Portal = { url: string; dataDir: string; stop(): Promise<void>; output(): string };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Waits for 200 from `url`/healthcheck; fails with the process's output if it exits or takes over 60 s. */
export async function waitUntilHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`The portal exited during start-up:\n${output()}`);
    try {
      if ((await fetch(`${url}/healthcheck`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`The portal did not become healthy within 60 s:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startPortal(options: { prepare?: (db: Db, url: string) => Promise<void>; env?: Record<string, string> } = {}): Promise<Portal> {
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "portal-browser-")), "pglite");
  const port = await freePort();
  const url = `http://localhost:${port}`;
  if (options.prepare) {
    const database = await openDatabase({ backend: "pglite", dataDir });
    try {
      await options.prepare(database.db, url);
    } finally {
      await database.close();
    }
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    PGLITE_DATA_DIR: dataDir,
    SESSION_SECRET,
    DEMO_DATA: "true",
    ...options.env,
  };
  delete env.DATABASE_URL;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "app/server.ts"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await waitUntilHealthy(url, child, () => output);
  return {
    url,
    dataDir,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      rmSync(path.dirname(dataDir), { recursive: true, force: true });
    },
  };
}

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

export async function newPage(
  browser: Browser,
  options: { locale?: string; cookies?: { name: string; value: string }[]; baseURL: string },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: options.locale ?? "sv-SE", baseURL: options.baseURL });
  if (options.cookies?.length) {
    await context.addCookies(options.cookies.map((c) => ({ ...c, url: options.baseURL })));
  }
  const page = await context.newPage();
  return { context, page };
}

/** The `__session` cookie's value for a new, verified session of `user` (made in `prepare`, before the portal starts). */
export async function sessionCookieFor(db: Db, user: Pick<User, "id">): Promise<string> {
  const header = await sessionCookie().serialize(await createSession(db, user.id));
  return header.slice(header.indexOf("=") + 1, header.indexOf(";"));
}

/**
 * A page signed in with the session `cookie`, in a browser context of its own that is closed when
 * the test ends, passed or failed (a fixture: no test has to remember to clean up).
 */
export async function pageAs(browser: Browser, baseURL: string, cookie: string, locale = "sv-SE"): Promise<Page> {
  const { page, context } = await newPage(browser, { baseURL, locale, cookies: [{ name: "__session", value: cookie }] });
  onTestFinished(() => context.close());
  return page;
}

/** A CTAP2 platform authenticator in the page's browser context (Chrome DevTools Protocol). */
export async function addVirtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    credentials: async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials,
    clear: () => cdp.send("WebAuthn.clearCredentials", { authenticatorId }),
  };
}
