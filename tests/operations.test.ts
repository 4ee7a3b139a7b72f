import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { accessWindows, auditLog, blackoutPeriods, cases, outbox } from "../db/schema";
import { renderMail } from "~/outbox/templates.server";
import { applyEvent, createCase } from "~/cases/commands.server";
import { listWindows } from "~/cases/windows.server";
import { call, ORIGIN, signIn } from "./support/app";
import { useTestDatabase } from "./support/database";
import { makeWorld, windowAhead, type World } from "./support/world";
import { isoToStockholmLocal, stockholmLocalToIso } from "../machines/time";

/**
 * Operations' list (/operations), the access-window API (/api/v1/access-windows) and the outbox
 * page (/admin/outbox), through the built app (`npm run build` first).
 */
const db = useTestDatabase();
let w: World;
let day = 20;
const MINUTE = 60_000;
const as = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  w = await makeWorld(db());
});

/** An approved simple change on `systemCode`; returns its number and its window row. */
async function approvedChange(systemCode: string, title: string) {
  const c = await createCase(db(), w.people.requester, {
    type: "simple-change",
    systemCode,
    title,
    window: windowAhead(day++),
    reason: "Uppgradering",
    bookedWithSupplier: true,
    accounts: [`adm-${title.toLowerCase().replace(/\W+/g, "-")}`, "svc-backup"],
    supplierPeople: ["Kim Konsult"],
  });
  await applyEvent(db(), w.people.serviceCentre, c.number, { type: "APPROVE" });
  const [row] = await db()
    .select({ w: accessWindows })
    .from(accessWindows)
    .innerJoin(cases, eq(cases.id, accessWindows.caseId))
    .where(eq(cases.number, c.number));
  return { number: c.number, window: row!.w };
}

/**
 * An approved change whose window started a few minutes ago, so it may be granted now. The
 * lead time forbids asking for such a window, so the test moves the approved window by hand:
 * `access_windows.starts_at`/`ends_at` and the machine's `context.start`/`end` (what the GRANT
 * guard reads), and the case's requested window to match.
 */
async function startedChange(systemCode: string, title: string) {
  const { number, window } = await approvedChange(systemCode, title);
  const start = new Date(Date.now() - 5 * MINUTE);
  const end = new Date(Date.now() + 3 * 60 * MINUTE);
  await db()
    .update(accessWindows)
    .set({ startsAt: start, endsAt: end, state: { ...window.state, context: { ...window.state.context, start: start.toISOString(), end: end.toISOString() } } })
    .where(eq(accessWindows.id, window.id));
  const [c] = await db().select().from(cases).where(eq(cases.number, number));
  const moved = { ...c!.state, context: { ...c!.state.context, window: { start: start.toISOString(), end: end.toISOString() } } };
  await db().update(cases).set({ windowStart: start, windowEnd: end, state: moved }).where(eq(cases.number, number));
  return { number, id: window.id, start, end };
}

