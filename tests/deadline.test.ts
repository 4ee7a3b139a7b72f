import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { eq } from "drizzle-orm";
import postgres from "postgres";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

import { setDatabase } from "../db/client";
import { auditLog, cases } from "../db/schema";
import { withDatabaseUnavailable } from "~/http/unavailable.server";
import { createCase } from "~/cases/commands.server";
import { useServerDatabase } from "./support/database";
import { makeWorld, windowAhead, type World } from "./support/world";

/**
 * A request that waits too long for the database is answered 503 — and then must not change
 * anything later. The wait here is a row lock held by another connection (the same silence a
 * partition gives, made on purpose): once the lock is let go, the request's transaction runs to
 * its end, and is rolled back rather than committed.
 */
const db = useServerDatabase(5);
let w: World;
let handler: ReturnType<typeof createRequestHandler>;
const DEADLINE_MS = 400;

beforeAll(async () => {
  setDatabase({ db: db(), backend: "postgres", ping: async () => {}, listen: async () => {}, close: async () => {} });
  w = await makeWorld(db());
  const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
  handler = createRequestHandler(withDatabaseUnavailable(build, { deadlineMs: DEADLINE_MS }), "production");
});

describe("a request past its deadline", () => {
  it("is answered 503 in time, and its write never happens afterwards", async () => {
    const c = await createCase(db(), w.people.requester, {
      type: "simple-change",
      systemCode: w.systems.app.code,
      title: "Låst rad",
      window: windowAhead(3),
      reason: "x",
      bookedWithSupplier: true,
    });
    const [before] = await db().select().from(cases).where(eq(cases.number, c.number));
    const url = (db() as unknown as { $client: { options: { host: string[]; port: number[]; database: string; user: string } } }).$client.options;
    const blocker = postgres({ host: url.host[0], port: url.port[0], database: url.database, user: url.user, max: 1, onnotice: () => {} });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holding = blocker.begin(async (tx) => {
      await tx`select id from cases where id = ${before!.id} for update`;
      locked();
      await held;
    });
    await isLocked;
    try {
      const started = Date.now();
      const response = await handler(
        new Request(`http://localhost:3000/api/v1/cases/${c.number}/events`, {
          method: "POST",
          headers: { Authorization: `Bearer ${w.tokens.serviceCentre}`, "Content-Type": "application/json" },
          body: JSON.stringify({ type: "RETURN", reason: "Komplettera" }),
        }),
        { ip: "192.0.2.1" },
      );
      const took = Date.now() - started;
      expect(response.status).toBe(503);
      expect(response.headers.get("Retry-After")).toBe("10");
      expect(took).toBeLessThan(DEADLINE_MS + 1000);
    } finally {
      release();
      await holding;
      await blocker.end();
    }
    // The abandoned request now gets its lock and runs to its end; give it time to try to commit.
    await new Promise((r) => setTimeout(r, 500));
    const [after] = await db().select().from(cases).where(eq(cases.number, c.number));
    expect(after!.status).toBe(before!.status);
    expect(after!.version).toBe(before!.version);
    const returned = await db().select().from(auditLog).where(eq(auditLog.caseId, before!.id));
    expect(returned.some((a) => a.event === "RETURN")).toBe(false);
  });
});
