import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { connect, type Socket } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { sql, type Logger } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

import type { Database, Db } from "./client";
import { RequestAbandoned, requestAbandoned } from "./deadline";
import { acquireDirectoryLock } from "./lock";
import * as schema from "./schema";

export const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

/** Any number identifying the portal's migration lock among PostgreSQL advisory locks. */
const MIGRATION_LOCK_KEY = 7_240_113;

export type OpenOptions =
  | { backend: "postgres"; url: string; max?: number; migrate?: boolean; statementTimeoutMs?: number; logger?: Logger }
  | {
      backend: "pglite";
      /** A directory; omitted means in memory. */
      dataDir?: string;
      /** A dump of a data directory to start from (tests start from a migrated template). */
      loadDataDir?: Blob;
      migrate?: boolean;
      /** Sees every statement (tests count what a page asks). */
      logger?: Logger;
    };

/**
 * How long one statement may run on the server (statement_timeout). Every page asks for far less;
 * a statement that takes longer is cut by the server with an error, never left to hang.
 */
export const STATEMENT_TIMEOUT_MS = 5_000;
/**
 * A connection that was sent something and has heard nothing back for this long is taken for
 * dead and destroyed. Longer than any statement may run, so only a network that has stopped
 * carrying packets (a partition: no reset, no answer) trips it. TCP alone would wait minutes.
 */
export const SILENCE_LIMIT_MS = STATEMENT_TIMEOUT_MS + 2_000;
/** Opening a connection: the TCP handshake and the server's first answer (postgres.js's connect_timeout). */
export const CONNECT_TIMEOUT_MS = 5_000;

/**
 * A listener says LISTEN again this often (idempotent; it reopens a lost connection) and sends a
 * beat of its own through the pool, which must come back before the next one (listenPostgres).
 */
export const LISTEN_HEARTBEAT_MS = 1_000;

/** Opens a database and applies pending migrations (unless `migrate: false`). */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  return options.backend === "postgres" ? openPostgres(options) : openPglite(options);
}

/**
 * A plain TCP connection to the server, watched: each write arms a timer that any byte from the
 * server disarms; a connection silent past SILENCE_LIMIT_MS after a write is destroyed, so the
 * query on it fails at once (and the pool opens a new one) instead of waiting for TCP's give-up.
 * Only for plain connections: with TLS, postgres.js wraps the socket itself and its bytes bypass
 * this watch (a request still gets its 503 by its deadline, app/http/unavailable.server.ts).
 */
function watchedSocket(host: string, port: number, silenceMs: number): Socket {
  // Returned while still connecting: postgres.js writes its start-up message at once (buffered
  // until connected), and a failed connect ends as 'error' + 'close', which it handles itself —
  // its connect_timeout included.
  const socket = connect({ host, port });
  socket.setNoDelay(true);
  let timer: NodeJS.Timeout | undefined;
  const disarm = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = ((...args: unknown[]) => {
    timer ??= setTimeout(
      () => socket.destroy(Object.assign(new Error(`no answer from ${host}:${port} for ${silenceMs} ms`), { code: "ETIMEDOUT" })),
      silenceMs,
    );
    return write(...args);
  }) as typeof socket.write;
  socket.on("data", disarm);
  socket.once("close", disarm);
  return socket;
}

/** Where a postgres:// URL points (host and port), for the watched socket; undefined for a Unix socket or TLS. */
function plainTcpTarget(url: string): { host: string; port: number } | undefined {
  const parsed = new URL(url);
  const sslmode = parsed.searchParams.get("sslmode") ?? parsed.searchParams.get("ssl");
  if (sslmode && !["disable", "false"].includes(sslmode)) return undefined;
  if (!parsed.hostname || parsed.hostname.startsWith("%2F") || parsed.searchParams.has("host")) return undefined;
  return { host: decodeURIComponent(parsed.hostname).replace(/^\[|\]$/g, ""), port: Number(parsed.port || 5432) };
}

type Sql = postgres.Sql;

