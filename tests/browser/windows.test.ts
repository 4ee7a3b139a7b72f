import { eq, sql } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { accessWindows, cases, users } from "../../db/schema";
import { seedDemo } from "../../db/seed";
import { addWorkingDays, earliestStart, stockholmDate } from "../../machines/calendar";
import { applyEvent, createCase } from "~/cases/commands.server";
import { seriousViolations } from "./axe";
import { launchBrowser, newPage, sessionCookieFor, startPortal, type Portal } from "./harness";

/**
 * The window's promise, in two browsers side by side: operations opens the access, the supplier
 * sees it open now, the window ends by itself and both views say so.
 */
let portal: Portal;
let browser: Browser;
const cookies: Record<string, string> = {};
let number = "";
let endsAt = 0;

beforeAll(async () => {
  portal = await startPortal({
    env: { JOBS_INTERVAL_MS: "500" },
    prepare: async (db) => {
      await seedDemo(db);
      const activate = async (email: string) => (await db.update(users).set({ status: "active" }).where(eq(users.email, email)).returning())[0]!;
      const sara = await activate("sara.forvaltare@sjovik.se");
      const centre = await activate("servicecenter@sjovik.se");
      cookies.ops = await sessionCookieFor(db, await activate("drift@driftpartner.example"));
      cookies.supplier = await sessionCookieFor(db, await activate("konsult@nordiskarende.example"));
      const day = addWorkingDays(earliestStart("simple-change", stockholmDate(new Date())), 1);
      const created = await createCase(db, sara, {
        type: "simple-change",
        systemCode: "CASE",
        title: "Patch av ärendesystemet",
        reason: "Säkerhetsrättning",
        bookedWithSupplier: true,
        accounts: ["adm-case-lev"],
        window: { start: `${day}T17:00:00+01:00`, end: `${day}T19:00:00+01:00` },
      });
      number = created.number;
      await applyEvent(db, centre, number, { type: "APPROVE" });
      // Bring the window to now: it started a minute ago and ends 35 seconds after the portal is up.
      const start = new Date(Date.now() - 60_000).toISOString();
      const end = new Date(Date.now() + 75_000);
      endsAt = end.getTime();
      const [c] = await db.select().from(cases).where(eq(cases.number, number));
      await db
        .update(accessWindows)
        .set({
          startsAt: new Date(start),
          endsAt: end,
          state: sql`jsonb_set(jsonb_set(${accessWindows.state}, '{context,start}', to_jsonb(${start}::text)), '{context,end}', to_jsonb(${end.toISOString()}::text))`,
        })
        .where(eq(accessWindows.caseId, c!.id));
      await db
        .update(cases)
        .set({ windowStart: new Date(start), windowEnd: end })
        .where(eq(cases.id, c!.id));
    },
  });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

describe("an access window from grant to expiry", () => {
  it("is opened by operations, seen open by the supplier, and closed by the server at its end", async () => {
    const ops = await newPage(browser, { baseURL: portal.url, cookies: [{ name: "__session", value: cookies.ops! }] });
    const supplier = await newPage(browser, { baseURL: portal.url, cookies: [{ name: "__session", value: cookies.supplier! }] });

    await ops.page.goto("/operations");
    const row = ops.page.getByRole("row", { name: new RegExp(number) }).first();
    await row.waitFor();
    expect(await seriousViolations(ops.page)).toEqual([]);
    await row.getByRole("button", { name: "Öppna åtkomst och stäng av övervakning" }).click();
    await ops.page.getByText(`Åtkomsten för ${number} är öppnad.`).waitFor();

    await supplier.page.goto("/supplier");
    const open = supplier.page.locator("#supplier-open");
    await open.locator(`[data-case="${number}"]`).waitFor();
    expect(await open.textContent()).toContain("adm-case-lev");
    expect(await seriousViolations(supplier.page)).toEqual([]);

    // The server closes the window at its end; nobody has to remember.
    await new Promise((r) => setTimeout(r, Math.max(0, endsAt - Date.now()) + 2000));
    await supplier.page.reload();
    await supplier.page.locator(`#supplier-past [data-case="${number}"]`).waitFor();
    expect(await open.locator(`[data-case="${number}"]`).count()).toBe(0);
    await ops.page.reload();
    const closed = ops.page.locator("section", { has: ops.page.locator("#recently-closed") });
    await closed.getByText(number).first().waitFor();
    expect(await closed.textContent()).toContain("Löpte ut (stängt av systemet)");
    await ops.context.close();
    await supplier.context.close();
  }, 120_000);
});
