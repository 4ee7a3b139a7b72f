import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { auditLog, blackoutPeriods, cabMeetings, cases, outbox } from "../db/schema";
import { earliestStart, stockholmDate } from "../machines/calendar";
import { applyEvent, editCase } from "~/cases/commands.server";
import { WorkflowError } from "~/cases/errors";
import { translatorFor } from "~/i18n/i18n.server";
import { call, signIn } from "./support/app";
import { holdMeeting, putOnAgenda } from "./support/cab";
import { useTestDatabase } from "./support/database";
import { makeWorld, windowAhead, type World } from "./support/world";

const db = useTestDatabase();
let w: World;

beforeAll(async () => {
  w = await makeWorld(db());
});

const as = (token: string) => ({ Authorization: `Bearer ${token}` });
const post = (path: string, token: string, json: unknown) => call(path, { method: "POST", json, headers: as(token) });
const get = (path: string, token: string) => call(path, { headers: as(token) });

// Each change gets a day of its own unless a test wants them to overlap.
let day = 20;
function change(overrides: Record<string, unknown> = {}) {
  return {
    type: "simple-change",
    systemCode: w.systems.app.code,
    title: "Versionsuppgradering 4.2",
    description: "Uppgradering av applikationsservern.",
    window: windowAhead(day++),
    reason: "Säkerhetsrättningar",
    bookedWithSupplier: true,
    accounts: ["adm-leverantor"],
    ...overrides,
  };
}

describe("lead time", () => {
  it("answers the earliest start for a change, publicly", async () => {
    const response = await call("/api/v1/lead-time?type=simple-change&submittedDate=2026-12-21");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ type: "simple-change", workingDays: 3, submittedDate: "2026-12-21", earliestStart: "2026-12-28" });
    const advanced = await (await call("/api/v1/lead-time?type=advanced-change&submittedDate=2026-12-21")).json();
    expect(advanced.earliestStart).toBe("2027-01-11");
  });

  it("refuses anything malformed with 400 and a message", async () => {
    for (const query of [
      "",
      "?type=simple-change",
      "?type=emergency&submittedDate=2026-12-21",
      "?type=simple-change&submittedDate=2026-02-30",
      "?type=simple-change&submittedDate=21/12/2026",
      "?type=simple-change&submittedDate=2026-12-21&x=1",
    ]) {
      const response = await call(`/api/v1/lead-time${query}`);
      expect(response.status, query).toBe(400);
      expect(typeof (await response.json()).error, query).toBe("string");
    }
  });
});

