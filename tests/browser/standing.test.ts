import { eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { users } from "../../db/schema";
import { createCase } from "~/cases/commands.server";
import { seedDemo } from "../../db/seed";
import { addDays, stockholmDate } from "../../machines/calendar";
import { translatorFor } from "~/i18n/i18n.server";
import { seriousViolations } from "./axe";
import { launchBrowser, pageAs, sessionCookieFor, startPortal, type Portal } from "./harness";

/**
 * Standing access from consent to the accounts' removal, as each role clicks it: the system owner
 * sees who gets access and consents to a chosen last day, operations creates the accounts, the
 * supplier sees them ready, the owner revokes, operations removes the accounts, and the case shows
 * both steps done.
 */
let portal: Portal;
let browser: Browser;
const cookies: Record<string, string> = {};
let number = "";

beforeAll(async () => {
  portal = await startPortal({
    prepare: async (db) => {
      await seedDemo(db);
      const activate = async (email: string) => (await db.update(users).set({ status: "active" }).where(eq(users.email, email)).returning())[0]!;
      cookies.owner = await sessionCookieFor(db, await activate("systemagare@sjovik.se"));
      cookies.ops = await sessionCookieFor(db, await activate("drift@driftpartner.example"));
      cookies.supplier = await sessionCookieFor(db, await activate("konsult@nordiskarende.example"));
      const sara = await activate("sara.forvaltare@sjovik.se");
      const created = await createCase(db, sara, {
        type: "standing-access",
        systemCode: "CASE",
        title: "Löpande konfiguration av rapportmallar",
        justification: "Leverantören underhåller ärendesystemets rapportmallar.",
        agreementReference: "KS-2026/118",
        supplierPeople: ["Per Persson, Integrationshuset"],
        accounts: ["rapport-lev"],
      });
      number = created.number;
    },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

describe("standing access", () => {
  it("consent → accounts created by operations → revoked → accounts removed", async () => {
    const owner = await pageAs(browser, portal.url, cookies.owner!);
    await owner.goto("/owner");
    const card = owner.locator("article", { has: owner.locator(`#case-${number}`) });
    await card.getByText("Per Persson, Integrationshuset").waitFor();
    await card.getByText("rapport-lev").waitFor();
    expect(await seriousViolations(owner)).toEqual([]);
    const until = addDays(stockholmDate(new Date()), 180);
    await card.getByLabel("Samtycket gäller till och med").fill(until);
    await card.getByRole("button", { name: /Samtyck/ }).click();
    await owner.waitForURL(/notice=consented/);

    const ops = await pageAs(browser, portal.url, cookies.ops!);
    await ops.goto("/operations");
    const task = ops.locator(`[data-account-task="${number}"]`);
    await task.getByText("rapport-lev").waitFor();
    expect(await seriousViolations(ops)).toEqual([]);
    await task.getByRole("button", { name: `Kontona är skapade: ${number}` }).click();
    await ops.getByText(`Kontona i ${number} är skapade.`, { exact: false }).waitFor();
    expect(await ops.locator(`[data-account-task="${number}"]`).count()).toBe(0);

    const supplier = await pageAs(browser, portal.url, cookies.supplier!);
    await supplier.goto("/supplier");
    const standing = supplier.locator(`[data-standing="${number}"]`);
    await standing.getByText("Kontona är klara att använda.").waitFor();
    await standing.getByText(translatorFor("sv").formatDate(until)).waitFor();

    await owner.goto("/owner");
    const active = owner.locator("article", { has: owner.locator(`#case-${number}`) });
    await active.getByText("Återkalla åtkomsten", { exact: true }).first().click();
    await active.getByLabel("Varför återkallas åtkomsten?").fill("Uppdraget med rapportmallarna är avslutat.");
    await active.getByRole("button", { name: /Återkalla åtkomsten/ }).click();
    await owner.waitForURL(/notice=revoked/);

    await ops.goto("/operations");
    await ops.locator(`[data-account-task="${number}"]`).getByText("Ta bort", { exact: true }).waitFor();
    await ops.getByRole("button", { name: `Kontona är borttagna: ${number}` }).click();
    await ops.getByText(`Kontona i ${number} är borttagna.`).waitFor();
    expect(await ops.locator(`[data-account-task="${number}"]`).count()).toBe(0);

    await supplier.goto("/supplier");
    expect(await supplier.locator(`[data-standing="${number}"]`).count()).toBe(0);
    await owner.goto(`/cases/${number}`);
    await owner
      .locator("#account-steps")
      .getByText(/Skapade av driften/)
      .waitFor();
    await owner
      .locator("#account-steps")
      .getByText(/Borttagna av driften/)
      .waitFor();
    await owner.locator("#case-decision").getByText("Uppdraget med rapportmallarna är avslutat.").waitFor();
  });
});