async function get(path: string, token: string) {
  const response = await call(path, { headers: as(token) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { items?: Array<Record<string, unknown>> } };
}

/** A POST whose body is sent as is (malformed JSON), through the same built app. */
async function rawPost(path: string, token: string, body: string) {
  const build = (await import(pathToFileURL(resolve("build/index.js")).href)) as ServerBuild;
  const request = new Request(`${ORIGIN}${path}`, { method: "POST", headers: { ...as(token), "Content-Type": "application/json" }, body });
  return createRequestHandler(build, "production")(request, { ip: "192.0.2.1" });
}

async function post(path: string, token: string, json: unknown) {
  const response = await call(path, { headers: as(token), json });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("windows through the service", () => {
  it("lists a scheduled window with what operations needs, and grants it only from 15 minutes before the start", async () => {
    const { number, window } = await approvedChange(w.systems.app.code, "Planerad uppgradering");
    const scheduled = await listWindows(db(), w.people.operations, { state: "scheduled" });
    const item = scheduled.find((x) => x.caseNumber === number);
    expect(item).toMatchObject({
      id: window.id,
      status: "scheduled",
      system: { code: w.systems.app.code },
      supplier: { id: w.supplier.id },
      accounts: ["adm-planerad-uppgradering", "svc-backup"],
      supplierPeople: ["Kim Konsult"],
      monitoringSuppressed: false,
      grantedAt: null,
    });
    // Scope: the other supplier and a requester of other systems do not see it.
    expect((await listWindows(db(), w.people.otherConsultant)).some((x) => x.caseNumber === number)).toBe(false);
    expect((await listWindows(db(), w.people.stranger)).some((x) => x.caseNumber === number)).toBe(false);
    expect((await listWindows(db(), w.people.consultant)).some((x) => x.caseNumber === number)).toBe(true);

    const start = window.startsAt.getTime();
    await expect(applyEvent(db(), w.people.operations, number, { type: "GRANT" }, new Date(start - 30 * MINUTE))).rejects.toMatchObject({ status: 422 });
    await applyEvent(db(), w.people.operations, number, { type: "GRANT" }, new Date(start - 10 * MINUTE));
    const [open] = await listWindows(db(), w.people.operations, { id: window.id });
    expect(open).toMatchObject({ status: "open", caseStatus: "window-open", monitoringSuppressed: true });
    expect(open!.grantedAt).not.toBeNull();
  });
});

describe("a cancelled case", () => {
  it("takes its scheduled window with it: off operations' list, never granted, in the trail", async () => {
    const c = await startedChange(w.systems.app.code, "Återkallad ändring");
    await applyEvent(db(), w.people.requester, c.number, { type: "CANCEL", reason: "Leverantören kan inte" });
    const [row] = await db().select().from(accessWindows).where(eq(accessWindows.id, c.id));
    expect(row).toMatchObject({ status: "cancelled", state: { value: "cancelled" } });
    expect((await listWindows(db(), w.people.operations, { state: "scheduled" })).some((x) => x.caseNumber === c.number)).toBe(false);
    expect(await (await call("/operations", { cookie: await signIn(db(), w.people.operations) })).text()).not.toContain(c.number);

    for (const [label, send] of [
      ["service", () => applyEvent(db(), w.people.operations, c.number, { type: "GRANT" })],
      [
        "API",
        async () => {
          const answer = await post(`/api/v1/access-windows/${c.id}/events`, w.tokens.operations, { type: "GRANT" });
          if (answer.status >= 400) throw Object.assign(new Error(String(answer.body.error)), { status: answer.status });
        },
      ],
    ] as const) {
      await expect(send(), label).rejects.toMatchObject({ status: 409 });
    }
    const [after] = await db().select().from(accessWindows).where(eq(accessWindows.id, c.id));
    expect(after).toMatchObject({ status: "cancelled", grantedAt: null });
    const [caseRow] = await db().select().from(cases).where(eq(cases.number, c.number));
    expect(caseRow!.status).toBe("cancelled");
    const trail = await db().select().from(auditLog).where(eq(auditLog.caseId, caseRow!.id));
    expect(trail.map((a) => `${a.event} ${a.fromState}→${a.toState}`)).toContain("CASE_CANCELLED window:scheduled→window:cancelled");
    expect(trail.some((a) => a.event === "GRANT")).toBe(false);
    const view = await applyEvent(db(), w.people.requester, c.number, { type: "CANCEL" }).catch((e: unknown) => e);
    expect(view).toMatchObject({ status: 409 });
  });
});

describe("the access-window API", () => {
  let a: Awaited<ReturnType<typeof startedChange>>;
  beforeAll(async () => {
    a = await startedChange(w.systems.app.code, "Akut patch");
  });

  it("lists the caller's windows by state and range, and refuses bad values with 400", async () => {
    const scheduled = await get("/api/v1/access-windows?state=scheduled", w.tokens.operations);
    expect(scheduled.status).toBe(200);
    expect(scheduled.body.items!.some((x) => x.caseNumber === a.number)).toBe(true);
    expect(scheduled.body.items!.every((x) => x.status === "scheduled")).toBe(true);
    const closed = await get("/api/v1/access-windows?state=closed", w.tokens.operations);
    expect(closed.body.items!.some((x) => x.caseNumber === a.number)).toBe(false);

    const from = new Date(a.start.getTime() - 60 * MINUTE).toISOString();
    const to = new Date(a.start.getTime() + 60 * MINUTE).toISOString();
    const ranged = await get(`/api/v1/access-windows?from=${from}&to=${to}`, w.tokens.operations);
    expect(ranged.body.items!.map((x) => x.caseNumber)).toContain(a.number);
    const later = await get(`/api/v1/access-windows?from=${new Date(a.end.getTime() + MINUTE).toISOString()}`, w.tokens.operations);
    expect(later.body.items!.map((x) => x.caseNumber)).not.toContain(a.number);

    // Scoped like cases: the case's supplier sees it, another supplier does not.
    expect((await get("/api/v1/access-windows", w.tokens.consultant)).body.items!.map((x) => x.caseNumber)).toContain(a.number);
    expect((await get("/api/v1/access-windows", w.tokens.otherConsultant)).body.items!.map((x) => x.caseNumber)).not.toContain(a.number);

    for (const query of ["from=yesterday", "to=2026-01-01", "state=bogus", `from=${to}&to=${from}`, "page=2"]) {
      const bad = await get(`/api/v1/access-windows?${query}`, w.tokens.operations);
      expect(bad.status, query).toBe(400);
      expect(typeof bad.body.error, query).toBe("string");
    }
    expect((await call("/api/v1/access-windows")).status).toBe(401);
  });

  it("grants a started window for operations (200, open), hides it from another supplier (404) and lets the case's supplier end it", async () => {
    const path = `/api/v1/access-windows/${a.id}/events`;
    // Who may not: a requester (403), another supplier (404: not in their scope).
    expect((await post(path, w.tokens.requester, { type: "GRANT" })).status).toBe(403);
    expect((await post(path, w.tokens.otherConsultant, { type: "GRANT" })).status).toBe(404);
    expect((await post(path, w.tokens.otherConsultant, { type: "END" })).status).toBe(404);
    // Bad bodies.
    const malformed = await rawPost(path, w.tokens.operations, "{not json");
    expect(malformed.status).toBe(400);
    expect((await post(path, w.tokens.operations, { type: "APPROVE" })).status).toBe(422);
    expect((await post(path, w.tokens.operations, { type: "OPEN_SESAME" })).status).toBe(422);
    expect((await post(path, w.tokens.operations, [])).status).toBe(422);
    expect((await post("/api/v1/access-windows/999999/events", w.tokens.operations, { type: "GRANT" })).status).toBe(404);
    expect((await post("/api/v1/access-windows/abc/events", w.tokens.operations, { type: "GRANT" })).status).toBe(404);

    const granted = await post(path, w.tokens.operations, { type: "GRANT" });
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ id: a.id, caseNumber: a.number, status: "open", caseStatus: "window-open", monitoringSuppressed: true });
    // Granting twice: the window is open already.
    expect((await post(path, w.tokens.operations, { type: "GRANT" })).status).toBe(409);
    const open = await get("/api/v1/access-windows?state=open", w.tokens.consultant);
    expect(open.body.items!.map((x) => x.caseNumber)).toContain(a.number);

    // An extension: asked for by the supplier, refused by the service centre.
    const extension = await post(path, w.tokens.consultant, {
      type: "REQUEST_EXTENSION",
      end: new Date(a.end.getTime() + 60 * MINUTE).toISOString(),
      reason: "Mer tid behövs",
    });
    expect(extension.status).toBe(200);
    expect(extension.body.pendingExtension).toMatchObject({ reason: "Mer tid behövs" });
    expect((await post(path, w.tokens.serviceCentre, { type: "REFUSE_EXTENSION" })).status).toBe(422);
    const refused = await post(path, w.tokens.serviceCentre, { type: "REFUSE_EXTENSION", reason: "Nästa fönster" });
    expect(refused.status).toBe(200);
    expect(refused.body.pendingExtension).toBeNull();

    const ended = await post(path, w.tokens.consultant, { type: "END", reason: "Klart" });
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ status: "closed", closedBy: "ended", caseStatus: "window-closed", monitoringSuppressed: false });
    expect(ended.body.closedAt).not.toBeNull();
    expect((await post(path, w.tokens.operations, { type: "REVOKE" })).status).toBe(409);
    expect((await call(path, { headers: as(w.tokens.operations) })).status).toBe(405);
  });
});

