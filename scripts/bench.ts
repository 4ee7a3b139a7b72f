/**
 * `npm run bench`: the portal's performance against its targets, in one run, on this machine.
 *
 *  1. builds the app (`npm run build`, timed: part of `npm start`);
 *  2. creates its own PostgreSQL database (portal_bench_<time>), migrates it and seeds 200
 *     systems and 10,000 cases in bulk (scripts/bench/seed.ts);
 *  3. starts the built server on it (BENCH_FLOOR=1) and loads each page and the conflicts API
 *     with autocannon on loopback, bounded in time, against the floor routes;
 *  4. measures the JavaScript each page loads (gzip) against a bare Remix page;
 *  5. times the conflict check for the same cases at ~1,000 and at ~100,000 windows;
 *  6. times cold starts: `npm run serve` on a fresh embedded database vs `remix-serve` of the build;
 *  7. prints a table and writes docs/benchmarks.md.
 *
 * `npm run bench -- --only cases,cab` is a quick look while working: it loads only those routes (with
 * the bare page and the floors), prints their latency table and stops, writing nothing.
 *
 * It stops by itself (a watchdog ends it after 10 minutes) and always cleans up: servers stopped,
 * databases dropped, temporary folders removed — on failure and on Ctrl-C too.
 * Needs PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres) unless BENCH_PG_URL names another
 * server's maintenance database.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import path from "node:path";

import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";

import type { Db } from "../db/client";
import { openDatabase } from "../db/open";
import * as schema from "../db/schema";
import { createApiToken } from "~/access/api-tokens.server";
import { createSession } from "~/access/sessions.server";
import { sessionCookie } from "~/access/guards.server";
import { conflictsOf } from "~/cases/conflicts.server";
import { ACTIVE_STATUSES } from "../machines/vocabulary";
import { stockholmDate } from "../machines/time";
import { addHistory, seedBench, type SeedSummary } from "./bench/seed";
import { benchRevocation, REVOCATION, type RevocationResult } from "./bench/revocation";
import {
  buildBareRemixApp,
  freePort,
  load,
  median,
  pageScripts,
  portalEnv,
  percentile,
  root,
  run,
  start,
  untilOk,
  type LoadResult,
  type PageScripts,
} from "./bench/support";

const MAINTENANCE_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const SECRET = randomBytes(32).toString("base64url");
// The benchmark's own process signs the session cookies with the server's secret.
process.env.SESSION_SECRET = SECRET;

const LOAD = { connections: 4, seconds: 4, warmupSeconds: 1, rounds: 2 };
/** `--only a,b`: just these routes' load (with the references they are divided by), printed, not written. */
const ONLY = process.argv.includes("--only") ? new Set(process.argv[process.argv.indexOf("--only") + 1]!.split(",")) : undefined;
const CONFLICT_REPS = 300;
const COLD_STARTS = 3;
const WATCHDOG_MS = 10 * 60_000;

// Cleaning up ------------------------------------------------------------------------------------

