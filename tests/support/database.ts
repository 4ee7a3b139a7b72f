import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

import type { Logger } from "drizzle-orm";
import { afterAll, beforeAll, inject } from "vitest";

import { setDatabase, type Database, type Db } from "../../db/client";
import { openDatabase } from "../../db/open";
import { withDatabase } from "./server-databases";
import { sessionCacheFor } from "~/access/session-cache.server";

/**
 * A fresh, migrated database of its own for one test file: PGlite by default, a new database on
 * the PostgreSQL server when DATABASE_URL is set. It is dropped when the file's tests end.
 */
export async function createTestDatabase(options: { logger?: Logger } = {}): Promise<Database & { name: string }> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `portal_test_${randomBytes(6).toString("hex")}`;
    const postgres = (await import("postgres")).default;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name} template ${inject("serverTemplate")}`);
    await admin.end();
    const database = await openDatabase({ backend: "postgres", url: withDatabase(url, name), max: 20, migrate: false, ...options });
    return {
      ...database,
      name,
      close: async () => {
        await database.close();
        const cleanup = postgres(url, { max: 1, onnotice: () => {} });
        await cleanup.unsafe(`drop database if exists ${name} with (force)`);
        await cleanup.end();
      },
    };
  }
  const template = new Blob([readFileSync(inject("pgliteTemplate"))]);
  const database = await openDatabase({ backend: "pglite", loadDataDir: template, migrate: false, ...options });
  return { ...database, name: "pglite" };
}

/**
 * Gives the calling test file its own database, also registered as the process database so
 * route modules (which call `db()`) use it. Returns a getter, valid inside tests.
 */
export function useTestDatabase(): () => Db {
  let database: (Database & { name: string }) | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    setDatabase(database);
  });
  afterAll(async () => {
    setDatabase(undefined);
    await database?.close();
  });
  return () => {
    if (!database) throw new Error("useTestDatabase(): the database is opened in beforeAll");
    return database.db;
  };
}

/** The PostgreSQL server concurrency tests use: DATABASE_URL's, else the local one (README, "Tests"). */
export const SERVER_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * A fresh, migrated database on the PostgreSQL server, whichever backend the rest of the run uses:
 * a race is only a race on several real connections, which PGlite (one session in process) cannot
 * give. `max` connections in the pool. Dropped when the file's tests end.
 */
export function useServerDatabase(max = 20): () => Database["db"] {
  let database: Database | undefined;
  let name = "";
  beforeAll(async () => {
    name = `portal_race_${randomBytes(6).toString("hex")}`;
    const postgres = (await import("postgres")).default;
    const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
    const template = inject("serverTemplate");
    await admin.unsafe(`create database ${name}${template ? ` template ${template}` : ""}`);
    await admin.end();
    database = await openDatabase({ backend: "postgres", url: withDatabase(SERVER_URL, name), max, migrate: !template });
  });
  afterAll(async () => {
    await database?.close();
    const postgres = (await import("postgres")).default;
    const cleanup = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
    await cleanup.unsafe(`drop database if exists ${name} with (force)`);
    await cleanup.end();
  });
  return () => {
    if (!database) throw new Error("useServerDatabase(): the database is opened in beforeAll");
    return database.db;
  };
}

/**
 * Runs a change to sessions or people made past the portal's code (a test's own statement, as an
 * administrator in psql would) and waits until the process's session cache has heard of it: on
 * PostgreSQL the database's word comes on another connection, a moment after the commit.
 */
export async function changedElsewhere<T>(db: Db, work: () => Promise<T>): Promise<T> {
  const cache = sessionCacheFor(db);
  const before = cache?.generation;
  const result = await work();
  if (cache?.hearing) {
    for (const started = Date.now(); cache.generation === before;) {
      if (Date.now() - started > 5_000) throw new Error("the session cache never heard of the change");
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  return result;
}
