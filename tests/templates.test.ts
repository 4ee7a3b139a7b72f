import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { auditLog, blackoutPeriods, cases, outbox } from "../db/schema";
import { renderMail } from "~/outbox/templates.server";
import { applyEvent, createCase } from "~/cases/commands.server";
import { markStandard, templatesFor, withdrawStandard } from "~/cases/templates.server";
import { addDays, addWorkingDays, earliestStart, stockholmDate, stockholmMidnight } from "../machines/calendar";
import { isoToStockholmLocal } from "../machines/time";
import { call, signIn } from "./support/app";
import { useTestDatabase } from "./support/database";
import { makeWorld, windowAhead, type World } from "./support/world";

const db = useTestDatabase();
let w: World;

beforeAll(async () => {
  w = await makeWorld(db());
});

/** A window that meets a simple change's lead time (3 working days) but not an advanced one's (10). */
function simpleWindow(extraDays = 0) {
  const earliest = earliestStart("simple-change", stockholmDate(new Date()));
  // -1: the calendar day before the earliest start (still days ahead, but too early).
  const day = extraDays > 0 ? addWorkingDays(earliest, extraDays) : extraDays < 0 ? addDays(earliest, -1) : earliest;
  const start = new Date(stockholmMidnight(day).getTime() + 9 * 3600_000);
  return { start: start.toISOString(), end: new Date(start.getTime() + 4 * 3600_000).toISOString() };
}

const patching = (overrides: Record<string, unknown> = {}) => ({
  type: "advanced-change",
  systemCode: w.systems.app.code,
  title: "Månadspatchning av GIS",
  description: "Operativsystem och applikationsserver patchas.",
  window: windowAhead(2),
  reason: "Månadens säkerhetsuppdateringar",
  risk: "Kort avbrott för kartklienterna",
  testPlan: "Kartvisning och sökning testas efteråt",
  rollbackPlan: "Ögonblicksbild före patchning",
  affectedSystems: [w.systems.dbs.code],
  accounts: ["lev-gis-admin"],
  supplierPeople: ["Per Persson"],
  externalReferences: { ticket: "SC-4711", supplierTicket: "LEV-99" },
  bookedWithSupplier: true,
  ...overrides,
});

/** The request form as the browser posts it, for a change starting at `window`. */
const changeForm = (window: { start: string; end: string }, extra: Record<string, string | string[]> = {}) => ({
  category: "change",
  intent: "submit",
  systemCode: w.systems.app.code,
  title: "Månadspatchning av GIS, januari",
  reason: "Månadens säkerhetsuppdateringar",
  affectsOthers: "yes",
  affectedSystems: [w.systems.dbs.code],
  risk: "Kort avbrott",
  testPlan: "Kartvisning testas",
  rollbackPlan: "Ögonblicksbild",
  start: isoToStockholmLocal(window.start),
  end: isoToStockholmLocal(window.end),
  bookedWithSupplier: "on",
  ...extra,
});

const numberOf = (response: Response) => /\/cases\/([A-Z]+-\d{4}-\d{5})/.exec(response.headers.get("Location") ?? "")?.[1];

async function saveTemplate(from: string, name: string) {
  const response = await call(`/cases/${from}`, { cookie: await signIn(db(), w.people.requester), form: { intent: "template", name } });
  expect(response.status, await response.clone().text()).toBe(302);
  const template = (await templatesFor(db(), w.people.requester)).find((t) => t.name === name);
  expect(template).toBeDefined();
  return template!;
}

