import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { cases, outbox } from "../db/schema";
import { applyEvent, createCase } from "~/cases/commands.server";
import { reviewQueue } from "~/cases/review.server";
import { warnIncidentClocks } from "~/cases/sla.server";
import { getCaseView } from "~/cases/views.server";
import { call, signIn } from "./support/app";
import { useTestDatabase } from "./support/database";
import { makeWorld, type World } from "./support/world";

/**
 * The incident clocks where the service centre meets them: the queue shows the clock that matters
 * (sorted by it), the case page both, and the scheduler warns before a breach, once.
 */
const db = useTestDatabase();
let w: World;

beforeAll(async () => {
  w = await makeWorld(db());
});

const incident = async (title: string, urgency: 1 | 2 | 3, impact: 1 | 2 | 3) =>
  (await createCase(db(), w.people.requester, { type: "emergency", systemCode: w.systems.app.code, title, urgency, impact })).number;

describe("incident clocks on the service centre's desk", () => {
  it("sorts incidents by the clock that matters now, not by who came first", async () => {
    const taken = await incident("Inloggningen långsam", 2, 1);
    await applyEvent(db(), w.people.serviceCentre, taken, { type: "START_REVIEW" });
    const fresh = await incident("Kartan visar fel lager", 2, 1);
    const queue = (await reviewQueue(db())).filter((i) => [taken, fresh].includes(i.number));
    // The fresh one's answer is due within the hour; the one taken up has its 8 hours to be resolved.
    expect(queue.map((i) => [i.number, i.sla?.clock, i.sla?.state])).toEqual([
      [fresh, "response", "running"],
      [taken, "resolution", "running"],
    ]);
  });

  it("shows both clocks on the case and a breach in the queue, and warns the service centre once before the breach", async () => {
    const number = await incident("Allt nere", 1, 1);
    const cookie = await signIn(db(), w.people.serviceCentre);
    const page = await (await call(`/cases/${number}`, { cookie })).text();
    const sla = page.slice(page.indexOf('id="case-sla"'), page.indexOf("</dd>", page.indexOf('id="case-sla"')));
    expect(sla).toContain("Svar senast");
    expect(sla).toContain("Löst senast");

    const [c] = await db().select().from(cases).where(eq(cases.number, number));
    const submitted = c!.submittedAt!.getTime();
    const warnings = async () =>
      (await db().select().from(outbox)).filter((m) => m.template === "sla.responseWarning" && (m.payload as { number: string }).number === number);
    // 10 of 15 minutes gone: not yet; 12 gone (a quarter left): warned, once however often the scheduler runs.
    await warnIncidentClocks(db(), new Date(submitted + 10 * 60_000));
    expect(await warnings()).toHaveLength(0);
    await warnIncidentClocks(db(), new Date(submitted + 12 * 60_000));
    await warnIncidentClocks(db(), new Date(submitted + 13 * 60_000));
    expect((await warnings()).map((m) => m.recipient)).toEqual([w.centre.mailbox]);

    const later = (await reviewQueue(db(), new Date(submitted + 20 * 60_000))).find((i) => i.number === number);
    expect(later?.sla).toMatchObject({ clock: "response", state: "breached" });
    // Answered late: the response stays breached on the case, the resolution clock runs.
    await applyEvent(db(), w.people.serviceCentre, number, { type: "START_REVIEW" });
    const view = await getCaseView(db(), w.people.serviceCentre, number);
    expect(view.sla?.resolution.state).toBe("running");
    expect(view.sla?.response.stopped).toBe(true);
  });

  it("stands still while the incident is back with the requester", async () => {
    const number = await incident("Utskrifter fastnar", 3, 2);
    await applyEvent(db(), w.people.serviceCentre, number, { type: "RETURN", reason: "Vilken skrivare gäller det?" });
    const view = await getCaseView(db(), w.people.requester, number);
    expect(view.sla).toMatchObject({ response: { state: "met" }, resolution: { state: "paused", dueAt: null } });
    const page = await (await call(`/cases/${number}`, { cookie: await signIn(db(), w.people.requester) })).text();
    expect(page).toContain("Lösningstiden står still – väntar på beställaren");
  });
});
