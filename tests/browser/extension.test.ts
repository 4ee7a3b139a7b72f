import { eq, sql } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { accessWindows, cases, users } from "../../db/schema";
import { seedDemo } from "../../db/seed";
import { addWorkingDays, earliestStart, stockholmDate } from "../../machines/calendar";
import { isoToStockholmLocal } from "../../machines/time";
import { applyEvent, createCase } from "~/cases/commands.server";
import { translatorFor } from "~/i18n/i18n.server";
import { seriousViolations } from "./axe";
import { launchBrowser, pageAs, sessionCookieFor, startPortal, type Portal } from "./harness";

/**
 * An extension decided with its facts in front of the service centre: the supplier asks for three
 * more hours on an open window, the service centre sees the current and asked end, the added time
 * and what it would meet, and grants one hour; the supplier sees the new end.
 */
let portal: Portal;
let browser: Browser;
const cookies: Record<string, string> = {};
let number = "";
let end = new Date();

beforeAll(async () => {
  portal = await startPortal({
    prepare: async (db) => {
      await seedDemo(db);
      const activate = async (email: string) => (await db.update(users).set({ status: "active" }).where(eq(users.email, email)).returning())[0]!;
      const sara = await activate("sara.forvaltare@sjovik.se");
      const centre = await activate("servicecenter@sjovik.se");
      const ops = await activate("drift@driftpartner.example");
      cookies.centre = await sessionCookieFor(db, centre);
      cookies.supplier = await sessionCookieFor(db, await activate("konsult@nordiskarende.example"));
      const day = addWorkingDays(earliestStart("simple-change", stockholmDate(new Date())), 1);
      const created = await createCase(db, sara, {
        type: "simple-change",
        systemCode: "CASE",
        title: "Migrering av ärendearkivet",
        reason: "Ny lagringsplats",
        bookedWithSupplier: true,
        accounts: ["adm-case-lev"],
        window: { start: `${day}T17:00:00+01:00`, end: `${day}T19:00:00+01:00` },
      });
      number = created.number;
      await applyEvent(db, centre, number, { type: "APPROVE" });
      // The window started a minute ago and ends in two hours (to the minute, as the forms type it).
      const start = new Date(Date.now() - 60_000);
      end = new Date(Math.floor((Date.now() + 2 * 3600_000) / 60_000) * 60_000);
      const [c] = await db.select().from(cases).where(eq(cases.number, number));
      const window = { start: start.toISOString(), end: end.toISOString() };
      await db
        .update(accessWindows)
        .set({
          startsAt: start,
          endsAt: end,
          state: sql`jsonb_set(jsonb_set(${accessWindows.state}, '{context,start}', to_jsonb(${window.start}::text)), '{context,end}', to_jsonb(${window.end}::text))`,
        })
        .where(eq(accessWindows.caseId, c!.id));
      await db
        .update(cases)
        .set({ windowStart: start, windowEnd: end, state: { ...c!.state, context: { ...c!.state.context, window } } })
        .where(eq(cases.id, c!.id));
      await applyEvent(db, ops, number, { type: "GRANT" });
    },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

describe("an extension", () => {
  it("asked for 3 h by the supplier, granted 1 h by the service centre, who sees the added time and its conflicts", async () => {
    const supplier = await pageAs(browser, portal.url, cookies.supplier!);
    await supplier.goto("/supplier");
    await supplier.getByText("Be om mer tid", { exact: true }).first().click();
    await supplier.getByLabel("Nytt slut").fill(isoToStockholmLocal(new Date(end.getTime() + 3 * 3600_000)));
    await supplier.getByLabel("Varför behövs mer tid?").fill("Kopieringen går långsammare än väntat");
    await supplier.getByRole("button", { name: /Be om mer tid/ }).click();
    await supplier.waitForURL(/notice=/);

    const centre = await pageAs(browser, portal.url, cookies.centre!);
    await centre.goto(`/cases/${number}`);
    await centre
      .locator("#extension-asked")
      .getByText(/\(\+3 h\)/)
      .waitFor();
    await centre.locator("#extension-asked").getByText("Kopieringen går långsammare än väntat").waitFor();
    await centre.getByRole("heading", { name: "Förlängningens krockar" }).waitFor();
    expect(await seriousViolations(centre)).toEqual([]);
    const approve = centre.locator("form", { has: centre.getByRole("button", { name: "Godkänn förlängning" }) });
    const grant = approve.getByLabel("Bevilja till");
    expect(await grant.inputValue()).toBe(isoToStockholmLocal(new Date(end.getTime() + 3 * 3600_000)));
    await grant.fill(isoToStockholmLocal(new Date(end.getTime() + 3600_000)));
    await approve.getByRole("button", { name: "Godkänn förlängning" }).click();
    await centre.waitForURL(/notice=APPROVE_EXTENSION/);

    // The supplier's page says the new end: one hour later, not three.
    await supplier.goto("/supplier");
    const later = translatorFor("sv").formatDateTime(new Date(end.getTime() + 3600_000));
    await supplier.getByText(later).first().waitFor();
    expect(await supplier.getByText(translatorFor("sv").formatDateTime(new Date(end.getTime() + 3 * 3600_000))).count()).toBe(0);
  });
});
