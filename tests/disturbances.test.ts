import { eq } from "drizzle-orm";
import { XMLParser } from "fast-xml-parser";
import { beforeAll, describe, expect, it } from "vitest";

import { auditLog, cases, disturbances } from "../db/schema";
import { applyEvent, createCase } from "~/cases/commands.server";
import { call, signIn } from "./support/app";
import { useTestDatabase } from "./support/database";
import { makeWorld, windowAhead, type World } from "./support/world";

/**
 * Disturbances on the public status page: the service centre publishes a priority 1–2 incident
 * with a public text, adds updates and marks it resolved; /status shows it above the planned
 * windows and the RSS feed carries each step as its own item with a stable guid.
 */
const db = useTestDatabase();
let w: World;
let centre: string;
const PUBLIC = "Inloggningen till e-tjänsterna fungerar inte. Vi felsöker.";
const UPDATE = "Felet är hittat; en rättning installeras.";
const PLANNED = "Planerat underhåll av appen";

const incident = async (title: string, urgency: 1 | 2 | 3, impact: 1 | 2 | 3) =>
  (await createCase(db(), w.people.requester, { type: "emergency", systemCode: w.systems.app.code, title, urgency, impact })).number;

const step = (number: string, form: Record<string, string>, cookie = centre) => call(`/cases/${number}`, { cookie, form: { intent: "disturbance", ...form } });
const apiStep = (number: string, json: Record<string, unknown>, token = w.tokens.serviceCentre) =>
  call(`/api/v1/cases/${number}/disturbance`, { headers: { Authorization: `Bearer ${token}` }, json });

type Item = { title: string; description: string; guid: string | { "#text": string }; link: string };
async function rssItems(): Promise<Item[]> {
  const xml = await (await call("/status.rss")).text();
  const items = new XMLParser({ ignoreAttributes: false }).parse(xml).rss.channel.item as Item[] | Item | undefined;
  return Array.isArray(items) ? items : items ? [items] : [];
}
const guidOf = (i: Item) => (typeof i.guid === "string" ? i.guid : i.guid["#text"]);

beforeAll(async () => {
  w = await makeWorld(db());
  centre = await signIn(db(), w.people.serviceCentre);
  const planned = await createCase(db(), w.people.requester, {
    type: "simple-change",
    systemCode: w.systems.app.code,
    title: "Underhåll",
    window: windowAhead(2),
    reason: "Underhåll",
    bookedWithSupplier: true,
    affectsUsers: true,
    publicDescription: PLANNED,
  });
  await applyEvent(db(), w.people.serviceCentre, planned.number, { type: "APPROVE" });
});