describe("an extension decided with its facts in front of the service centre", () => {
  it("shows the current and asked end, the added time and its conflicts, and grants less than asked (3 h asked, 1 h granted)", async () => {
    const a = await startedChange(w.systems.app.code, "Förlängning i delar");
    const path = `/api/v1/access-windows/${a.id}/events`;
    expect((await post(path, w.tokens.operations, { type: "GRANT" })).status).toBe(200);
    const asked = new Date(a.end.getTime() + 180 * MINUTE);
    expect((await post(path, w.tokens.consultant, { type: "REQUEST_EXTENSION", end: asked.toISOString(), reason: "Migreringen tar längre tid" })).status).toBe(
      200,
    );
    // Another change on DB (APP depends on it) during the added time only.
    const other = await approvedChange(w.systems.dbs.code, "Databas efteråt");
    await db()
      .update(cases)
      .set({ windowStart: new Date(a.end.getTime() + 60 * MINUTE), windowEnd: new Date(a.end.getTime() + 120 * MINUTE) })
      .where(eq(cases.number, other.number));
    const cookie = await signIn(db(), w.people.serviceCentre);
    const html = await (await call(`/cases/${a.number}`, { cookie })).text();
    const asked_ = html.slice(html.indexOf('id="extension-asked"'), html.indexOf("</dd>", html.indexOf('id="extension-asked"')));
    expect(asked_).toContain("(+3 h)");
    expect(asked_).toContain("Migreringen tar längre tid");
    const section = html.slice(html.indexOf('id="extension-conflicts-heading"'));
    expect(section.slice(0, section.indexOf("</section>"))).toContain(other.number);
    // The grant form starts from the end asked for; more than asked is refused at the field.
    expect(html).toMatch(new RegExp(`name="end"[^>]*value="${isoToStockholmLocal(asked)}"|value="${isoToStockholmLocal(asked)}"[^>]*name="end"`));
    const tooMuch = await call(`/cases/${a.number}`, {
      cookie,
      form: { intent: "APPROVE_EXTENSION", end: isoToStockholmLocal(new Date(asked.getTime() + 60 * MINUTE)), reason: "Krocken är ok" },
    });
    expect(tooMuch.status).toBe(422);
    expect(await tooMuch.text()).toMatch(/<input(?=[^>]*aria-invalid="true")[^>]*name="end"/);
    // One hour, before the other change: granted, with no conflict left to explain.
    // datetime-local is to the minute.
    const oneHour = new Date(stockholmLocalToIso(isoToStockholmLocal(new Date(a.end.getTime() + 60 * MINUTE)))!);
    const granted = await call(`/cases/${a.number}`, { cookie, form: { intent: "APPROVE_EXTENSION", end: isoToStockholmLocal(oneHour) } });
    expect(granted.status).toBe(302);
    const [row] = await db().select().from(accessWindows).where(eq(accessWindows.id, a.id));
    expect(row!.endsAt.toISOString()).toBe(oneHour.toISOString());
    const [c] = await db().select().from(cases).where(eq(cases.number, a.number));
    expect(c!.windowEnd!.toISOString()).toBe(oneHour.toISOString());
  });
});