describe("copying a request", () => {
  it("starts a new request with the texts, people and accounts of the old one, not its window, tickets or booking", async () => {
    const original = await createCase(db(), w.people.requester, patching());
    const cookie = await signIn(db(), w.people.requester);
    const page = await call(`/cases/${original.number}`, { cookie });
    expect(await page.text()).toContain(`/cases/new?type=change&amp;copy=${original.number}`);

    const html = await (await call(`/cases/new?type=change&copy=${original.number}`, { cookie })).text();
    expect(html).toContain(`En kopia av ${original.number}`);
    expect(html).toContain('value="Månadspatchning av GIS"');
    expect(html).toContain("Kort avbrott för kartklienterna");
    expect(html).toContain("lev-gis-admin");
    expect(html).not.toContain("SC-4711");
    expect(html).not.toContain("LEV-99");
    expect(html).not.toContain(isoToStockholmLocal(patching().window.start));
    expect(html).not.toMatch(/name="bookedWithSupplier"[^>]*checked/);

    // Someone who may not see the case gets an empty form, not its texts.
    const stranger = await (await call(`/cases/new?type=change&copy=${original.number}`, { cookie: await signIn(db(), w.people.stranger) })).text();
    expect(stranger).not.toContain("Månadspatchning av GIS");
    expect(stranger).not.toContain("En kopia av");
  });
});