describe("a disturbance from publication to resolution", () => {
  it("is published by the service centre, shown above the planned windows, updated, resolved, and each step is in the feed and the trail", async () => {
    const number = await incident("Inloggningen ligger nere", 1, 1);

    // Nothing published yet: the case page offers the service centre the form, the status page says so.
    const before = await (await call(`/cases/${number}`, { cookie: centre })).text();
    expect(before).toContain('name="action" value="publish"');
    expect(await (await call("/status")).text()).toContain("Inga kända driftstörningar just nu.");

    // Published from the case page.
    const published = await step(number, { action: "publish", publicText: PUBLIC });
    expect(published.status).toBe(302);
    expect(published.headers.get("Location")).toBe(`/cases/${number}?notice=DISTURBANCE_PUBLISHED`);
    let status = await (await call("/status")).text();
    expect(status).toContain(PUBLIC);
    expect(status).toContain("Störning pågår");
    expect(status.indexOf(PUBLIC)).toBeLessThan(status.indexOf("Planerade servicefönster"));
    expect(status.indexOf("Planerade servicefönster")).toBeLessThan(status.indexOf(PLANNED));
    // Nothing internal: neither the case's number nor its title.
    expect(status).not.toContain(number);
    expect(status).not.toContain("Inloggningen ligger nere");

    let items = await rssItems();
    const first = items.find((i) => i.description.includes(PUBLIC));
    expect(first?.title).toBe(`Driftstörning: ${w.systems.app.name}`);
    const [row] = await db().select().from(disturbances).innerJoin(cases, eq(cases.id, disturbances.caseId)).where(eq(cases.number, number));
    const publicId = row!.disturbances.publicId;
    expect(guidOf(first!)).toBe(`disturbance-${publicId}@localhost:3000`);
    expect(first!.link).toBe(`http://localhost:3000/status#disturbance-${publicId}`);

    // An update through the API: its own item, the first one's guid unchanged.
    const updated = await apiStep(number, { action: "update", text: UPDATE });
    expect(updated.status).toBe(200);
    expect((await updated.json()).disturbance).toMatchObject({ publicText: PUBLIC, resolvedAt: null, updates: [{ text: UPDATE }] });
    items = await rssItems();
    const update = items.find((i) => i.description.includes(UPDATE));
    expect(update?.title).toBe(`Uppdatering om driftstörning: ${w.systems.app.name}`);
    expect(guidOf(update!)).toMatch(/^disturbance-update-[0-9a-f-]{36}@localhost:3000$/);
    expect(items.filter((i) => guidOf(i) === `disturbance-${publicId}@localhost:3000`)).toHaveLength(1);
    status = await (await call("/status")).text();
    expect(status.indexOf(PUBLIC)).toBeLessThan(status.indexOf(UPDATE));

    // Resolved from the case page: in the future is refused at the field, translated, and nothing is lost.
    const future = await step(number, { action: "resolve", resolvedAt: "2099-01-01T10:00" });
    expect(future.status).toBe(422);
    const futurePage = await future.text();
    expect(futurePage).toContain("Tiden kan inte ligga i framtiden.");
    expect(futurePage).toMatch(/aria-invalid="true"[^>]*name="resolvedAt"|name="resolvedAt"[^>]*aria-invalid="true"/);
    expect((await apiStep(number, { action: "resolve", resolvedAt: "2000-01-01T10:00:00Z" })).status).toBe(422);

    const resolved = await step(number, { action: "resolve", closingText: "Inloggningen fungerar igen." });
    expect(resolved.status).toBe(302);
    status = await (await call("/status")).text();
    expect(status).toContain("Åtgärdad");
    expect(status).not.toContain("Störning pågår");
    expect(status).toContain("Inloggningen fungerar igen.");
    items = await rssItems();
    expect(items.find((i) => guidOf(i) === `disturbance-resolved-${publicId}@localhost:3000`)?.title).toBe(`Åtgärdad driftstörning: ${w.systems.app.name}`);
    // The feed's guids are stable between two reads.
    expect((await rssItems()).map(guidOf)).toEqual(items.map(guidOf));

    // Resolved is resolved: no more updates.
    expect((await apiStep(number, { action: "update", text: "Sent" })).status).toBe(409);

    // Every step in the case's trail, shown on the case page with the published text for its readers.
    const trail = await db().select().from(auditLog).innerJoin(cases, eq(cases.id, auditLog.caseId)).where(eq(cases.number, number));
    expect(trail.map((t) => t.audit_log.event).filter((e) => e?.startsWith("DISTURBANCE_"))).toEqual([
      "DISTURBANCE_PUBLISHED",
      "DISTURBANCE_UPDATED",
      "DISTURBANCE_RESOLVED",
    ]);
    const requesterPage = await (await call(`/cases/${number}`, { cookie: await signIn(db(), w.people.requester) })).text();
    expect(requesterPage).toContain(PUBLIC);
    expect(requesterPage).toContain("Publicerade driftstörningen på Driftinformation");
    expect(requesterPage).not.toContain('value="disturbance"');
    const api = await (await call(`/api/v1/cases/${number}`, { headers: { Authorization: `Bearer ${w.tokens.requester}` } })).json();
    expect(api.disturbance.resolvedAt).not.toBeNull();
  });

  it("lists a resolved disturbance for a week, then no longer", async () => {
    const number = await incident("Skrivarna", 2, 1);
    expect((await apiStep(number, { action: "publish", text: "Utskrifter fungerar inte." })).status).toBe(200);
    expect((await apiStep(number, { action: "resolve" })).status).toBe(200);
    expect(await (await call("/status")).text()).toContain("Utskrifter fungerar inte.");
    const [c] = await db().select().from(cases).where(eq(cases.number, number));
    const longAgo = new Date(Date.now() - 8 * 86_400_000);
    await db().update(disturbances).set({ publishedAt: longAgo, resolvedAt: longAgo }).where(eq(disturbances.caseId, c!.id));
    expect(await (await call("/status")).text()).not.toContain("Utskrifter fungerar inte.");
    expect((await rssItems()).some((i) => i.description.includes("Utskrifter"))).toBe(false);
  });
});

describe("who may publish what", () => {
  it("refuses everyone but the service centre, incidents below priority 2, an empty text and a second publication", async () => {
    const number = await incident("Nätet", 1, 2);
    // The requester sees the case, but may not publish (403); the form is not offered either.
    expect((await step(number, { action: "publish", publicText: "x" }, await signIn(db(), w.people.requester))).status).toBe(403);
    expect((await apiStep(number, { action: "publish", text: "x" }, w.tokens.requester)).status).toBe(403);
    // An empty text: at the field, translated.
    const empty = await step(number, { action: "publish", publicText: "  " });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain("Fyll i fältet.");
    const tooLong = await apiStep(number, { action: "publish", text: "x".repeat(2001) });
    expect(tooLong.status).toBe(422);
    expect((await tooLong.json()).fieldErrors).toEqual({ publicText: "At most 2000 characters." });
    // A step that is not one: 400; an update before publication: 409.
    expect((await apiStep(number, { action: "delete" })).status).toBe(400);
    expect((await apiStep(number, { action: "update", text: "x" })).status).toBe(409);
    expect((await apiStep(number, { action: "publish", text: "Nätet är nere." })).status).toBe(200);
    expect((await apiStep(number, { action: "publish", text: "Igen" })).status).toBe(409);

    // Priority 3 is not a disturbance the public is told of: no form, and 409.
    const minor = await incident("En skrivare", 2, 2);
    expect(await (await call(`/cases/${minor}`, { cookie: centre })).text()).not.toContain('value="disturbance"');
    expect((await apiStep(minor, { action: "publish", text: "x" })).status).toBe(409);
    // A case outside the caller's scope: 404, as for every case.
    expect((await apiStep(number, { action: "publish", text: "x" }, w.tokens.stranger)).status).toBe(404);
  });
});