const cleanups: (() => Promise<void> | void)[] = [];
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (error) {
        console.error("bench: cleanup step failed:", error instanceof Error ? error.message : error);
      }
    }
  })();
  return cleaning;
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    console.error(`\nbench: ${signal}, cleaning up…`);
    void cleanup().finally(() => process.exit(130));
  });
}
const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${WATCHDOG_MS / 60_000} minutes; stopping.`);
  void cleanup().finally(() => process.exit(2));
}, WATCHDOG_MS);

const admin = postgres(MAINTENANCE_URL, { max: 1, onnotice: () => {} });
cleanups.push(() => admin.end({ timeout: 5 }));

async function createDatabase(name: string): Promise<string> {
  await admin.unsafe(`create database "${name}"`);
  cleanups.push(async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  });
  const url = new URL(MAINTENANCE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

const step = (label: string) => console.log(`· ${label}`);
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));
const secs = (n: number) => (n / 1000).toFixed(2);
const ratio = (n: number) => `${n.toFixed(2)}×`;
const mark = (ok: boolean) => (ok ? "✓" : "✗");

// The run ----------------------------------------------------------------------------------------

type Route = { key: string; label: string; path: string; headers: Record<string, string>; floor?: string; target?: number; base?: string };
type RouteResult = Route & LoadResult;
type ConflictCase = {
  label: string;
  number: string;
  system: string;
  related: number;
  found: number;
  at1k: number;
  at100k: number;
  plan1k: string[];
  plan: string[];
};

async function main() {
  const started = performance.now();
  const now = new Date();
  const stamp = now.toISOString().replace(/\D/g, "").slice(0, 14);

  step("building (npm run build)…");
  const buildStarted = performance.now();
  await run("npm", ["run", "build"]);
  const buildMs = performance.now() - buildStarted;

  const [{ version: pgVersion }] = (await admin`select current_setting('server_version') as version`) as unknown as [{ version: string }];

  // 2. The seeded database --------------------------------------------------------------------
  step(`seeding portal_bench_${stamp}…`);
  const url = await createDatabase(`portal_bench_${stamp}`);
  const database = await openDatabase({ backend: "postgres", url, max: 4 });
  cleanups.push(() => database.close());
  const seedStarted = performance.now();
  const seeded = await seedBench(database.db, { now });
  const seedMs = performance.now() - seedStarted;
  const db = database.db;
  const centreCookie = await sessionCookieFor(db, seeded.people.serviceCentre);
  const cabCookie = await sessionCookieFor(db, seeded.people.cab);
  const supplierCookie = await sessionCookieFor(db, seeded.people.supplier);
  const { token } = await createApiToken(db, seeded.people.serviceCentre, "bench");
  const apiCase = await busiestActiveCase(db, now);

  // 3. The server under load -------------------------------------------------------------------
  const port = await freePort();
  const base = `http://localhost:${port}`;
  step(`starting the built server on ${base}…`);
  const server = start(process.execPath, ["--import", "tsx", "app/server.ts"], { env: portalEnv(port, url, SECRET) });
  cleanups.push(() => server.stop());
  await untilOk(`${base}/healthcheck`, server, { since: performance.now(), timeoutMs: 60_000, intervalMs: 100 });

  // The bare Remix page of the same build, served beside the portal and loaded in the same rounds:
  // the pages' targets are ratios to it.
  const bareDir = await buildBareRemixApp();
  cleanups.push(() => rmSync(bareDir, { recursive: true, force: true }));
  const barePort = await freePort();
  const bareBase = `http://localhost:${barePort}`;
  const bare = start(process.execPath, [path.join(root, "node_modules", "@remix-run", "serve", "dist", "cli.js"), "build/index.js"], {
    cwd: bareDir,
    env: { ...process.env, PORT: String(barePort), NODE_ENV: "production" },
  });
  cleanups.push(() => bare.stop());
  await untilOk(`${bareBase}/`, bare, { since: performance.now(), timeoutMs: 30_000 });

  const routes: Route[] = [
    { key: "bare", label: "bare Remix page (root + one route)", path: "/", headers: {}, base: bareBase },
    { key: "floor-page", label: "floor page `/bench/floor`", path: "/bench/floor", headers: { cookie: centreCookie }, floor: "bare", target: 1.5 },
    { key: "home", label: "`/` (signed out)", path: "/", headers: {}, floor: "bare", target: 3 },
    { key: "login", label: "`/login`", path: "/login", headers: {}, floor: "bare", target: 3 },
    { key: "cases", label: "`/cases` (service centre)", path: "/cases", headers: { cookie: centreCookie }, floor: "bare", target: 3 },
    { key: "cab", label: "`/cab` (CAB member)", path: "/cab", headers: { cookie: cabCookie }, floor: "bare", target: 3 },
    { key: "schedule", label: "`/schedule` (this week, service centre)", path: "/schedule", headers: { cookie: centreCookie }, floor: "bare", target: 3 },
    { key: "supplier", label: "`/supplier` (supplier)", path: "/supplier", headers: { cookie: supplierCookie }, floor: "bare", target: 3 },
    { key: "case", label: "`/cases/:number` (service centre)", path: `/cases/${apiCase.number}`, headers: { cookie: centreCookie }, floor: "bare", target: 3 },
    { key: "floor-json", label: "floor JSON `/bench/floor-json`", path: "/bench/floor-json", headers: {} },
    { key: "api-me", label: "`GET /api/v1/me` (token check only)", path: "/api/v1/me", headers: { authorization: `Bearer ${token}` }, floor: "floor-json" },
    {
      key: "api-conflicts",
      label: `\`GET /api/v1/cases/:number/conflicts\` (${apiCase.number}, ${plural(apiCase.found, "conflict")})`,
      path: `/api/v1/cases/${apiCase.number}/conflicts`,
      headers: { authorization: `Bearer ${token}` },
      floor: "floor-json",
      target: 3,
    },
  ];
  if (ONLY) {
    const unknown = [...ONLY].filter((key) => !routes.some((r) => r.key === key));
    if (unknown.length) throw new Error(`--only: no route ${unknown.join(", ")}; the routes are ${routes.map((r) => r.key).join(", ")}`);
    const keep = (r: Route) => ONLY.has(r.key) || routes.some((o) => ONLY.has(o.key) && o.floor === r.key) || r.key === "bare";
    routes.splice(0, routes.length, ...routes.filter(keep));
  }
  for (const route of routes) await expectOk(route.base ?? base, route);
  step(`load: ${routes.length} routes × ${LOAD.rounds} rounds × ${LOAD.seconds} s, ${LOAD.connections} connections…`);
  const samples = new Map<string, LoadResult[]>();
  for (let round = 0; round < LOAD.rounds; round++) {
    for (const route of routes) {
      const result = await load((route.base ?? base) + route.path, {
        headers: route.headers,
        connections: LOAD.connections,
        seconds: LOAD.seconds,
        warmupSeconds: LOAD.warmupSeconds,
      });
      samples.set(route.key, [...(samples.get(route.key) ?? []), result]);
    }
  }
  const results: RouteResult[] = routes.map((route) => ({ ...route, ...combine(samples.get(route.key)!) }));
  const sweep = ONLY ? [] : await sweepPages(base, db, seeded, { centreCookie, cabCookie, supplierCookie, caseNumber: apiCase.number });
  if (ONLY) {
    const ref = (r: RouteResult) => results.find((x) => x.key === r.floor);
    console.table(
      results.map((r) => ({ route: r.key, p50: ms(r.p50), p95: ms(r.p95), rps: r.rps.toFixed(0), "÷ ref": ref(r) ? ratio(r.p50 / ref(r)!.p50) : "" })),
    );
    const bareGzip = (await pageScripts(bareBase, "/")).gzip;
    for (const r of results.filter((x) => x.floor === "bare")) {
      const page = await pageScripts(base, r.path, r.headers);
      console.log(`\n${r.key}: ${page.files.length} scripts, ${(page.gzip / 1024).toFixed(1)} KiB gzip, ${ratio(page.gzip / bareGzip)} the bare page`);
      for (const f of [...page.files].sort((a, b) => b.gzip - a.gzip)) console.log(`  ${(f.gzip / 1024).toFixed(1).padStart(6)} KiB  ${f.href}`);
    }
    return;
  }

  // 4. JavaScript per page ----------------------------------------------------------------------
  step("JavaScript per page, and a bare Remix page to compare…");
  const pages = results.filter((r) => r.key !== "floor-json" && r.key !== "bare" && !r.key.startsWith("api"));
  const scripts = new Map<string, PageScripts>();
  for (const page of pages) scripts.set(page.key, await pageScripts(base, page.path, page.headers));
  // How much of every page's loader data is the root's (the language, the signed-in person): the floor's.
  const floorDataBytes = (await (await fetch(`${base}/bench/floor.data`, { headers: { cookie: centreCookie } })).arrayBuffer()).byteLength;
  // The weight of a first visit: the sign-in page's HTML, and how the texts it loads are cached.
  const loginHtml = await (await fetch(`${base}/login`)).text();
  const loginHtmlBytes = Buffer.byteLength(loginHtml);
  const textHrefs = [...loginHtml.matchAll(/\/i18n\/[a-z]{2}\.[A-Za-z0-9_-]+\/[^"]+\.js/g)].map((m) => m[0]);
  const textResponses = await Promise.all(textHrefs.map((href) => fetch(base + href)));
  const texts = {
    href: textHrefs.join(", "),
    bytes: (await Promise.all(textResponses.map(async (response) => (await response.arrayBuffer()).byteLength))).reduce((a, b) => a + b, 0),
    cacheControl: [...new Set(textResponses.map((response) => response.headers.get("cache-control") ?? ""))].join(" / "),
  };
  await server.stop();
  const bareScripts = await pageScripts(bareBase, "/");
  const bareHtmlBytes = Buffer.byteLength(await (await fetch(`${bareBase}/`)).text());
  await bare.stop();

  // 5. The conflict check at 1,000 and 100,000 windows ----------------------------------------------
  step("conflict check at ~1,000 windows…");
  const conflictUrl = await createDatabase(`portal_bench_${stamp}_conflicts`);
  const small = await openDatabase({ backend: "postgres", url: conflictUrl, max: 1 });
  // ~1,000 windows: nine cases in ten have one (standing access has none).
  const smallSeed = await seedBench(small.db, { now, cases: 1115 });
  await small.close();
  const probe = conflictProbe(conflictUrl);
  cleanups.push(() => probe.close());
  const conflictCases = await conflictCasesOf(probe.db, now);
  const windowsAt1k = await countWindows(probe.db);
  for (const c of conflictCases) {
    c.at1k = await timeConflicts(probe.db, c.number);
    c.plan1k = await probe.explain(c.number);
  }
  step("conflict check at ~100,000 windows (adding history)…");
  await addHistory(probe.db, 100_000 - windowsAt1k, { now, beforeDays: 770, years: 20 });
  const windowsAt100k = await countWindows(probe.db);
  for (const c of conflictCases) {
    c.at100k = await timeConflicts(probe.db, c.number);
    c.plan = await probe.explain(c.number);
  }
  await probe.close();

  // 6. Cold starts ---------------------------------------------------------------------------------
  step(`cold starts (${COLD_STARTS}× each)…`);
  const embedded: number[] = [];
  const remixServe: number[] = [];
  let restart = 0;
  for (let i = 0; i < COLD_STARTS; i++) {
    const last = i === COLD_STARTS - 1;
    const run = await coldStartEmbedded({ restartToo: last });
    embedded.push(run.first);
    if (last) restart = run.restart!;
    remixServe.push(await coldStartRemixServe());
  }

  // 7. Revocation: a window's end to its account's removal from the directory --------------------
  step(`revocation: ${REVOCATION.windows} windows ending ${REVOCATION.staggerMs} ms apart, real slapd and Alertmanager…`);
  const revocationUrl = await createDatabase(`portal_bench_${stamp}_revocation`);
  const revocationDb = await openDatabase({ backend: "postgres", url: revocationUrl, max: 4 });
  cleanups.push(() => revocationDb.close());
  const revocation = await benchRevocation(revocationDb.db, revocationUrl, root, cleanups);

  // 8. Report ------------------------------------------------------------------------------------
  const report = render({
    now,
    pgVersion,
    seeded,
    seedMs,
    smallSeed,
    results,
    sweep,
    scripts,
    bareScripts,
    conflictCases,
    windowsAt1k,
    windowsAt100k,
    embedded,
    remixServe,
    restart,
    revocation,
    floorDataBytes,
    loginHtmlBytes,
    bareHtmlBytes,
    texts,
    buildMs,
    totalMs: performance.now() - started,
  });
  console.log("\n" + report.table);
  writeFileSync(path.join(root, "docs", "benchmarks.md"), report.markdown);
  console.log(`\nWrote docs/benchmarks.md (${secs(performance.now() - started)} s in all).`);
}

/** One page as one person opens it, without load: the median of a few requests in a row, and its HTML. */
type SweptPage = { who: string; path: string; status: number; medianMs: number; htmlBytes: number };
const SWEEP_REQUESTS = 7;

/**
 * Every place of the portal as the people who use it open it, one request at a time: the table
 * that shows a page grown slow or heavy with the data (the service centre's queue once rendered
 * all 624 waiting cases in 0.7 s, the reports page took 1.3 s), which the load runs above do not
 * cover.
 */
/** The Cookie header of a new session for `userId`. */
async function sessionCookieFor(db: Db, userId: number): Promise<string> {
  return (await sessionCookie().serialize(await createSession(db, userId))).split(";")[0]!;
}

async function sweepPages(
  base: string,
  db: Db,
  seeded: SeedSummary,
  known: { centreCookie: string; cabCookie: string; supplierCookie: string; caseNumber: string },
): Promise<SweptPage[]> {
  const cookies: Record<string, string> = {
    "service centre": known.centreCookie,
    "CAB member": known.cabCookie,
    supplier: known.supplierCookie,
    requester: await sessionCookieFor(db, seeded.people.requester),
    operations: await sessionCookieFor(db, seeded.people.operations),
    admin: await sessionCookieFor(db, seeded.people.admin),
  };
  const [meeting] = await db
    .select({ id: schema.cabMeetings.id })
    .from(schema.cabMeetings)
    .where(sql`${schema.cabMeetings.startsAt} <= now()`)
    .orderBy(sql`${schema.cabMeetings.startsAt} desc`)
    .limit(1);
  const pages: [string, string][] = [
    ["requester", "/"],
    ["requester", "/cases"],
    ["requester", "/cases/new?type=change"],
    ["requester", "/templates"],
    ["service centre", "/service-centre"],
    ["service centre", "/cases"],
    ["service centre", `/cases/${known.caseNumber}`],
    ["service centre", "/schedule"],
    ["service centre", "/schedule?view=month"],
    ["service centre", "/reports"],
    ["service centre", "/admin/outbox"],
    ["CAB member", "/cab"],
    ["CAB member", `/cab/meetings/${meeting!.id}`],
    ["operations", "/operations"],
    ["supplier", "/supplier"],
    ["supplier", "/settings"],
    ["admin", "/admin/users"],
    ["admin", "/admin/systems"],
    ["admin", "/admin/blackouts"],
    ["admin", `/audit.csv?from=${stockholmDate(new Date(Date.now() - 30 * 86_400_000))}&to=${stockholmDate(new Date())}`],
    ["anonymous", "/status"],
  ];
  const swept: SweptPage[] = [];
  for (const [who, pathname] of pages) {
    const headers: Record<string, string> = cookies[who] ? { cookie: cookies[who]! } : {};
    const times: number[] = [];
    let status = 0;
    let htmlBytes = 0;
    for (let i = 0; i < SWEEP_REQUESTS; i++) {
      const started = performance.now();
      const response = await fetch(base + pathname, { headers, redirect: "manual" });
      htmlBytes = (await response.arrayBuffer()).byteLength;
      times.push(performance.now() - started);
      status = response.status;
    }
    swept.push({ who, path: pathname, status, medianMs: median(times), htmlBytes });
  }
  return swept;
}

async function expectOk(base: string, route: Route) {
  const response = await fetch(base + route.path, { headers: route.headers, redirect: "manual" });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${route.path} answered ${response.status} before the load run:\n${body.slice(0, 500)}`);
}

function combine(runs: LoadResult[]): LoadResult {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  // (the merged latencies are not kept: the report needs only their percentiles)
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  return {
    latencies: [],
    seconds,
    requests: latencies.length,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    non2xx: runs.reduce((s, r) => s + r.non2xx, 0),
    errors: runs.reduce((s, r) => s + r.errors, 0),
  };
}

/** Active cases with a window in the next two weeks, not on a platform: the one with the most conflicts. */
async function busiestActiveCase(db: Db, now: Date): Promise<{ number: string; found: number }> {
  const candidates = (await db.execute(sql`
    select c.id, c.number from cases c join systems s on s.id = c.system_id
    where c.status in ('submitted', 'in-review', 'awaiting-cab') and c.window_start between ${now.toISOString()}::timestamptz and ${now.toISOString()}::timestamptz + interval '14 days'
      and s.code like '%-%'
    order by c.id limit 60`)) as unknown as { id: number; number: string }[];
  let best = { number: candidates[0]!.number, found: -1 };
  for (const c of candidates) {
    const found = (await conflictsOf(db, c.id)).length;
    if (found > best.found) best = { number: c.number, found };
  }
  return best;
}

async function countWindows(db: Db): Promise<number> {
  const [row] = (await db.execute(sql`select count(*)::int as n from cases where window_start is not null`)) as unknown as [{ n: number }];
  return row.n;
}

/**
 * The conflict benchmark's own client: one connection, and a drizzle logger that keeps the
 * conflict query's text and parameters so it can be EXPLAINed as it was sent.
 */
function conflictProbe(url: string) {
  const client = postgres(url, { max: 1, onnotice: () => {}, connection: { TimeZone: "UTC" } });
  let last: { query: string; params: unknown[] } | undefined;
  const db = drizzle(client, {
    schema,
    logger: { logQuery: (query, params) => void (/with recursive/.test(query) && (last = { query, params })) },
  }) as unknown as Db;
  return {
    db,
    close: () => client.end({ timeout: 5 }),
    async explain(number: string): Promise<string[]> {
      const [c] = (await db.execute(sql`select id from cases where number = ${number}`)) as unknown as [{ id: number }];
      await conflictsOf(db, c.id);
      if (!last) return [];
      const rows = (await client.unsafe(`explain (analyze, costs off, summary on) ${last.query}`, last.params as never[])) as unknown as Record<
        string,
        string
      >[];
      return rows.map((r) => r["QUERY PLAN"]!);
    },
  };
}

/** A typical case (not on a platform, the most conflicts) and one on the identity platform everything depends on. */
async function conflictCasesOf(db: Db, now: Date): Promise<ConflictCase[]> {
  const active = sql.join(
    ACTIVE_STATUSES.map((s) => sql`${s}`),
    sql`, `,
  );
  const candidates = (await db.execute(sql`
    select c.id, c.number, s.code from cases c join systems s on s.id = c.system_id
    where c.status in (${active}) and c.window_start > ${now.toISOString()}::timestamptz
    order by c.window_start limit 200`)) as unknown as { id: number; number: string; code: string }[];
  const scored = [];
  for (const c of candidates) scored.push({ ...c, found: (await conflictsOf(db, c.id)).length });
  const typical = scored.filter((c) => c.code.includes("-")).sort((a, b) => b.found - a.found || a.id - b.id)[0];
  const hub = scored.filter((c) => c.code === "IDP").sort((a, b) => b.found - a.found || a.id - b.id)[0];
  const out: ConflictCase[] = [];
  for (const [label, c] of [
    ["typical system", typical],
    ["identity platform (all systems depend on it)", hub],
  ] as const) {
    if (!c) continue;
    const [related] = (await db.execute(sql`
      with recursive d(id) as (select id from systems where code = ${c.code} union select sd.depends_on_id from d join system_dependencies sd on sd.system_id = d.id),
                     u(id) as (select id from systems where code = ${c.code} union select sd.system_id from u join system_dependencies sd on sd.depends_on_id = u.id)
      select count(*)::int as n from (select id from d union select id from u) r`)) as unknown as [{ n: number }];
    out.push({ label, number: c.number, system: c.code, related: related.n, found: c.found, at1k: 0, at100k: 0, plan1k: [], plan: [] });
  }
  return out;
}

/** The median time of `conflictsOf` for a case over CONFLICT_REPS calls (after 30 to warm up). */
async function timeConflicts(db: Db, number: string): Promise<number> {
  const [c] = (await db.execute(sql`select id from cases where number = ${number}`)) as unknown as [{ id: number }];
  const times: number[] = [];
  for (let i = 0; i < 30 + CONFLICT_REPS; i++) {
    const t = performance.now();
    await conflictsOf(db, c.id);
    if (i >= 30) times.push(performance.now() - t);
  }
  return median(times);
}

/**
 * `npm run serve` (npm start without its build) on a fresh embedded database with the demo data,
 * to the first 200 from `/`; with `restartToo`, then once more on the same, now existing, folder.
 */
async function coldStartEmbedded(options: { restartToo: boolean }): Promise<{ first: number; restart?: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), "portal-bench-cold-"));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), PGLITE_DATA_DIR: path.join(dir, "pglite"), DEMO_DATA: "true", BENCH_FLOOR: "" };
  for (const name of ["DATABASE_URL", "NODE_ENV", "SESSION_SECRET", "APP_URL", "JOBS_INTERVAL_MS"]) delete env[name];
  const once = async () => {
    const since = performance.now();
    const p = start("npm", ["run", "--silent", "serve"], { env });
    try {
      return await untilOk(`http://localhost:${port}/`, p, { since, timeoutMs: 90_000 });
    } finally {
      await p.stop();
    }
  };
  try {
    const first = await once();
    return { first, restart: options.restartToo ? await once() : undefined };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `remix-serve build/index.js` of the same build, to the first 200 from `/` (which needs no database when nobody is signed in). */
async function coldStartRemixServe(): Promise<number> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), SESSION_SECRET: SECRET };
  for (const name of ["DATABASE_URL", "NODE_ENV", "BENCH_FLOOR"]) delete env[name];
  const since = performance.now();
  const p = start(process.execPath, [path.join(root, "node_modules", "@remix-run", "serve", "dist", "cli.js"), "build/index.js"], { env });
  try {
    return await untilOk(`http://localhost:${port}/`, p, { since, timeoutMs: 30_000 });
  } finally {
    await p.stop();
  }
}

