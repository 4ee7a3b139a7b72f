import { eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { blackoutPeriods, systems, users } from "../../db/schema";
import { seedDemo } from "../../db/seed";
import { addWorkingDays, earliestStart, stockholmDate } from "../../machines/calendar";
import { createCase } from "~/cases/commands.server";
import { seriousViolations } from "./axe";
import { launchBrowser, newPage, type Portal, sessionCookieFor, startPortal } from "./harness";

/** The service centre's review: the queue, a conflict, and an approval that has to say why. */
let portal: Portal;
let browser: Browser;
let cookie = "";
let conflicting = "";
let other = "";
let frozen = "";

beforeAll(async () => {
  portal = await startPortal({
    prepare: async (db) => {
      await seedDemo(db);
      const activate = async (email: string) => (await db.update(users).set({ status: "active" }).where(eq(users.email, email)).returning())[0]!;
      const sara = await activate("sara.forvaltare@sjovik.se");
      const centre = await activate("servicecenter@sjovik.se");
      cookie = await sessionCookieFor(db, centre);
      const day = addWorkingDays(earliestStart("simple-change", stockholmDate(new Date())), 4);
      const base = { type: "simple-change", reason: "Uppgradering", bookedWithSupplier: true };
      // EPLAT depends on INTEG: two overlapping evenings conflict.
      other = (
        await createCase(db, sara, {
          ...base,
          systemCode: "INTEG",
          title: "Uppgradera integrationsplattformen",
          window: { start: `${day}T17:00:00+01:00`, end: `${day}T21:00:00+01:00` },
        })
      ).number;
      conflicting = (
        await createCase(db, sara, {
          ...base,
          systemCode: "EPLAT",
          title: "Ny version av e-tjänsteplattformen",
          window: { start: `${day}T18:00:00+01:00`, end: `${day}T20:00:00+01:00` },
        })
      ).number;
      // A freeze over a third evening, on the e-services platform.
      const frozenDay = addWorkingDays(day, 2);
      frozen = (
        await createCase(db, sara, {
          ...base,
          systemCode: "EPLAT",
          title: "Byt certifikat på e-tjänsteplattformen",
          window: { start: `${frozenDay}T18:00:00+01:00`, end: `${frozenDay}T19:00:00+01:00` },
        })
      ).number;
      const [eplat] = await db.select({ id: systems.id }).from(systems).where(eq(systems.code, "EPLAT"));
      await db.insert(blackoutPeriods).values({
        systemId: eplat!.id,
        startsAt: new Date(`${frozenDay}T00:00:00+01:00`),
        endsAt: new Date(`${frozenDay}T23:59:00+01:00`),
        reason: "Valnatt",
      });
    },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

describe("the service centre's review", () => {
  it("shows the queue with conflicts, and approving a conflicting change asks for a reason that lands in the timeline", async () => {
    const { page, context } = await newPage(browser, { baseURL: portal.url, cookies: [{ name: "__session", value: cookie }] });
    await page.goto("/service-centre");
    const row = page.getByRole("row", { name: new RegExp(conflicting) });
    await row.waitFor();
    expect(await row.textContent()).toContain("⚠ 1");
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole("link", { name: conflicting }).click();
    await page.getByRole("link", { name: other }).first().waitFor();
    const approve = page.locator("form", { has: page.getByRole("button", { name: "Godkänn", exact: true }) });
    await approve.getByRole("button", { name: "Godkänn", exact: true }).click();
    await approve.getByText("Ärendet krockar med andra ändringar. Ange varför det ändå godkänns.").waitFor();
    expect(await approve.getByLabel(/Motivering/).getAttribute("aria-invalid")).toBe("true");
    await approve.getByLabel(/Motivering/).fill("Samordnat med integrationsarbetet samma kväll");
    await approve.getByRole("button", { name: "Godkänn", exact: true }).click();
    await page.getByText("Godkänt. Åtkomstfönstret är planerat").waitFor();
    await page.getByText("Samordnat med integrationsarbetet samma kväll").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it("holds a freeze: the approval is refused until the service centre overrides it with a reason", async () => {
    const { page, context } = await newPage(browser, { baseURL: portal.url, cookies: [{ name: "__session", value: cookie }] });
    await page.goto(`/cases/${frozen}`);
    const approve = page.locator("form", { has: page.getByRole("button", { name: "Godkänn", exact: true }) });
    await approve.getByLabel(/Motivering/).fill("Certifikatet går ut i morgon");
    await approve.getByRole("button", { name: "Godkänn", exact: true }).click();
    await approve.getByText("Fönstret ligger i en frysperiod.").waitFor();
    expect(await approve.getByLabel(/Häv frysperioden/).getAttribute("aria-invalid")).toBe("true");
    // What was typed is kept; the override is ticked and the approval goes through.
    expect(await approve.getByLabel(/Motivering/).inputValue()).toBe("Certifikatet går ut i morgon");
    await approve.getByLabel(/Häv frysperioden/).check();
    await approve.getByRole("button", { name: "Godkänn", exact: true }).click();
    await page.getByText("Godkänt. Åtkomstfönstret är planerat").waitFor();
    // The override stands on the case with its reason, and the reason is in the timeline.
    await page
      .locator(".freeze-override")
      .getByText(/Godkänt trots frysperiod av .*Certifikatet går ut i morgon/)
      .waitFor();
    await page.locator(".timeline").getByText("Certifikatet går ut i morgon").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it("reads the queue in English without accessibility faults", async () => {
    const { page, context } = await newPage(browser, { baseURL: portal.url, locale: "en-GB", cookies: [{ name: "__session", value: cookie }] });
    await page.goto("/service-centre");
    await page.getByRole("heading", { name: /To handle/ }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
});
