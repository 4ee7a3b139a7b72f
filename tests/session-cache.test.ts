import { randomBytes } from "node:crypto";

import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { describe, expect, it } from "vitest";

import { registeredDatabase } from "../db/client";
import { openDatabase } from "../db/open";
import { sessions } from "../db/schema";
import { SessionCache, sessionCacheFor } from "~/access/session-cache.server";
import { createSession, deleteSession, hashToken, sessionForToken } from "~/access/sessions.server";
import { deactivateUser, setUserLang } from "~/admin/people.server";
import { makeOrganisation, makeUser } from "./support/factories";
import { SERVER_URL, useTestDatabase } from "./support/database";
import { withDatabase } from "./support/server-databases";

const db = useTestDatabase();

async function signedIn() {
  const organisation = await makeOrganisation(db(), { kind: "service-centre" });
  const user = await makeUser(db(), { organisationId: organisation.id, role: "service-centre" });
  const token = await createSession(db(), user.id);
  return { user, token };
}

/** Waits (at most five seconds) until `ready` holds: for the database's word, which comes on its own connection. */
async function until(ready: () => boolean): Promise<void> {
  for (const started = Date.now(); !ready();) {
    if (Date.now() - started > 5_000) throw new Error("the database never said so");
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The cache of the test database, once it hears the database's notifications. */
async function hearingCache(): Promise<SessionCache> {
  const cache = sessionCacheFor(db())!;
  await until(() => cache.hearing);
  return cache;
}

/**
 * A statement the portal's process did not make (another server process, or an administrator in
 * psql): on PostgreSQL through a connection of its own, on PGlite (one instance per process) on the
 * same one.
 */
async function elsewhere(statement: string): Promise<void> {
  const name = registeredDatabase()!.backend === "postgres" ? (registeredDatabase() as { name?: string }).name : undefined;
  if (!name) {
    await db().execute(sql.raw(statement));
    return;
  }
  const other = postgres(withDatabase(SERVER_URL, name), { max: 1, onnotice: () => {} });
  try {
    await other.unsafe(statement);
  } finally {
    await other.end();
  }
}

describe("the signed-in lookup's cache", () => {
  it("answers a known session without asking the database again", async () => {
    const cache = await hearingCache();
    const { user, token } = await signedIn();
    expect((await sessionForToken(db(), token))?.user.id).toBe(user.id);
    const hits = cache.hits;
    expect((await sessionForToken(db(), token))?.user.id).toBe(user.id);
    expect(cache.hits).toBe(hits + 1);
  });

  it("lets a session signed out in this process go at once", async () => {
    await hearingCache();
    const { token } = await signedIn();
    await sessionForToken(db(), token);
    await deleteSession(db(), token);
    expect(await sessionForToken(db(), token)).toBeUndefined();
  });

  it("shows a person's new language and their deactivation on the very next request", async () => {
    await hearingCache();
    const { user, token } = await signedIn();
    await sessionForToken(db(), token);
    await setUserLang(db(), user.id, "en");
    expect((await sessionForToken(db(), token))?.user.lang).toBe("en");
    await deactivateUser(db(), user.id, null);
    expect(await sessionForToken(db(), token)).toBeUndefined();
  });

  it("refuses a session ended, or a person deactivated, by another process once the database says so", async () => {
    const cache = await hearingCache();
    const { user, token } = await signedIn();
    const other = await signedIn();
    await sessionForToken(db(), token);
    await sessionForToken(db(), other.token);

    let heard = cache.generation;
    await elsewhere(`delete from sessions where id = '${hashToken(token)}'`);
    await until(() => cache.generation !== heard);
    expect(await sessionForToken(db(), token)).toBeUndefined();

    heard = cache.generation;
    await elsewhere(`update users set status = 'deactivated' where id = ${other.user.id}`);
    await until(() => cache.generation !== heard);
    expect(await sessionForToken(db(), other.token)).toBeUndefined();
    expect(user.id).not.toBe(other.user.id);
  });

  it("still ends an idle or expired session, cached or not", async () => {
    await hearingCache();
    const { token } = await signedIn();
    const now = new Date();
    expect(await sessionForToken(db(), token, { now })).toBeDefined();
    expect(await sessionForToken(db(), token, { now: new Date(now.getTime() + 31 * 60 * 1000) })).toBeUndefined();
    expect(await sessionForToken(db(), token, { now: new Date(now.getTime() + 13 * 60 * 60 * 1000) })).toBeUndefined();
  });

  it("writes the last use once a minute, and refuses a session found gone when it does", async () => {
    const cache = await hearingCache();
    const { token } = await signedIn();
    const now = new Date();
    await sessionForToken(db(), token, { now });
    const later = new Date(now.getTime() + 2 * 60 * 1000);
    expect(await sessionForToken(db(), token, { now: later })).toBeDefined();
    const [row] = await db()
      .select()
      .from(sessions)
      .where(eq(sessions.id, hashToken(token)));
    expect(row!.lastSeenAt.getTime()).toBe(later.getTime());

    // Deleted by a statement nobody hears of (the trigger's word lost): the next write finds it gone.
    await db().execute(sql`alter table sessions disable trigger sessions_deleted`);
    try {
      await db().execute(sql`delete from sessions where id = ${hashToken(token)}`);
      expect(cache.get(hashToken(token))).toBeDefined();
      expect(await sessionForToken(db(), token, { now: new Date(later.getTime() + 2 * 60 * 1000) })).toBeUndefined();
    } finally {
      await db().execute(sql`alter table sessions enable trigger sessions_deleted`);
    }
  });

  it("is not consulted for a transaction, nor for another database", async () => {
    await hearingCache();
    const { token } = await signedIn();
    await db().transaction(async (tx) => {
      expect(sessionCacheFor(tx as never)).toBeUndefined();
      expect(await sessionForToken(tx as never, token)).toBeDefined();
    });
  });
});

describe("SessionCache", () => {
  const row = (sessionId: string, userId: number) => ({ user: { id: userId }, session: { id: sessionId } }) as unknown as Parameters<SessionCache["store"]>[1];

  it("serves nothing while it may be missing the database's word, and starts empty when it hears again", () => {
    const cache = new SessionCache();
    cache.store("a", row("a", 1), cache.generation);
    expect(cache.get("a")).toBeUndefined();
    cache.setHearing(true);
    cache.store("a", row("a", 1), cache.generation);
    expect(cache.get("a")).toBeDefined();
    cache.setHearing(false);
    expect(cache.get("a")).toBeUndefined();
    cache.setHearing(true);
    expect(cache.get("a")).toBeUndefined();
  });

  it("does not keep a row read before a change it heard of", () => {
    const cache = new SessionCache();
    cache.setHearing(true);
    const before = cache.generation;
    cache.heard("u1");
    cache.store("a", row("a", 1), before);
    expect(cache.get("a")).toBeUndefined();
  });

  it("drops a person's every session, one session, or all", () => {
    const cache = new SessionCache();
    cache.setHearing(true);
    for (const [s, u] of [
      ["a", 1],
      ["b", 1],
      ["c", 2],
    ] as const)
      cache.store(s, row(s, u), cache.generation);
    cache.heard("u1");
    expect([cache.get("a"), cache.get("b"), cache.get("c")].map(Boolean)).toEqual([false, false, true]);
    cache.heard("sc");
    expect(cache.get("c")).toBeUndefined();
    cache.store("d", row("d", 3), cache.generation);
    cache.heard("*");
    expect(cache.get("d")).toBeUndefined();
  });

  it("keeps what this process is changing out until the database confirms it, or ten seconds pass", () => {
    const cache = new SessionCache();
    cache.setHearing(true);
    cache.changing("u1", 0);
    cache.store("a", row("a", 1), cache.generation, 1_000);
    expect(cache.get("a")).toBeUndefined();
    cache.store("a", row("a", 1), cache.generation, 11_000);
    expect(cache.get("a")).toBeDefined();
    cache.changing("sb", 20_000);
    cache.store("b", row("b", 2), cache.generation, 20_001);
    expect(cache.get("b")).toBeUndefined();
    cache.heard("sb");
    cache.store("b", row("b", 2), cache.generation, 20_002);
    expect(cache.get("b")).toBeDefined();
  });
});

describe("a database's listener (PostgreSQL)", () => {
  it("hears notifications, notices its connection cut, and hears again on a new one", async () => {
    const name = `portal_listen_${randomBytes(6).toString("hex")}`;
    const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const database = await openDatabase({ backend: "postgres", url: withDatabase(SERVER_URL, name), max: 2, migrate: false });
    try {
      const heard: string[] = [];
      const hearing: boolean[] = [];
      await database.listen(
        "probe",
        (payload) => heard.push(payload),
        (value) => hearing.push(value),
      );
      await until(() => hearing.includes(true));
      await database.db.execute(sql`select pg_notify('probe', 'one')`);
      await until(() => heard.includes("one"));

      const before = hearing.length;
      await admin.unsafe(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}' and application_name = 'supplier-access-portal listener'`,
      );
      await until(() => hearing.slice(before).includes(false) && hearing.at(-1) === true);
      await database.db.execute(sql`select pg_notify('probe', 'two')`);
      await until(() => heard.includes("two"));
    } finally {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
