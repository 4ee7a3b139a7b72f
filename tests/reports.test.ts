import { and, count, inArray, isNotNull, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { auditLog, cabMeetings, cases } from "../db/schema";
import { applyEvent, createCase } from "~/cases/commands.server";
import { defaultPeriod, reportFor, type Figure, type FigureKey } from "~/reports/figures.server";
import { stockholmDate } from "../machines/calendar";
import { holdMeeting, putOnAgenda } from "./support/cab";
import { call, signIn } from "./support/app";
import { createApiToken } from "~/access/api-tokens.server";
import { useTestDatabase } from "./support/database";
import { makeWorld, windowAhead, type World } from "./support/world";

/**
 * The reports (/reports) on a database seeded here with a known mix of cases, driven through the
 * workflow as the real actors would; every figure is checked against counts the test takes from
 * the tables itself, or knows from what it seeded.
 */
const db = useTestDatabase();
let w: World;
let figures: Figure[];
const figure = (key: FigureKey) => figures.find((f) => f.key === key)!;
const row = (key: FigureKey, label: string) => {
  const f = figure(key);
  const r = f.rows.find((x) => x.label === label);
  return r ? Object.fromEntries(f.series.map((s, i) => [s, r.values[i]])) : undefined;
};

let day = 0;
const change = (type: "simple-change" | "advanced-change", title: string) =>
  createCase(db(), w.people.requester, {
    type,
    systemCode: w.systems.app.code,
    title,
    window: windowAhead(2 * ++day),
    reason: "Underhåll",
    bookedWithSupplier: true,
    risk: "Kort avbrott",
    testPlan: "Provas efteråt",
    rollbackPlan: "Ögonblicksbild",
    ...(type === "advanced-change" ? { affectedSystems: [w.systems.dbs.code] } : {}),
  });

/** A simple change carried out: approved, opened and closed in its window, its outcome reported. */
async function carriedOut(title: string, outcome: "successful" | "failed", close: "END" | "REVOKE") {
  const made = await change("simple-change", title);
  await applyEvent(db(), w.people.serviceCentre, made.number, { type: "APPROVE" });
  const [c] = await db()
    .select()
    .from(cases)
    .where(sql`${cases.number} = ${made.number}`);
  const during = new Date(c!.windowStart!.getTime() + 60_000);
  await applyEvent(db(), w.people.operations, made.number, { type: "GRANT" }, during);
  await applyEvent(db(), close === "END" ? w.people.requester : w.people.operations, made.number, { type: close }, new Date(during.getTime() + 60_000));
  await applyEvent(db(), w.people.requester, made.number, { type: "REPORT_OUTCOME", outcome });
}

beforeAll(async () => {
  w = await makeWorld(db());
  await carriedOut("Lyckad patch", "successful", "END");
  await carriedOut("Misslyckad patch", "failed", "REVOKE");
  const returned = await change("simple-change", "Returnerad");
  await applyEvent(db(), w.people.serviceCentre, returned.number, { type: "RETURN", reason: "Komplettera testplanen" });
  // An advanced change the board approves in a held meeting.
  const [meeting] = await db()
    .insert(cabMeetings)
    .values({ startsAt: new Date(Date.now() + 10 * 60_000), location: "Rum Rapport" })
    .returning();
  const advanced = await change("advanced-change", "Ny databasmotor");
  await applyEvent(db(), w.people.serviceCentre, advanced.number, { type: "REFER_TO_CAB" });
  await putOnAgenda(db(), advanced.number, meeting!.id);
  await holdMeeting(db(), meeting!.id, w.people.serviceCentre, [w.people.cab]);
  await applyEvent(db(), w.people.serviceCentre, advanced.number, { type: "CAB_APPROVE", reason: "Enigt" });
  // Two incidents: one answered, opened and refused an extension; one still waiting.
  const urgent = await createCase(db(), w.people.requester, { type: "emergency", systemCode: w.systems.app.code, title: "Nere", urgency: 1, impact: 1 });
  await applyEvent(db(), w.people.serviceCentre, urgent.number, { type: "APPROVE", reason: "Akut" });
  await applyEvent(db(), w.people.operations, urgent.number, { type: "GRANT" });
  const [window] = await db()
    .select()
    .from(cases)
    .where(sql`${cases.number} = ${urgent.number}`);
  await applyEvent(db(), w.people.requester, urgent.number, {
    type: "REQUEST_EXTENSION",
    end: new Date(window!.windowEnd!.getTime() + 3600_000).toISOString(),
    reason: "Mer tid",
  });
  await applyEvent(db(), w.people.serviceCentre, urgent.number, { type: "REFUSE_EXTENSION", reason: "Nej" });
  await createCase(db(), w.people.requester, { type: "emergency", systemCode: w.systems.dbs.code, title: "Långsam", urgency: 3, impact: 3 });
  // A draft counts nowhere.
  await createCase(db(), w.people.requester, { type: "simple-change", systemCode: w.systems.app.code, title: "Utkast", draft: true });
  figures = await reportFor(db(), defaultPeriod());
});

describe("the report's figures", () => {
  it("count the submitted cases by month and type, as the cases table does", async () => {
    const byType = await db().select({ type: cases.type, n: count() }).from(cases).where(isNotNull(cases.submittedAt)).groupBy(cases.type);
    const month = stockholmDate(new Date()).slice(0, 7);
    const counted = row("monthly", month)!;
    for (const { type, n } of byType) expect(counted[type], type).toBe(n);
    expect(counted).toEqual({ "simple-change": 3, "advanced-change": 1, emergency: 2, "standing-access": 0 });
    expect(figure("monthly").rows).toHaveLength(12);
    expect(row("emergencies", month)).toEqual({ all: 6, emergency: 2, share: 33.3 });
  });

  it("give the outcomes, the success rate and the lead times of what was seeded", () => {
    expect(row("outcomes", stockholmDate(new Date()).slice(0, 7))).toEqual({ successful: 1, failed: 1, "rolled-back": 0 });
    expect(row("success", "all")).toEqual({ reported: 2, successful: 1, rate: 50 });
    expect(row("success", "advanced-change")).toEqual({ reported: 0, successful: 0, rate: 0 });
    expect(row("leadTime", "simple-change")).toEqual({ submitted: 3, met: 3, late: 0, returned: 1, metShare: 100 });
    expect(row("leadTime", "advanced-change")).toEqual({ submitted: 1, met: 1, late: 0, returned: 0, metShare: 100 });
  });

  it("count the board's decisions, the windows' ends and the extensions as the trail does", async () => {
    const trail = Object.fromEntries(
      (
        await db()
          .select({ event: auditLog.event, n: count() })
          .from(auditLog)
          .where(and(inArray(auditLog.event, ["CAB_APPROVE", "END", "REVOKE", "EXPIRE", "REFUSE_EXTENSION", "REQUEST_EXTENSION"])))
          .groupBy(auditLog.event)
      ).map((r) => [r.event, r.n]),
    );
    expect(row("cab", "CAB_APPROVE")!.decisions).toBe(trail.CAB_APPROVE);
    expect(row("cab", "CAB_APPROVE")!.decisions).toBe(1);
    expect(row("cab", "CAB_REJECT")!.decisions).toBe(0);
    for (const event of ["END", "REVOKE", "REFUSE_EXTENSION"]) expect(row("windows", event)!.count, event).toBe(trail[event]);
    expect(row("windows", "EXPIRE")!.count).toBe(0);
    expect(row("extensions", w.supplier.name)).toEqual({ requested: trail.REQUEST_EXTENSION, approved: 0, refused: 1 });
  });

  it("give each priority's incidents and the answered one's SLA, and rank the systems", async () => {
    const byPriority = await db()
      .select({ priority: cases.priority, n: count() })
      .from(cases)
      .where(and(isNotNull(cases.submittedAt), isNotNull(cases.priority)))
      .groupBy(cases.priority);
    for (const { priority, n } of byPriority) expect(row("sla", String(priority))!.incidents).toBe(n);
    expect(row("sla", "1")).toMatchObject({ incidents: 1, responseMet: 1, responseShare: 100 });
    expect(figure("systems").rows[0]).toEqual({ label: w.systems.app.name, values: [5, expect.any(Number)] });
    expect(figure("systems").rows.map((r) => r.label)).toEqual([w.systems.app.name, w.systems.dbs.name]);
  });
});

describe("the reports page", () => {
  it("shows the service centre each figure as a chart and a table, with its CSV", async () => {
    const cookie = await signIn(db(), w.people.serviceCentre);
    const page = await call("/reports", { cookie });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Ärenden per månad och typ");
    expect(html).toContain('class="chart__bars"');
    expect(html).toContain("/reports.csv?figure=monthly&amp;from=");
    const csv = await call(`/reports.csv?figure=success&${new URLSearchParams(defaultPeriod())}`, { cookie });
    expect(csv.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("Content-Disposition")).toMatch(/^attachment; filename="success-/);
    expect((await csv.text()).split("\r\n")).toEqual([
      "Typ,Med utfall,Lyckade,Andel lyckade",
      "Enkel ändring,2,1,50",
      "Avancerad ändring,0,0,0",
      "Alla ändringar,2,1,50",
      "",
    ]);
  });

  it("gives the same figures through the API", async () => {
    const { token } = await createApiToken(db(), w.people.cab.id, "rapporter");
    const answer = await call(`/api/v1/reports?${new URLSearchParams(defaultPeriod())}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { figures: Figure[] }).figures).toEqual(JSON.parse(JSON.stringify(figures)));
    expect((await call("/api/v1/reports?from=x", { headers: { Authorization: `Bearer ${token}` } })).status).toBe(422);
  });

  it("tells a wrong period at its field, and keeps the report from the requester", async () => {
    const cookie = await signIn(db(), w.people.serviceCentre);
    const wrong = await (await call("/reports?from=2026-12-31&to=2026-01-01", { cookie })).text();
    expect(wrong).toContain("Slutdatumet kan inte vara före startdatumet.");
    expect(wrong).not.toContain('class="chart__bars"');
    expect((await call("/reports?from=31/12", { cookie })).status).toBe(200);
    expect((await call("/reports.csv?figure=nope", { cookie })).status).toBe(400);
    expect((await call("/reports", { cookie: await signIn(db(), w.people.requester) })).status).toBe(403);
  });
});
