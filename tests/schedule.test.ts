import { eq, inArray } from "drizzle-orm";
import ICAL from "ical.js";
import { decode } from "turbo-stream";
import { beforeAll, describe, expect, it } from "vitest";

import { makeDependency, makeSystem } from "./support/factories";
import { blackoutPeriods, systems, users } from "../db/schema";
import { addDays, stockholmDate } from "../machines/calendar";
import { isoToStockholmLocal, stockholmLocalToIso } from "../machines/time";
import { applyEvent, createCase } from "~/cases/commands.server";
import { lanesOf, scheduleOf, scheduleRange } from "~/cases/schedule.server";
import { conflictsFor } from "~/cases/conflicts.server";
import { extendFreezes } from "~/cases/blackouts.server";
import { call, ORIGIN, signIn } from "./support/app";
import { SYSTEMS_PER_PAGE } from "~/routes/schedule";
import { useTestDatabase } from "./support/database";
import { makeWorld, windowAhead, type World } from "./support/world";

const db = useTestDatabase();
let w: World;
let other: World;
let day = "";
const n = { app: "", dbs: "", net: "", draft: "", otherWorld: "" };
const HOUR = 3600_000;

function change(systemCode: string, window: { start: string; end: string }, title: string) {
  return {
    type: "simple-change",
    systemCode,
    title,
    description: "Planerat arbete.",
    window,
    reason: "Underhåll",
    bookedWithSupplier: true,
    accounts: ["adm-leverantor"],
  };
}

const shift = (window: { start: string }, fromHours: number, toHours: number) => {
  const start = new Date(window.start).getTime();
  return { start: new Date(start + fromHours * HOUR).toISOString(), end: new Date(start + toHours * HOUR).toISOString() };
};

beforeAll(async () => {
  w = await makeWorld(db());
  other = await makeWorld(db());
  const base = windowAhead(2); // 09:00–13:00 Stockholm, a working day after the advanced lead time
  day = stockholmDate(new Date(base.start));
  // APP depends on DB: overlapping windows on the two are a conflict.
  n.app = (await createCase(db(), w.people.requester, change(w.systems.app.code, base, "Uppgradera appen"))).number;
  n.dbs = (await createCase(db(), w.people.requester, change(w.systems.dbs.code, shift(base, 1, 3), "Patcha databasen"))).number;
  // NET (another supplier) later the same day: connected, but it overlaps nothing.
  n.net = (await createCase(db(), w.people.requester, change(w.systems.net.code, shift(base, 6, 8), "Byt brandväggsregler"))).number;
  n.draft = (
    await createCase(db(), w.people.requester, {
      draft: true,
      type: "simple-change",
      systemCode: w.systems.app.code,
      title: "Utkast",
      window: shift(base, 0, 1),
    })
  ).number;
  // The same hours in another municipality-world: neither seen by nor in conflict with the first.
  n.otherWorld = (await createCase(db(), other.people.requester, change(other.systems.app.code, base, "Annan värld"))).number;
  await applyEvent(db(), other.people.serviceCentre, n.otherWorld, { type: "APPROVE" });

  await db()
    .insert(blackoutPeriods)
    .values([
      {
        systemId: w.systems.dbs.id,
        startsAt: new Date(new Date(base.start).getTime() + 24 * HOUR),
        endsAt: new Date(new Date(base.start).getTime() + 30 * HOUR),
        reason: `Bokslut ${w.tag}`,
        createdById: w.people.serviceCentre.id,
      },
      { systemId: other.systems.app.id, startsAt: new Date(base.start), endsAt: new Date(base.end), reason: `Främmande frys ${other.tag}` },
    ]);
});

async function page(path: string, cookie: string) {
  const response = await call(path, { cookie });
  const html = await response.text();
  expect(response.status, `${path}: ${html.slice(0, 300)}`).toBe(200);
  return html;
}

/** The case numbers drawn in the grid. */
function shown(html: string): string[] {
  return [...html.matchAll(/data-case="([A-Z]+-\d{4}-\d{5})"/g)].map((m) => m[1]!);
}

