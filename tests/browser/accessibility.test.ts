import { readdirSync, readFileSync } from "node:fs";

import { eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Db } from "../../db/client";
import { users, webhookDeliveries, webhookSubscribers, type User } from "../../db/schema";
import { DEMO_PEOPLE, seedDemo } from "../../db/seed";
import { seedDemoCases } from "~/demo/cases.server";
import { createSession } from "~/access/sessions.server";
import { issueInvitation } from "~/admin/people.server";
import { parkedCookie } from "~/access/guards.server";
import { createCase } from "~/cases/commands.server";
import { seriousViolations, type Violation } from "./axe";
import { launchBrowser, newPage, type Portal, sessionCookieFor, startPortal } from "./harness";

/**
 * axe-core over every page, in Swedish and in English, signed in as each role (and signed out).
 * Each visitor crawls the portal from its start page and the pages of the menu, following the
 * links it is shown, and checks each kind of page (route) it reaches once per language; a page
 * it may not open is checked as the error page it gets. Afterwards every page route in
 * app/routes must have been checked by someone.
 */
type Visitor = { name: string; cookies: { name: string; value: string }[]; start: string[] };

const MENU = ["/", "/cases", "/cases/new", "/schedule", "/cab", "/service-centre", "/operations", "/supplier", "/owner", "/settings", "/admin", "/status"];
const MAX_PAGES_PER_VISITOR = 60;
// Never followed: they end the session, change language, or are downloads and feeds.
const SKIP = /^\/(logout|language|api\/|feeds\/|audit\.csv|status\.rss|build\/|webauthn)/;
// Page modules that no visitor reaches by design.
const NOT_PAGES = new Set(["bench.floor"]);

let portal: Portal;
let browser: Browser;
const visitors: Visitor[] = [];

