import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { cabMeetingRules, cabMeetings, users } from "../../db/schema";
import { seedDemo } from "../../db/seed";
import { upcomingMeetings } from "~/cab/meetings.server";
import { addWorkingDays, earliestStart, stockholmDate } from "../../machines/calendar";
import { applyEvent, createCase } from "~/cases/commands.server";
import { seriousViolations } from "./axe";
import { launchBrowser, pageAs, sessionCookieFor, startPortal, type Portal } from "./harness";

/**
 * The change advisory board's week: a member votes on an advanced change on the agenda, the
 * chair (the service centre) defers it to the next meeting, and the board's pages are free of
 * serious accessibility faults in Swedish and English. Signed in as the demo CAB member
 * (Cecilia Ändringsråd) and the demo service centre (Sam Servicecenter). The selectors use
 * names and values rather than texts, so the tests hold before and after the CAB texts are
 * merged into the dictionaries.
 */
let portal: Portal;
let browser: Browser;
let memberCookie = "";
let chairCookie = "";
let number = "";
/** Two more changes on the same agenda: one approved in the meeting, one refused once it is closed. */
let approvedNumber = "";
let lateNumber = "";
let firstMeeting = 0;
let secondMeeting = 0;
const today = stockholmDate(new Date());

beforeAll(async () => {
  portal = await startPortal({
    prepare: async (db) => {
      await seedDemo(db);
      const activate = async (email: string) => (await db.update(users).set({ status: "active" }).where(eq(users.email, email)).returning())[0]!;
      const sara = await activate("sara.forvaltare@sjovik.se");
      const centre = await activate("servicecenter@sjovik.se");
      const member = await activate("cab.ledamot@sjovik.se");
      memberCookie = await sessionCookieFor(db, member);
      chairCookie = await sessionCookieFor(db, centre);
      // The demo seed has the board meet every Tuesday at 13:00; an extra Thursday meeting is added here.
      await db.insert(cabMeetingRules).values({ weekday: 4, time: "10:00", location: "Stadshuset, rum Björken" });
      const day = addWorkingDays(earliestStart("advanced-change", today), 2);
      const change = await createCase(db, sara, {
        type: "advanced-change",
        systemCode: "INTEG",
        title: "Uppgradera integrationsplattformen",
        window: { start: `${day}T18:00:00+01:00`, end: `${day}T22:00:00+01:00` },
        reason: "Nuvarande version går ur support.",
        bookedWithSupplier: true,
        affectedSystems: ["EPLAT"],
        risk: "Integrationerna pausar i upp till 30 minuter.",
        testPlan: "Integrationstesterna körs i testmiljön först.",
        rollbackPlan: "Återställ ögonblicksbilden av den virtuella maskinen.",
      });
      const referred = await applyEvent(db, centre, change.number, { type: "REFER_TO_CAB" });
      expect(referred.status).toBe("awaiting-cab");
      number = change.number;
      for (const [offset, title] of [
        [4, "Byt certifikat i e-arkivet"],
        [6, "Ny version av ärendehanteringen"],
      ] as const) {
        const other = addWorkingDays(day, offset);
        const more = await createCase(db, sara, {
          type: "advanced-change",
          systemCode: offset === 4 ? "ARKIV" : "CASE",
          title,
          window: { start: `${other}T18:00:00+01:00`, end: `${other}T20:00:00+01:00` },
          reason: "Leverantörens version går ur support.",
          bookedWithSupplier: true,
          affectedSystems: ["EPLAT"],
          risk: "Tjänsten kan vara nere en stund.",
          testPlan: "Provas i testmiljön först.",
          rollbackPlan: "Återställ ögonblicksbilden.",
        });
        await applyEvent(db, centre, more.number, { type: "REFER_TO_CAB" });
        if (offset === 4) approvedNumber = more.number;
        else lateNumber = more.number;
      }
      const [first, second] = await upcomingMeetings(db);
      firstMeeting = first!.id;
      secondMeeting = second!.id;
      // The first meeting starts within the hour, so its chair may open it today.
      await db
        .update(cabMeetings)
        .set({ startsAt: new Date(Date.now() + 30 * 60_000) })
        .where(eq(cabMeetings.id, firstMeeting));
    },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

const item = (page: Page, which = number) => page.locator(`#item-${which}`);
/** Unfolds an agenda item (an only item, or the one just acted on, is open already). */
const unfold = (page: Page, which = number) =>
  item(page, which)
    .locator("details")
    .first()
    .evaluate((d: HTMLDetailsElement) => void (d.open = true));

describe("the change advisory board", () => {
  it("lets a member vote on a change on the agenda; the vote is selected after a reload", async () => {
    const page = await pageAs(browser, portal.url, memberCookie);
    await page.goto("/cab");
    await page.locator(`a[href="/cab/meetings/${firstMeeting}"]`).first().click();
    await page.waitForURL(new RegExp(`/cab/meetings/${firstMeeting}$`));
    // Three items: each folded to its summary line until opened.
    await unfold(page);
    await item(page).getByText("Integrationerna pausar i upp till 30 minuter.").waitFor();
    await item(page).getByText("Återställ ögonblicksbilden av den virtuella maskinen.").waitFor();
    // The chair's decision forms are not a member's.
    expect(await item(page).locator('button[name="intent"][value="approve"]').count()).toBe(0);

    await item(page).locator('input[name="vote"][value="approve"]').check();
    await item(page).locator('button[name="intent"][value="vote"]').click();
    await page.waitForURL(/notice=vote/);
    await page.reload();
    expect(await item(page).locator('input[name="vote"][value="approve"]').isChecked()).toBe(true);
    expect(await item(page).locator('input[name="vote"][value="reject"]').isChecked()).toBe(false);

    // Changing the vote replaces it.
    await item(page).locator('input[name="vote"][value="abstain"]').check();
    // The address already says notice=vote: wait for the vote's own answer, not for the address.
    const voted = page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes("/cab/meetings/"));
    await item(page).locator('button[name="intent"][value="vote"]').click();
    await voted;
    await page.waitForLoadState("networkidle");
    await page.reload();
    expect(await item(page).locator('input[name="vote"][value="abstain"]').isChecked()).toBe(true);
    expect(await item(page).locator('input[name="vote"][value="approve"]').isChecked()).toBe(false);
  });

  it("has no serious accessibility faults on /cab and the meeting page, in Swedish and English", async () => {
    for (const locale of ["sv-SE", "en-GB"]) {
      for (const cookie of [memberCookie, chairCookie]) {
        const page = await pageAs(browser, portal.url, cookie, locale);
        await page.goto("/cab");
        await page.locator(`a[href="/cab/meetings/${firstMeeting}"]`).first().waitFor();
        expect(await seriousViolations(page), `/cab ${locale}`).toEqual([]);
        await page.goto(`/cab/meetings/${firstMeeting}`);
        await item(page).waitFor();
        expect(await seriousViolations(page), `meeting ${locale}`).toEqual([]);
        await page.goto(`/cab/meetings/${firstMeeting}/minutes`);
        expect(await seriousViolations(page), `minutes ${locale}`).toEqual([]);
      }
    }
  });

  it("holds a whole meeting: opened with a quorum, two changes decided, one refused once it is closed, the minutes adjusted and locked", async () => {
    const page = await pageAs(browser, portal.url, chairCookie);
    await page.goto(`/cab/meetings/${firstMeeting}`);
    // Planned: no decision can be taken yet. The chair marks who is present and opens the meeting.
    expect(await item(page).locator('button[name="intent"][value="defer"]').count()).toBe(0);
    const opening = page.locator("form", { has: page.locator('button[name="intent"][value="open"]') });
    await opening.locator('input[name="member"]').first().check();
    await opening.locator('button[name="intent"][value="open"]').click();
    // One member is not a quorum: said at the attendance.
    await expect.poll(async () => opening.locator("fieldset").first().getAttribute("aria-invalid")).toBe("true");
    await opening.locator('input[name="substitute-0"]').fill("Nils Berg");
    await opening.locator('button[name="intent"][value="open"]').click();
    await page.waitForURL(/notice=open/);
    await page.locator("#cab-session").getByText("Nils Berg (ersättare)").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // A refusal stays at the item's field: rejecting needs a reason.
    await unfold(page);
    const reject = item(page).locator("form", { has: page.locator('button[name="intent"][value="reject"]') });
    await reject.locator('button[name="intent"][value="reject"]').click();
    await expect.poll(async () => reject.locator('textarea[name="reason"]').getAttribute("aria-invalid")).toBe("true");

    const defer = item(page).locator("form", { has: page.locator('button[name="intent"][value="defer"]') });
    await defer.locator('select[name="meetingId"]').selectOption(String(secondMeeting));
    await defer.locator('textarea[name="reason"]').fill("Vi väntar på leverantörens testrapport.");
    await defer.locator('button[name="intent"][value="defer"]').click();
    await page.waitForURL(/notice=defer/);
    await page.locator('[role="status"]').waitFor();
    await expect.poll(async () => item(page).count()).toBe(0);

    await page.goto(`/cab/meetings/${secondMeeting}`);
    await item(page).getByText("Uppgradera integrationsplattformen").waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // The first meeting's minutes record the deferral.
    await page.goto(`/cab/meetings/${firstMeeting}/minutes`);
    await page.locator("#minutes-decided").getByText("Vi väntar på leverantörens testrapport.").waitFor();

    // A second decision in the meeting: approved with a reason.
    await page.goto(`/cab/meetings/${firstMeeting}`);
    const approve = item(page, approvedNumber).locator("form", { has: page.locator('button[name="intent"][value="approve"]') });
    await unfold(page, approvedNumber);
    await approve.locator('textarea[name="reason"]').fill("Testrapporten är godkänd.");
    await approve.locator('button[name="intent"][value="approve"]').click();
    await page.waitForURL(/notice=approve/);
    await expect.poll(async () => item(page, approvedNumber).count()).toBe(0);

    // Another tab still shows the third item's forms when the chair closes the meeting in this one.
    const stale = await pageAs(browser, portal.url, chairCookie);
    await stale.goto(`/cab/meetings/${firstMeeting}`);
    await page.locator('button[name="intent"][value="close"]').click();
    await page.waitForURL(/notice=close/);
    // The decision sent from the stale tab is refused: the meeting is no longer in session.
    await unfold(stale, lateNumber);
    const late = item(stale, lateNumber).locator("form", { has: stale.locator('button[name="intent"][value="approve"]') });
    await late.locator('textarea[name="reason"]').fill("För sent");
    await late.locator('button[name="intent"][value="approve"]').click();
    await item(stale, lateNumber).getByText("Rådets beslut fattas bara på ett möte som pågår").waitFor();
    await stale.close();
    expect(await page.locator('button[name="intent"][value="adjust"]').count()).toBe(0);
    const member = await pageAs(browser, portal.url, memberCookie);
    await member.goto(`/cab/meetings/${firstMeeting}`);
    await member.locator('button[name="intent"][value="adjust"]').click();
    await member.waitForURL(/notice=adjust/);
    await member.goto(`/cab/meetings/${firstMeeting}/minutes`);
    await member.getByText("Protokollet är justerat av").waitFor();
    // Both decisions are in the minutes; the refused one is not. Locked: nobody adjusts them again.
    const decided = member.locator("#minutes-decided");
    await decided.getByText("Testrapporten är godkänd.").waitFor();
    expect(await decided.getByText(approvedNumber).count()).toBeGreaterThan(0);
    expect(await decided.getByText(lateNumber).count()).toBe(0);
    await member.goto(`/cab/meetings/${firstMeeting}`);
    expect(await member.locator('button[name="intent"][value="adjust"]').count()).toBe(0);
  });
});
