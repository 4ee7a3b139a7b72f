import { and, eq, like, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { makeUser } from "./support/factories";
import { auditLog, cases, signInAttempts, users, type User } from "../db/schema";
import { passwordStep } from "~/access/sign-in.server";
import { hashPassword } from "~/access/password.server";
import { MAX_FAILURES_PER_ACCOUNT } from "~/access/rate-limit.server";
import { applyEvent, createCase } from "~/cases/commands.server";
import { WorkflowError } from "~/cases/errors";
import { useServerDatabase } from "./support/database";
import { makeWorld, windowAhead, type World } from "./support/world";

/**
 * Races, on the PostgreSQL server whichever backend the rest of the run uses: the requests really
 * run at once, each on a connection of its own (a pool of 20). PGlite serialises everything in one
 * session, so a race there would pass with every lock and guard removed.
 */
const db = useServerDatabase(20);
let w: World;
let secondHandler: User;

beforeAll(async () => {
  w = await makeWorld(db());
  secondHandler = await makeUser(db(), { organisationId: w.centre.id, role: "service-centre", name: "Andra handläggaren" });
});

const change = (day: number) => ({
  type: "simple-change",
  systemCode: w.systems.app.code,
  title: `Ändring ${day}`,
  window: windowAhead(day),
  reason: "Uppgradering",
  bookedWithSupplier: true,
});

/** The connections that were busy in our database at the busiest moment while `work` ran. */
async function peakConnections(work: () => Promise<unknown>): Promise<number> {
  let peak = 0;
  let done = false;
  const [{ name }] = (await db().execute(sql`select current_database() as name`)) as unknown as [{ name: string }];
  const sampling = (async () => {
    while (!done) {
      const [row] = (await db().execute(
        sql`select count(*)::int as n from pg_stat_activity where datname = ${name} and state in ('active', 'idle in transaction') and pid <> pg_backend_pid()`,
      )) as unknown as [{ n: number }];
      peak = Math.max(peak, row?.n ?? 0);
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  try {
    await work();
  } finally {
    done = true;
    await sampling;
  }
  return peak;
}

describe("concurrent decisions", () => {
  it("lets exactly one of twenty conflicting decisions by two people through, on several connections, and audits it once", async () => {
    const { number } = await createCase(db(), w.people.requester, change(40));
    let results: PromiseSettledResult<unknown>[] = [];
    const peak = await peakConnections(async () => {
      const decisions = Array.from({ length: 20 }, (_, i) => {
        const who = i % 2 ? w.people.serviceCentre : secondHandler;
        return applyEvent(db(), who, number, i % 4 < 2 ? { type: "APPROVE" } : { type: "REJECT", reason: `nej ${i}` });
      });
      results = await Promise.allSettled(decisions);
    });
    // The race was real: several transactions were open at once.
    expect(peak).toBeGreaterThan(1);
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(WorkflowError);
      expect((r.reason as WorkflowError).status).toBe(409);
    }
    const [row] = await db().select().from(cases).where(eq(cases.number, number));
    const decided = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.caseId, row!.id), eq(auditLog.fromState, "submitted")));
    expect(decided).toHaveLength(1);
    expect(row?.version).toBe(3);
  });
});

describe("concurrent creation", () => {
  it("numbers fifty simultaneous cases without a gap, also when some are refused after drawing their number", async () => {
    const before = await db().select({ number: cases.number }).from(cases).where(like(cases.number, "CHG-%"));
    // Every fifth one is submitted with a window inside the lead time: it is refused inside the
    // transaction that drew its number, so that number must go to the next case instead.
    const tooEarly = { start: new Date(Date.now() + 86_400_000).toISOString(), end: new Date(Date.now() + 90_000_000).toISOString() };
    const attempts = Array.from({ length: 50 }, (_, i) =>
      createCase(db(), w.people.requester, i % 5 === 0 ? { ...change(50 + i), window: tooEarly } : { ...change(50 + i), draft: true }),
    );
    const results = await Promise.allSettled(attempts);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused).toHaveLength(10);
    for (const r of refused) expect((r.reason as WorkflowError).status).toBe(422);
    const numbers = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.number] : []));
    expect(new Set(numbers).size).toBe(40);
    const all = await db().select({ number: cases.number }).from(cases).where(like(cases.number, "CHG-%"));
    expect(all).toHaveLength(before.length + 40);
    const sequence = all.map((c) => Number(c.number.slice(-5))).sort((a, b) => a - b);
    expect(sequence).toEqual(Array.from({ length: sequence.length }, (_, i) => i + 1));
  });
});

describe("concurrent sign-in attempts", () => {
  it("verifies no more wrong passwords for one account than the limit, however many arrive at once", async () => {
    const person = await makeUser(db(), { organisationId: w.unit.id, role: "requester", email: `race-${w.tag.toLowerCase()}@kommun.se` });
    await db()
      .update(users)
      .set({ passwordHash: await hashPassword("rätt-lösenord-för-racet") })
      .where(eq(users.id, person.id));
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => passwordStep(db(), { email: person.email, password: `fel-lösenord-${i}`, ip: `198.51.100.${i + 1}` })),
    );
    const evaluated = await db().select().from(signInAttempts).where(eq(signInAttempts.email, person.email));
    expect(evaluated).toHaveLength(MAX_FAILURES_PER_ACCOUNT);
    expect(answers.every((a) => !a.ok)).toBe(true);
    expect(answers.filter((a) => !a.ok && a.error.key === "login.locked").length).toBeGreaterThanOrEqual(12 - MAX_FAILURES_PER_ACCOUNT);
    // Locked for the right password too, until the window has passed.
    const right = await passwordStep(db(), { email: person.email, password: "rätt-lösenord-för-racet", ip: "198.51.100.99" });
    expect(right).toMatchObject({ ok: false, error: { key: "login.locked" } });
  });
});
