import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";

import autocannon from "autocannon";

/** Helpers of scripts/bench.ts: processes, ports, load runs, percentiles, page scripts. */

export const root = path.resolve(import.meta.dirname, "..", "..");

export function freePort(): Promise<number> {
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

/**
 * How the benchmarks run the built portal: in production mode on its own database, at
 * `http://localhost:<port>`, without demo data, with the floor routes, and with the scheduler
 * running once at start so that it does not compete with the load.
 */
export function portalEnv(port: number, databaseUrl: string, sessionSecret: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    SESSION_SECRET: sessionSecret,
    APP_URL: `http://localhost:${port}`,
    DEMO_DATA: "false",
    JOBS_INTERVAL_MS: "3600000",
    BENCH_FLOOR: "1",
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Spawned = { child: ChildProcess; output: () => string; stop: () => Promise<void> };

/**
 * Starts a process in its own process group (npm → sh → node: stopping the group stops them
 * all), keeping its output for error messages. `stop` sends SIGTERM, then SIGKILL after 5 s.
 */
export function start(command: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): Spawned {
  const child = spawn(command, args, { cwd: options.cwd ?? root, env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signal("SIGTERM");
      const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
      if (!done) {
        signal("SIGKILL");
        await Promise.race([exited, sleep(2000)]);
      }
    },
  };
}

/** Runs a command to its end; rejects with its output when it fails. */
export async function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const p = start(command, args, { cwd: options.cwd, env: options.env ?? process.env });
  const code = await new Promise<number | null>((resolve) => p.child.once("exit", (c) => resolve(c)));
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${code}:\n${p.output()}`);
  return p.output();
}

/** Polls `url` until it answers 200; returns the milliseconds since `since`. */
export async function untilOk(
  url: string,
  p: Spawned,
  options: { since: number; timeoutMs: number; intervalMs?: number; headers?: Record<string, string> },
): Promise<number> {
  const deadline = options.since + options.timeoutMs;
  for (;;) {
    if (p.child.exitCode !== null) throw new Error(`The process exited before ${url} answered:\n${p.output()}`);
    try {
      const response = await fetch(url, { redirect: "manual", headers: options.headers, signal: AbortSignal.timeout(5000) });
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - options.since;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`${url} did not answer 200 within ${options.timeoutMs} ms:\n${p.output()}`);
    await sleep(options.intervalMs ?? 20);
  }
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

export type LoadResult = {
  /** Every measured response's latency (ms), sorted. */
  latencies: number[];
  seconds: number;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  errors: number;
};

/**
 * One bounded load run on loopback: `connections` keep-alive connections for `seconds` (after a
 * warm-up of `warmupSeconds` whose figures are dropped). Latencies are every response's own time,
 * so p50/p95 are exact, not read off a histogram.
 */
export async function load(
  url: string,
  options: { headers?: Record<string, string>; connections: number; seconds: number; warmupSeconds: number },
): Promise<LoadResult> {
  const once = (seconds: number) =>
    new Promise<{ latencies: number[]; result: autocannon.Result }>((resolve, reject) => {
      const latencies: number[] = [];
      const instance = autocannon(
        { url, headers: options.headers, connections: options.connections, duration: seconds, pipelining: 1, timeout: 10 },
        (error, result) => (error ? reject(error) : resolve({ latencies, result })),
      );
      instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
    });
  if (options.warmupSeconds > 0) await once(options.warmupSeconds);
  const { latencies, result } = await once(options.seconds);
  latencies.sort((a, b) => a - b);
  return {
    latencies,
    seconds: options.seconds,
    requests: latencies.length,
    rps: latencies.length / options.seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

export type PageScripts = { files: { href: string; raw: number; gzip: number; zod: boolean }[]; raw: number; gzip: number };

/**
 * The JavaScript a page loads: the module scripts and modulepreload links in its HTML (Remix's
 * manifest, entry, shared chunks, the matched routes' modules), each fetched and gzipped at
 * level 9, summed.
 */
export async function pageScripts(base: string, pathname: string, headers: Record<string, string> = {}): Promise<PageScripts> {
  const response = await fetch(new URL(pathname, base), { headers, redirect: "manual" });
  const html = await response.text();
  if (response.status !== 200) throw new Error(`${pathname} answered ${response.status}`);
  const hrefs = new Set<string>();
  for (const m of html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) hrefs.add(m[1]!);
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) hrefs.add(m[1]!);
  for (const m of html.matchAll(/\bimport\b[^"';]*?["']([^"']+\.js)["']/g)) hrefs.add(m[1]!);
  const files = [];
  for (const href of [...hrefs].sort()) {
    const body = Buffer.from(await (await fetch(new URL(href, base))).arrayBuffer());
    files.push({ href, raw: body.length, gzip: gzipSync(body, { level: 9 }).length, zod: body.includes("ZodError") });
  }
  return { files, raw: files.reduce((s, f) => s + f.raw, 0), gzip: files.reduce((s, f) => s + f.gzip, 0) };
}

/**
 * A bare Remix v2 app in a temporary folder — root with Meta, Links, Outlet, ScrollRestoration and
 * Scripts, one index route, Remix's default entries, the portal's remix.config future flags —
 * built with the portal's own installed @remix-run packages (node_modules is a symlink).
 */
export async function buildBareRemixApp(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), "portal-bench-bare-"));
  mkdirSync(path.join(dir, "app", "routes"), { recursive: true });
  const portal = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  const deps = Object.fromEntries(
    ["@remix-run/node", "@remix-run/react", "@remix-run/serve", "isbot", "react", "react-dom"].map((name) => [name, portal.dependencies[name]]),
  );
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "bare-remix", private: true, type: "module", sideEffects: false, dependencies: deps }, null, 2),
  );
  writeFileSync(
    path.join(dir, "remix.config.js"),
    `export default {
  serverModuleFormat: "esm",
  serverPlatform: "node",
  future: { v3_fetcherPersist: true, v3_relativeSplatPath: true, v3_throwAbortReason: true, v3_lazyRouteDiscovery: true, v3_singleFetch: true },
};
`,
  );
  writeFileSync(
    path.join(dir, "app", "root.tsx"),
    `import { Links, Meta, Outlet, Scripts, ScrollRestoration } from "@remix-run/react";

export default function App() {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <Meta />
        <Links />
      </head>
      <body>
        <Outlet />
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}
`,
  );
  writeFileSync(path.join(dir, "app", "routes", "_index.tsx"), `export default function Index() {\n  return <h1>Hello</h1>;\n}\n`);
  symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  await run(process.execPath, [path.join(root, "node_modules", "@remix-run", "dev", "dist", "cli.js"), "build"], { cwd: dir });
  return dir;
}
