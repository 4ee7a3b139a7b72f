import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { setDatabase, type Database } from "../db/client";
import { createTestDatabase } from "./support/database";
import { inReadScope, oncePerRequest } from "~/http/request-scope.server";
import { sessionCacheFor } from "~/access/session-cache.server";
import { makeOrganisation, makeUser } from "./support/factories";
import { call, signIn } from "./support/app";

// A database of this file's own, whose every statement is seen: what a page asks of it.
const statements: string[] = [];
let database: Database;
let cookie: string;

beforeAll(async () => {
  // PGlite, or a database of its own on the PostgreSQL server when DATABASE_URL is set.
  database = await createTestDatabase({ logger: { logQuery: (query) => void statements.push(query) } });
  setDatabase(database);
  const unit = await makeOrganisation(database.db, { kind: "municipal-unit" });
  const centre = await makeUser(database.db, { organisationId: unit.id, role: "service-centre" });
  cookie = await signIn(database.db, centre);
});

afterAll(async () => {
  setDatabase(undefined);
  await database?.close();
});

/** Look-ups of the caller: asked of the database, or answered by the process's session cache. */
let hitsBefore = 0;
const cacheHits = () => sessionCacheFor(database.db)?.hits ?? 0;
const sessionLookups = () =>
  statements.filter((s) => /from "users" inner join "sessions"|from "sessions"/.test(s) && s.startsWith("select")).length + cacheHits() - hitsBefore;
const forget = () => {
  statements.length = 0;
  hitsBefore = cacheHits();
};

describe("one request, one look-up of its caller", () => {
  it("looks the session up once for all of a page's loaders (root and route)", async () => {
    forget();
    const response = await inReadScope("GET", () => call("/cases", { cookie }));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("<h1");
    expect(sessionLookups()).toBe(1);
  });

  it("gives each read its own scope: a later request looks the session up again", async () => {
    forget();
    await inReadScope("GET", () => call("/cases", { cookie }));
    await inReadScope("GET", () => call("/cases", { cookie }));
    expect(sessionLookups()).toBe(2);
  });

  it("never shares within a POST, whose action may change who the caller is", () => {
    let made = 0;
    inReadScope("POST", () => {
      oncePerRequest("x", () => ++made);
      oncePerRequest("x", () => ++made);
    });
    expect(made).toBe(2);
    inReadScope("GET", () => {
      oncePerRequest("x", () => ++made);
      oncePerRequest("x", () => ++made);
    });
    expect(made).toBe(3);
  });
});