describe("templates", () => {
  it("keeps a case as a template for the system's requesters, and only theirs", async () => {
    const original = await createCase(db(), w.people.requester, patching());
    const template = await saveTemplate(original.number, "Patchning GIS (mall)");
    expect(template).toMatchObject({ category: "change", system: { code: w.systems.app.code }, isStandard: false });
    const [created] = await db().select().from(auditLog).where(eq(auditLog.action, "template.created"));
    expect(created?.detail).toMatchObject({ templateId: template.id, from: original.number });

    // The colleague administers the same system; the stranger does not.
    expect((await templatesFor(db(), w.people.colleague)).map((t) => t.id)).toContain(template.id);
    expect((await templatesFor(db(), w.people.stranger)).map((t) => t.id)).not.toContain(template.id);
    const colleague = await signIn(db(), w.people.colleague);
    const form = await (await call(`/cases/new?template=${template.id}`, { cookie: colleague })).text();
    expect(form).toContain("Begäran utgår från mallen ”Patchning GIS (mall)”.");
    expect(form).toContain("Kort avbrott för kartklienterna");
    expect((await call(`/cases/new?template=${template.id}`, { cookie: await signIn(db(), w.people.stranger) })).status).toBe(404);
    // A name is required, at its field, and the case is untouched.
    const unnamed = await call(`/cases/${original.number}`, { cookie: await signIn(db(), w.people.requester), form: { intent: "template", name: " " } });
    expect(unnamed.status).toBe(422);
    expect(await unnamed.text()).toContain("Fyll i fältet.");
    // The list: the requester uses it, the CAB does not see a template that is no standard change.
    const list = await (await call("/templates", { cookie: colleague })).text();
    expect(list).toContain("Patchning GIS (mall)");
    expect(list).toContain(`/cases/new?template=${template.id}`);
    expect(await (await call("/templates", { cookie: await signIn(db(), w.people.cab) })).text()).not.toContain("Patchning GIS (mall)");
    expect((await call("/templates", { cookie: await signIn(db(), w.people.consultant) })).status).toBe(403);
  });

  it("makes a standard change a simple change whatever it touches, with its lead time, conflicts and freezes still checked", async () => {
    const template = await saveTemplate((await createCase(db(), w.people.requester, patching())).number, "Standardpatchning GIS");
    const centre = await signIn(db(), w.people.serviceCentre);
    // The CAB's approval must be cited; only the service centre marks it.
    const bare = await call("/templates", { cookie: centre, form: { intent: "standard", id: String(template.id), reference: "" } });
    expect(bare.status).toBe(422);
    expect(await bare.text()).toContain("Ange ändringsrådets beslut");
    expect(
      (await call("/templates", { cookie: await signIn(db(), w.people.requester), form: { intent: "standard", id: String(template.id), reference: "x" } }))
        .status,
    ).toBe(403);
    expect(
      (await call("/templates", { cookie: centre, form: { intent: "standard", id: String(template.id), reference: "CAB-protokoll 2026-11-26 §4" } })).status,
    ).toBe(302);
    expect((await templatesFor(db(), w.people.requester)).find((t) => t.id === template.id)?.isStandard).toBe(true);

    const cookie = await signIn(db(), w.people.requester);
    const form = await (await call(`/cases/new?template=${template.id}`, { cookie })).text();
    expect(form).toContain("standardändringen ”Standardpatchning GIS” (ändringsrådets beslut: CAB-protokoll 2026-11-26 §4)");

    // Three working days ahead is too early for a change that affects other systems — but not for a standard change.
    const window = simpleWindow(1);
    const other = await createCase(db(), w.people.requester, {
      ...patching({ type: "simple-change", systemCode: w.systems.dbs.code, affectedSystems: [] }),
      window,
    });
    const made = await call(`/cases/new?template=${template.id}`, { cookie, form: changeForm(window, { templateId: String(template.id) }) });
    expect(made.status, await made.clone().text()).toBe(302);
    const number = numberOf(made)!;
    const [row] = await db().select().from(cases).where(eq(cases.number, number));
    expect(row).toMatchObject({ type: "simple-change", status: "submitted", templateId: template.id });
    expect(row!.details.standardChange).toMatchObject({ templateId: template.id, reference: "CAB-protokoll 2026-11-26 §4" });
    const page = await (await call(`/cases/${number}`, { cookie: centre })).text();
    expect(page).toContain("Standardändring från mallen ”Standardpatchning GIS”");
    expect(page).toContain(other.number);

    // Its lead time is a simple change's: earlier than three working days is refused at the field.
    const early = simpleWindow(-1);
    const tooEarly = await call(`/cases/new?template=${template.id}`, { cookie, form: changeForm(early, { templateId: String(template.id) }) });
    expect(tooEarly.status).toBe(422);
    expect(await tooEarly.text()).toContain("För tidigt: tidigaste tillåtna start är");

    // The conflict with the other window needs a reason to approve, as for any change.
    await expect(applyEvent(db(), w.people.serviceCentre, number, { type: "APPROVE" })).rejects.toMatchObject({ status: 422 });
    // And a freeze holds it: the service centre must override it explicitly.
    const [freeze] = await db()
      .insert(blackoutPeriods)
      .values({ systemId: w.systems.app.id, startsAt: new Date(window.start), endsAt: new Date(window.end), reason: "Valet" })
      .returning();
    await expect(applyEvent(db(), w.people.serviceCentre, number, { type: "APPROVE", reason: "Samordnat" })).rejects.toMatchObject({
      status: 422,
      fieldErrors: { overrideFreeze: expect.anything() },
    });
    await db().delete(blackoutPeriods).where(eq(blackoutPeriods.id, freeze!.id));
    await applyEvent(db(), w.people.serviceCentre, number, { type: "APPROVE", reason: "Samordnat med databasens ändring" });
  });

  it("lets the CAB withdraw a standard change: new requests are typed by what they touch again, and a draft made before is not submitted as one", async () => {
    const template = await saveTemplate((await createCase(db(), w.people.requester, patching())).number, "Standard att dra tillbaka");
    await markStandard(db(), w.people.serviceCentre, template.id, { reference: "CAB 2026-12-03 §2" });
    const cookie = await signIn(db(), w.people.requester);
    const window = simpleWindow(2);
    const draft = await call(`/cases/new?template=${template.id}`, { cookie, form: changeForm(window, { templateId: String(template.id), intent: "draft" }) });
    expect(draft.status).toBe(302);
    const draftNumber = numberOf(draft)!;

    const cab = await signIn(db(), w.people.cab);
    expect(await (await call("/templates", { cookie: cab })).text()).toContain("Standard att dra tillbaka");
    const noReason = await call("/templates", { cookie: cab, form: { intent: "withdraw", id: String(template.id), reason: "" } });
    expect(noReason.status).toBe(422);
    expect((await call("/templates", { cookie, form: { intent: "withdraw", id: String(template.id), reason: "x" } })).status).toBe(403);
    expect(
      (await call("/templates", { cookie: cab, form: { intent: "withdraw", id: String(template.id), reason: "Leverantören byter plattform" } })).status,
    ).toBe(302);
    const [withdrawn] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "template.withdrawn"), eq(auditLog.actorUserId, w.people.cab.id)));
    expect(withdrawn?.detail).toMatchObject({ templateId: template.id, reason: "Leverantören byter plattform" });
    // Those who start requests from it are told, with the board's reason.
    const told = (await db().select().from(outbox).where(eq(outbox.template, "template.withdrawn"))).filter(
      (m) => (m.payload as { name: string }).name === template.name,
    );
    expect(told.map((m) => m.recipient)).toEqual(expect.arrayContaining([w.people.requester.email, w.people.colleague.email]));
    expect(renderMail(told[0]!).text).toContain("Motivering: Leverantören byter plattform");
    // Withdrawing twice is a conflict, not a second record.
    await expect(withdrawStandard(db(), w.people.cab, template.id, { reason: "igen" })).rejects.toMatchObject({ status: 409 });

    // Now the same request is an advanced change, whose lead time three working days do not meet.
    const again = await call(`/cases/new?template=${template.id}`, { cookie, form: changeForm(window, { templateId: String(template.id) }) });
    expect(again.status).toBe(422);
    expect(await again.text()).toContain("För tidigt: tidigaste tillåtna start är");
    // The draft saved while it was a standard change is not submitted as one.
    await expect(applyEvent(db(), w.people.requester, draftNumber, { type: "SUBMIT" })).rejects.toMatchObject({
      status: 422,
      fieldErrors: { _form: { key: "template.withdrawnSince.submit" } },
    });
  });

  it("works through the API: list, keep, mark, and a standard change's request is simple even when sent as advanced", async () => {
    const post = (path: string, token: string, json: unknown) => call(path, { headers: { Authorization: `Bearer ${token}` }, json });
    const source = await createCase(db(), w.people.requester, patching());
    const kept = await post("/api/v1/templates", w.tokens.requester, { name: "API-mall", fromCase: source.number });
    expect(kept.status).toBe(201);
    const { id } = (await kept.json()) as { id: number };
    expect((await post("/api/v1/templates", w.tokens.stranger, { name: "Läcka", fromCase: source.number })).status).toBe(404);
    expect((await post(`/api/v1/templates/${id}`, w.tokens.requester, { action: "standard", reference: "CAB" })).status).toBe(403);
    expect((await post(`/api/v1/templates/${id}`, w.tokens.serviceCentre, { action: "standard", reference: "CAB 2026-12-03 §5" })).status).toBe(200);
    const list = await call("/api/v1/templates", { headers: { Authorization: `Bearer ${w.tokens.cab}` } });
    expect(((await list.json()) as { items: { id: number; isStandard: boolean }[] }).items).toContainEqual(expect.objectContaining({ id, isStandard: true }));
    expect((await call("/api/v1/templates", { headers: { Authorization: `Bearer ${w.tokens.consultant}` } })).status).toBe(403);

    const created = await post("/api/v1/cases", w.tokens.requester, { ...patching({ window: simpleWindow(3) }), templateId: id });
    expect(created.status, await created.clone().text()).toBe(201);
    expect(await created.json()).toMatchObject({ type: "simple-change", details: { standardChange: { templateId: id } } });
    // A template of another system is refused at the system.
    const elsewhere = await post("/api/v1/cases", w.tokens.requester, {
      ...patching({ systemCode: w.systems.net.code, window: windowAhead(3) }),
      templateId: id,
    });
    expect(elsewhere.status).toBe(422);
    expect(((await elsewhere.json()) as { fieldErrors: Record<string, string> }).fieldErrors.systemCode).toBeDefined();
  });
});