describe("an extension into a freeze", () => {
  it("holds as an approval does: refused without the service centre's explicit override, granted with it and a reason", async () => {
    const a = await startedChange(w.systems.app.code, "Frysförlängning");
    const path = `/api/v1/access-windows/${a.id}/events`;
    expect((await post(path, w.tokens.operations, { type: "GRANT" })).status).toBe(200);
    const newEnd = new Date(a.end.getTime() + 60 * MINUTE);
    expect((await post(path, w.tokens.consultant, { type: "REQUEST_EXTENSION", end: newEnd.toISOString(), reason: "Omstarten drar ut" })).status).toBe(200);
    // The added hour runs into a freeze on APP.
    await db()
      .insert(blackoutPeriods)
      .values({
        systemId: w.systems.app.id,
        startsAt: new Date(a.end.getTime() + 30 * MINUTE),
        endsAt: new Date(a.end.getTime() + 120 * MINUTE),
        reason: "Nätbyte",
      });
    const blind = await post(path, w.tokens.serviceCentre, { type: "APPROVE_EXTENSION", reason: "Behövs" });
    expect(blind.status).toBe(422);
    expect((blind.body as { fieldErrors: Record<string, string> }).fieldErrors).toHaveProperty("overrideFreeze");
    // On the case page the refusal brings the override to the form.
    const cookie = await signIn(db(), w.people.serviceCentre);
    const refused = await call(`/cases/${a.number}`, { cookie, form: { intent: "APPROVE_EXTENSION", reason: "Behövs" } });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toMatch(/<input(?=[^>]*aria-invalid="true")[^>]*name="overrideFreeze"/);
    const passed = await post(path, w.tokens.serviceCentre, { type: "APPROVE_EXTENSION", reason: "Behövs", overrideFreeze: true });
    expect(passed.status).toBe(200);
    expect(passed.body).toMatchObject({ end: newEnd.toISOString(), pendingExtension: null });
    // The case keeps the new end when its window closes.
    expect((await post(path, w.tokens.consultant, { type: "END", reason: "Klart" })).status).toBe(200);
    const [after] = await db().select().from(cases).where(eq(cases.number, a.number));
    expect(after!.windowEnd!.toISOString()).toBe(newEnd.toISOString());
  });
});

