import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { outbox } from "../db/schema";
import { applyEvent, createCase } from "~/cases/commands.server";
import { reviewQueue } from "~/cases/review.server";
import { call, signIn } from "./support/app";
import { useTestDatabase } from "./support/database";
import { makeWorld, windowAhead, type World } from "./support/world";

const db = useTestDatabase();
let w: World;

beforeAll(async () => {
  w = await makeWorld(db());
});

const change = (day: number, system = w.systems.app.code) => ({
  type: "simple-change",
  systemCode: system,
  title: `Ändring dag ${day}`,
  window: windowAhead(day),
  reason: "Uppgradering",
  bookedWithSupplier: true,
});

describe("the service centre's review queue", () => {
  it("puts emergencies on top, then the oldest first, with lead time and conflicts", async () => {
    const first = await createCase(db(), w.people.requester, change(5), new Date(Date.now() - 3 * 3600_000));
    const second = await createCase(
      db(),
      w.people.requester,
      { ...change(5, w.systems.dbs.code), title: "Krockar med första" },
      new Date(Date.now() - 2 * 3600_000),
    );
    const incident = await createCase(db(), w.people.requester, {
      type: "emergency",
      systemCode: w.systems.net.code,
      title: "Nätet nere",
      urgency: 1,
      impact: 1,
    });
    const queue = await reviewQueue(db());
    expect(queue.map((q) => q.number)).toEqual([incident.number, first.number, second.number]);
    expect(queue[1]).toMatchObject({ conflicts: 1, reason: "decide" });
    expect(queue[1]!.workingDaysLeft).toBeGreaterThanOrEqual(10);

    const cookie = await signIn(db(), w.people.serviceCentre);
    const page = await call("/service-centre", { cookie });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html.indexOf(incident.number)).toBeLessThan(html.indexOf(first.number));
    expect((await call("/service-centre", { cookie: await signIn(db(), w.people.requester) })).status).toBe(403);

    // Decided cases leave the queue.
    await applyEvent(db(), w.people.serviceCentre, first.number, { type: "APPROVE", reason: "Samordnat" });
    expect((await reviewQueue(db())).map((q) => q.number)).not.toContain(first.number);
  });

  it("forwards a case to the operations provider through the outbox and notes it in the trail", async () => {
    const created = await createCase(db(), w.people.requester, change(12));
    const cookie = await signIn(db(), w.people.serviceCentre);
    const response = await call(`/cases/${created.number}`, {
      cookie,
      form: { intent: "notice", target: "operations", note: "Driften behöver förbereda övervakningen" },
    });
    expect(response.status).toBe(302);
    const messages = await db().select().from(outbox).where(eq(outbox.template, "case.forwarded"));
    expect(messages.some((m) => m.recipient === w.ops.mailbox && (m.payload as { number: string }).number === created.number)).toBe(true);
    const page = await (await call(`/cases/${created.number}`, { cookie })).text();
    expect(page).toContain("Skickade vidare till driftleverantören");
    expect(page).toContain("Driften behöver förbereda övervakningen");
    // Only the service centre passes cases on.
    const refused = await call(`/cases/${created.number}`, {
      cookie: await signIn(db(), w.people.requester),
      form: { intent: "notice", target: "operations" },
    });
    expect(refused.status).toBe(403);
  });
});
