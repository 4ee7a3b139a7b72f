import { eq, sql } from "drizzle-orm";
import ICAL from "ical.js";
import { beforeAll, describe, expect, it } from "vitest";

import { accessWindows, cases, outbox, systems, users } from "../db/schema";
import { renderMail } from "~/outbox/templates.server";
import { isoToStockholmLocal } from "../machines/time";
import { applyEvent, createCase } from "~/cases/commands.server";
import { SECTION_SIZE, timeLeft, UPCOMING_DAYS } from "~/cases/supplier.server";
import { call, ORIGIN, signIn } from "./support/app";
import { useTestDatabase } from "./support/database";
import { makeWorld, windowAhead, type World } from "./support/world";

/**
 * The supplier's page (/supplier) and feed (/feeds/supplier/<token>.ics), through the built app
 * (`npm run build` first).
 */
const db = useTestDatabase();
let w: World;
let day = 1;
const RISK = "HEMLIG-RISK-7f3a";
const SECRET_PLANS = ["TESTPLAN-HEMLIG-91", "ÅTERSTÄLLNING-HEMLIG-42", "PÅVERKAN-HEMLIG-13"];
const n = { open: "", upcoming: "", other: "" };

async function change(systemCode: string, title: string, extra: Record<string, unknown> = {}) {
  const c = await createCase(db(), w.people.requester, {
    type: "simple-change",
    systemCode,
    title,
    window: windowAhead(day++),
    reason: "Uppgradering",
    bookedWithSupplier: true,
    accounts: [`adm-lev-${w.tag.toLowerCase()}`, `svc-lev-${w.tag.toLowerCase()}`],
    supplierPeople: ["Kim Konsult"],
    risk: RISK,
    testPlan: SECRET_PLANS[0],
    rollbackPlan: SECRET_PLANS[1],
    impactDescription: SECRET_PLANS[2],
    ...extra,
  });
  await applyEvent(db(), w.people.serviceCentre, c.number, { type: "APPROVE", reason: `GODKÄNN-ANTECKNING-${w.tag}` });
  return c;
}

/** An approved change on `systemCode` whose window operations has opened (GRANT inside the window). */
async function openWindow(systemCode: string, title: string) {
  const c = await change(systemCode, title);
  await applyEvent(db(), w.people.operations, c.number, { type: "GRANT" }, new Date(Date.parse(c.window!.start) + 60_000));
  return c;
}

async function page(cookie: string, path = "/supplier") {
  const response = await call(path, { cookie });
  expect(response.status).toBe(200);
  return response.text();
}

/** The card of one window on the page. */
function card(html: string, number: string): string {
  const match = new RegExp(`<article[^>]*data-case="${number}"[\\s\\S]*?</article>`).exec(html);
  expect(match, `no card for ${number}`).not.toBeNull();
  return match![0];
}

const windowOf = async (number: string) => {
  const [row] = await db()
    .select({ w: accessWindows })
    .from(accessWindows)
    .innerJoin(cases, eq(cases.id, accessWindows.caseId))
    .where(eq(cases.number, number));
  return row!.w;
};

beforeAll(async () => {
  w = await makeWorld(db());
  n.open = (await openWindow(w.systems.app.code, "Uppgradera appen")).number;
  n.upcoming = (await change(w.systems.dbs.code, "Patcha databasen")).number;
  // NET is the other supplier's system.
  n.other = (await openWindow(w.systems.net.code, "Byt brandväggsregler")).number;
});