// The report -------------------------------------------------------------------------------------

type ReportInput = {
  now: Date;
  pgVersion: string;
  seeded: SeedSummary;
  seedMs: number;
  smallSeed: SeedSummary;
  results: RouteResult[];
  sweep: SweptPage[];
  scripts: Map<string, PageScripts>;
  bareScripts: PageScripts;
  conflictCases: ConflictCase[];
  windowsAt1k: number;
  windowsAt100k: number;
  embedded: number[];
  remixServe: number[];
  restart: number;
  revocation: RevocationResult;
  floorDataBytes: number;
  loginHtmlBytes: number;
  bareHtmlBytes: number;
  texts: { href: string; bytes: number; cacheControl: string };
  buildMs: number;
  totalMs: number;
};

const TARGET = { latency: 3, conflicts: 1.5, bundle: 1.15, loginHtmlKiB: 15, floorDataKiB: 5 };

/**
 * Why a target is missed and what would fix it, for the report: shown only when the target is
 * missed in the run. Written from this run's profiles and plans (see the commit that added them).
 */
const WHY: Record<string, (r: ReportInput, byKey: Map<string, RouteResult>) => string> = {
  cases: () =>
    "Already fixed in this run: the system filter was an option per system in scope (200 for the service centre, in the HTML and again in the data); beyond 30 systems it is a field that takes a code or part of a name (app/ui/system-filter.ts). " +
    "Earlier: every load counted all the cases in the viewer's scope (a `count(*)` of 10,000 rows for the service centre, 2 ms of PostgreSQL's time on the same two cores) to draw the pager; it now counts up to 1,000 and says \"more than 1,000\". " +
    "What is left: the session, the systems in scope and the page of cases with its bounded count (three round trips), and 25 rows whose cells each carry their column's label for the phone's stacked cards. Would fix: prepared drizzle queries and lighter rows.",
  cab: () =>
    "Already fixed in this run: each load first laid out the recurring meetings of the next eight weeks (an `insert … on conflict do nothing`, a write) before reading; the scheduler's duties, a new rule and a referral do that now, and the page only reads (7.8× → 5.5×). " +
    "What is left: seven reads (upcoming and recent meetings with their agenda sizes, unscheduled changes, the rules, the changes awaiting the board); in `npm run bench:profile` drizzle's query builder is about 10 % of the CPU. " +
    "Would fix: prepared drizzle queries (built once per process) and the agenda sizes in the meetings' query.",
  "floor-page": () =>
    "The floor is the bare page plus what every signed-in page needs: the session (a signed cookie's HMAC and one prepared query, a round trip to PostgreSQL, which runs on the same two cores), " +
    "the security headers (a CSP nonce per request), the request scope (AsyncLocalStorage) and the shell (ten links, two forms, the texts' script tag). " +
    "In `npm run bench:profile` none of these stands out; React's render and Node's HTTP and stream machinery are most of it, as in the bare page. " +
    "Already fixed in this run: route matching was about 15 % of the floor's CPU. Remix rebuilt its server routes and React Router converted them to data routes on every render, so the ranked-branches cache never hit; both are now made once per build, and a tree's matches are kept per pathname (patches/, decision 013). " +
    "Would fix the rest: a lighter request path than express + the Fetch API adapter, for example Remix's own Node handler without the Request/Response copies.",
  case: () =>
    "Already fixed in this run: the case, its access window, its trail, the changes made from it and the viewer's relation to its system are one statement (json aggregates), and the conflict check is given the window the page already has (9 queries → 5; 26–31 → 19–23 ms p50 in `npm run bench:profile`). " +
    "What is left: the session and the caller, that statement, the connector steps (a case with a window), the conflict check, the message log and the municipal units. In `npm run bench:profile` writing queries to PostgreSQL's socket (a loopback write costs about 60 µs of this machine's CPU) and drizzle's query builder still weigh more than rendering the 16 KiB page. " +
    "Would fix: the message log and the units in the same statement, and prepared drizzle queries, so that each is built once per process.",
  schedule: () =>
    "Already fixed in this run: the schedule's stylesheet was a string in the route's JavaScript and inline in every page (now a cached file of its own), and the system filter's 200 options are a typed field beyond 30 systems. " +
    "Earlier: the grid shows 25 systems per page (175 KiB → 118 KiB of HTML), the conflict flag's GiST probe (migration 0009) and `stockholmMidnight`'s formatter (cached per date). " +
    "What is left: the same windows twice, as the wide screen's grid and the phone's list, with the CSS choosing one — kept, so that a turned tablet or a resized window switches without a reload — and the loader data again as the page's hydration data. " +
    "Would fix: lanes sent as compact tuples, and prepared drizzle queries.",
  supplier: () =>
    "Already fixed in this run: upcoming, past and standing access show their first ten each (a link shows all) and how to log in once per system below them, not on every card: 13.2× → 8.2× (the bench supplier has 41 standing accesses, which were 23 KiB of the page). " +
    'Earlier: "upcoming" had no horizon (now the next 90 days, with the count of later ones and a link to the schedule), and the past 30 days were found by a sequential scan of all access windows (expression index, migration 0010). ' +
    "What is left: four queries for the windows and one for standing access, the open windows' two forms each, and the loader data again as the page's hydration data. Would fix: prepared drizzle queries, and the open windows' forms behind a disclosure.",
  "api-conflicts": (r, byKey) => {
    const api = byKey.get("api-conflicts")!;
    const me = byKey.get("api-me")!;
    const floor = byKey.get("floor-json")!;
    return (
      `The JSON floor does no I/O (${ms(floor.p50)} ms p50 at ${LOAD.connections} connections); the route needs three round trips to PostgreSQL — the token (\`/api/v1/me\` alone is ${ratio(me.p50 / floor.p50)} the floor), the case, and the conflict query, a recursive walk of the dependency graph both ways that is planned afresh on every call (≈ 1 ms) — so against \`/api/v1/me\` it is ${ratio(api.p50 / me.p50)}. ` +
      "Already fixed in this run: the route built the case's whole view first (trail, allowed events, linked changes: five more queries, one a sequential scan of all cases for want of an index on `linked_case_id`, migration 0010). " +
      "Would fix the rest: a server-side prepared conflict query (its plan cached; a generic plan must then still use the partial index), or caching token look-ups for a few seconds, which would delay revocation and is not done."
    );
  },
  conflicts: () =>
    "The conflict query's time grows with the table: see the plan below for the scan. Would fix: an index that answers the overlap on the related systems (migration 0004's GiST, 0009's partial GiST of active windows).",
  bundle: (r) => {
    const zodFiles = [...r.scripts.values()].flatMap((s) => s.files).filter((f) => f.zod);
    const zod = zodFiles[0];
    return zod
      ? `The page loads zod (${zod.href}, ${kib(zod.gzip)} KiB gzip): a route module that imports a *value* from \`~/ui/forms\` (e.g. \`parseId\`, even if only its action uses it) keeps that module in the browser bundle, and the module builds zod schemas at its top level, so esbuild cannot drop it or zod. ` +
          "Would fix: import such helpers from a module without zod (or use them only in `.server` modules), so only the form pages that validate in the browser load zod."
      : "Beyond the floor page's: the route's own module and chunks and its texts' namespace (the largest files are listed). " +
          "Already fixed in this run: every page loaded the language's whole dictionary (70 KiB, 19 KiB gzip); it now loads the root's texts and its own route's, found in the source (decision 025): 1.29–1.37× → 1.09–1.24×; " +
          "then a namespace held every text of every module its route imported, file by file; now the loader and action are followed declaration by declaration, and what only the action answers with comes with the submission (`~answers`): /cases and /cab 1.16× → 1.14×, /supplier 1.18× → 1.16×. " +
          "Would fix the rest: the route's own module and components (the case page's is the largest: every form of every event it can send, each behind a disclosure, is drawn by the same module), split so that a form's code loads when it opens; and one script for the root's and the page's texts on a first visit instead of two.";
  },
};

