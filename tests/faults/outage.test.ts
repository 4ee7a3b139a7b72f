import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { accessWindows, auditLog, cases } from "../../db/schema";
import { applyEvent, createCase } from "~/workflow/cases.server";
import { signIn } from "../support/app";
import { makeWorld, windowAhead, type World } from "../support/world";
import { createServerDatabase, startPortal, startProxy, throughProxy, type Portal } from "./support";

/**
 * The database goes away for 10 s (every connection cut, new ones refused, through a proxy
 * between the portal and PostgreSQL). Meanwhile pages answer with the 503 page, the API with a
 * 503 JSON error and the health check with 503; the process stays up. Afterwards the portal
 * answers again by itself, and the scheduler closes the window that ended during the outage.
 */
const OUTAGE_MS = 10_000;

let database: Awaited<ReturnType<typeof createServerDatabase>>;
let proxy: Awaited<ReturnType<typeof startProxy>>;
let portal: Portal;
let w: World;

beforeAll(async () => {
  database = await createServerDatabase();
  const target = new URL(database.url);
  proxy = await startProxy({ host: target.hostname, port: Number(target.port || 5432) });
  w = await makeWorld(database.db);
}, 120_000);

afterAll(async () => {
  await portal?.kill("SIGKILL");
  await proxy?.close();
  await database?.drop();
});

let slowest = 0;
const fetchStatus = async (url: string, init?: RequestInit) => {
  const started = Date.now();
  const response = await fetch(url, init);
  const answer = { status: response.status, text: await response.text(), retryAfter: response.headers.get("Retry-After") };
  slowest = Math.max(slowest, Date.now() - started);
  return answer;
};

describe("the database away for 10 s", () => {
  it("answers 503 clearly while it is away, recovers by itself, and the scheduler catches up", async () => {
    // An open window that ends while the database is away.
    const c = await createCase(database.db, w.people.requester, { type: "simple-change", systemCode: w.systems.app.code, title: "Nattarbete", window: windowAhead(2), reason: "x", bookedWithSupplier: true });
    await applyEvent(database.db, w.people.serviceCentre, c.number, { type: "APPROVE" });
    await applyEvent(database.db, w.people.operations, c.number, { type: "GRANT" }, new Date(new Date(c.window!.start).getTime() + 60_000));
    const endsAt = new Date(Date.now() + 4_000).toISOString();
    const [row] = await database.db.select().from(cases).where(eq(cases.number, c.number));
    await database.db
      .update(accessWindows)
      .set({ endsAt: new Date(endsAt), state: sql`jsonb_set(${accessWindows.state}, '{context,end}', to_jsonb(${endsAt}::text))` })
      .where(eq(accessWindows.caseId, row!.id));
    const cookie = await signIn(database.db, w.people.serviceCentre);

    portal = await startPortal({ databaseUrl: throughProxy(database.url, proxy.port), env: { JOBS_INTERVAL_MS: "500" } });
    const page = (path: string) => fetchStatus(`${portal.url}${path}`, { headers: { Cookie: cookie, "Accept-Language": "sv" } });
    const api = (path: string) => fetchStatus(`${portal.url}${path}`, { headers: { Authorization: `Bearer ${w.tokens.serviceCentre}` } });
    expect((await page("/cases")).status).toBe(200);

    await proxy.cut();
    const cutAt = Date.now();
    slowest = 0;
    const during = { pages: [] as number[], api: [] as number[], health: [] as number[] };
    let shown = { text: "", retryAfter: null as string | null };
    while (Date.now() - cutAt < OUTAGE_MS) {
      const cases = await page("/cases");
      during.pages.push(cases.status);
      if (cases.status === 503) shown = cases;
      during.api.push((await api("/api/v1/me")).status);
      during.health.push((await fetchStatus(`${portal.url}/healthcheck`)).status);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(new Set(during.pages)).toEqual(new Set([503]));
    expect(new Set(during.api)).toEqual(new Set([503]));
    expect(new Set(during.health)).toEqual(new Set([503]));
    expect(shown.text).toContain("Tjänsten är tillfälligt otillgänglig");
    expect(shown.retryAfter).toBe("10");
    const apiBody = (await api("/api/v1/me")).text;
    expect(JSON.parse(apiBody)).toMatchObject({ error: expect.stringMatching(/temporarily unavailable/) });
    expect(portal.child.exitCode).toBeNull();
    const slowestDuring = slowest;

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
      expired = await database.db.select().from(auditLog).where(and(eq(auditLog.caseId, row!.id), eq(auditLog.event, "EXPIRE")));
      if (!expired.length) await new Promise((r) => setTimeout(r, 250));
    }
    expect(expired).toHaveLength(1);
    expect(expired[0]!.actorUserId).toBeNull();
    const [after] = await database.db.select().from(cases).where(eq(cases.id, row!.id));
    expect(after!.status).toBe("window-closed");
    console.log(
      `database away ${OUTAGE_MS / 1000} s: ${during.pages.length} page, ${during.api.length} API and ${during.health.length} health requests all 503 (slowest ${slowestDuring} ms); ` +
        `answering again ${recovered} ms after it came back; the overdue window closed by the scheduler`,
    );
  }, 120_000);
});