describe("the operations page", () => {
  let b: Awaited<ReturnType<typeof startedChange>>;
  let later: Awaited<ReturnType<typeof approvedChange>>;
  beforeAll(async () => {
    b = await startedChange(w.systems.dbs.code, "Databaspatch");
    later = await approvedChange(w.systems.net.code, "Långt fram");
  });

  it("shows today's window to open with its system and accounts, late in red, and opens it in one click", async () => {
    const cookie = await signIn(db(), w.people.operations);
    const page = await call("/operations", { cookie });
    const html = await page.text();
    expect(page.status, html.slice(0, 300)).toBe(200);
    const at = html.indexOf(`data-window="${b.id}"`);
    expect(at).toBeGreaterThan(-1);
    const row = html.slice(html.lastIndexOf("<tr", at), html.indexOf("</tr>", at));
    expect(row).toContain(b.number);
    expect(row).toContain(w.systems.dbs.code);
    expect(row).toContain("adm-databaspatch");
    expect(row).toContain("svc-backup");
    expect(row).toContain("Kim Konsult");
    expect(row).toContain('data-overdue="true"'); // it started five minutes ago and is not open yet
    expect(row).toContain("row--urgent");
    expect(row).toContain('value="GRANT"');
    // Beyond the next seven days: not listed.
    expect(html).not.toContain(later.number);

    const granted = await call("/operations", { cookie, form: { intent: "GRANT", caseNumber: b.number } });
    expect(granted.status).toBe(302);
    expect(granted.headers.get("Location")).toBe(`/operations?notice=granted&case=${b.number}`);
    const [row2] = await db().select().from(accessWindows).where(eq(accessWindows.id, b.id));
    expect(row2?.status).toBe("open");

    // A second click on the stale form: the error is shown at the form.
    const again = await call("/operations", { cookie, form: { intent: "GRANT", caseNumber: b.number } });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('role="alert"');

    const after = await (await call(`/operations?notice=granted&case=${b.number}`, { cookie })).text();
    const openAt = after.indexOf(`data-window="${b.id}"`);
    const openRow = after.slice(after.lastIndexOf("<tr", openAt), after.indexOf("</tr>", openAt));
    expect(openRow).toContain('value="REVOKE"');
    expect(after).toContain('role="status"');

    const revoked = await call("/operations", { cookie, form: { intent: "REVOKE", caseNumber: b.number } });
    expect(revoked.status).toBe(302);
    const closedPage = await (await call("/operations", { cookie })).text();
    expect(closedPage).toContain(`data-window="${b.id}"`); // recently closed: restore monitoring
  });

  it("lets the service centre look on without forms, and refuses requesters and suppliers", async () => {
    const view = await call("/operations", { cookie: await signIn(db(), w.people.serviceCentre) });
    expect(view.status).toBe(200);
    expect(await view.text()).not.toContain('name="intent"');
    expect((await call("/operations", { cookie: await signIn(db(), w.people.requester) })).status).toBe(403);
    expect((await call("/operations", { cookie: await signIn(db(), w.people.consultant) })).status).toBe(403);
    const posted = await call("/operations", { cookie: await signIn(db(), w.people.requester), form: { intent: "GRANT", caseNumber: later.number } });
    expect(posted.status).toBe(403);
  });
});

