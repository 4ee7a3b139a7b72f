import { and, eq, like } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { auditLog, cases } from "../db/schema";
import { applyEvent, createCase, WorkflowError } from "~/workflow/cases.server";
import { useTestDatabase } from "./support/database";
import { makeWorld, windowAhead, type World } from "./support/world";

/**
 * Races on one case. On the PostgreSQL server (DATABASE_URL) the requests really run at once on
 * separate connections; on PGlite they queue, and the outcome must be the same.
 */
const db = useTestDatabase();
let w: World;

beforeAll(async () => {
  w = await makeWorld(db());
});

const change = (day: number) => ({
  type: "simple-change",
  systemCode: w.systems.app.code,
  title: `Ändring ${day}`,
  window: windowAhead(day),
  reason: "Uppgradering",
  bookedWithSupplier: true,
});

describe("concurrent decisions", () => {
  it("lets exactly one of twenty conflicting decisions through and audits it once", async () => {
    const { number } = await createCase(db(), w.people.requester, change(40));
    const decisions = Array.from({ length: 20 }, (_, i) =>
      applyEvent(db(), w.people.serviceCentre, number, i % 2 ? { type: "APPROVE" } : { type: "REJECT", reason: `nej ${i}` }),
    );
    const results = await Promise.allSettled(decisions);
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
  it("gives fifty simultaneous cases fifty distinct, consecutive numbers", async () => {
    const created = await Promise.all(Array.from({ length: 50 }, (_, i) => createCase(db(), w.people.requester, { ...change(50 + i), draft: true })));
    const numbers = created.map((c) => c.number);
    expect(new Set(numbers).size).toBe(50);
    const all = await db().select({ number: cases.number }).from(cases).where(like(cases.number, "CHG-%"));
    const sequence = all.map((c) => Number(c.number.slice(-5))).sort((a, b) => a - b);
    expect(sequence).toEqual(Array.from({ length: sequence.length }, (_, i) => i + 1));
  });
});
