import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { accessWindows, auditLog, cases } from "../../db/schema";
import { REQUEST_DEADLINE_MS } from "~/http/unavailable.server";
import { applyEvent, createCase } from "~/cases/commands.server";
import { signIn } from "../support/app";
import { makeWorld, windowAhead, type World } from "../support/world";
import { createServerDatabase, startPortal, startProxy, throughProxy, type Portal } from "./support";

/**
 * The database goes away for 10 s, through a proxy between the portal and PostgreSQL, in the two
 * ways networks fail: a reset (every connection cut, new ones refused) and a partition (every
 * connection left open, nothing carried: no error, only silence). Either way pages answer with the
 * 503 page, the API with a 503 JSON error and the health check with 503, each within a bound; a
 * write that was answered 503 does not happen later; the process stays up. Afterwards the portal
 * answers again by itself, and the scheduler closes the window that ended during the outage.
 */
const OUTAGE_MS = 10_000;
/** The slowest an answer may be while the database is away: the request deadline and a margin. */
const BOUND_MS = REQUEST_DEADLINE_MS + 1_500;

let database: Awaited<ReturnType<typeof createServerDatabase>>;
let w: World;

beforeAll(async () => {
  database = await createServerDatabase();
  w = await makeWorld(database.db);
}, 120_000);

afterAll(async () => {
  await database?.drop();
});

type Answer = { status: number; text: string; retryAfter: string | null; ms: number };
const fetchStatus = async (url: string, init?: RequestInit): Promise<Answer> => {
  const started = Date.now();
  const response = await fetch(url, init);
  return { status: response.status, text: await response.text(), retryAfter: response.headers.get("Retry-After"), ms: Date.now() - started };
};

/** An open window whose end falls `endsInMs` from now, and a submitted change to try to decide. */
async function arrange(endsInMs: number) {
  const c = await createCase(database.db, w.people.requester, {
    type: "simple-change",
    systemCode: w.systems.app.code,
    title: "Nattarbete",
    window: windowAhead(2),
    reason: "x",
    bookedWithSupplier: true,
  });
  await applyEvent(database.db, w.people.serviceCentre, c.number, { type: "APPROVE" });
  await applyEvent(database.db, w.people.operations, c.number, { type: "GRANT" }, new Date(new Date(c.window!.start).getTime() + 60_000));
  const endsAt = new Date(Date.now() + endsInMs).toISOString();
  const [row] = await database.db.select().from(cases).where(eq(cases.number, c.number));
  await database.db
    .update(accessWindows)
    .set({ endsAt: new Date(endsAt), state: sql`jsonb_set(${accessWindows.state}, '{context,end}', to_jsonb(${endsAt}::text))` })
    .where(eq(accessWindows.caseId, row!.id));
  const pending = await createCase(database.db, w.people.requester, {
    type: "simple-change",
    systemCode: w.systems.dbs.code,
    title: "Väntar på beslut",
    window: windowAhead(3),
    reason: "x",
    bookedWithSupplier: true,
  });
  return { caseId: row!.id, endsAt: new Date(endsAt), pending: pending.number };
}

describe.each(["reset", "partition"] as const)("the database away for 10 s (%s)", (failure) => {
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let portal: Portal | undefined;

  afterAll(async () => {
    await portal?.kill("SIGKILL");
    await proxy?.close();
  });

  it("answers 503 clearly and in time while it is away, loses or invents no write, recovers by itself, and the scheduler catches up", async () => {
    const target = new URL(database.url);
    proxy = await startProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const cookie = await signIn(database.db, w.people.serviceCentre);
    portal = await startPortal({ databaseUrl: throughProxy(database.url, proxy.port), env: { JOBS_INTERVAL_MS: "500" } });
    const url = portal.url;
    const { caseId, endsAt, pending } = await arrange(3_000);
    const page = (path: string) => fetchStatus(`${url}${path}`, { headers: { Cookie: cookie, "Accept-Language": "sv" } });
    const api = (path: string, init: RequestInit = {}) =>
      fetchStatus(`${url}${path}`, {
        ...init,
        headers: { Authorization: `Bearer ${w.tokens.serviceCentre}`, "Content-Type": "application/json", ...init.headers },
      });
    expect((await page("/cases")).status).toBe(200);
    // The window is open when the database goes away, and ends while it is away.
    const [open] = await database.db.select().from(accessWindows).where(eq(accessWindows.caseId, caseId));
    expect(open!.status).toBe("open");
    expect(endsAt.getTime()).toBeGreaterThan(Date.now());

    if (failure === "reset") await proxy.cut();
    else proxy.partition();
    const cutAt = Date.now();
    const during: Record<"pages" | "api" | "health" | "write", Answer[]> = { pages: [], api: [], health: [], write: [] };
    // A decision sent while the database is away: answered 503, so it must not happen later either.
    const write = api(`/api/v1/cases/${pending}/events`, { method: "POST", body: JSON.stringify({ type: "RETURN", reason: "Komplettera" }) }).then((answer) =>
      during.write.push(answer),
    );
    while (Date.now() - cutAt < OUTAGE_MS) {
      const [p, a, h] = await Promise.all([page("/cases"), api("/api/v1/me"), fetchStatus(`${url}/healthcheck`)]);
      during.pages.push(p);
      during.api.push(a);
      during.health.push(h);
      await new Promise((r) => setTimeout(r, 300));
    }
    await write;
    for (const [kind, answers] of Object.entries(during)) {
      expect(new Set(answers.map((x) => x.status)), kind).toEqual(new Set([503]));
      expect(Math.max(...answers.map((x) => x.ms)), `${kind}: the slowest answer`).toBeLessThan(BOUND_MS);
    }
    const shown = during.pages.at(-1)!;
    expect(shown.text).toContain("Tjänsten är tillfälligt otillgänglig");
    expect(shown.retryAfter).toBe("10");
    expect(JSON.parse(during.api.at(-1)!.text)).toMatchObject({ error: expect.stringMatching(/temporarily unavailable/) });
    expect(portal.child.exitCode).toBeNull();

    await proxy.restore();
    const restoredAt = Date.now();
    let recovered = 0;
    while (Date.now() - restoredAt < 20_000) {
      if ((await page("/cases")).status === 200 && (await api("/api/v1/me")).status === 200) {
        recovered = Date.now() - restoredAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(recovered).toBeGreaterThan(0);

    // The scheduler closes the window that ended during the outage, as the system, once.
    let expired: (typeof auditLog.$inferSelect)[] = [];
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !expired.length) {
      expired = await database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.caseId, caseId), eq(auditLog.event, "EXPIRE")));
      if (!expired.length) await new Promise((r) => setTimeout(r, 250));
    }
    expect(expired).toHaveLength(1);
    expect(expired[0]!.actorUserId).toBeNull();
    const [after] = await database.db.select().from(cases).where(eq(cases.id, caseId));
    expect(after!.status).toBe("window-closed");
    // The decision answered 503 never happened.
    const [undecided] = await database.db.select().from(cases).where(eq(cases.number, pending));
    expect(undecided!.status).toBe("submitted");
    const slowest = Math.max(
      ...Object.values(during)
        .flat()
        .map((x) => x.ms),
    );
    console.log(
      `database away ${OUTAGE_MS / 1000} s (${failure}): ${during.pages.length} page, ${during.api.length} API, ${during.health.length} health and 1 write requests all 503 ` +
        `(slowest ${slowest} ms, bound ${BOUND_MS} ms); answering again ${recovered} ms after it came back; the overdue window closed by the scheduler; the refused write never landed`,
    );
  }, 150_000);
});