describe("the supplier's page", () => {
  it("is for suppliers only", async () => {
    expect((await call("/supplier")).status).toBe(302);
    expect((await call("/supplier", { cookie: await signIn(db(), w.people.requester) })).status).toBe(403);
  });

  it("lists an approved emergency whose start has passed but which operations has not opened as waiting, not upcoming", async () => {
    const incident = await createCase(db(), w.people.requester, {
      type: "emergency",
      systemCode: w.systems.app.code,
      title: "Nattligt avbrott",
      urgency: 1,
      impact: 1,
    });
    await applyEvent(db(), w.people.serviceCentre, incident.number, { type: "APPROVE", reason: "Akut" });
    const html = await page(await signIn(db(), w.people.consultant));
    const waiting = /<section id="supplier-waiting"[\s\S]*?<\/section>/.exec(html)?.[0];
    expect(waiting, "no waiting section").toBeDefined();
    expect(waiting).toContain(incident.number);
    expect(waiting).toContain("driften har ännu inte öppnat");
    const upcoming = /<section id="supplier-upcoming"[\s\S]*?<\/section>/.exec(html)![0];
    expect(upcoming).not.toContain(incident.number);
    expect(upcoming).toContain(n.upcoming);
  });

  it("lists the next 90 days as upcoming and points to the schedule for windows further ahead", async () => {
    // About 100 days ahead: 70 working days after the earliest start.
    const far = await change(w.systems.dbs.code, "Byt lagringsenhet", { window: windowAhead(70) });
    expect(Date.parse(far.window!.start) - Date.now()).toBeGreaterThan(UPCOMING_DAYS * 86_400_000);
    const html = await page(await signIn(db(), w.people.consultant));
    const upcoming = /<section id="supplier-upcoming"[\s\S]*?<\/section>/.exec(html)![0];
    expect(upcoming).toContain("Kommande – närmaste 90 dagarna");
    expect(upcoming).toContain(n.upcoming);
    expect(html).not.toContain(far.number);
    const later = /<p data-later="1">[\s\S]*?<\/p>/.exec(html)?.[0];
    expect(later).toContain("Ytterligare 1 planerat fönster börjar om mer än 90 dagar.");
    expect(later).toMatch(/<a[^>]*href="\/schedule"/);
    await applyEvent(db(), w.people.requester, far.number, { type: "CANCEL", reason: "Flyttas" });
    expect(await page(await signIn(db(), w.people.consultant))).not.toContain("data-later=");
  });

  it("shows the consultant their organisation's open and upcoming windows with accounts, system and contact", async () => {
    const html = await page(await signIn(db(), w.people.consultant));
    const open = card(html, n.open);
    expect(open).toContain(w.systems.app.name);
    expect(open).toContain("Uppgradera appen");
    expect(open).toContain(`adm-lev-${w.tag.toLowerCase()}`);
    expect(open).toContain(`svc-lev-${w.tag.toLowerCase()}`);
    expect(open).toContain(w.people.requester.name);
    expect(open).toContain(w.people.requester.email);
    // The actions on an open window.
    expect(open).toContain('value="end"');
    const openSection = /<section id="supplier-open"[\s\S]*?<\/section>/.exec(html)![0];
    expect(openSection).toContain(n.open);
    expect(openSection).toContain('value="end"');
    expect(openSection).toContain('value="extend"');
    expect(openSection).toContain('type="datetime-local"');
    expect(openSection).not.toContain(n.upcoming);
    const upcoming = /<section id="supplier-upcoming"[\s\S]*?<\/section>/.exec(html)![0];
    expect(upcoming).toContain(n.upcoming);
    expect(upcoming).not.toContain('value="end"');
    // Not the other supplier's window.
    expect(html).not.toContain(n.other);
    expect(html).not.toContain("Byt brandväggsregler");
  });

  it("never shows the case's risk, plans, impact or the audit trail's reasons", async () => {
    const html = await page(await signIn(db(), w.people.consultant));
    expect(html).not.toContain(RISK);
    for (const secret of SECRET_PLANS) expect(html).not.toContain(secret);
    expect(html).not.toContain(`GODKÄNN-ANTECKNING-${w.tag}`);
  });

  it("never mails the supplier's mailbox a reason that the supplier would not see in the portal", async () => {
    const rejected = await createCase(db(), w.people.requester, {
      type: "simple-change",
      systemCode: w.systems.app.code,
      title: "Avslås",
      window: windowAhead(day++),
      reason: "Uppgradering",
      bookedWithSupplier: true,
    });
    await applyEvent(db(), w.people.serviceCentre, rejected.number, { type: "REJECT", reason: `AVSLAG-INTERNT-${w.tag}` });
    const messages = await db()
      .select()
      .from(outbox)
      .where(sql`${outbox.key} like ${`${n.open}:%`} or ${outbox.key} like ${`${rejected.number}:%`}`);
    const toSupplier = messages.filter((m) => m.recipient === w.supplier.mailbox);
    const toRequester = messages.filter((m) => m.recipient === w.people.requester.email);
    expect(toSupplier.map((m) => m.template).sort()).toEqual(["case.approved", "case.rejected", "window.opened"]);
    for (const m of toSupplier) {
      expect(m.payload.reason, m.template).toBeNull();
      const { text } = renderMail(m);
      expect(text).not.toContain(`GODKÄNN-ANTECKNING-${w.tag}`);
      expect(text).not.toContain(`AVSLAG-INTERNT-${w.tag}`);
    }
    // The requester, inside the municipality, is told why.
    expect(toRequester.map((m) => renderMail(m).text).join("\n")).toContain(`AVSLAG-INTERNT-${w.tag}`);
  });

  it("keeps each supplier to its own windows: the other consultant sees only theirs and gets 404 on the case", async () => {
    const cookie = await signIn(db(), w.people.otherConsultant);
    const html = await page(cookie);
    expect(html).not.toContain(n.open);
    expect(html).not.toContain(n.upcoming);
    expect(card(html, n.other)).toContain(w.systems.net.name);
    expect((await call(`/cases/${n.open}`, { cookie })).status).toBe(404);
    // Nor can they end it from their own page.
    const refused = await call("/supplier", { cookie, form: { intent: "end", number: n.open } });
    expect(refused.status).toBe(404);
    expect((await windowOf(n.open)).status).toBe("open");
  });

  it("refuses to ask for more time without a reason, with the error at the field", async () => {
    const cookie = await signIn(db(), w.people.consultant);
    const current = await windowOf(n.open);
    const later = isoToStockholmLocal(new Date(current.endsAt.getTime() + 2 * 3600_000));
    const response = await call("/supplier", { cookie, form: { intent: "extend", number: n.open, end: later, reason: "  " } });
    expect(response.status).toBe(422);
    const html = await response.text();
    const reasonField = /<div class="field field--invalid">(?:(?!<\/div>)[\s\S])*?name="reason"[\s\S]*?<\/div>/.exec(html);
    expect(reasonField, "the reason field is marked invalid").not.toBeNull();
    expect(reasonField![0]).toContain("Ange en motivering.");
    expect(reasonField![0]).toContain('aria-invalid="true"');
    // What was typed is kept.
    expect(html).toContain(`value="${later}"`);
    expect((await windowOf(n.open)).state.context.pendingExtension).toBeNull();
  });

  it("refuses a new end that is not later than the current one, at the end field", async () => {
    const cookie = await signIn(db(), w.people.consultant);
    const current = await windowOf(n.open);
    const earlier = isoToStockholmLocal(new Date(current.endsAt.getTime() - 3600_000));
    const response = await call("/supplier", { cookie, form: { intent: "extend", number: n.open, end: earlier, reason: "Mer tid" } });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toMatch(/<div class="field field--invalid">(?:(?!<\/div>)[\s\S])*?name="end"/);
    const missing = await call("/supplier", { cookie, form: { intent: "extend", number: n.open, end: "", reason: "Mer tid" } });
    expect(missing.status).toBe(422);
  });

  it("asks for more time with a new end in Stockholm time and a reason", async () => {
    const cookie = await signIn(db(), w.people.consultant);
    const current = await windowOf(n.open);
    const wanted = new Date(current.endsAt.getTime() + 2 * 3600_000);
    const response = await call("/supplier", {
      cookie,
      form: { intent: "extend", number: n.open, end: isoToStockholmLocal(wanted), reason: "Migreringen tar längre tid" },
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toContain("notice=extension-requested");
    const pending = (await windowOf(n.open)).state.context.pendingExtension as { end: string; reason: string };
    expect(Date.parse(pending.end)).toBe(wanted.getTime());
    expect(pending.reason).toBe("Migreringen tar längre tid");
    // The request is shown; another cannot be made until it is decided.
    const open = /<section id="supplier-open"[\s\S]*?<\/section>/.exec(await page(cookie))![0];
    expect(open).not.toContain('value="extend"');
  });

  it("ends the access from the page: the window closes and moves to Past", async () => {
    const number = (await openWindow(w.systems.app.code, "Kort jobb")).number;
    const cookie = await signIn(db(), w.people.consultant);
    const response = await call("/supplier", { cookie, form: { intent: "end", number, reason: "Klart tidigare än väntat" } });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toContain("notice=ended");
    const closed = await windowOf(number);
    expect(closed.status).toBe("closed");
    expect(closed.state.context.closedBy).toBe("ended");
    const [c] = await db().select().from(cases).where(eq(cases.number, number));
    expect(c!.status).toBe("window-closed");
    const html = await page(cookie);
    const past = /<section id="supplier-past"[\s\S]*?<\/section>/.exec(html)![0];
    expect(past).toContain(number);
    expect(/<section id="supplier-open"[\s\S]*?<\/section>/.exec(html)![0]).not.toContain(number);
    // Ending twice is a conflict, not a crash.
    expect((await call("/supplier", { cookie, form: { intent: "end", number } })).status).toBe(409);
  });

  it("shows the first ten upcoming windows with a link to all, and how to log in once per system below them rather than on every card", async () => {
    const LOGIN = "Logga in via bastionen dbs-jump-7c1 med ditt konto.";
    await db().update(systems).set({ loginInstructions: LOGIN }).where(eq(systems.code, w.systems.dbs.code));
    const extra = [];
    for (let i = 0; i < SECTION_SIZE; i++) extra.push((await change(w.systems.dbs.code, `Nattjobb ${i}`)).number);
    try {
      const cookie = await signIn(db(), w.people.consultant);
      const html = await page(cookie);
      const upcoming = /<section id="supplier-upcoming"[\s\S]*?<\/section>/.exec(html)![0];
      // Earlier tests left upcoming windows of their own: the heading counts them all.
      const total = Number(/<span class="muted">\((?:<!-- -->)?(\d+)/.exec(upcoming)?.[1]);
      expect(total).toBeGreaterThan(SECTION_SIZE);
      expect(upcoming.match(/<article /g)).toHaveLength(SECTION_SIZE);
      // The earliest first: the window made in beforeAll is on the first page, the last one made is not.
      expect(upcoming).toContain(n.upcoming);
      expect(upcoming).not.toContain(extra.at(-1));
      const link = /<a[^>]*href="([^"]*)"[^>]*>Visa alla (\d+) fönster<\/a>/.exec(html);
      expect(link?.[2]).toBe(String(total));
      expect(link?.[1]?.replace(/&amp;/g, "&")).toBe("/supplier?all=upcoming#supplier-upcoming");
      // How to log in: once, below the upcoming windows; each card points there.
      expect(html.replace(/<script[\s\S]*?<\/script>/g, "").split(LOGIN)).toHaveLength(2);
      expect(/<section id="supplier-logins"[\s\S]*?<\/section>/.exec(html)![0]).toContain(LOGIN);
      expect(card(html, n.upcoming)).toContain(`href="#login-${w.systems.dbs.code}"`);
      const all = await page(cookie, "/supplier?all=upcoming");
      const every = /<section id="supplier-upcoming"[\s\S]*?<\/section>/.exec(all)![0];
      expect(every.match(/<article /g)).toHaveLength(total);
      expect(every).toContain(extra.at(-1));
      expect(all).not.toContain("Visa alla");
    } finally {
      for (const number of extra) await applyEvent(db(), w.people.requester, number, { type: "CANCEL", reason: "Testet är klart" });
      await db().update(systems).set({ loginInstructions: "" }).where(eq(systems.code, w.systems.dbs.code));
    }
  });

  it("counts the time left in hours and minutes", () => {
    const now = new Date("2026-03-10T10:00:00Z");
    expect(timeLeft("2026-03-10T12:15:00Z", now)).toEqual({ hours: 2, minutes: 15 });
    expect(timeLeft("2026-03-10T10:04:30Z", now)).toEqual({ hours: 0, minutes: 5 });
    expect(timeLeft("2026-03-10T09:59:00Z", now)).toBeNull();
  });
});

describe("the supplier's calendar feed", () => {
  async function createFeed(cookie: string): Promise<string> {
    const response = await call("/supplier", { cookie, form: { intent: "create-feed" } });
    expect(response.status).toBe(200);
    const html = await response.text();
    const match = /value="(http[^"]+\/feeds\/supplier\/(cal_[A-Za-z0-9_-]+)\.ics)"/.exec(html);
    expect(match).not.toBeNull();
    expect(match![1]!.startsWith(`${ORIGIN}/feeds/supplier/`)).toBe(true);
    return new URL(match![1]!).pathname;
  }

  it("is created on the page, parses as iCalendar, lists the organisation's windows only, and is gone once revoked", async () => {
    const cookie = await signIn(db(), w.people.consultant);
    const path = await createFeed(cookie);
    const response = await call(path);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/calendar");
    const text = await response.text();
    const events = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents("vevent");
    const summaries = events.map((e) => String(e.getFirstPropertyValue("summary")));
    expect(summaries.some((s) => s.includes(n.open))).toBe(true);
    expect(summaries.some((s) => s.includes(n.upcoming))).toBe(true);
    expect(summaries.some((s) => s.includes(n.other))).toBe(false);
    const open = events.find((e) => String(e.getFirstPropertyValue("summary")).includes(n.open))!;
    const start = open.getFirstPropertyValue("dtstart") as ICAL.Time;
    expect(start.toJSDate().getTime()).toBe((await windowOf(n.open)).startsAt.getTime());
    expect(String(open.getFirstPropertyValue("description"))).toContain(`adm-lev-${w.tag.toLowerCase()}`);
    expect(text).not.toContain(RISK);
    for (const secret of SECRET_PLANS) expect(text).not.toContain(secret);

    // The page no longer shows the address, only that there is one.
    const after = await page(cookie);
    expect(after).not.toContain("/feeds/supplier/cal_");
    expect(after).toContain('value="revoke-feed"');

    const revoked = await call("/supplier", { cookie, form: { intent: "revoke-feed" } });
    expect(revoked.status).toBe(302);
    expect((await call(path)).status).toBe(404);
  });

  it("answers 404 for an unknown token, a schedule token, or a deactivated user", async () => {
    expect((await call("/feeds/supplier/cal_nonsense.ics")).status).toBe(404);
    expect((await call("/feeds/supplier/nonsense.ics")).status).toBe(404);
    const cookie = await signIn(db(), w.people.otherConsultant);
    const path = await createFeed(cookie);
    expect((await call(path)).status).toBe(200);
    // A supplier token does not open the schedule feed.
    expect((await call(path.replace("/feeds/supplier/", "/feeds/schedule/"))).status).toBe(404);
    await db().update(users).set({ status: "deactivated" }).where(eq(users.id, w.people.otherConsultant.id));
    expect((await call(path)).status).toBe(404);
  });
});
