/**
 * `npm run bench:profile -- /cases [/cab …]`: where a page's server time goes. Seeds a database as
 * `npm run bench` does, starts the built server with `--cpu-prof`, loads each path for a few
 * seconds as the service centre (or `--as cab|supplier`), stops the server and prints the
 * functions with the most self time and the packages they belong to. Cleans up after itself.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import postgres from "postgres";

import { openDatabase } from "../../db/open";
import { createSession } from "~/access/sessions.server";
import { sessionCookie } from "~/access/guards.server";
import { seedBench } from "./seed";
import { freePort, load, portalEnv, root, run, start, untilOk } from "./support";

const MAINTENANCE_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const SECRET = randomBytes(32).toString("base64url");
process.env.SESSION_SECRET = SECRET;

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

const args = process.argv.slice(2);
const as = args.includes("--as") ? args[args.indexOf("--as") + 1]! : "serviceCentre";
const paths = args.filter((a, i) => a.startsWith("/") && args[i - 1] !== "--as");
const seconds = Number(process.env.PROFILE_SECONDS ?? 6);
const callerDepth = Number(process.env.PROFILE_DEPTH ?? 4);

/** Which package (or app file) a frame belongs to. */
function owner(url: string): string {
  if (!url) return "(native)";
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const rest = url.slice(modules + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.includes("/build/index.js")) return "build/index.js (app)";
  if (url.startsWith("node:")) return "node";
  return path.relative(root, url.replace(/^file:\/\//, ""));
}

function summarise(profile: Profile) {
  const self = new Map<number, number>();
  const total = profile.timeDeltas.reduce((a, b) => a + b, 0);
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (!us) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || "(anonymous)"}  ${owner(url)}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    byOwner.set(owner(url), (byOwner.get(owner(url)) ?? 0) + us);
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `  ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`)
      .join("\n");
  const callers = process.env.PROFILE_CALLERS
    ? `\n\ncallers of ${process.env.PROFILE_CALLERS} (inclusive time):\n${callersOf(profile, self, total, process.env.PROFILE_CALLERS)}`
    : "";
  return `by package:\n${top(byOwner, 15)}\n\nby function (self time):\n${top(byFunction, 40)}${callers}`;
}

/** Where the calls of one function come from: its inclusive time by the three frames above it. */
function callersOf(profile: Profile, self: Map<number, number>, total: number, name: string): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = (id: number): number => (self.get(id) ?? 0) + (byId.get(id)!.children ?? []).reduce((sum, c) => sum + inclusive(c), 0);
  const frame = (id: number | undefined) =>
    id === undefined
      ? ""
      : `${byId.get(id)!.callFrame.functionName || "(anon)"}@${owner(byId.get(id)!.callFrame.url)}:${byId.get(id)!.callFrame.lineNumber + 1}`;
  const chains = new Map<string, number>();
  for (const n of profile.nodes) {
    if (n.callFrame.functionName !== name) continue;
    const up: string[] = [];
    for (let id = parent.get(n.id), i = 0; id !== undefined && i < callerDepth; id = parent.get(id), i++) up.push(frame(id));
    const key = up.join(" < ");
    chains.set(key, (chains.get(key) ?? 0) + inclusive(n.id));
  }
  return [...chains.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([k, us]) => `  ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`)
    .join("\n");
}

async function main() {
  const admin = postgres(MAINTENANCE_URL, { max: 1, onnotice: () => {} });
  const name = `portal_profile_${Date.now()}`;
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(MAINTENANCE_URL);
  url.pathname = `/${name}`;
  const profileDir = mkdtempSync(path.join(tmpdir(), "portal-profile-"));
  const database = await openDatabase({ backend: "postgres", url: url.toString(), max: 4 });
  try {
    const seeded = await seedBench(database.db, { now: new Date() });
    const person = seeded.people[as as keyof typeof seeded.people];
    const cookie = (await sessionCookie().serialize(await createSession(database.db, person))).split(";")[0]!;
    await run(process.execPath, [path.join(root, "node_modules", "@remix-run", "dev", "dist", "cli.js"), "build"]);
    const port = await freePort();
    const base = `http://localhost:${port}`;
    const server = start(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, "--import", "tsx", "app/server.ts"], {
      env: portalEnv(port, url.toString(), SECRET),
    });
    try {
      await untilOk(`${base}/healthcheck`, server, { since: performance.now(), timeoutMs: 60_000, intervalMs: 100 });
      for (const p of paths.length ? paths : ["/bench/floor"]) {
        const page = await fetch(`${base}${p}`, { headers: { cookie } });
        const data = await fetch(`${base}${p === "/" ? "/_root" : p}.data`, { headers: { cookie } });
        const html = await page.text();
        if (process.env.PROFILE_DUMP) writeFileSync(path.join(process.env.PROFILE_DUMP, `${p.replace(/\W+/g, "_")}.html`), html);
        console.log(`${p}: ${page.status}, HTML ${(html.length / 1024).toFixed(1)} KiB, .data ${((await data.text()).length / 1024).toFixed(1)} KiB`);
        const result = await load(`${base}${p}`, { headers: { cookie }, connections: 4, seconds, warmupSeconds: 1 });
        console.log(`${p}: p50 ${result.p50} ms, ${result.rps.toFixed(0)} req/s, non-2xx ${result.non2xx}`);
      }
    } finally {
      server.child.kill("SIGINT");
      await new Promise((r) => server.child.once("exit", r));
    }
    const file = readdirSync(profileDir).find((f) => f.endsWith(".cpuprofile"));
    if (!file) throw new Error("no profile written (the server must exit on SIGINT)");
    const profile = readFileSync(path.join(profileDir, file), "utf8");
    if (process.env.PROFILE_OUT) writeFileSync(process.env.PROFILE_OUT, profile);
    console.log(summarise(JSON.parse(profile) as Profile));
  } finally {
    await database.close();
    if (process.env.PROFILE_KEEP) console.log(`kept database ${url.toString()}`);
    else await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
    rmSync(profileDir, { recursive: true, force: true });
  }
}

await main();