describe("creating cases through the API", () => {
  it("numbers a submitted change, records it and tells the service centre", async () => {
    const response = await post("/api/v1/cases", w.tokens.requester, change());
    expect(response.status).toBe(201);
    const created = await response.json();
    expect(created.number).toMatch(new RegExp(`^CHG-${stockholmDate(new Date()).slice(0, 4)}-\\d{5}$`));
    expect(created.status).toBe("submitted");
    expect(created.supplier.name).toBe(w.supplier.name);
    expect(created.audit.map((a: { event: string }) => a.event)).toEqual(["CREATE", "SUBMIT"]);
    expect(created.allowedEvents).toContain("CANCEL");
    const [row] = await db().select().from(cases).where(eq(cases.number, created.number));
    const messages = await db().select().from(outbox).where(eq(outbox.template, "case.submitted"));
    expect(messages.some((m) => m.recipient === w.centre.mailbox && (m.payload as { number: string }).number === created.number)).toBe(true);
    expect(row?.machineVersion).toBe(1);
  });

  it("refuses a window that starts too early and names the earliest allowed date", async () => {
    const today = stockholmDate(new Date());
    const tomorrow = new Date(Date.now() + 24 * 3600_000);
    const response = await post(
      "/api/v1/cases",
      w.tokens.requester,
      change({ window: { start: tomorrow.toISOString(), end: new Date(tomorrow.getTime() + 3600_000).toISOString() } }),
    );
    expect(response.status).toBe(422);
    const body = await response.json();
    const earliest = earliestStart("simple-change", today);
    expect(body.error).toContain(earliest);
    // The field's message reads the date as the pages do ("Mon, 7 Dec 2026"), not as an ISO string.
    expect(body.fieldErrors["window.start"]).toContain(translatorFor("en").formatDate(earliest));
    expect(body.fieldErrors["window.start"]).not.toContain(earliest);
  });

  it("requires the advanced change's affected systems, risk, test and rollback plans", async () => {
    const response = await post("/api/v1/cases", w.tokens.requester, change({ type: "advanced-change" }));
    expect(response.status).toBe(422);
    const { fieldErrors } = await response.json();
    expect(Object.keys(fieldErrors).sort()).toEqual(["affectedSystems", "risk", "rollbackPlan", "testPlan"]);
  });

  it("computes an incident's priority and numbers a service request BEG", async () => {
    const incident = await (
      await post("/api/v1/cases", w.tokens.requester, {
        type: "emergency",
        systemCode: w.systems.app.code,
        title: "Inloggningen fungerar inte",
        urgency: 1,
        impact: 2,
      })
    ).json();
    expect(incident.number).toMatch(/^INC-/);
    expect(incident.priority).toBe(2);
    const hours = (Date.parse(incident.window.end) - Date.parse(incident.window.start)) / 3600_000;
    expect(hours).toBe(4);
    const request = await (
      await post("/api/v1/cases", w.tokens.requester, {
        type: "emergency",
        kind: "service-request",
        systemCode: w.systems.app.code,
        title: "Behörighet",
        urgency: 3,
        impact: 3,
      })
    ).json();
    expect(request.number).toMatch(/^BEG-/);
    expect(request.priority).toBe(4);
  });

  it("refuses systems the requester does not administer, and callers who are not requesters", async () => {
    expect((await post("/api/v1/cases", w.tokens.stranger, change())).status).toBe(422);
    expect((await post("/api/v1/cases", w.tokens.serviceCentre, change())).status).toBe(403);
    expect((await call("/api/v1/cases", { method: "POST", json: change() })).status).toBe(401);
  });

  it("answers malformed JSON, unknown fields, unknown types and huge strings with 4xx, never 5xx", async () => {
    const raw = await call("/api/v1/cases", {
      method: "POST",
      headers: { ...as(w.tokens.requester), "Content-Type": "application/json" },
      form: undefined,
      json: undefined,
    });
    expect(raw.status).toBe(400);
    const broken = await call("/api/v1/cases", { method: "POST", headers: as(w.tokens.requester), json: "{" });
    expect([400, 422]).toContain(broken.status);
    expect((await post("/api/v1/cases", w.tokens.requester, change({ surprise: true }))).status).toBe(422);
    expect((await post("/api/v1/cases", w.tokens.requester, change({ type: "teleport" }))).status).toBe(422);
    expect((await post("/api/v1/cases", w.tokens.requester, change({ title: "x".repeat(50_000) }))).status).toBe(422);
    expect((await post("/api/v1/cases", w.tokens.requester, change({ description: "x".repeat(70_000) }))).status).toBe(413);
    const text = await call("/api/v1/cases", { method: "POST", headers: { ...as(w.tokens.requester) }, form: { title: "x" } });
    expect(text.status).toBe(415);
  });
});

