import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { outbox } from "../db/schema";
import { applyEvent, createCase } from "~/cases/commands.server";
import { QUEUE_PAGE_SIZE, reviewQueue, reviewQueuePage } from "~/cases/review.server";
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

  it("shows a long queue a page at a time, in the queue's order, with the conflicts of the cases shown", async () => {
    const existing = (await reviewQueue(db())).length;
    // Enough waiting cases for a second page, on two days so that some of them meet each other.
    for (let i = existing; i <= QUEUE_PAGE_SIZE; i++) await createCase(db(), w.people.requester, { ...change(20 + (i % 2)), title: `Kö ${i}` });
    const now = new Date();
    const whole = await reviewQueue(db(), now);
    expect(whole.length).toBe(QUEUE_PAGE_SIZE + 1);
    expect(whole.some((item) => item.conflicts > 0)).toBe(true);

    // The same order, cut in pages; the conflicts counted as for the whole queue.
    const [one, two] = [await reviewQueuePage(db(), 1, { now, pageSize: 20 }), await reviewQueuePage(db(), 3, { now, pageSize: 20 })];
    expect(one).toMatchObject({ total: whole.length, page: 1, pages: 3 });
    expect(one.items).toEqual(whole.slice(0, 20));
    expect(two.items).toEqual(whole.slice(40));
    // Past the end is the last page.
    expect((await reviewQueuePage(db(), 99, { pageSize: 20 })).page).toBe(3);

    const cookie = await signIn(db(), w.people.serviceCentre);
    const first = await (await call("/service-centre", { cookie })).text();
    expect(first).toContain(`Att hantera (${whole.length})`);
    expect(first).toContain(whole[QUEUE_PAGE_SIZE - 1]!.number);
    expect(first).not.toContain(`>${whole[QUEUE_PAGE_SIZE]!.number}<`);
    expect(first).toMatch(/href="\/service-centre\?page=2"/);
    const second = await (await call("/service-centre?page=2", { cookie })).text();
    expect(second).toContain(`>${whole[QUEUE_PAGE_SIZE]!.number}<`);
    expect(second).not.toContain(`>${whole[0]!.number}<`);
    expect(second).toMatch(/href="\/service-centre"/);
    // A page number that is not one shows the first page.
    expect(await (await call("/service-centre?page=x", { cookie })).text()).toContain(`>${whole[0]!.number}<`);
  });
});