function render(r: ReportInput) {
  const byKey = new Map(r.results.map((x) => [x.key, x]));
  const rows: string[][] = [];
  const misses: string[] = [];
  const targets: string[] = [];
  for (const x of r.results) {
    const floor = x.floor ? byKey.get(x.floor) : undefined;
    const p50Ratio = floor ? x.p50 / floor.p50 : undefined;
    const ok = x.target && p50Ratio !== undefined ? p50Ratio <= x.target : undefined;
    rows.push([
      x.label,
      ms(x.p50),
      ms(x.p95),
      x.rps.toFixed(0),
      p50Ratio !== undefined ? ratio(p50Ratio) : "—",
      floor ? ratio(x.p95 / floor.p95) : "—",
      floor ? ratio(floor.rps / x.rps) : "—",
      x.target ? `≤ ${x.target}× ${mark(ok!)}` : x.floor ? "(info)" : "reference",
    ]);
    if (x.target) {
      const against = x.floor === "bare" ? "the bare Remix page" : "the floor";
      targets.push(`${mark(ok!)} ${x.label}: p50 ${ratio(p50Ratio!)} ${against} (target ≤ ${x.target}×)`);
      if (!ok) misses.push(`**${x.label}** — p50 ${ratio(p50Ratio!)} ${against}. ${WHY[x.key]?.(r, byKey) ?? ""}`);
    }
    if (x.non2xx || x.errors) misses.push(`**${x.label}** had ${x.non2xx} non-2xx answers and ${x.errors} errors/timeouts during the load run.`);
  }
  const latencyTable = table(["route", "p50 ms", "p95 ms", "req/s", "p50 ÷ ref", "p95 ÷ ref", "req/s ref ÷ route", "target"], rows);
  const floorPage = byKey.get("floor-page");
  const bareRow = byKey.get("bare");
  if (floorPage && bareRow) targets.push(`(info) the project's own floor page: p50 ${ratio(floorPage.p50 / bareRow.p50)} the bare Remix page`);
  {
    const ok = r.loginHtmlBytes / 1024 <= TARGET.loginHtmlKiB;
    targets.push(`${mark(ok)} HTML of \`/login\`: ${kib(r.loginHtmlBytes)} KiB (bare page ${kib(r.bareHtmlBytes)} KiB; target ≤ ${TARGET.loginHtmlKiB} KiB)`);
    if (!ok) misses.push(`**HTML of \`/login\`** — ${kib(r.loginHtmlBytes)} KiB.`);
  }
  {
    const ok = r.floorDataBytes / 1024 <= TARGET.floorDataKiB;
    targets.push(
      `${mark(ok)} data of a client navigation to the floor page (\`/bench/floor.data\`): ${kib(r.floorDataBytes)} KiB (target ≤ ${TARGET.floorDataKiB} KiB)`,
    );
    if (!ok) misses.push(`**Floor page data** — ${kib(r.floorDataBytes)} KiB.`);
  }
  {
    const ok = /immutable/.test(r.texts.cacheControl) && /max-age=\d{7,}/.test(r.texts.cacheControl);
    targets.push(
      `${mark(ok)} the texts of \`/login\` (${r.texts.href}, ${kib(r.texts.bytes)} KiB): \`Cache-Control: ${r.texts.cacheControl}\` — fetched once, then from cache`,
    );
    if (!ok) misses.push(`**Texts' caching** — \`${r.texts.cacheControl}\`.`);
  }

  const conflictRows = r.conflictCases.map((c) => {
    const q = c.at100k / c.at1k;
    const ok = q <= TARGET.conflicts;
    targets.push(
      `${mark(ok)} conflict check, ${c.label}: ${ratio(q)} from ${r.windowsAt1k.toLocaleString("en")} to ${r.windowsAt100k.toLocaleString("en")} windows (target ≤ ${TARGET.conflicts}×)`,
    );
    if (!ok) misses.push(`**Conflict check, ${c.label}** — ${ratio(q)}. ${WHY.conflicts!(r, byKey)}`);
    return [
      `${c.label}: ${c.number} on ${c.system} (${c.related} related systems, ${plural(c.found, "conflict")})`,
      ms(c.at1k),
      ms(c.at100k),
      `${ratio(q)} ${mark(ok)}`,
    ];
  });
  const conflictTable = table(
    [
      `case`,
      `median ms at ${r.windowsAt1k.toLocaleString("en")} windows`,
      `median ms at ${r.windowsAt100k.toLocaleString("en")} windows`,
      `ratio (target ≤ ${TARGET.conflicts}×)`,
    ],
    conflictRows,
  );

  const bundleRows = [...r.scripts].map(([key, s]) => {
    const route = byKey.get(key)!;
    const q = s.gzip / r.bareScripts.gzip;
    const ok = q <= TARGET.bundle;
    if (key !== "floor-page") {
      targets.push(`${mark(ok)} JavaScript of ${route.label}: ${ratio(q)} a bare Remix page (target ≤ ${TARGET.bundle}×)`);
      if (!ok) {
        const floorFiles = new Set(r.scripts.get("floor-page")?.files.map((f) => f.href));
        const extra = s.files
          .filter((f) => !floorFiles.has(f.href))
          .sort((a, b) => b.gzip - a.gzip)
          .slice(0, 3);
        misses.push(
          `**JavaScript of ${route.label}** — ${kib(s.gzip)} KiB gzip, ${ratio(q)} a bare Remix page; largest beyond the floor page's: ${extra.map((f) => `\`${f.href}\` ${kib(f.gzip)} KiB${f.zod ? " (zod)" : ""}`).join(", ")}. ${WHY.bundle!({ ...r, scripts: new Map([[key, s]]) }, byKey)}`,
        );
      }
    }
    return [route.label, String(s.files.length), kib(s.raw), kib(s.gzip), key === "floor-page" ? ratio(q) : `${ratio(q)} ${mark(ok)}`];
  });
  bundleRows.push(["bare Remix page (root + one index route)", String(r.bareScripts.files.length), kib(r.bareScripts.raw), kib(r.bareScripts.gzip), "1.00×"]);
  const bundleTable = table(["page", "files", "raw KiB", "gzip KiB", `÷ bare (target ≤ ${TARGET.bundle}×)`], bundleRows);
  const sweepTable = table(
    ["person", "page", "status", "median ms", "KiB sent"],
    r.sweep.map((p) => [p.who, `\`${p.path}\``, String(p.status), ms(p.medianMs), (p.htmlBytes / 1024).toFixed(1)]),
  );

  const embedded = median(r.embedded);
  const remixServe = median(r.remixServe);
  const coldTable = table(
    ["start", "runs (ms)", "median ms", "÷ remix-serve"],
    [
      [
        "`npm run serve`, fresh embedded PGlite + demo data, to 200 from `/`",
        r.embedded.map((n) => n.toFixed(0)).join(", "),
        embedded.toFixed(0),
        ratio(embedded / remixServe),
      ],
      ["`remix-serve build/index.js` (same build), to 200 from `/`", r.remixServe.map((n) => n.toFixed(0)).join(", "), remixServe.toFixed(0), "1.00×"],
      ["`npm run serve` again on the now existing embedded database (a restart)", r.restart.toFixed(0), r.restart.toFixed(0), ratio(r.restart / remixServe)],
      [
        "`npm start` = `npm run build` (this run) + the embedded start",
        `${r.buildMs.toFixed(0)} + ${embedded.toFixed(0)}`,
        (r.buildMs + embedded).toFixed(0),
        ratio((r.buildMs + embedded) / remixServe),
      ],
    ],
  );

  const removal = [...r.revocation.removalMs].sort((a, b) => a - b);
  const removalMax = removal.at(-1) ?? Infinity;
  const revocationOk = r.revocation.missing === 0 && removalMax <= r.revocation.intervalMs;
  targets.push(
    `${mark(revocationOk)} account removed after its window's end: max ${ms(removalMax)} ms over ${r.revocation.windows} windows (target ≤ one scheduler interval, ${r.revocation.intervalMs} ms)`,
  );
  if (!revocationOk)
    misses.push(
      `**Revocation** — ${r.revocation.missing} accounts still in the group at the deadline, the slowest removed ${ms(removalMax)} ms after its end. The duties loop wakes at the next window end (\`nextDutyAt\`); look for a round blocked by a slow connector.`,
    );
  const revocationTable = table(
    ["windows", "scheduler interval", "p50 ms", "p95 ms", "max ms", "not removed", "silences expired"],
    [
      [
        String(r.revocation.windows),
        `${r.revocation.intervalMs} ms`,
        ms(percentile(removal, 50)),
        ms(percentile(removal, 95)),
        ms(removalMax),
        String(r.revocation.missing),
        `${r.revocation.silencesExpired} of ${r.revocation.windows}`,
      ],
    ],
  );

  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, Node.js ${process.version}, PostgreSQL ${r.pgVersion}, ${process.platform}/${process.arch}`;
  const s = r.seeded;
  const statuses = Object.entries(s.byStatus)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  const tableText = [
    `Machine: ${machine}`,
    `Date: ${r.now.toISOString()}`,
    "",
    "Latency and throughput (loopback, autocannon)",
    latencyTable,
    "",
    "Conflict check (conflictsOf, in process)",
    conflictTable,
    "",
    "Browser JavaScript per page (gzip -9)",
    bundleTable,
    "",
    "Cold start",
    coldTable,
    "",
    "Revocation: a window's end to its account's removal from the directory group",
    revocationTable,
    "",
    "Targets",
    ...targets.map((t) => `  ${t}`),
  ].join("\n");

  // How each plan reads the cases table (the only table that grows), at both sizes.
  const readsOf = (plan: string[]) =>
    [
      ...new Set(
        plan.flatMap(
          (l) => /((?:Parallel )?(?:Seq Scan|Index Scan|Index Only Scan|Bitmap Index Scan|Bitmap Heap Scan)(?: using \S+)? on cases)\b/.exec(l)?.[1] ?? [],
        ),
      ),
    ].join(", ") || "—";
  const planLines = r.conflictCases
    .map(
      (c) =>
        `${c.label} (${c.number}) reads \`cases\` by ${readsOf(c.plan1k)} at ${r.windowsAt1k.toLocaleString("en")} windows and by ${readsOf(c.plan)} at ${r.windowsAt100k.toLocaleString("en")}; the plan at ${r.windowsAt100k.toLocaleString("en")}:\n\n\`\`\`\n${c.plan.filter((l) => /cases|Index|Seq Scan|Execution Time|Planning Time/.test(l)).join("\n")}\n\`\`\``,
    )
    .join("\n\n");

  const markdown = `# Benchmarks

Generated by \`npm run bench\` (scripts/bench.ts) — re-run it to refresh this page; figures from a
shared or busy machine are noisy, the ratios less so than the absolute numbers.

- **Machine:** ${machine}
- **Date:** ${r.now.toISOString()}
- **Whole run:** ${secs(r.totalMs)} s

## Targets

${targets.map((t) => `- ${t}`).join("\n")}

${misses.length ? `### Missed, and why\n\n${misses.map((m) => `- ${m}`).join("\n")}\n` : "Every target is met in this run.\n"}
## Fixed while writing this benchmark