/** The HTML of one window's bar. */
function bar(html: string, number: string): string {
  const at = html.lastIndexOf("<div", html.indexOf(`data-case="${number}"`));
  expect(at, number).toBeGreaterThan(-1);
  return html.slice(at, html.indexOf("</div>", at));
}

/** Creates a feed on the page (the session is freshly verified) and returns its path. */
async function createFeed(cookie: string): Promise<string> {
  const response = await call("/schedule", { cookie, form: { intent: "create-feed" } });
  const html = await response.text();
  expect(response.status).toBe(200);
  const match = /value="(http[^"]+\/feeds\/schedule\/(cal_[A-Za-z0-9_-]+)\.ics)"/.exec(html);
  expect(match, html.slice(0, 500)).not.toBeNull();
  expect(match![1]!.startsWith(`${ORIGIN}/feeds/schedule/`)).toBe(true);
  return new URL(match![1]!).pathname;
}

describe("the schedule", () => {
  it("shows a requester the windows on their systems, not drafts and not another scope's", async () => {
    const html = await page(`/schedule?date=${day}`, await signIn(db(), w.people.requester));
    expect(shown(html).sort()).toEqual([n.app, n.dbs, n.net].sort());
    expect(html).toContain(`href="/cases/${n.app}"`);
    expect(html).not.toContain(n.otherWorld);
    expect(html).not.toContain("Annan värld");
    expect(html).not.toContain(`Främmande frys ${other.tag}`);
    // One row per system, a column per day.
    expect(html).toContain(`data-system="${w.systems.app.code}"`);
    expect(html.match(/<th scope="col"/g)).toHaveLength(8);

    const theirs = await page(`/schedule?date=${day}`, await signIn(db(), other.people.requester));
    expect(shown(theirs)).toEqual([n.otherWorld]);
    expect(theirs).not.toContain(n.app);
  });

  it("shows a supplier only its own organisation's windows", async () => {
    const consultant = await page(`/schedule?date=${day}`, await signIn(db(), w.people.consultant));
    expect(shown(consultant).sort()).toEqual([n.app, n.dbs].sort());
    const otherConsultant = await page(`/schedule?date=${day}`, await signIn(db(), w.people.otherConsultant));
    expect(shown(otherConsultant)).toEqual([n.net]);
  });

  it("marks conflicting windows, in words as well as with the sign", async () => {
    const html = await page(`/schedule?date=${day}`, await signIn(db(), w.people.serviceCentre));
    for (const number of [n.app, n.dbs]) {
      expect(bar(html, number)).toContain("⚠");
      expect(bar(html, number)).toContain("sched-bar--conflict");
      expect(bar(html, number)).toMatch(/class="visually-hidden">[^<]+: <\/span>/);
    }
    expect(bar(html, n.net)).not.toContain("⚠");
    // No other window near it, but its own world's freeze covers it: marked as well.
    expect(bar(html, n.otherWorld)).toContain("⚠");
    expect(bar(html, n.app)).toContain("sched-bar--pending");
    expect(bar(html, n.otherWorld)).toContain("sched-bar--approved");
  });

  it("never shows a supplier a conflict: not on the page, not in its data, not in its calendar feed", async () => {
    const cookie = await signIn(db(), w.people.consultant);
    const html = await page(`/schedule?date=${day}`, cookie);
    for (const number of [n.app, n.dbs]) {
      expect(bar(html, number)).not.toContain("⚠");
      expect(bar(html, number)).not.toContain("sched-bar--conflict");
    }
    expect(html).not.toMatch(/\d+ fönster, varav \d+ med krock/);
    expect(html).toMatch(/<caption id="schedule-caption">[^<]*<!-- --> · <!-- -->\d+ fönster</);
    // The client navigation's data carries no flag either (the service centre's does).
    const flags = async (who: string) => {
      const response = await call(`/schedule.data?date=${day}`, { cookie: who });
      expect(response.status).toBe(200);
      const data = (await decode(response.body!)).value as Record<
        string,
        { data?: { rows: { lanes: { conflict?: unknown }[][] }[]; counts: { conflicts: unknown } } }
      >;
      const route = data["routes/schedule"]!.data!;
      return {
        windows: route.rows
          .flatMap((r) => r.lanes.flat())
          .filter((i) => "conflict" in i)
          .map((i) => i.conflict),
        count: route.counts.conflicts,
      };
    };
    const supplier = await flags(cookie);
    expect(supplier.windows.length).toBeGreaterThan(0);
    expect(supplier.windows.every((c) => c === null)).toBe(true);
    expect(supplier.count).toBeNull();
    const centre = await flags(await signIn(db(), w.people.serviceCentre));
    expect(centre.windows).toContain(true);
    // … nor the iCalendar feed.
    const feed = await (await call(await createFeed(cookie))).text();
    expect(feed).toContain(n.app);
    expect(feed).not.toContain("⚠");
  });

  it("shows the blackout periods in scope, labelled and shaded", async () => {
    const html = await page(`/schedule?date=${day}`, await signIn(db(), w.people.requester));
    expect(html).toContain(`Bokslut ${w.tag}`);
    // The freeze is on its system's row, striped (the class the stylesheet shades), in the grid and in the phone's list.
    const row = new RegExp(`<tbody data-system="${w.systems.dbs.code}">[\\s\\S]*?</tbody>`).exec(html)?.[0] ?? "";
    expect(row).toMatch(new RegExp(`class="sched-bar sched-bar--blackout"[^>]*>[\\s\\S]*?Bokslut ${w.tag}`));
    expect(/<section class="sched-agenda"[\s\S]*?<\/section>/.exec(html)?.[0]).toContain("sched-bar--blackout");
  });

  it("switches to the month and filters by system, supplier and type", async () => {
    const cookie = await signIn(db(), w.people.serviceCentre);
    const month = await page(`/schedule?view=month&date=${day}`, cookie);
    expect(shown(month)).toEqual(expect.arrayContaining([n.app, n.dbs, n.net, n.otherWorld]));
    const days = new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)), 0)).getUTCDate();
    expect(month.match(/<th scope="col"/g)).toHaveLength(days + 1);

    expect(shown(await page(`/schedule?date=${day}&system=${w.systems.dbs.code}`, cookie))).toEqual([n.dbs]);
    expect(shown(await page(`/schedule?date=${day}&supplier=${w.otherSupplier.id}`, cookie))).toEqual([n.net]);
    expect(shown(await page(`/schedule?date=${day}&type=emergency`, cookie))).toEqual([]);
    // Nonsense is ignored rather than failing.
    await page(`/schedule?view=year&date=2026-02-30&system=%3Cx%3E&supplier=abc&type=nope`, cookie);
  });

  it("shows a long period a page of systems at a time, in the grid and in the phone's list alike", async () => {
    // A week far from the other tests' with one more system than fits a page, each under a freeze.
    const week = "2031-03-12";
    const many = [];
    for (let i = 0; i <= SYSTEMS_PER_PAGE; i++) many.push(await makeSystem(db(), { code: `PG${w.tag}${String(i).padStart(2, "0")}`, ownerUnitId: w.unit.id }));
    const freezes = await db()
      .insert(blackoutPeriods)
      .values(many.map((s) => ({ systemId: s.id, startsAt: new Date(`${week}T08:00:00Z`), endsAt: new Date(`${week}T10:00:00Z`), reason: `Sida ${s.code}` })))
      .returning({ id: blackoutPeriods.id });
    try {
      const cookie = await signIn(db(), w.people.serviceCentre);
      const systemsOn = (html: string) => [...html.matchAll(/data-system="([^"]+)"/g)].map((m) => m[1]!);
      // The pager's link, if any (the week navigation's links are in their own nav, before it).
      const pagerLink = (html: string, rel: "prev" | "next") =>
        new RegExp(`<a rel="${rel}"[^>]*href="([^"]+)"[^>]*>[^<]*system`, "i").exec(html.slice(html.indexOf('aria-label="Systemsidor"')))?.[1] ?? null;
      const first = await page(`/schedule?date=${week}`, cookie);
      expect(systemsOn(first)).toEqual(many.slice(0, SYSTEMS_PER_PAGE).map((s) => s.code));
      expect(first).toContain(`Visar system 1–${SYSTEMS_PER_PAGE} av ${SYSTEMS_PER_PAGE + 1}.`);
      expect(first).toContain(`Sida ${many[0]!.code}`);
      expect(first).not.toContain(`Sida ${many[SYSTEMS_PER_PAGE]!.code}`); // nor in the agenda
      expect(pagerLink(first, "next")).toBe(`/schedule?date=${week}&amp;page=2`);
      expect(pagerLink(first, "prev")).toBeNull();

      const second = await page(`/schedule?date=${week}&page=2`, cookie);
      expect(systemsOn(second)).toEqual([many[SYSTEMS_PER_PAGE]!.code]);
      expect(second).toContain(`Sida ${many[SYSTEMS_PER_PAGE]!.code}`);
      expect(pagerLink(second, "prev")).toBe(`/schedule?date=${week}`);
      expect(pagerLink(second, "next")).toBeNull();
      // Another week, the month or a filter starts again at the first page; a page past the end is the last.
      expect(second).toMatch(new RegExp(`href="/schedule\\?date=2031-03-17"`));
      expect(systemsOn(await page(`/schedule?date=${week}&page=9`, cookie))).toEqual([many[SYSTEMS_PER_PAGE]!.code]);
      // One page needs no pager.
      const filtered = await page(`/schedule?date=${week}&system=${many[0]!.code}`, cookie);
      expect(systemsOn(filtered)).toEqual([many[0]!.code]);
      expect(filtered).not.toContain("Visar system");
    } finally {
      await db()
        .delete(blackoutPeriods)
        .where(
          inArray(
            blackoutPeriods.id,
            freezes.map((f) => f.id),
          ),
        );
    }
  });

  it("is for signed-in people only", async () => {
    const anonymous = await call("/schedule");
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toContain("/login");
  });

  it("computes week and month ranges in Stockholm and lays windows out in lanes", async () => {
    const week = scheduleRange("week", "2026-03-29"); // a Sunday, the day summer time starts
    expect(week.start).toBe("2026-03-23");
    expect(week.days).toHaveLength(7);
    expect(week.from.toISOString()).toBe("2026-03-22T23:00:00.000Z");
    expect(week.to.toISOString()).toBe("2026-03-29T22:00:00.000Z");
    const february = scheduleRange("month", "2028-02-10");
    expect(february.days).toHaveLength(29);
    expect([february.previous, february.next]).toEqual(["2028-01-01", "2028-03-01"]);

    const range = scheduleRange("week", day);
    const schedule = await scheduleOf(db(), w.people.requester, { from: range.from, to: range.to });
    const app = schedule.rows.find((r) => r.system.code === w.systems.app.code)!;
    expect(app.windows.map((x) => [x.number, x.conflict])).toEqual([[n.app, true]]);
    const lanes = lanesOf(range, app.windows, app.blackouts);
    expect(lanes).toHaveLength(1);
    expect(lanes[0]![0]).toMatchObject({ kind: "window", first: range.days.indexOf(day), span: 1 });

    // A cycle in the dependency graph (NET → APP → DB → NET) ends the closure and changes nothing.
    await makeDependency(db(), w.systems.net.id, w.systems.app.id);
    const cyclic = await scheduleOf(db(), w.people.serviceCentre, { from: range.from, to: range.to });
    const flags = Object.fromEntries(cyclic.rows.flatMap((r) => r.windows).map((x) => [x.number, x.conflict]));
    // The other world's window lies in that world's own freeze: a freeze is a conflict too.
    expect(flags).toEqual({ [n.app]: true, [n.dbs]: true, [n.net]: false, [n.otherWorld]: true });
  });
});