describe("the outbox page", () => {
  it("shows queued messages with their rendered subject to the service centre, and 403 to a supplier", async () => {
    const newest = (await db().select().from(outbox)).sort((x, y) => y.id - x.id)[0]!;
    const { subject } = renderMail(newest);

    const response = await call("/admin/outbox", { cookie: await signIn(db(), w.people.serviceCentre) });
    const html = await response.text();
    expect(response.status, html.slice(0, 300)).toBe(200);
    expect(html).toContain(`data-message="${newest.id}"`);
    expect(html).toContain("<details");
    expect(html).toContain(subject.replace(/&/g, "&amp;"));
    expect(html).toContain(newest.recipient);
    if (!process.env.SMTP_URL) expect(html).toContain('data-smtp="off"');

    expect((await call("/admin/outbox", { cookie: await signIn(db(), w.people.consultant) })).status).toBe(403);
    expect((await call("/admin/outbox", { cookie: await signIn(db(), w.people.requester) })).status).toBe(403);
  });

  it("lists a message whose template this version no longer has, and still shows the others", async () => {
    const before = (await db().select().from(outbox)).sort((x, y) => y.id - x.id)[0]!;
    const [old] = await db()
      .insert(outbox)
      .values({ key: "retired-template-test", template: "case.retired", recipient: "arkiv@sjovik.se", payload: { number: "CHG-2020-00001" } })
      .returning();
    const response = await call("/admin/outbox", { cookie: await signIn(db(), w.people.serviceCentre) });
    const html = await response.text();
    expect(response.status, html.slice(0, 300)).toBe(200);
    const row = html.slice(html.indexOf(`data-message="${old!.id}"`), html.indexOf(`data-message="${before.id}"`));
    expect(row).toContain("Meddelandet kan inte visas");
    expect(row).toContain("arkiv@sjovik.se");
    expect(html).toContain(renderMail(before).subject.replace(/&/g, "&amp;"));
    await db().delete(outbox).where(eq(outbox.id, old!.id));
  });
});