The first run on this data and the runs after the fixes (same machine, same method, 2026-11-23):

- \`/schedule\` 10.3× → 2.1–2.5× the floor: the conflict flag of each window on the page probed the
  (system, range) GiST index of migration 0004 with the range alone — most of the index for every
  window. The page's windows are now joined once with the active windows of their related systems,
  over a new partial GiST index of just the active windows (migration 0009, which also serves the
  conflict check). And \`stockholmMidnight\`, called for every cell of the grid, went through
  \`Intl.DateTimeFormat.formatToParts\` twice a call — about a fifth of the page's server time; it is
  now cached per date.
- \`/supplier\` 4.6× → 1.7–2.2×: "closed in the last 30 days" read every access window (sequential
  scan); an expression index on \`coalesce(closed_at, ends_at)\` of closed windows (migration 0010).
- \`GET /api/v1/cases/:number/conflicts\` 13.9× → 4.8–5.9×: the route built the case's whole view
  (trail, allowed events, linked changes) to check the scope; it now reads the one row it needs. The
  case view's "changes created from this incident" scanned all cases: index on
  \`cases.linked_case_id\` (migration 0010).

## Revocation

Time from each window's end to its account's absence from the directory group (real OpenLDAP, read by a
poller every ${r.revocation.pollMs} ms, so figures are ± that), with the built server's own duties loop
and a real Alertmanager holding each window's silence:

${revocationTable}

## Observations

- The floor page's loader data is ${kib(r.floorDataBytes)} KiB: the language and the signed-in person. The
  texts are content-hashed scripts, the root's and one per page route (decision 025), cached immutable.
- The conflict query enumerates the simple paths through the dependency graph before keeping the
  shortest per system. For the identity platform here that is several hundred paths to ~180 systems —
  cheap at this size, but it grows combinatorially with the graph's density; if the graph grows, compute
  the closure without paths and the path only for the few systems with a conflict.
- The embedded cold start is mostly PGlite creating its data folder (initdb in WebAssembly), the
  migrations and the demo seed; a restart on an existing folder is the ${r.restart.toFixed(0)} ms row below.

## Method

**Data.** A fresh PostgreSQL database (\`portal_bench_<time>\`, dropped at the end), migrated by
\`openDatabase\` and seeded in bulk by scripts/bench/seed.ts in ${secs(r.seedMs)} s: multi-row
inserts of rows planned in memory with a seeded PRNG (not one case at a time through the workflow
service), each one a row the service could have written — machine states as the machines persist
them, an access window for every approved case, audit rows for every transition in time order
(hash-chained by the database's trigger), CAB meetings every Tuesday with their agendas, votes and
comments. ${s.systems} systems (${s.dependencies} dependencies: six platforms — identity,
integration, e-services, archive, GIS, data warehouse — that most systems lean on, then each system
on up to three earlier ones), ${s.organisations} organisations, ${s.users} people in every role,
**${s.cases.toLocaleString("en")} cases** over the last two years and the next 100 days
(${statuses}), **${s.caseWindows.toLocaleString("en")} requested windows** (\`cases.window_*\`,
what the conflict check and the schedule read) and **${s.accessWindows.toLocaleString("en")} access
windows** (${(s.caseWindows + s.accessWindows).toLocaleString("en")} windows in all),
${s.auditRows.toLocaleString("en")} audit rows, ${s.messages.toLocaleString("en")} sent messages, ${s.cabMeetings} CAB meetings. The schema keeps one
access window per case (\`access_windows_case_key\`), so "20,000 windows" over 10,000 cases is read
as the two kinds of window together rather than 20,000 access-window rows.

**Server.** The built app (\`npm run build\`, then \`node --import tsx app/server.ts\`, as
\`npm run serve\`) with \`NODE_ENV=production\`, \`DATABASE_URL\` on the seeded database,
\`JOBS_INTERVAL_MS=3600000\` (the scheduler runs once at start) and \`BENCH_FLOOR=1\`.
Signed-in requests carry a real session cookie (\`createSession\` + \`sessionCookie().serialize\`),
the API a real token (\`createApiToken\`) of a service-centre person.

**Load.** autocannon on loopback: ${LOAD.connections} keep-alive connections, ${LOAD.rounds} rounds of
${LOAD.seconds} s per route (each after a ${LOAD.warmupSeconds} s warm-up that is not counted), the
routes taken in turn in each round so drift on a shared machine hits them alike. p50 and p95 are
computed from every response's own latency; req/s is responses per measured second. The load tool,
the server and PostgreSQL share the machine's CPUs, as they would on a developer's machine.

**Floors.** Two, one for each kind of response, so a ratio shows what the route itself costs:
\`/bench/floor\` is a page whose loader returns a constant, rendered through the same root layout
(root loader with the session lookup, the root's texts, the shell, the scripts) with the same
service-centre cookie — the pages are compared with it. \`/bench/floor-json\` is a resource route
returning a constant JSON object without authentication — the API is compared with it, and
\`/api/v1/me\` (the token lookup alone) is shown beside it to separate authentication from the route's
own work. Both floor routes answer 404 unless the server runs with \`BENCH_FLOOR=1\`.

**Revocation.** A third database with ${r.revocation.windows} approved changes on one system whose
windows began an hour ago and end ${REVOCATION.staggerMs} ms apart from 20 s after the start; each
is opened by operations and its grant carried out in process (every account in a \`groupOfNames\`
on slapd, a silence in Alertmanager), then the built server starts with \`JOBS_INTERVAL_MS=${r.revocation.intervalMs}\`
and the connectors configured, and expires, revokes and expires the silences by itself
(scripts/bench/revocation.ts).

**Conflict check.** A second database seeded the same way with 1,115 cases
(${r.windowsAt1k.toLocaleString("en")} windows); the same cases are then timed again after
${(r.windowsAt100k - r.windowsAt1k).toLocaleString("en")} closed changes of the twenty years before are
added in one set-based insert (${r.windowsAt100k.toLocaleString("en")} windows, \`ANALYZE\`d). History is
placed before the seeded period on purpose: the number of genuine conflicts stays the same, so the
ratio shows whether the query reads the table (grows with it) or the index (does not). Each figure is
the median of ${CONFLICT_REPS} calls of \`conflictsOf\` (app/cases/conflicts.server.ts) in process over
one connection, after 30 to warm up.

**JavaScript.** For each page, the scripts its HTML loads (modulepreload links and module imports:
the manifest, the entry, shared chunks, the matched routes' modules), fetched from the server and
gzipped one by one with node:zlib at level 9, summed. The bare page is a Remix v2 app built in a
temporary folder with the same installed @remix-run packages and future flags: a root with
\`Meta\`, \`Links\`, \`Outlet\`, \`ScrollRestoration\` and \`Scripts\`, one index route, Remix's default
entries; served with \`remix-serve\` and measured the same way.

**Cold start.** From spawning the process to the first 200 from \`/\`, polled every 20 ms, median of
${COLD_STARTS}: \`npm run serve\` (what \`npm start\` runs after its build) with no \`DATABASE_URL\`, a fresh
\`PGLITE_DATA_DIR\` and \`DEMO_DATA=true\`, as the README's quick start — so it creates and migrates the
embedded database and seeds the demo municipality — against \`remix-serve build/index.js\` of the same
build, whose \`/\` renders for an anonymous visitor without a database. The build itself took
${secs(r.buildMs)} s in this run; \`npm start\` pays it on every start.

## Latency and throughput

${latencyTable}

## Every page, one request at a time

Each place as the person who uses it opens it, ${SWEEP_REQUESTS} requests in a row (no load), on the same data:
the median, and the size of what the server sends. A page that grows with the data shows here first.

${sweepTable}

## Conflict check

${conflictTable}

A ratio below 1× is noise or a plan as cheap at the larger size: with the history \`ANALYZE\`d the
planner still goes to the few active windows through an index, so the time does not follow the table.

${planLines}

## Browser JavaScript per page

${bundleTable}

## Cold start

${coldTable}
`;
  return { table: tableText, markdown };
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");
}

try {
  await main();
} catch (error) {
  console.error("\nbench failed:", error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await cleanup();
}