/** Flat route file names (app/routes) as patterns, most specific first. */
function routePatterns() {
  const files = readdirSync("app/routes").filter((f) => f.endsWith(".tsx") && /export default function/.test(readFileSync(`app/routes/${f}`, "utf8")));
  return files
    .map((file) => {
      const id = file.replace(/\.tsx$/, "");
      const segments = id
        .replace(/\[\.\]|\[(\.[a-z]+)\]/g, (_, ext: string | undefined) => (ext ? `\u0000${ext.slice(1)}` : "\u0000"))
        .split(".")
        .map((s) => s.replace(/\u0000/g, "."))
        .filter((s) => s !== "_index")
        .map((s) => s.replace(/_$/, ""));
      const source = segments.map((s) => (s === "$" ? ".*" : s.startsWith("$") ? "[^/]+" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("/");
      const statics = segments.filter((s) => !s.startsWith("$")).length;
      return { id, regex: new RegExp(`^/${source}/?$`), statics, splat: segments.includes("$") };
    })
    .sort((a, b) => Number(a.splat) - Number(b.splat) || b.statics - a.statics);
}
const patterns = routePatterns();
const routeOf = (pathname: string) => patterns.find((p) => p.regex.test(pathname))?.id ?? "?";

beforeAll(async () => {
  let invitation = "";
  portal = await startPortal({
    prepare: async (db: Db) => {
      await seedDemo(db);
      const pending = "maria.social@sjovik.se";
      for (const person of DEMO_PEOPLE) if (person.email !== pending) await db.update(users).set({ status: "active" }).where(eq(users.email, person.email));
      await seedDemoCases(db);
      const [maria] = await db.select().from(users).where(eq(users.email, pending));
      invitation = new URL((await issueInvitation(db, maria!, null)).url).pathname;
      const cookie = async (user: User) => ({ name: "__session", value: await sessionCookieFor(db, user) });
      // A webhook subscriber with a delivered and a failing delivery, so its page and log have something to show.
      const [subscriber] = await db
        .insert(webhookSubscribers)
        .values({ name: "Ärendesystemet", url: "https://arende.sjovik.se/hooks", secret: "whsec_dGVzdA==", events: ["case.approved", "window.opened"] })
        .returning();
      await db.insert(webhookDeliveries).values([
        { subscriberId: subscriber!.id, key: "evt_a11y_1", event: "case.approved", payload: {}, deliveredAt: new Date(), responseStatus: 200, attempts: 1 },
        { subscriberId: subscriber!.id, key: "evt_a11y_2", event: "window.opened", payload: {}, attempts: 2, lastError: "HTTP 503" },
      ]);
      // A draft, so the requester's edit page has something to edit.
      const [sara] = await db.select().from(users).where(eq(users.email, "sara.forvaltare@sjovik.se"));
      const draft = await createCase(db, sara!, { type: "simple-change", systemCode: "INTRA", title: "Utkast", draft: true });
      const seen = new Set<string>();
      for (const person of DEMO_PEOPLE) {
        if (seen.has(person.role) || person.email === pending) continue;
        seen.add(person.role);
        const [user] = await db.select().from(users).where(eq(users.email, person.email));
        visitors.push({
          name: person.role,
          cookies: [await cookie(user!)],
          start: person.role === "requester" ? [...MENU, `/cases/${draft.number}/edit`] : MENU,
        });
      }
      // Signed out, with a password step done (the key step's page needs the parked session).
      const parked = (await parkedCookie().serialize(await createSession(db, sara!.id, { verified: false }))).split(";")[0]!.split("=").slice(1).join("=");
      visitors.unshift({
        name: "signed out",
        cookies: [{ name: "__signin", value: parked }],
        start: ["/login/verify", "/", "/login", "/status", invitation, "/finns-inte"],
      });
    },
  });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

describe("accessibility of every page, for every role, in both languages", () => {
  it("has no serious or critical axe violations anywhere", async () => {
    const problems: string[] = [];
    const checked = new Map<string, Set<string>>();
    let pages = 0;
    for (const visitor of visitors) {
      for (const locale of ["sv-SE", "en-GB"]) {
        const { context, page } = await newPage(browser, { locale, baseURL: portal.url, cookies: visitor.cookies });
        const queue = [...visitor.start];
        const queued = new Set(queue);
        const done = new Set<string>();
        while (queue.length && done.size < MAX_PAGES_PER_VISITOR) {
          const target = queue.shift()!;
          const response = await page.goto(target);
          const status = response?.status() ?? 0;
          const url = new URL(page.url());
          // One check per kind of page: a route, or the error page a route answers with.
          const kind = status === 200 ? routeOf(url.pathname) : `error ${status}`;
          if (!done.has(kind)) {
            done.add(kind);
            pages++;
            const lang = await page.locator("html").getAttribute("lang");
            if (lang !== locale.slice(0, 2)) problems.push(`${visitor.name} ${locale} ${url.pathname}: <html lang="${lang}">`);
            const violations: Violation[] = await seriousViolations(page);
            for (const v of violations) problems.push(`${visitor.name} ${locale} ${url.pathname} (${kind}): ${v.impact} ${v.id} ×${v.nodes} — ${v.help}`);
            if (status === 200) (checked.get(kind) ?? checked.set(kind, new Set()).get(kind)!).add(`${visitor.name} ${locale}`);
          }
          // A page the server answered 200 that shows the error page crashed in the browser (hydration, a server-only import).
          if (status === 200 && (await page.locator(".error-page").count())) problems.push(`${visitor.name} ${locale} ${target}: the error page after a 200`);
          if (status >= 500) problems.push(`${visitor.name} ${locale} ${target}: ${status}`);
          // Downloads (a meeting's minutes as CSV) are files, not pages.
          for (const href of await page.locator("a[href^='/']:not([download])").evaluateAll((links) => links.map((a) => a.getAttribute("href")!))) {
            const next = new URL(href, portal.url);
            const path = next.pathname + next.search;
            if (SKIP.test(next.pathname) || queued.has(path)) continue;
            // Follow a link only to a kind of page this visitor has not checked yet.
            if (done.has(routeOf(next.pathname))) continue;
            queued.add(path);
            queue.push(path);
          }
        }
        await context.close();
      }
    }
    const missing = patterns.map((p) => p.id).filter((id) => !NOT_PAGES.has(id) && id !== "$" && !checked.has(id));
    console.log(`axe: ${pages} page checks over ${checked.size} routes, ${visitors.length} visitors × 2 languages`);
    expect(problems).toEqual([]);
    expect(missing, "page routes no visitor reached").toEqual([]);
  }, 900_000);
});
