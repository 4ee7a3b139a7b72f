import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";

import type * as schema from "./schema";

/**
 * The drizzle API every query function takes as its first argument. It is the same type on
 * PGlite and on postgres.js, and a transaction satisfies it too, so one function serves both
 * `db` and `tx`.
 */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema, ExtractTablesWithRelations<typeof schema>>;
export type Tx = PgTransaction<PgQueryResultHKT, typeof schema, ExtractTablesWithRelations<typeof schema>>;

export type Backend = "pglite" | "postgres";

export interface Database {
  db: Db;
  backend: Backend;
  /** Cheap liveness probe used by /healthcheck. */
  ping(): Promise<void>;
  /**
   * Hears a channel's notifications (NOTIFY, sent at commit). `onHearing(true)` once listening, and
   * again after every reconnection; `onHearing(false)` as soon as notifications may be going
   * unheard (a lost connection; on PostgreSQL also a heartbeat that did not come back within
   * LISTEN_HEARTBEAT_MS). Ends with `close()`.
   */
  listen(channel: string, onNotify: (payload: string) => void, onHearing: (hearing: boolean) => void): Promise<void>;
  close(): Promise<void>;
}

// The handle lives on globalThis: the server entry opens it once at start-up and the Remix
// bundle (which `remix dev` re-imports on every rebuild) reads the same one.
const registry = globalThis as typeof globalThis & { __portalDatabase?: Database };

export function setDatabase(database: Database | undefined): void {
  registry.__portalDatabase = database;
}

/** The process's database, or undefined before start-up (or between tests). */
export function registeredDatabase(): Database | undefined {
  return registry.__portalDatabase;
}

export function currentDatabase(): Database {
  const database = registry.__portalDatabase;
  if (!database) throw new Error("The database is not open: the server opens it at start-up (db/open.ts).");
  return database;
}

/** The process's drizzle instance. */
export function db(): Db {
  return currentDatabase().db;
}

/** Rows of a raw `db.execute(sql…)`, which PGlite returns as `{ rows }` and postgres.js as an array. */
export async function rows<T>(result: Promise<unknown>): Promise<T[]> {
  const value = (await result) as T[] | { rows: T[] };
  return Array.isArray(value) ? value : value.rows;
}
