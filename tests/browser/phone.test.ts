import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { cabMeetings, cases, users, type User } from "../../db/schema";
import { DEMO_PEOPLE, seedDemo } from "../../db/seed";
import { seedDemoCases } from "~/demo/cases.server";
import { seriousViolations } from "./axe";
import { launchBrowser, newPage, type Portal, sessionCookieFor, startPortal } from "./harness";

/**
 * Every role's start page and the pages it works in, and the four request forms, on a phone
 * (390×844): the page never scrolls sideways (a table that does not fit scrolls inside its own
 * region or becomes cards) and axe finds nothing serious, in Swedish and in English.
 */
const PHONE = { width: 390, height: 844 };

let portal: Portal;
let browser: Browser;
const visits: { role: string; cookie: string; paths: string[] }[] = [];

beforeAll(async () => {
  portal = await startPortal({
    prepare: async (db) => {
      await seedDemo(db);
      for (const person of DEMO_PEOPLE) await db.update(users).set({ status: "active" }).where(eq(users.email, person.email));
      await seedDemoCases(db);
      const [someCase] = await db.select({ number: cases.number }).from(cases).limit(1);
      const [meeting] = await db.select({ id: cabMeetings.id }).from(cabMeetings).limit(1);
      // Within the hour before its start, so the service centre's page carries the opening form (attendance, substitutes).
      if (meeting)
        await db
          .update(cabMeetings)
          .set({ startsAt: new Date(Date.now() + 30 * 60_000) })
          .where(eq(cabMeetings.id, meeting.id));
      const cookieOf = async (email: string) => {
        const [user] = await db.select().from(users).where(eq(users.email, email));
        return sessionCookieFor(db, user as User);
      };
      const emailOf = (role: string) => DEMO_PEOPLE.find((p) => p.role === role)!.email;
      const pagesOf: Record<string, string[]> = {
        requester: [
          "/",
          "/cases",
          "/cases/new?type=emergency",
          // (each a different address from the one before, so each is a full page load)
          "/cases/new?type=change#advanced",
          "/cases/new?type=standing-access",
          "/cases/new?type=change",
          "/schedule",
          "/schedule?view=month",
          "/templates",
        ],
        "service-centre": ["/service-centre", "/reports", `/cases/${someCase!.number}`, ...(meeting ? [`/cab/meetings/${meeting.id}`] : [])],
        cab: ["/cab", "/templates", ...(meeting ? [`/cab/meetings/${meeting.id}`] : [])],
        operations: ["/operations"],
        supplier: ["/supplier"],
        "system-owner": ["/owner"],
        admin: ["/admin"],
      };
      for (const [role, paths] of Object.entries(pagesOf)) visits.push({ role, cookie: await cookieOf(emailOf(role)), paths });
    },
  });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

/** Elements that reach past the right edge of the viewport, outside any region that scrolls on its own. */
async function sidewaysOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const scrolls = (el: Element | null): boolean => {
      for (let e = el?.parentElement; e; e = e.parentElement) {
        const overflow = getComputedStyle(e).overflowX;
        if (overflow === "auto" || overflow === "scroll" || overflow === "hidden") return true;
      }
      return false;
    };
    const culprits: string[] = [`scrollWidth ${document.documentElement.scrollWidth} > ${width}`];
    for (const el of Array.from(document.querySelectorAll("body *"))) {
      const box = el.getBoundingClientRect();
      if (box.right > width + 1 && !scrolls(el) && culprits.length < 8) {
        culprits.push(`${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).split(" ").join(".") : ""} right=${Math.round(box.right)}`);
      }
    }
    return culprits;
  });
}

describe("on a phone (390×844)", () => {
  it("no page scrolls sideways and axe finds nothing serious, for every role, in both languages", async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const locale of ["sv-SE", "en-GB"]) {
      for (const visit of visits) {
        const { context, page } = await newPage(browser, { locale, baseURL: portal.url, cookies: [{ name: "__session", value: visit.cookie }] });
        await page.setViewportSize(PHONE);
        for (const path of visit.paths) {
          const response = await page.goto(path);
          if (response?.status() !== 200) problems.push(`${visit.role} ${locale} ${path}: HTTP ${response?.status()}`);
          if (path.endsWith("#advanced")) await page.getByLabel(locale === "sv-SE" ? "Ja – avancerad ändring" : "Yes – advanced change").check();
          const viewport = await page.locator('meta[name="viewport"]').getAttribute("content");
          if (!viewport?.includes("width=device-width")) problems.push(`${visit.role} ${locale} ${path}: viewport meta ${viewport}`);
          for (const culprit of await sidewaysOverflow(page)) problems.push(`${visit.role} ${locale} ${path}: ${culprit}`);
          for (const v of await seriousViolations(page)) problems.push(`${visit.role} ${locale} ${path}: ${v.impact} ${v.id} ×${v.nodes} — ${v.help}`);
          checked++;
        }
        await context.close();
      }
    }
    console.log(`phone: ${checked} pages checked at ${PHONE.width}×${PHONE.height}`);
    expect(problems).toEqual([]);
  }, 300_000);

  it("shows the whole month: as a list of days on a phone, to its last day on a 1280 px screen", async () => {
    const requester = visits.find((v) => v.role === "requester")!;
    const { context, page } = await newPage(browser, { baseURL: portal.url, cookies: [{ name: "__session", value: requester.cookie }] });
    try {
      await page.setViewportSize(PHONE);
      await page.goto("/schedule?view=month");
      const inGrid = await page.locator("[data-case]").count();
      expect(inGrid, "the demo month has windows").toBeGreaterThan(0);
      // Every window of the month is in the list, readable without scrolling sideways.
      const listed = page.locator(".sched-agenda [data-agenda-case]");
      expect(await listed.count()).toBe(inGrid);
      const last = listed.last();
      await last.scrollIntoViewIfNeeded();
      const box = (await last.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
      expect(await sidewaysOverflow(page)).toEqual([]);

      await page.setViewportSize({ width: 1280, height: 800 });
      const lastDay = await page.locator("thead th[data-day]").last().boundingBox();
      expect(lastDay, "the grid's last day is shown").not.toBeNull();
      expect(lastDay!.x + lastDay!.width, "the month's last day is on screen without scrolling").toBeLessThanOrEqual(1280);
      expect(await page.locator(".sched-agenda").isVisible()).toBe(false);
    } finally {
      await context.close();
    }
  });

  it("fits the service centre's queue on a 1280 px screen without a sideways scroll", async () => {
    const centre = visits.find((v) => v.role === "service-centre")!;
    const { context, page } = await newPage(browser, { baseURL: portal.url, cookies: [{ name: "__session", value: centre.cookie }] });
    try {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto("/service-centre");
      expect(await sidewaysOverflow(page)).toEqual([]);
      const table = await page
        .locator("main table")
        .first()
        .evaluate((t) => ({ table: t.scrollWidth, region: t.parentElement!.clientWidth }));
      expect(table.table, "the queue fits its region without its own scroll").toBeLessThanOrEqual(table.region);
    } finally {
      await context.close();
    }
  });
});