/**
 * The client drizzle gets, with every statement prepared: drizzle sends unnamed statements unless a
 * query is built with `.prepare(name)`, and for an unnamed statement with parameters postgres.js
 * first asks the server to describe it — two round trips and a parse and plan each time. Prepared,
 * a statement is parsed once per connection and runs in one round trip (postgres.js keeps them per
 * connection, keyed by text and parameter types). Transactions and savepoints hand drizzle a
 * client of their own; those are wrapped the same way. See docs/decisions/013-request-cost.md.
 */
function preparedByDefault(client: Sql): Sql {
  type Work = (sql: Sql) => unknown;
  const wrap = (work: Work) => (inner: Sql) => work(preparedByDefault(inner));
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === "unsafe") {
        return (query: string, parameters?: unknown[], options?: Record<string, unknown>) =>
          target.unsafe(query, parameters as never, { ...options, prepare: true });
      }
      if (property === "begin" || property === "savepoint") {
        const method = Reflect.get(target, property, receiver) as (...args: unknown[]) => unknown;
        return (...args: unknown[]) =>
          method.apply(
            target,
            args.map((arg) => (typeof arg === "function" ? wrap(arg as Work) : arg)),
          );
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

/** Every transaction of a request that has already been answered 503 is rolled back at its end. */
function rollBackAbandoned(db: Db): Db {
  const transaction = db.transaction.bind(db);
  db.transaction = ((work: (tx: Db) => Promise<unknown>, config?: unknown) =>
    transaction(async (tx) => {
      const result = await work(tx as unknown as Db);
      if (requestAbandoned()) throw new RequestAbandoned();
      return result;
    }, config as never)) as typeof db.transaction;
  return db;
}

async function openPostgres(options: { url: string; max?: number; migrate?: boolean; statementTimeoutMs?: number; logger?: Logger }): Promise<Database> {
  const target = plainTcpTarget(options.url);
  const statementTimeout = options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS;
  const client = postgres(options.url, {
    max: options.max ?? 10,
    onnotice: () => {},
    // A server that does not answer fails the request within a few seconds (then a 503).
    connect_timeout: CONNECT_TIMEOUT_MS / 1000,
    // Between failed connection attempts wait at most 1 s (postgres.js grows this to 20 s): a
    // request during an outage gets its 503 at once, and the first after it gets through.
    backoff: (retries: number) => Math.min(0.1 * retries, 1),
    ...(target ? { socket: () => watchedSocket(target.host, target.port, Math.max(SILENCE_LIMIT_MS, statementTimeout + 2_000)) } : {}),
    // Prepared statements (preparedByDefault) are still planned for their parameters each time: a
    // generic plan cannot fold the `($1 is null or …)` filters of the schedule and lists.
    connection: { application_name: "supplier-access-portal", TimeZone: "UTC", statement_timeout: statementTimeout, plan_cache_mode: "force_custom_plan" },
  });
  const db = rollBackAbandoned(drizzlePostgres(preparedByDefault(client), { schema, ...(options.logger ? { logger: options.logger } : {}) }) as unknown as Db);
  try {
    if (options.migrate !== false) await migratePostgresOnce(options.url);
  } catch (error) {
    await client.end({ timeout: 1 });
    throw error;
  }
  const listeners: Array<() => Promise<void>> = [];
  return {
    db,
    backend: "postgres",
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    listen: async (channel, onNotify, onHearing) => {
      const send = (payload: string) => client`select pg_notify(${channel}, ${payload})`;
      listeners.push(listenPostgres(options.url, target, channel, send, onNotify, onHearing));
    },
    close: async () => {
      await Promise.all(listeners.map((stop) => stop()));
      await client.end({ timeout: 5 });
    },
  };
}

/** What a listener's own heartbeat notifications start with; never passed on. */
const BEAT = "beat ";

/**
 * One connection of its own that LISTENs on `channel`. Every heartbeat it says LISTEN again (which
 * reopens a lost connection) and then NOTIFYs the channel through the pool, as any change would be
 * told. It is hearing while that beat comes back before the next: notifications arrive in commit
 * order, so every change committed before the beat has been heard. A closed connection, a server
 * or network gone silent, or a pooler that does not carry notifications (transaction mode) all
 * stop it hearing within two heartbeats. Returns its stop.
 */
function listenPostgres(
  url: string,
  target: { host: string; port: number } | undefined,
  channel: string,
  send: (payload: string) => Promise<unknown>,
  onNotify: (payload: string) => void,
  onHearing: (hearing: boolean) => void,
): () => Promise<void> {
  const me = randomBytes(6).toString("hex");
  let sent = 0;
  let echoed = 0;
  let hearing = false;
  let stopped = false;
  const hear = (value: boolean) => {
    if (value === hearing || (value && stopped)) return;
    hearing = value;
    onHearing(value);
  };
  // postgres.js hands NotificationResponse messages to `onnotify` (its own listen() uses it), though its types omit it.
  const notified = {
    onnotify: (name: string, payload: string) => {
      if (name !== channel) return;
      if (!payload.startsWith(BEAT)) return onNotify(payload);
      if (payload === `${BEAT}${me} ${sent}`) {
        echoed = sent;
        hear(true);
      }
    },
  };
  const connection = postgres(url, {
    ...(notified as object),
    max: 1,
    max_lifetime: null,
    fetch_types: false,
    onnotice: () => {},
    connect_timeout: CONNECT_TIMEOUT_MS / 1000,
    backoff: () => LISTEN_HEARTBEAT_MS / 1000,
    ...(target ? { socket: () => watchedSocket(target.host, target.port, SILENCE_LIMIT_MS) } : {}),
    connection: { application_name: "supplier-access-portal listener" },
    onclose: () => hear(false),
  });
  const quoted = `"${channel.replace(/"/g, '""')}"`;
  const beat = () => {
    if (echoed !== sent) hear(false);
    const n = ++sent;
    connection
      .unsafe(`listen ${quoted}`)
      .then(() => send(`${BEAT}${me} ${n}`))
      .catch(() => hear(false));
  };
  beat();
  const timer = setInterval(beat, LISTEN_HEARTBEAT_MS);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    hear(false);
    await connection.end({ timeout: 1 });
  };
}

