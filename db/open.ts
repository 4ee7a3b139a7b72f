import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

import type { Database, Db } from "./client";
import { acquireDirectoryLock } from "./lock";
import * as schema from "./schema";

export const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

/** Any number identifying the portal's migration lock among PostgreSQL advisory locks. */
const MIGRATION_LOCK_KEY = 7_240_113;

export type OpenOptions =
  | { backend: "postgres"; url: string; max?: number; migrate?: boolean }
  | {
      backend: "pglite";
      /** A directory; omitted means in memory. */
      dataDir?: string;
      /** A dump of a data directory to start from (tests start from a migrated template). */
      loadDataDir?: Blob;
      migrate?: boolean;
    };

/** Opens a database and applies pending migrations (unless `migrate: false`). */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  return options.backend === "postgres" ? openPostgres(options) : openPglite(options);
}

async function openPostgres(options: { url: string; max?: number; migrate?: boolean }): Promise<Database> {
  const client = postgres(options.url, {
    max: options.max ?? 10,
    onnotice: () => {},
    // A server that does not answer fails the request within 10 s (then a 503) instead of 30.
    connect_timeout: 10,
    // Between failed connection attempts wait at most 1 s (postgres.js grows this to 20 s): a
    // request during an outage gets its 503 at once, and the first after it gets through.
    backoff: (retries: number) => Math.min(0.1 * retries, 1),
    connection: { application_name: "supplier-access-portal", TimeZone: "UTC" },
  });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  try {
    if (options.migrate !== false) await migratePostgresOnce(options.url);
  } catch (error) {
    await client.end({ timeout: 1 });
    throw error;
  }
  return {
    db,
    backend: "postgres",
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => client.end({ timeout: 5 }),
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

async function openPglite(options: { dataDir?: string; loadDataDir?: Blob; migrate?: boolean }): Promise<Database> {
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
    const db = drizzlePglite(pg, { schema }) as unknown as Db;
    if (options.migrate !== false) await migratePglite(drizzlePglite(pg, { schema }), { migrationsFolder });
    return {
      db,
      backend: "pglite",
      ping: async () => {
        await pg.query("select 1");
      },
      close: async () => {
        try {
          if (!pg.closed) await pg.close();
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
