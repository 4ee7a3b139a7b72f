import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { users } from "../../db/schema";
import { seedDemo } from "../../db/seed";
import namespaces from "~/i18n/namespaces.generated.json";
import { seriousViolations } from "./axe";
import { launchBrowser, newPage, type Portal, SESSION_SECRET, sessionCookieFor, startPortal } from "./harness";

let portal: Portal;
let browser: Browser;
let adminCookie: string;

beforeAll(async () => {
  expect(process.env.SESSION_SECRET).toBe(SESSION_SECRET);
  portal = await startPortal({
    prepare: async (db) => {
      await seedDemo(db);
      const [admin] = await db.update(users).set({ status: "active" }).where(eq(users.email, "admin@sjovik.se")).returning();
      adminCookie = await sessionCookieFor(db, admin!);
    },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

/** The texts' scripts a page fetches from now on, by file name ("root.js", "cab~answers.js"), in order. */
function textsLoadedBy(page: Page): string[] {
  const loaded: string[] = [];
  page.on("request", (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.startsWith("/i18n/")) loaded.push(pathname.replace(/^\/i18n\/[^/]+\//, ""));
  });
  return loaded;
}

describe("the portal in a browser", () => {
  it("shows the overview in Swedish, switches to English and remembers the choice", async () => {
    const { page, context } = await newPage(browser, { baseURL: portal.url, locale: "sv-SE" });
    await page.goto("/");
    expect(await page.locator("html").getAttribute("lang")).toBe("sv");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Leverantörsåtkomst");
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "English" }).click();
    await page.waitForURL(`${portal.url}/`);
    await page.getByRole("heading", { level: 1, name: "Supplier access" }).waitFor();
    await page.reload();
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    expect(await page.title()).toBe("Overview – Supplier access");
    await context.close();
  });

  it("greets a first visit from an English browser in English", async () => {
    const { page, context } = await newPage(browser, { baseURL: portal.url, locale: "en-GB" });
    await page.goto("/");
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    await page.getByRole("heading", { name: "Three categories of access" }).waitFor();
    await context.close();
  });

  it("answers an unknown address with a 404 page", async () => {
    const { page, context } = await newPage(browser, { baseURL: portal.url });
    const response = await page.goto("/finns/inte");
    expect(response?.status()).toBe(404);
    await page.getByRole("heading", { name: "Sidan finns inte" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it("loads each page's texts once, with the page: the first page its own, a client navigation the next page's", async () => {
    const { page, context } = await newPage(browser, { baseURL: portal.url, cookies: [{ name: "__session", value: adminCookie }] });
    const loaded = textsLoadedBy(page);
    await page.goto("/admin/systems");
    expect(loaded).toEqual(["root.js", "admin.systems._index.js"]);
    await page.getByRole("link", { name: "Nytt system" }).click();
    await page.getByLabel("Kod", { exact: true }).waitFor();
    expect(loaded).toEqual(["root.js", "admin.systems._index.js", "admin.systems.new.js"]);
    // The new page is drawn with its texts, not their keys.
    const shown = await page.locator("body").innerText();
    expect(namespaces["routes/admin.systems.new"]!.filter((key) => shown.includes(key))).toEqual([]);
    await page.goBack();
    await page.getByRole("link", { name: "Nytt system" }).click();
    await page.getByLabel("Kod", { exact: true }).waitFor();
    expect(loaded).toHaveLength(3);
    await context.close();
  });

  it("brings an action's answer texts with the submission, not with the page", async () => {
    const { page, context } = await newPage(browser, { baseURL: portal.url, cookies: [{ name: "__session", value: adminCookie }] });
    const loaded = textsLoadedBy(page);
    await page.goto("/admin/systems/new");
    await page.getByLabel("Kod", { exact: true }).waitFor();
    expect(loaded).toEqual(["root.js", "admin.systems.new.js"]);
    // A code already taken: the server's answer, in Swedish, with its namespace fetched alongside.
    await page.getByLabel("Kod", { exact: true }).fill("GIS");
    await page.getByLabel("Namn", { exact: true }).fill("Ännu ett GIS");
    await page.getByLabel("Ägande enhet").selectOption({ label: "Stadsbyggnadsförvaltningen" });
    await page.getByRole("combobox", { name: "Leverantör" }).selectOption({ label: "Geodata Konsult AB" });
    await page.getByRole("button", { name: "Skapa" }).click();
    await page.getByText("Koden används redan av ett annat system.").waitFor();
    expect(loaded).toEqual(["root.js", "admin.systems.new.js", "admin.systems.new~answers.js"]);
    expect(namespaces["routes/admin.systems.new"]).not.toContain("system.duplicateCode");
    await context.close();
  });

  it("lets the administrator add a system and a dependency", async () => {
    const { page, context } = await newPage(browser, {
      baseURL: portal.url,
      cookies: [{ name: "__session", value: adminCookie }],
    });
    await page.goto("/admin/systems");
    await page.getByRole("link", { name: "Nytt system" }).click();
    await page.getByLabel("Kod", { exact: true }).fill("PARK");
    await page.getByLabel("Namn", { exact: true }).fill("Parkeringstillstånd");
    await page.getByLabel("Ägande enhet").selectOption({ label: "Stadsbyggnadsförvaltningen" });
    await page.getByRole("combobox", { name: "Leverantör" }).selectOption({ label: "Geodata Konsult AB" });
    await page.getByRole("button", { name: "Skapa" }).click();
    await page.waitForURL(/\/admin\/systems\/PARK/);
    await page.getByText("Skapat.").waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel("Lägg till beroende").selectOption({ value: "GIS" });
    await page.getByRole("button", { name: "Lägg till beroende" }).click();
    await page.getByText("PARK är nu beroende av GIS.").waitFor();

    await page.goto("/admin/systems");
    expect(await seriousViolations(page)).toEqual([]);
    const row = page.getByRole("row", { name: /PARK/ });
    expect(await row.textContent()).toContain("GIS");
    await context.close();
  });
});