/**
 * Several instances may start at once: one migrates, the others wait for the advisory lock and
 * then find nothing to do. A client of exactly one connection keeps the lock and the migration
 * on the same session.
 */
async function migratePostgresOnce(url: string): Promise<void> {
  const session = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await session`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migratePostgres(drizzlePostgres(session, { schema }), { migrationsFolder });
    await session`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
  } finally {
    await session.end({ timeout: 5 });
  }
}

async function openPglite(options: { dataDir?: string; loadDataDir?: Blob; migrate?: boolean; logger?: Logger }): Promise<Database> {
  let release: (() => void) | undefined;
  let client: PGlite | undefined;
  try {
    if (options.dataDir) {
      const dir = path.resolve(options.dataDir);
      mkdirSync(path.dirname(dir), { recursive: true });
      release = acquireDirectoryLock(dir);
      client = await PGlite.create(dir, { extensions: { btree_gist } });
    } else {
      client = await PGlite.create({ extensions: { btree_gist }, loadDataDir: options.loadDataDir });
    }
    const pg = client;
    const db = rollBackAbandoned(drizzlePglite(pg, { schema, ...(options.logger ? { logger: options.logger } : {}) }) as unknown as Db);
    if (options.migrate !== false) await migratePglite(drizzlePglite(pg, { schema }), { migrationsFolder });
    const listeners: Array<() => Promise<void>> = [];
    return {
      db,
      backend: "pglite",
      ping: async () => {
        await pg.query("select 1");
      },
      // One instance in this process holds the database: every commit's notifications are handed
      // to its listeners before the committing statement returns, and none can be missed.
      listen: async (channel, onNotify, onHearing) => {
        listeners.push(await pg.listen(channel, onNotify));
        onHearing(true);
      },
      close: async () => {
        try {
          if (!pg.closed) {
            await Promise.all(listeners.map((stop) => stop()));
            await pg.close();
          }
        } finally {
          release?.();
        }
      },
    };
  } catch (error) {
    if (client && !client.closed) await client.close().catch(() => {});
    release?.();
    throw error;
  }
}

/** Dumps an in-memory PGlite database so other instances can start from it. */
export async function dumpPglite(database: Database): Promise<Blob> {
  const client = (database.db as unknown as { $client: PGlite }).$client;
  return (await client.dumpDataDir("none")) as Blob;
}