describe("the calendar feed", () => {
  it("is created on the page, read anonymously as iCalendar, replaced, and gone once revoked", async () => {
    const cookie = await signIn(db(), w.people.requester);
    const before = await page("/schedule", cookie);
    expect(before).not.toContain("/feeds/schedule/");

    const path = await createFeed(cookie);
    const response = await call(path);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
    const text = await response.text();
    const events = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents("vevent");
    const summaries = events.map((e) => String(e.getFirstPropertyValue("summary")));
    expect(summaries).toContain(`${n.app} Uppgradera appen (${w.systems.app.code})`);
    expect(summaries.some((s) => s.includes(n.otherWorld))).toBe(false);
    expect(summaries.some((s) => s.includes(n.draft))).toBe(false);
    expect(summaries.some((s) => s.includes(`Bokslut ${w.tag}`))).toBe(true);
    const app = events.find((e) => String(e.getFirstPropertyValue("summary")).startsWith(n.app))!;
    const start = app.getFirstPropertyValue("dtstart") as ICAL.Time;
    expect(start.toJSDate().toISOString()).toBe(windowAhead(2).start);
    expect(String(app.getFirstPropertyValue("description"))).toContain(`${ORIGIN}/cases/${n.app}`);

    // The page says there is a feed now, without showing its address again.
    const after = await page("/schedule", cookie);
    expect(after).not.toContain(path);
    expect(after).toContain('value="revoke-feed"');

    // A new address replaces the old one.
    const replacement = await createFeed(cookie);
    expect(replacement).not.toBe(path);
    expect((await call(path)).status).toBe(404);
    expect((await call(replacement)).status).toBe(200);

    const revoked = await call("/schedule", { cookie, form: { intent: "revoke-feed" } });
    expect(revoked.status).toBe(302);
    expect((await call(replacement)).status).toBe(404);
    expect((await call("/feeds/schedule/cal_unknown.ics")).status).toBe(404);
  });

  it("keeps to the owner's scope and closes when the owner is deactivated", async () => {
    const path = await createFeed(await signIn(db(), w.people.otherConsultant));
    const text = await (await call(path)).text();
    const summaries = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents("vevent").map((e) => String(e.getFirstPropertyValue("summary")));
    expect(summaries.filter((s) => /^[A-Z]+-\d{4}-\d{5} /.test(s))).toEqual([`${n.net} Byt brandväggsregler (${w.systems.net.code})`]);

    await db().update(users).set({ status: "deactivated" }).where(eq(users.id, w.people.otherConsultant.id));
    expect((await call(path)).status).toBe(404);
  });
});

