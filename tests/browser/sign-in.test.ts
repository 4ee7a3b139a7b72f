import { eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { users } from "../../db/schema";
import { seedDemo } from "../../db/seed";
import { issueInvitation } from "~/admin/people.server";
import { seriousViolations } from "./axe";
import { addVirtualAuthenticator, launchBrowser, newPage, startPortal, type Portal } from "./harness";

const PASSWORD = "en riktigt lång lösenfras för test";
let portal: Portal;
let browser: Browser;
let invitationPath = "";

beforeAll(async () => {
  portal = await startPortal({
    prepare: async (db) => {
      await seedDemo(db);
      const [sara] = await db.select().from(users).where(eq(users.email, "sara.forvaltare@sjovik.se"));
      const { url } = await issueInvitation(db, sara!, null);
      invitationPath = new URL(url).pathname;
    },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

describe("signing in with a password and a security key", () => {
  it("accepts an invitation, signs out, signs in again and refuses a removed key with a clear message", async () => {
    const { page, context } = await newPage(browser, { baseURL: portal.url });
    const authenticator = await addVirtualAuthenticator(page);

    await page.goto(invitationPath);
    await page.getByRole("heading", { name: "Aktivera ditt konto" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel("Nytt lösenord").fill(PASSWORD);
    await page.getByLabel("Upprepa lösenordet").fill(PASSWORD);
    await page.getByRole("button", { name: "Fortsätt" }).click();
    await page.getByRole("button", { name: "Registrera säkerhetsnyckel" }).click();
    await page.waitForURL(`${portal.url}/`);
    await page.getByText("Inloggad som Sara Förvaltare").waitFor();
    expect(await authenticator.credentials()).toHaveLength(1);

    await page.getByRole("button", { name: "Logga ut" }).click();
    await page.getByRole("link", { name: "Logga in" }).first().waitFor();

    await page.goto("/login");
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel("E-postadress").fill("sara.forvaltare@sjovik.se");
    await page.getByLabel("Lösenord").fill(PASSWORD);
    await page.getByRole("button", { name: "Fortsätt" }).click();
    await page.waitForURL(/\/login\/verify/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Använd säkerhetsnyckel" }).click();
    await page.waitForURL(`${portal.url}/`);

    // The key is gone from the authenticator: the next sign-in stops with a translated message.
    await page.getByRole("button", { name: "Logga ut" }).click();
    await page.getByRole("link", { name: "Logga in" }).first().waitFor();
    await authenticator.clear();
    await page.goto("/login");
    await page.getByLabel("E-postadress").fill("sara.forvaltare@sjovik.se");
    await page.getByLabel("Lösenord").fill(PASSWORD);
    await page.getByRole("button", { name: "Fortsätt" }).click();
    await page.waitForURL(/\/login\/verify/);
    await page.getByRole("button", { name: "Använd säkerhetsnyckel" }).click();
    await page.getByRole("alert").filter({ hasText: "Ingen säkerhetsnyckel svarade" }).waitFor();
    expect(page.url()).toContain("/login/verify");
    await context.close();
  });

  it("sends an anonymous visitor of the settings to sign in, in English", async () => {
    const { page, context } = await newPage(browser, { baseURL: portal.url, locale: "en-GB" });
    await page.goto("/settings");
    await page.waitForURL(/\/login\?redirectTo=%2Fsettings/);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await context.close();
  });
});
