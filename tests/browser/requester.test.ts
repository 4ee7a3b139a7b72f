import { eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { blackoutPeriods, systems, users } from "../../db/schema";
import { seedDemo } from "../../db/seed";
import { addWorkingDays, earliestStart, stockholmDate } from "../../machines/calendar";
import { applyEvent, createCase } from "~/cases/commands.server";
import { translatorFor } from "~/i18n/i18n.server";
import { seriousViolations } from "./axe";
import { launchBrowser, pageAs, sessionCookieFor, startPortal, type Portal } from "./harness";

/**
 * A system administrator's week: the four request forms, a too-early date, a returned case,
 * an outcome to report. Signed in as the demo requester (Sara Förvaltare, who administers EPLAT,
 * CASE, INTEG, IDP, ARKIV and INTRA).
 */
let portal: Portal;
let browser: Browser;
let saraCookie = "";
let returnedNumber = "";
let closedNumber = "";
let neighbourNumber = "";
const today = stockholmDate(new Date());

const dayAt = (date: string, time: string) => `${date}T${time}`;

beforeAll(async () => {
  portal = await startPortal({
    prepare: async (db) => {
      await seedDemo(db);
      const activate = async (email: string) => (await db.update(users).set({ status: "active" }).where(eq(users.email, email)).returning())[0]!;
      const sara = await activate("sara.forvaltare@sjovik.se");
      const centre = await activate("servicecenter@sjovik.se");
      saraCookie = await sessionCookieFor(db, sara);
      const day = addWorkingDays(earliestStart("advanced-change", today), 2);
      const window = { start: `${day}T09:00:00+01:00`, end: `${day}T12:00:00+01:00` };
      const base = { type: "simple-change", systemCode: "INTRA", reason: "Uppgradering", bookedWithSupplier: true };
      // A change the service centre sent back for more information.
      const returned = await createCase(db, sara, { ...base, title: "Uppgradera intranätet", window });
      await applyEvent(db, centre, returned.number, { type: "RETURN", reason: "Vilka konton ska leverantören använda?" });
      returnedNumber = returned.number;
      // A change whose window has been and gone: its outcome is due.
      const later = addWorkingDays(day, 1);
      const done = await createCase(db, sara, {
        ...base,
        systemCode: "ARKIV",
        title: "Byt certifikat i e-arkivet",
        window: { start: `${later}T09:00:00+01:00`, end: `${later}T12:00:00+01:00` },
      });
      await applyEvent(db, centre, done.number, { type: "APPROVE" });
      const during = new Date(`${later}T10:00:00+01:00`);
      const ops = (await db.select().from(users).where(eq(users.email, "drift@driftpartner.example")))[0]!;
      await applyEvent(db, ops, done.number, { type: "GRANT" }, during);
      await applyEvent(db, ops, done.number, { type: "REVOKE" }, new Date(during.getTime() + 3600_000));
      closedNumber = done.number;
      // The advanced change below is asked for on INTEG at 18–22 on this day: CASE (which depends on
      // INTEG) has a change that evening, and INTEG is frozen.
      const evening = addWorkingDays(earliestStart("advanced-change", today), 3);
      const neighbour = await createCase(db, sara, {
        ...base,
        systemCode: "CASE",
        title: "Nytt ärendeflöde",
        window: { start: `${evening}T19:00:00+01:00`, end: `${evening}T21:00:00+01:00` },
      });
      neighbourNumber = neighbour.number;
      const [integ] = await db.select().from(systems).where(eq(systems.code, "INTEG"));
      await db.insert(blackoutPeriods).values({
        systemId: integ!.id,
        startsAt: new Date(`${evening}T17:00:00+01:00`),
        endsAt: new Date(`${evening}T23:00:00+01:00`),
        reason: "Driftsättning av e-tjänster",
      });
    },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

describe("requesting access", () => {
  it("shows the live priority of an emergency, with the phone number at priority 1, and files it", async () => {
    const page = await pageAs(browser, portal.url, saraCookie);
    await page.goto("/cases/new");
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("link", { name: "Akut felsökning med admin-behörighet" }).click();
    await page.getByLabel("Rubrik").fill("E-tjänsterna svarar inte");
    await page.getByLabel("System", { exact: true }).selectOption("EPLAT");
    await page.getByLabel("Brådska").selectOption("2");
    await page.getByLabel("Påverkan", { exact: true }).selectOption("2");
    await page.getByText("Prioritet 3.").waitFor();
    await page.getByLabel("Brådska").selectOption("1");
    await page.getByLabel("Påverkan", { exact: true }).selectOption("1");
    await page.getByText("Prioritet 1.").waitFor();
    await page.getByText("ring också servicecenter på 08-123 456 00").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Skicka in" }).click();
    await page.waitForURL(/\/cases\/INC-\d{4}-\d{5}\?notice=submitted/);
    await page.getByText("Ärendet är inskickat och väntar på granskning").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("refuses a change window before the earliest date at the field, naming the date, then files the change", async () => {
    const page = await pageAs(browser, portal.url, saraCookie);
    await page.goto("/cases/new?type=change");
    await page.getByLabel("Rubrik").fill("Ny version av intranätet");
    await page.getByLabel("System", { exact: true }).selectOption("INTRA");
    await page.getByLabel("Nej – enkel ändring").check();
    const earliest = earliestStart("simple-change", today);
    await page.getByText(/Tidigaste tillåtna start:/).waitFor();
    await page.getByLabel("Start").fill(dayAt(today, "09:00"));
    await page.getByLabel("Slut", { exact: true }).fill(dayAt(today, "11:00"));
    await page.getByLabel("Varför görs ändringen?").fill("Säkerhetsuppdatering");
    await page.getByLabel("Jag har bokat tiden med leverantören").check();
    await page.getByRole("button", { name: "Skicka in" }).click();
    const error = page.getByText(`För tidigt: tidigaste tillåtna start är ${translatorFor("sv").formatDate(earliest)}.`);
    await error.waitFor();
    expect(await page.getByLabel("Start").getAttribute("aria-invalid")).toBe("true");
    expect(page.url()).toContain("/cases/new");

    await page.getByLabel("Start").fill(dayAt(earliest, "09:00"));
    await page.getByLabel("Slut", { exact: true }).fill(dayAt(earliest, "12:00"));
    await page.getByRole("button", { name: "Skicka in" }).click();
    await page.waitForURL(/\/cases\/CHG-\d{4}-\d{5}\?notice=submitted/);
    await page.getByText("Enkel ändring").first().waitFor();
  });

  it("asks for affected systems, risk and plans for an advanced change, proposing the dependants unticked and showing conflicts and freezes before it is submitted", async () => {
    const page = await pageAs(browser, portal.url, saraCookie, "en-GB");
    await page.goto("/cases/new?type=change");
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel("Title").fill("Upgrade the integration platform");
    await page.getByLabel("System", { exact: true }).selectOption("INTEG");
    await page.getByLabel("Yes – advanced change").check();
    // The systems that depend on INTEG are proposed (first, marked) but not ticked; IDP, which INTEG depends on, is not proposed.
    await page.getByText(/systems depend on INTEG and may be affected/).waitFor();
    const proposed = page.locator(".checkbox-grid__proposed");
    expect(await proposed.allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining("EPLAT"), expect.stringContaining("CASE")]));
    expect(await proposed.filter({ hasText: "IDP" }).count()).toBe(0);
    expect(await page.getByRole("checkbox", { checked: true }).count()).toBe(0);

    const live = page.locator(".live-conflicts");
    await live.getByText("Choose the system, start and end").waitFor();
    const day = addWorkingDays(earliestStart("advanced-change", today), 3);
    await page.getByLabel("Start").fill(dayAt(day, "18:00"));
    await page.getByLabel("End", { exact: true }).fill(dayAt(day, "22:00"));
    // Before anything is submitted: the freeze on INTEG and CASE's change that evening.
    await live.getByText("The window touches a freeze.").waitFor();
    await live.getByText("Driftsättning av e-tjänster").waitFor();
    await live.getByRole("link", { name: neighbourNumber }).waitFor();
    // A window the next morning meets neither.
    await page.getByLabel("Start").fill(dayAt(addWorkingDays(day, 1), "08:00"));
    await page.getByLabel("End", { exact: true }).fill(dayAt(addWorkingDays(day, 1), "10:00"));
    await live.getByText("No conflicts or freezes during the window.").waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel("Why is the change made?").fill("End of support for the current version");
    await page.getByLabel("I have booked the time with the supplier").check();
    await page.getByRole("button", { name: "Submit" }).click();
    await page.getByText("Please fill in this field.").first().waitFor();
    await page.getByText("Say which other systems are affected.").first().waitFor();
    await page.getByRole("checkbox", { name: "EPLAT" }).check();
    await page.getByLabel("Risks").fill("Integrations pause for up to 30 minutes");
    await page.getByLabel("Test plan").fill("Run the integration tests in stage first");
    await page.getByLabel("Rollback plan").fill("Restore the VM snapshot");
    await page.getByRole("button", { name: "Submit" }).click();
    await page.waitForURL(/\/cases\/CHG-\d{4}-\d{5}\?notice=submitted/);
    await page.getByText("Advanced change").first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("sends standing access to the system owner for consent", async () => {
    const page = await pageAs(browser, portal.url, saraCookie);
    await page.goto("/cases/new?type=standing-access");
    await page.getByLabel("Rubrik").fill("Rapportkonfiguration i ärendesystemet");
    await page.getByLabel("System", { exact: true }).selectOption("CASE");
    await page.getByLabel("Motivering").fill("Leverantören underhåller rapportmallarna löpande.");
    await page.getByLabel("Avtal mellan leverantören och kommunen").fill("KS-2026/118");
    await page.getByLabel("Leverantörens personal").fill("Anna Lind");
    await page.getByLabel("Konton som ska användas").fill("sup-anna");
    await page.getByRole("button", { name: "Skicka in" }).click();
    await page.waitForURL(/\/cases\/ACC-\d{4}-\d{5}/);
    await page.getByText("Väntar på systemägarens samtycke.").first().waitFor();
  });
});

describe("following up", () => {
  it("lets the requester complete a returned case and submit it again", async () => {
    const page = await pageAs(browser, portal.url, saraCookie);
    await page.goto(`/cases/${returnedNumber}`);
    await page.getByText("Vilka konton ska leverantören använda?").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("link", { name: "Ändra ärendet" }).click();
    await page.getByLabel("Konton som ska användas").fill("adm-intranat-lev");
    await page.getByRole("button", { name: "Spara och skicka in igen" }).click();
    await page.waitForURL(new RegExp(`/cases/${returnedNumber}\\?notice=submitted`));
    await page.getByText("adm-intranat-lev").waitFor();
    await page.getByText("Ärendet är inskickat och väntar på granskning").waitFor();
  });

  it("reports the outcome once the window has closed", async () => {
    const page = await pageAs(browser, portal.url, saraCookie);
    await page.goto("/");
    await page
      .getByRole("link", { name: new RegExp(closedNumber) })
      .first()
      .click();
    await page.getByText("Åtkomsten är stängd. Rapportera hur det gick.").waitFor();
    const form = page.locator("form", { has: page.getByRole("button", { name: "Rapportera utfall" }) });
    await form.getByLabel("Utfall").selectOption("successful");
    await form.getByLabel("Kommentar").fill("Certifikatet byttes utan avbrott.");
    await form.getByRole("button", { name: "Rapportera utfall" }).click();
    await page.getByText("Utfallet är rapporterat.").waitFor();
  });

  it("lists the requester's cases with working filters, in both languages without accessibility faults", async () => {
    for (const locale of ["sv-SE", "en-GB"]) {
      const page = await pageAs(browser, portal.url, saraCookie, locale);
      await page.goto("/cases");
      await page.getByRole("link", { name: returnedNumber }).waitFor();
      expect(await seriousViolations(page), locale).toEqual([]);
      await page.goto(`/cases?q=${closedNumber}`);
      await page.getByRole("link", { name: closedNumber }).waitFor();
      expect(await page.getByRole("link", { name: returnedNumber }).count()).toBe(0);
      await page.goto(`/cases/${closedNumber}`);
      expect(await seriousViolations(page), locale).toEqual([]);
    }
  });
});
