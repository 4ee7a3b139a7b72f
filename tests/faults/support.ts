import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, connect, type Server, type Socket } from "node:net";

import postgres from "postgres";

import type { Db } from "../../db/client";
import { openDatabase } from "../../db/open";
import { freePort, waitUntilHealthy } from "../browser/harness";
import { withDatabase } from "../support/server-databases";

/**
 * Fault tests run the built portal as its own process against a database of its own on the
 * PostgreSQL server (DATABASE_URL), so it can be killed, restarted and cut off from the database.
 */
export const SESSION_SECRET = "fault-test-secret-fault-test-secret-0123";

export function serverUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('The fault tests need a PostgreSQL server: set DATABASE_URL (see README, "Fault tests").');
  return url;
}

/** A fresh, migrated database on the server, with a drizzle handle for setting up and checking. */
export async function createServerDatabase() {
  const name = `portal_fault_${randomBytes(5).toString("hex")}`;
  const admin = postgres(serverUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = withDatabase(serverUrl(), name);
  const database = await openDatabase({ backend: "postgres", url, max: 5 });
  return {
    url,
    db: database.db as Db,
    drop: async () => {
      await database.close();
      const cleanup = postgres(serverUrl(), { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

export type Portal = { url: string; child: ChildProcess; output(): string; kill(signal?: NodeJS.Signals): Promise<void> };

/** Starts `app/server.ts` (the built app) and waits until /healthcheck answers 200. */
export async function startPortal(options: { databaseUrl: string; port?: number; env?: Record<string, string> }): Promise<Portal> {
  const port = options.port ?? (await freePort());
  const url = `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    APP_URL: url,
    DATABASE_URL: options.databaseUrl,
    SESSION_SECRET,
    DEMO_DATA: "false",
    ...options.env,
  };
  const child = spawn(process.execPath, ["--import", "tsx", "app/server.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await waitUntilHealthy(url, child, () => output);
  return {
    url,
    child,
    output: () => output,
    kill: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

/**
 * A TCP proxy between the portal and PostgreSQL that fails in the two ways networks do:
 * - `cut()` closes every open connection and refuses new ones (a database restart, a reset);
 * - `partition()` keeps every connection open but carries nothing, either way, and new
 *   connections are accepted but get no further (packets dropped: no error, only silence).
 * `restore()` ends either. After a partition, what was held back is delivered (as TCP's
 * retransmissions would), on the connections both ends still have.
 */
export async function startProxy(target: { host: string; port: number }) {
  const port = await freePort();
  type Pair = { client: Socket; upstream: Socket | null; toUpstream: Buffer[]; toClient: Buffer[] };
  const pairs = new Set<Pair>();
  let server: Server | undefined;
  let silent = false;

  const drop = (pair: Pair) => {
    pair.client.destroy();
    pair.upstream?.destroy();
    pairs.delete(pair);
  };
  const forward = (pair: Pair) => {
    if (silent) return;
    if (!pair.upstream) {
      const upstream = connect(target.port, target.host);
      pair.upstream = upstream;
      upstream.on("error", () => drop(pair)).on("close", () => drop(pair));
      upstream.on("data", (chunk: Buffer) => {
        pair.toClient.push(chunk);
        forward(pair);
      });
    }
    for (const chunk of pair.toUpstream.splice(0)) pair.upstream.write(chunk);
    for (const chunk of pair.toClient.splice(0)) pair.client.write(chunk);
  };
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        const pair: Pair = { client, upstream: null, toUpstream: [], toClient: [] };
        pairs.add(pair);
        client.on("error", () => drop(pair)).on("close", () => drop(pair));
        client.on("data", (chunk: Buffer) => {
          pair.toUpstream.push(chunk);
          forward(pair);
        });
        forward(pair);
      });
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
  await listen();
  return {
    port,
    /** Connections carried right now (both ends open). */
    connections: () => pairs.size,
    cut: async () => {
      const closing = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      for (const pair of [...pairs]) drop(pair);
      await closing;
      server = undefined;
    },
    partition: () => {
      silent = true;
    },
    restore: async () => {
      if (silent) {
        silent = false;
        for (const pair of [...pairs]) forward(pair);
      }
      if (!server) await listen();
    },
    close: async () => {
      for (const pair of [...pairs]) drop(pair);
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}

/** The URL with its host and port replaced (to point the portal at the proxy). */
export function throughProxy(databaseUrl: string, port: number): string {
  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return url.toString();
}
