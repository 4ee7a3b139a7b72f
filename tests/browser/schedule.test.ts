import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { blackoutPeriods, users } from "../../db/schema";
import { seedDemo } from "../../db/seed";
import { addWorkingDays, earliestStart, stockholmDate, stockholmMidnight } from "../../machines/calendar";
import { applyEvent, createCase } from "~/cases/commands.server";
import { isoWeek } from "~/cases/schedule.server";
import { seriousViolations } from "./axe";
import { launchBrowser, pageAs, sessionCookieFor, startPortal, type Portal } from "./harness";

/**
 * The change schedule as the service centre sees it: a week with two conflicting changes
 * (EPLAT depends on CASE) and an approved one, a blackout for all systems, the month view, a
 * system filter, the calendar feed — in Swedish and English, without accessibility faults.
 * Locators use addresses, names and case numbers rather than the page's own words.
 */
let portal: Portal;
let browser: Browser;
let centreCookie = "";
const numbers = { eplat: "", case: "", intra: "" };
const today = stockholmDate(new Date());
/** A working day far enough ahead whose next working day falls in the same week (the week view shows both). */
function dayWithNextInSameWeek(): string {
  let candidate = addWorkingDays(earliestStart("advanced-change", today), 2);
  while (isoWeek(addWorkingDays(candidate, 1)) !== isoWeek(candidate)) candidate = addWorkingDays(candidate, 1);
  return candidate;
}
const day = dayWithNextInSameWeek();
const HOUR = 3600_000;

const at = (date: string, hours: number) => new Date(stockholmMidnight(date).getTime() + hours * HOUR).toISOString();

beforeAll(async () => {
  portal = await startPortal({
    prepare: async (db) => {
      await seedDemo(db);
      const activate = async (email: string) => (await db.update(users).set({ status: "active" }).where(eq(users.email, email)).returning())[0]!;
      const sara = await activate("sara.forvaltare@sjovik.se");
      const centre = await activate("servicecenter@sjovik.se");
      centreCookie = await sessionCookieFor(db, centre);
      const base = { type: "simple-change", reason: "Uppgradering", bookedWithSupplier: true, accounts: ["adm-lev"] };
      // EPLAT depends on CASE: the two overlapping windows conflict.
      numbers.eplat = (
        await createCase(db, sara, { ...base, systemCode: "EPLAT", title: "Ny version av e-tjänsterna", window: { start: at(day, 9), end: at(day, 12) } })
      ).number;
      numbers.case = (
        await createCase(db, sara, { ...base, systemCode: "CASE", title: "Patcha ärendesystemet", window: { start: at(day, 10), end: at(day, 11) } })
      ).number;
      const next = addWorkingDays(day, 1);
      numbers.intra = (
        await createCase(db, sara, { ...base, systemCode: "INTRA", title: "Nytt tema för intranätet", window: { start: at(next, 9), end: at(next, 12) } })
      ).number;
      await applyEvent(db, centre, numbers.intra, { type: "APPROVE" });
      await db
        .insert(blackoutPeriods)
        .values({ systemId: null, startsAt: new Date(at(next, 18)), endsAt: new Date(at(next, 30)), reason: "Bokslutsfrys", createdById: centre.id });
    },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

const barOf = (page: Page, number: string) => page.locator(`[data-case="${number}"]`);

describe("the change schedule", () => {
  it("shows the week's windows with the conflicts marked, and a blackout", async () => {
    const page = await pageAs(browser, portal.url, centreCookie);
    await page.goto(`/schedule?date=${day}`);
    for (const number of Object.values(numbers)) await page.getByRole("link", { name: number }).waitFor();
    expect(await barOf(page, numbers.eplat).textContent()).toContain("⚠");
    expect(await barOf(page, numbers.case).textContent()).toContain("⚠");
    expect(await barOf(page, numbers.intra).textContent()).not.toContain("⚠");
    // The mark is in words too, for screen readers: in the link's name.
    const name = await page.getByRole("link", { name: numbers.eplat }).evaluate((a) => a.textContent ?? "");
    expect(name.replace("⚠", "").replace(numbers.eplat, "").trim().length).toBeGreaterThan(1);
    await page.locator(".sched-wrap").getByText("Bokslutsfrys").first().waitFor();
    expect(await page.locator('thead th[scope="col"]').count()).toBe(8);
    expect(await seriousViolations(page)).toEqual([]);

    // Keyboard: a window's link is reachable and opens the case.
    await page.getByRole("link", { name: numbers.case }).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`/cases/${numbers.case}$`));
  });

  it("switches to the month and filters by system", async () => {
    const page = await pageAs(browser, portal.url, centreCookie);
    await page.goto(`/schedule?date=${day}`);
    await page.locator('nav a[href*="view=month"]').click();
    await page.waitForURL(/view=month/);
    const days = new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)), 0)).getUTCDate();
    await expect.poll(() => page.locator('thead th[scope="col"]').count()).toBe(days + 1);
    await page.getByRole("link", { name: numbers.eplat }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.locator('form[role="search"] select[name="system"]').selectOption("CASE");
    await page.locator('form[role="search"] button[type="submit"]').click();
    await page.waitForURL(/system=CASE/);
    expect(page.url()).toContain("view=month");
    await expect.poll(() => page.locator("[data-case]").count()).toBe(1);
    await barOf(page, numbers.case).waitFor();
    expect(await page.locator("tbody[data-system]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-system")))).toEqual(["CASE"]);
  });

  it("is free of accessibility faults in English too, and gives a working calendar address", async () => {
    const page = await pageAs(browser, portal.url, centreCookie, "en-GB");
    await page.goto(`/schedule?date=${day}`);
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    await page.getByRole("link", { name: numbers.eplat }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`/schedule?view=month&date=${day}`);
    await page.getByRole("link", { name: numbers.intra }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.locator('button[name="intent"][value="create-feed"]').click();
    const field = page.locator('input[name="feedUrl"]');
    await field.waitFor();
    const url = await field.inputValue();
    expect(url).toMatch(new RegExp(`^${portal.url}/feeds/schedule/cal_[A-Za-z0-9_-]+\\.ics$`));
    expect(await seriousViolations(page)).toEqual([]);
    const feed = await fetch(url);
    expect(feed.status).toBe(200);
    expect(feed.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    expect(await feed.text()).toContain(numbers.eplat);

    await page.goto("/admin/blackouts");
    await page.getByRole("cell", { name: "Bokslutsfrys", exact: true }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });
});