describe("blackout periods", () => {
  it("are created, listed, shown on the schedule and deleted by the service centre", async () => {
    const cookie = await signIn(db(), w.people.serviceCentre);
    expect((await call("/admin/blackouts", { cookie: await signIn(db(), w.people.requester) })).status).toBe(403);

    const created = await call("/admin/blackouts", {
      cookie,
      form: { intent: "create", systemId: String(w.systems.net.id), start: `${day}T18:00`, end: `${day}T23:30`, reason: `Nätfrys ${w.tag}` },
    });
    expect(created.status).toBe(302);
    const list = await page("/admin/blackouts", cookie);
    expect(list).toContain(`Nätfrys ${w.tag}`);
    const [row] = await db()
      .select()
      .from(blackoutPeriods)
      .where(eq(blackoutPeriods.reason, `Nätfrys ${w.tag}`));
    // Typed as Stockholm wall-clock time.
    expect(stockholmDate(row!.startsAt)).toBe(day);
    expect(row!.startsAt.toISOString()).toBe(new Date(new Date(windowAhead(2).start).getTime() + 9 * HOUR).toISOString());

    expect(await page(`/schedule?date=${day}`, await signIn(db(), w.people.requester))).toContain(`Nätfrys ${w.tag}`);

    const deleted = await call("/admin/blackouts", { cookie, form: { intent: "delete", id: String(row!.id) } });
    expect(deleted.status).toBe(302);
    expect(await page("/admin/blackouts", cookie)).not.toContain(`Nätfrys ${w.tag}`);
  });

  it("come back every week at the same Stockholm time, across the change to summer time, until their last day; one row in the list, deleted whole", async () => {
    const cookie = await signIn(db(), w.people.serviceCentre);
    const [probe] = await db()
      .insert(systems)
      .values({ code: `FRW${w.tag}`.slice(0, 20), name: "Veckofrys", ownerUnitId: w.unit.id })
      .returning();
    // Friday 12 March 2027 15:00 → 23:00, every week until 2 April: 12, 19, 26 March, and (summer time from the 28th) 2 April.
    const created = await call("/admin/blackouts", {
      cookie,
      form: {
        intent: "create",
        scope: "system",
        systemId: String(probe!.id),
        start: "2027-03-12T15:00",
        end: "2027-03-12T23:00",
        repeats: "weekly",
        until: "2027-04-02",
        reason: `Fredagsfrys ${w.tag}`,
      },
    });
    expect(created.status).toBe(302);
    const rows = await db().select().from(blackoutPeriods).where(eq(blackoutPeriods.systemId, probe!.id)).orderBy(blackoutPeriods.startsAt);
    expect(rows.map((r) => isoToStockholmLocal(r.startsAt))).toEqual(["2027-03-12T15:00", "2027-03-19T15:00", "2027-03-26T15:00", "2027-04-02T15:00"]);
    expect(rows.map((r) => isoToStockholmLocal(r.endsAt))).toEqual(["2027-03-12T23:00", "2027-03-19T23:00", "2027-03-26T23:00", "2027-04-02T23:00"]);
    // A window in a later week's freeze meets it; one the Thursday before does not.
    const friday = { start: new Date(stockholmLocalToIso("2027-04-02T16:00")!), end: new Date(stockholmLocalToIso("2027-04-02T18:00")!) };
    expect((await conflictsFor(db(), probe!.id, friday)).map((c) => c.reason)).toEqual([`Fredagsfrys ${w.tag}`]);
    const thursday = { start: new Date(stockholmLocalToIso("2027-04-01T16:00")!), end: new Date(stockholmLocalToIso("2027-04-01T18:00")!) };
    expect(await conflictsFor(db(), probe!.id, thursday)).toEqual([]);
    // The scheduler's duty adds nothing twice.
    expect(await extendFreezes(db())).toBe(0);
    // The list shows the freeze once, saying how often and when next.
    const list = await page("/admin/blackouts", cookie);
    expect(list.match(new RegExp(`<tr(?:(?!</tr>).)*Fredagsfrys ${w.tag}`, "gs"))?.length).toBe(1);
    expect(list).toContain("Varje vecka till och med");
    expect(list).toContain("Nästa gång:");
    const deleted = await call("/admin/blackouts", { cookie, form: { intent: "delete", id: String(rows[0]!.id) } });
    expect(deleted.status).toBe(302);
    expect(await db().select().from(blackoutPeriods).where(eq(blackoutPeriods.systemId, probe!.id))).toEqual([]);
  });

  it("come back every year and are kept two years ahead by the scheduler", async () => {
    const [probe] = await db()
      .insert(systems)
      .values({ code: `FRY${w.tag}`.slice(0, 20), name: "Årsfrys", ownerUnitId: w.unit.id })
      .returning();
    const cookie = await signIn(db(), w.people.serviceCentre);
    const year = new Date().getUTCFullYear();
    const created = await call("/admin/blackouts", {
      cookie,
      form: { intent: "create", systemId: String(probe!.id), start: `${year}-12-20T00:00`, end: `${year + 1}-01-07T00:00`, repeats: "yearly", reason: "Jul" },
    });
    expect(created.status).toBe(302);
    const starts = async () =>
      (await db().select().from(blackoutPeriods).where(eq(blackoutPeriods.systemId, probe!.id)).orderBy(blackoutPeriods.startsAt)).map((r) =>
        isoToStockholmLocal(r.startsAt),
      );
    expect(await starts()).toEqual([`${year}-12-20T00:00`, `${year + 1}-12-20T00:00`]);
    // A year on, the scheduler lays out the ones now within two years.
    expect(await extendFreezes(db(), new Date(`${year + 1}-12-21T12:00:00Z`))).toBeGreaterThanOrEqual(2);
    expect(await starts()).toEqual([1, 0, 2, 3].sort().map((n) => `${year + n}-12-20T00:00`));
  });

  it("cover a system and everything connected to it, and flag the windows they cover on the schedule", async () => {
    const cookie = await signIn(db(), w.people.serviceCentre);
    // A closure freeze on NET: DB depends on NET and APP on DB, so all three are covered.
    const freezeDay = addDays(day, 21);
    const created = await call("/admin/blackouts", {
      cookie,
      form: {
        intent: "create",
        scope: "closure",
        systemId: String(w.systems.net.id),
        start: `${freezeDay}T00:00`,
        end: `${freezeDay}T23:59`,
        reason: `Nätbyte ${w.tag}`,
      },
    });
    expect(created.status).toBe(302);
    const window = { start: new Date(stockholmLocalToIso(`${freezeDay}T09:00`)!), end: new Date(stockholmLocalToIso(`${freezeDay}T10:00`)!) };
    const found = await conflictsFor(db(), w.systems.app.id, window);
    expect(found).toEqual([expect.objectContaining({ relation: "blackout", system: w.systems.net.code, closure: true, reason: `Nätbyte ${w.tag}` })]);
    const unrelated = await makeWorld(db());
    expect(await conflictsFor(db(), unrelated.systems.app.id, window)).toEqual([]);
    // A freeze needs its system unless it covers all systems.
    const missing = await call("/admin/blackouts", {
      cookie,
      form: { intent: "create", scope: "closure", systemId: "", start: `${freezeDay}T00:00`, end: `${freezeDay}T01:00`, reason: "x" },
    });
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain("Välj systemet frysperioden gäller.");

    // On the schedule, a window a freeze covers counts as one with a conflict, and each covered system's row is shaded.
    const inside = (
      await createCase(db(), w.people.requester, change(w.systems.app.code, { start: window.start.toISOString(), end: window.end.toISOString() }, "I frysen"))
    ).number;
    const range = scheduleRange("week", freezeDay);
    const schedule = await scheduleOf(db(), w.people.serviceCentre, { from: range.from, to: range.to });
    const appRow = schedule.rows.find((r) => r.system.code === w.systems.app.code)!;
    expect(appRow.windows.find((x) => x.number === inside)!.conflict).toBe(true);
    expect(appRow.blackouts.map((b) => b.reason)).toContain(`Nätbyte ${w.tag}`);
    expect(schedule.rows.find((r) => r.system.code === w.systems.dbs.code)?.blackouts.map((b) => b.reason) ?? []).toContain(`Nätbyte ${w.tag}`);
  });

  it("list current and coming freezes first, in the order they start, and fold the past ones away", async () => {
    const cookie = await signIn(db(), w.people.serviceCentre);
    const post = (start: string, end: string, reason: string) =>
      call("/admin/blackouts", { cookie, form: { intent: "create", systemId: String(w.systems.net.id), start, end, reason } });
    await post("2036-05-02T08:00", "2036-05-02T10:00", `Senare ${w.tag}`);
    await post("2036-04-02T08:00", "2036-04-02T10:00", `Tidigare ${w.tag}`);
    await post("2020-04-02T08:00", "2020-04-02T10:00", `Förr ${w.tag}`);
    const list = await page("/admin/blackouts", cookie);
    expect(list.indexOf(`Tidigare ${w.tag}`)).toBeLessThan(list.indexOf(`Senare ${w.tag}`));
    const folded = list.indexOf("<details");
    expect(folded).toBeGreaterThan(list.indexOf(`Senare ${w.tag}`));
    expect(list.indexOf(`Förr ${w.tag}`)).toBeGreaterThan(folded);
  });

  it("refuses an end before the start, with the error at the end field", async () => {
    const cookie = await signIn(db(), w.people.serviceCentre);
    const response = await call("/admin/blackouts", {
      cookie,
      form: { intent: "create", systemId: "", start: "2030-01-02T10:00", end: "2030-01-02T08:00", reason: "Fel ordning" },
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toMatch(/<input(?=[^>]*aria-invalid="true")[^>]*name="end"/);
    expect(html).not.toMatch(/<input(?=[^>]*aria-invalid="true")[^>]*name="start"/);
    expect(html).toContain("Slutet måste ligga efter starten.");
    expect(html).toContain("Fel ordning"); // what was typed stays

    const missing = await call("/admin/blackouts", { cookie, form: { intent: "create", systemId: "", start: "", end: "2030-01-02T08:00", reason: "" } });
    expect(missing.status).toBe(422);
    const missingHtml = await missing.text();
    expect(missingHtml).toMatch(/<input(?=[^>]*aria-invalid="true")[^>]*name="start"/);
    expect(missingHtml).toMatch(/<textarea(?=[^>]*aria-invalid="true")[^>]*name="reason"/);
  });
});