describe("events", () => {
  async function submitted(overrides: Record<string, unknown> = {}) {
    const response = await post("/api/v1/cases", w.tokens.requester, change(overrides));
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json()).number as string;
  }
  const send = (number: string, token: string, event: Record<string, unknown>) => post(`/api/v1/cases/${number}/events`, token, event);

  it("holds a freeze: a reason alone does not approve a window in one, only the service centre's explicit override does, and it is audited", async () => {
    const window = windowAhead(day++);
    const number = await submitted({ window });
    await db()
      .insert(blackoutPeriods)
      .values({ systemId: null, startsAt: new Date(window.start), endsAt: new Date(window.end), reason: "Årsskiftet" });
    const blind = await send(number, w.tokens.serviceCentre, { type: "APPROVE", reason: "Brådskande" });
    expect(blind.status).toBe(422);
    expect((await blind.json()).fieldErrors.overrideFreeze).toContain("Only the service centre can approve it");
    // The override needs its reason too.
    expect((await send(number, w.tokens.serviceCentre, { type: "APPROVE", overrideFreeze: true })).status).toBe(422);
    // The case page offers the override with the approval.
    const cookie = await signIn(db(), w.people.serviceCentre);
    const html = await (await call(`/cases/${number}`, { cookie })).text();
    expect(html).toContain('name="overrideFreeze"');
    expect(html).toContain("Häv frysperioden för det här fönstret");
    const passed = await send(number, w.tokens.serviceCentre, { type: "APPROVE", overrideFreeze: true, reason: "Säkerhetsrättning som inte kan vänta" });
    expect(passed.status).toBe(200);
    const [trail] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.event, "APPROVE"), eq(auditLog.reason, "Säkerhetsrättning som inte kan vänta")));
    expect(trail!.detail).toMatchObject({ overrideFreeze: true });
    // The override is shown on the case (page and API), on the schedule — not to the supplier.
    expect((await passed.json()).freezeOverride).toEqual({
      by: w.people.serviceCentre.name,
      at: trail!.at.toISOString(),
      reason: "Säkerhetsrättning som inte kan vänta",
    });
    const page = await (await call(`/cases/${number}`, { cookie })).text();
    expect(page).toContain("Undantag från frysperiod");
    expect(page).toContain(`Godkänt trots frysperiod av ${w.people.serviceCentre.name}`);
    const date = stockholmDate(new Date(window.start));
    const schedule = await (await call(`/schedule?date=${date}`, { cookie })).text();
    expect(schedule).toMatch(new RegExp(`data-case="${number}"(?:(?!</div>).)*undantag från frysperiod`, "s"));
    const supplierView = await (await call(`/api/v1/cases/${number}`, { headers: { Authorization: `Bearer ${w.tokens.consultant}` } })).json();
    expect(supplierView.freezeOverride).toBeNull();
  });

  it("lets only the service centre decide, and answers 403, 409 and 422 for the rest", async () => {
    const number = await submitted();
    expect((await send(number, w.tokens.requester, { type: "APPROVE" })).status).toBe(403);
    expect((await send(number, w.tokens.operations, { type: "APPROVE" })).status).toBe(403);
    expect((await send(number, w.tokens.serviceCentre, { type: "REJECT" })).status).toBe(422);
    expect((await send(number, w.tokens.serviceCentre, { type: "TELEPORT" })).status).toBe(422);
    expect((await send(number, w.tokens.serviceCentre, { type: "CAB_APPROVE" })).status).toBe(422);
    const approved = await send(number, w.tokens.serviceCentre, { type: "APPROVE" });
    expect(approved.status).toBe(200);
    const body = await approved.json();
    expect(body.status).toBe("approved");
    expect(body.accessWindow.status).toBe("scheduled");
    expect((await send(number, w.tokens.serviceCentre, { type: "APPROVE" })).status).toBe(409);
    expect((await send(number, w.tokens.serviceCentre, { type: "RETURN", reason: "för sent" })).status).toBe(409);
  });

  it("takes a change window over 72 hours, which the service centre must allow explicitly", async () => {
    const start = windowAhead(90).start;
    const number = await submitted({ window: { start, end: new Date(Date.parse(start) + 96 * 3600_000).toISOString() } });
    const refused = await send(number, w.tokens.serviceCentre, { type: "APPROVE" });
    expect(refused.status).toBe(422);
    expect((await refused.json()).fieldErrors.allowLongWindow).toContain("72");
    expect((await send(number, w.tokens.serviceCentre, { type: "APPROVE", allowLongWindow: true })).status).toBe(200);
  });

  it("never shows a supplier the municipality's risk notes, plans or the reasons in the trail", async () => {
    const number = await submitted({ risk: "HEMLIG RISKANALYS", rollbackPlan: "HEMLIG PLAN" });
    await send(number, w.tokens.serviceCentre, { type: "RETURN", reason: "INTERN KOMMENTAR" });
    const seen = await (await get(`/api/v1/cases/${number}`, w.tokens.consultant)).text();
    expect(seen).not.toContain("HEMLIG");
    expect(seen).not.toContain("INTERN KOMMENTAR");
    const staff = await (await get(`/api/v1/cases/${number}`, w.tokens.serviceCentre)).text();
    expect(staff).toContain("HEMLIG RISKANALYS");
    expect((await get(`/api/v1/cases/${number}/conflicts`, w.tokens.consultant)).status).toBe(403);
  });

  it("hides other suppliers' and other systems' cases (404) and lists only what the caller may see", async () => {
    const number = await submitted();
    expect((await get(`/api/v1/cases/${number}`, w.tokens.consultant)).status).toBe(200);
    expect((await get(`/api/v1/cases/${number}`, w.tokens.otherConsultant)).status).toBe(404);
    expect((await get(`/api/v1/cases/${number}`, w.tokens.stranger)).status).toBe(404);
    expect((await send(number, w.tokens.otherConsultant, { type: "END" })).status).toBe(404);
    const mine = await (await get("/api/v1/cases?pageSize=100", w.tokens.otherConsultant)).json();
    expect(mine.items).toEqual([]);
    const all = await (await get(`/api/v1/cases?system=${w.systems.app.code}&status=submitted`, w.tokens.serviceCentre)).json();
    expect(all.items.some((i: { number: string }) => i.number === number)).toBe(true);
    expect((await get("/api/v1/cases?page=zero", w.tokens.serviceCentre)).status).toBe(400);
  });

  it("returns for information, takes the edit and the resubmission, and keeps the whole trail", async () => {
    const number = await submitted();
    const returned = await send(number, w.tokens.serviceCentre, { type: "RETURN", reason: "Vilka konton behövs?" });
    expect((await returned.json()).status).toBe("returned");
    const later = windowAhead(3);
    expect((await send(number, w.tokens.requester, { type: "EDIT", window: later })).status).toBe(200);
    const again = await (await send(number, w.tokens.requester, { type: "SUBMIT" })).json();
    expect(again.status).toBe("submitted");
    expect(again.window.start).toBe(new Date(later.start).toISOString());
    expect(again.audit.map((a: { event: string; reason: string | null }) => [a.event, a.reason])).toEqual([
      ["CREATE", null],
      ["SUBMIT", null],
      ["RETURN", "Vilka konton behövs?"],
      ["EDIT", null],
      ["SUBMIT", null],
    ]);
  });

  it("needs a reason to approve despite a conflict on a dependent system, and records it", async () => {
    const window = windowAhead(5);
    const first = await submitted({ window, systemCode: w.systems.net.code });
    const second = await submitted({ window: { start: window.start, end: new Date(Date.parse(window.end) + 3600_000).toISOString() } });
    const conflicts = await (await get(`/api/v1/cases/${second}`, w.tokens.serviceCentre)).json();
    expect(conflicts.status).toBe("submitted");
    const refused = await send(second, w.tokens.serviceCentre, { type: "APPROVE" });
    expect(refused.status).toBe(422);
    expect((await refused.json()).fieldErrors.reason).toBeDefined();
    const ok = await send(second, w.tokens.serviceCentre, { type: "APPROVE", reason: "Samordnat med nätverksarbetet" });
    expect(ok.status).toBe(200);
    const trail = (await ok.json()).audit.at(-1);
    expect(trail).toMatchObject({ event: "APPROVE", reason: "Samordnat med nätverksarbetet" });
    expect(first).not.toBe(second);
  });

  it("sends an advanced change to the CAB and reclassifies a simple one, checking the lead time again", async () => {
    const advanced = (
      await (
        await post(
          "/api/v1/cases",
          w.tokens.requester,
          change({ type: "advanced-change", affectedSystems: [w.systems.dbs.code], risk: "Låg", testPlan: "Test i stage", rollbackPlan: "Återställ snapshot" }),
        )
      ).json()
    ).number;
    expect((await send(advanced, w.tokens.serviceCentre, { type: "APPROVE" })).status).toBe(422);
    expect((await (await send(advanced, w.tokens.serviceCentre, { type: "REFER_TO_CAB" })).json()).status).toBe("awaiting-cab");
    // The board's members are told there is a new item on their agenda.
    const agenda = await db().select().from(outbox).where(eq(outbox.template, "cab.agenda"));
    expect(agenda.some((m) => m.recipient === w.people.cab.email && (m.payload as { number: string }).number === advanced)).toBe(true);
    // No decision outside a held meeting, through the API either.
    const blind = await send(advanced, w.tokens.serviceCentre, { type: "CAB_APPROVE_WITH_CONDITIONS", conditions: "Driften ska vara med" });
    expect(blind.status).toBe(409);
    expect(JSON.stringify(await blind.json())).toContain("cab.session.notInSession");
    const [meeting] = await db()
      .insert(cabMeetings)
      .values({ startsAt: new Date(Date.now() + 20 * 60_000), location: "Rum API" })
      .returning();
    await putOnAgenda(db(), advanced, meeting!.id);
    await holdMeeting(db(), meeting!.id, w.people.serviceCentre, [w.people.cab]);
    const decided = await (await send(advanced, w.tokens.serviceCentre, { type: "CAB_APPROVE_WITH_CONDITIONS", conditions: "Driften ska vara med" })).json();
    expect(decided.status).toBe("approved");

    // Far enough ahead for an advanced change: continues in review.
    const farAhead = await submitted({ window: windowAhead(2) });
    const moved = await (await send(farAhead, w.tokens.serviceCentre, { type: "RECLASSIFY", reason: "Påverkar integrationer" })).json();
    expect(moved).toMatchObject({ type: "advanced-change", status: "in-review" });
    // Only three working days ahead: back to the requester with the earliest date.
    const soon = earliestStart("simple-change", stockholmDate(new Date()));
    const near = await submitted({ window: { start: `${soon}T10:00:00+01:00`, end: `${soon}T12:00:00+01:00` } });
    const back = await (await send(near, w.tokens.serviceCentre, { type: "RECLASSIFY" })).json();
    expect(back).toMatchObject({ type: "advanced-change", status: "returned" });
    expect(back.audit.at(-1).reason).toContain(earliestStart("advanced-change", stockholmDate(new Date())));
  });

  it("lets a returned change switch type in the edit form, with the other type's rules at the fields, and nothing else switch", async () => {
    // Submitted as simple for three working days ahead; the service centre sends it back: it affects other systems.
    const soon = earliestStart("simple-change", stockholmDate(new Date()));
    const number = await submitted({ window: { start: `${soon}T10:00:00+01:00`, end: `${soon}T12:00:00+01:00` } });
    await send(number, w.tokens.serviceCentre, { type: "RETURN", reason: "Påverkar integrationerna: gör det till en avancerad ändring." });
    const cookie = await signIn(db(), w.people.requester);
    const form = (start: string, end: string, extra: Record<string, string> = {}) => ({
      intent: "submit",
      title: "Versionsuppgradering 4.2",
      systemCode: w.systems.app.code,
      affectsOthers: "yes",
      reason: "Säkerhetsrättningar",
      bookedWithSupplier: "on",
      start,
      end,
      risk: "Integrationerna står still en stund",
      testPlan: "Provas i test först",
      rollbackPlan: "Ögonblicksbild",
      ...extra,
    });
    // As an advanced change the window is now too early, and it must name the affected systems: said at the fields.
    const early = await call(`/cases/${number}/edit`, { cookie, form: form(`${soon}T10:00`, `${soon}T12:00`) });
    expect(early.status).toBe(422);
    const html = await early.text();
    expect(html).toMatch(/<input(?=[^>]*aria-invalid="true")[^>]*name="start"/);
    expect(html).toContain(translatorFor("sv").formatDate(earliestStart("advanced-change", stockholmDate(new Date()))));
    expect(html).toContain("Ange vilka andra system som påverkas.");
    const later = stockholmDate(new Date(windowAhead(3).start));
    const fixed = await call(`/cases/${number}/edit`, { cookie, form: form(`${later}T10:00`, `${later}T12:00`, { affectedSystems: w.systems.dbs.code }) });
    expect(fixed.status).toBe(302);
    const view = await (await get(`/api/v1/cases/${number}`, w.tokens.serviceCentre)).json();
    expect(view).toMatchObject({ type: "advanced-change", status: "submitted" });
    // The switch is in the trail; and a submitted case keeps its type.
    const [stored] = await db().select({ id: cases.id }).from(cases).where(eq(cases.number, number));
    const edits = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.event, "EDIT"), eq(auditLog.caseId, stored!.id)));
    expect(edits.map((e) => e.detail)).toEqual([expect.objectContaining({ type: { from: "simple-change", to: "advanced-change" } })]);
    await expect(editCase(db(), w.people.requester, number, { ...change(), type: "simple-change" })).rejects.toMatchObject({
      status: 422,
      fieldErrors: { type: { key: "case.type.fixed" } },
    });
  });

  it("runs a window from scheduled to open to closed and the case on to its outcome", async () => {
    const number = await submitted();
    await send(number, w.tokens.serviceCentre, { type: "APPROVE" });
    const view = await (await get(`/api/v1/cases/${number}`, w.tokens.operations)).json();
    expect(view.allowedEvents).toEqual([]); // not open yet: too early to grant
    // The access window the case shows is the one approved: the requested times, scheduled.
    expect(view.accessWindow).toMatchObject({ status: "scheduled", start: view.window.start, end: view.window.end, pendingExtension: null });
    const start = new Date(view.accessWindow.start);
    const during = new Date(start.getTime() + 60_000);
    const granted = await applyEvent(db(), w.people.operations, number, { type: "GRANT" }, during);
    expect(granted.status).toBe("window-open");
    expect(granted.accessWindow?.status).toBe("open");
    await expect(applyEvent(db(), w.people.otherConsultant, number, { type: "END" }, during)).rejects.toMatchObject({ status: 404 });
    const ended = await applyEvent(db(), w.people.consultant, number, { type: "END", reason: "Klart" }, new Date(during.getTime() + 60_000));
    expect(ended.status).toBe("window-closed");
    const outcome = await (await send(number, w.tokens.requester, { type: "REPORT_OUTCOME", outcome: "successful", comment: "Allt gick bra" })).json();
    expect(outcome.status).toBe("outcome-reported");
    const closed = await (await send(number, w.tokens.serviceCentre, { type: "CLOSE" })).json();
    expect(closed.status).toBe("closed");
    const windowEvents = (
      await db()
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.event, "WINDOW_OPENED")))
    ).length;
    expect(windowEvents).toBeGreaterThan(0);
  });

  it("asks the system owner to consent to standing access", async () => {
    const created = await (
      await post("/api/v1/cases", w.tokens.requester, {
        type: "standing-access",
        systemCode: w.systems.app.code,
        title: "Konfiguration av rapporter",
        justification: "Löpande konfiguration",
        agreementReference: "AVT-2026-3",
        supplierPeople: ["Per Persson"],
        accounts: ["lev-konsult"],
      })
    ).json();
    expect(created.number).toMatch(/^ACC-/);
    expect(created.status).toBe("awaiting-consent");
    expect((await send(created.number, w.tokens.serviceCentre, { type: "CONSENT" })).status).toBe(403);
    expect((await send(created.number, w.tokens.owner, { type: "REFUSE_CONSENT" })).status).toBe(422);
    const active = await (await send(created.number, w.tokens.owner, { type: "CONSENT" })).json();
    expect(active.status).toBe("active");
    const revoked = await (await send(created.number, w.tokens.owner, { type: "REVOKE", reason: "Avtalet upphör" })).json();
    expect(revoked.status).toBe("revoked");
  });

  it("creates a planned change from an incident, linked both ways", async () => {
    const incident = await (
      await post("/api/v1/cases", w.tokens.requester, {
        type: "emergency",
        systemCode: w.systems.app.code,
        title: "Databasen tappar anslutningar",
        urgency: 2,
        impact: 2,
      })
    ).json();
    const fix = await post("/api/v1/cases", w.tokens.requester, change({ title: "Byt anslutningspool", linkedCase: incident.number }));
    expect(fix.status).toBe(201);
    const created = await fix.json();
    expect(created.linkedCase).toBe(incident.number);
    const after = await (await get(`/api/v1/cases/${incident.number}`, w.tokens.requester)).json();
    expect(after.linkedChanges).toEqual([created.number]);
    expect(after.audit.at(-1)).toMatchObject({ event: "LINKED_CHANGE" });
    const notAnIncident = await post("/api/v1/cases", w.tokens.requester, change({ linkedCase: created.number }));
    expect(notAnIncident.status).toBe(422);
  });

  it("asks the owner by message when standing access is requested", async () => {
    const created = await (
      await post("/api/v1/cases", w.tokens.requester, {
        type: "standing-access",
        systemCode: w.systems.app.code,
        title: "Läsbehörighet loggar",
        justification: "Felsökning",
        agreementReference: "AVT-9",
        supplierPeople: ["Per Persson"],
        accounts: ["lev-konsult"],
      })
    ).json();
    const messages = await db().select().from(outbox).where(eq(outbox.template, "case.consentRequested"));
    expect(messages.some((m) => m.recipient === w.people.owner.email && (m.payload as { number: string }).number === created.number)).toBe(true);
  });

  it("saves an incomplete draft, refuses to submit it until it is whole, then takes it", async () => {
    const draft = await post("/api/v1/cases", w.tokens.requester, {
      type: "advanced-change",
      systemCode: w.systems.app.code,
      title: "Halvfärdig",
      draft: true,
    });
    expect(draft.status).toBe(201);
    const { number, status } = await draft.json();
    expect(status).toBe("draft");
    const early = await send(number, w.tokens.requester, { type: "SUBMIT" });
    expect(early.status).toBe(422);
    expect(Object.keys((await early.json()).fieldErrors)).toEqual(expect.arrayContaining(["window", "reason", "bookedWithSupplier"]));
    await editCase(db(), w.people.requester, number, {
      ...change({
        type: "advanced-change",
        title: "Nu komplett",
        affectedSystems: [w.systems.dbs.code],
        risk: "Låg",
        testPlan: "Stage",
        rollbackPlan: "Snapshot",
      }),
    });
    const submittedNow = await send(number, w.tokens.requester, { type: "SUBMIT" });
    expect(submittedNow.status).toBe(200);
    expect(await submittedNow.json()).toMatchObject({ status: "submitted", title: "Nu komplett" });
    await expect(editCase(db(), w.people.requester, number, change({ type: "advanced-change", title: "Sent" }))).rejects.toMatchObject({ status: 409 });
    await expect(editCase(db(), w.people.stranger, number, change({ type: "advanced-change" }))).rejects.toMatchObject({ status: 404 });
  });

  it("throws typed errors from the service itself", async () => {
    await expect(applyEvent(db(), w.people.serviceCentre, "CHG-1999-00001", { type: "APPROVE" })).rejects.toBeInstanceOf(WorkflowError);
  });
});

describe("OpenAPI", () => {
  it("describes the API from the same schemas", async () => {
    const doc = await (await call("/api/v1/openapi.json")).json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/cases", "/cases/{number}", "/cases/{number}/events", "/lead-time", "/systems", "/conflicts"]),
    );
    const create = doc.components.schemas.CreateCase;
    expect(JSON.stringify(create)).toContain("bookedWithSupplier");
    expect(JSON.stringify(doc.components.schemas.Event)).toContain("CAB_APPROVE_WITH_CONDITIONS");
  });
});
