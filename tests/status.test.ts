import { createHash } from "node:crypto";

import { eq } from "drizzle-orm";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { beforeAll, describe, expect, it } from "vitest";

import { cases } from "../db/schema";
import { applyEvent, createCase } from "~/cases/commands.server";
import { formatSpan, publicChanges } from "~/cases/status.server";
import { call } from "./support/app";
import { useTestDatabase } from "./support/database";
import { makeWorld, windowAhead, type World } from "./support/world";

/** The public "Driftinformation" page (/status) and its RSS feed (/status.rss), through the built app. */
const db = useTestDatabase();
let w: World;
let day = 1;
const DAY = 86_400_000;
const RISK = "HEMLIG-RISK";
const d = { shown: "", recent: "", plain: "", unflagged: "", submitted: "", old: "" };
const text = {
  shown: "E-tjänsterna är otillgängliga & inloggningen <kan> störas",
  recent: "Nyligen avslutat underhåll av appen",
  unflagged: "SYNS-INTE-OFLAGGAD",
  submitted: "SYNS-INTE-EJ-GODKÄND",
  old: "SYNS-INTE-GAMMAL",
};

async function change(title: string, extra: { affectsUsers?: boolean; publicDescription?: string; approve?: boolean }) {
  const { approve = true, ...rest } = extra;
  const c = await createCase(db(), w.people.requester, {
    type: "simple-change",
    systemCode: w.systems.app.code,
    title,
    window: windowAhead(day++),
    reason: "Underhåll",
    bookedWithSupplier: true,
    affectsUsers: true,
    risk: RISK,
    testPlan: "INTERN-TESTPLAN",
    ...rest,
  });
  if (approve) await applyEvent(db(), w.people.serviceCentre, c.number, { type: "APPROVE" });
  return c.number;
}

/** Moves a case's planned window so it ended `daysAgo` days ago (rows patched directly). */
async function endedDaysAgo(number: string, daysAgo: number) {
  const end = new Date(Date.now() - daysAgo * DAY);
  await db()
    .update(cases)
    .set({ windowStart: new Date(end.getTime() - 4 * 3600_000), windowEnd: end })
    .where(eq(cases.number, number));
}

beforeAll(async () => {
  w = await makeWorld(db());
  d.shown = await change("TITEL-UPPGRADERA", { publicDescription: text.shown });
  d.plain = await change("TITEL-UTAN-TEXT", {});
  d.unflagged = await change("Ej flaggad", { affectsUsers: false, publicDescription: text.unflagged });
  d.submitted = await change("Ej godkänd", { publicDescription: text.submitted, approve: false });
  d.old = await change("Gammal", { publicDescription: text.old });
  d.recent = await change("TITEL-NYLIGEN", { publicDescription: text.recent });
  await endedDaysAgo(d.old, 8);
  await endedDaysAgo(d.recent, 6);
});

function assertNothingInternal(body: string) {
  expect(body).not.toMatch(/\b(CHG|INC|BEG|ACC)-\d{4}-\d{5}\b/);
  expect(body).not.toContain(w.supplier.name);
  expect(body).not.toContain(w.otherSupplier.name);
  expect(body).not.toContain(RISK);
  expect(body).not.toContain("INTERN-TESTPLAN");
  expect(body).not.toContain(w.people.requester.name);
  for (const title of ["TITEL-UPPGRADERA", "TITEL-UTAN-TEXT", "TITEL-NYLIGEN"]) expect(body).not.toContain(title);
}

describe("the public status page", () => {
  it("needs no sign-in and lists approved changes that affect users, by start, with system and public description", async () => {
    const response = await call("/status");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(w.systems.app.name);
    expect(html).toContain("E-tjänsterna är otillgängliga &amp; inloggningen &lt;kan&gt; störas");
    expect(html).toContain(text.recent);
    // Ordered by start: the one that ended six days ago comes first.
    expect(html.indexOf(text.recent)).toBeLessThan(html.indexOf("E-tjänsterna är otillgängliga"));
    for (const hidden of [text.unflagged, text.submitted, text.old]) expect(html).not.toContain(hidden);
    // The change without a public description is listed too (with a neutral text).
    expect(html.match(/<li id="change-/g)).toHaveLength(3);
    assertNothingInternal(html);
  });

  it("links to its RSS feed, in the head and visibly", async () => {
    const html = await (await call("/status")).text();
    const head = html.slice(0, html.indexOf("</head>"));
    expect(head).toMatch(/<link[^>]*rel="alternate"[^>]*type="application\/rss\+xml"[^>]*href="\/status\.rss"/);
    expect(html.slice(html.indexOf("</head>"))).toMatch(/<a [^>]*href="\/status\.rss"/);
  });

  it("reads only what is public", async () => {
    const changes = await publicChanges(db());
    expect(changes.map((c) => c.description)).toEqual([text.recent, text.shown, null]);
    for (const c of changes) expect(Object.keys(c).sort()).toEqual(["description", "end", "key", "publishedAt", "start", "systemName"]);
    expect(formatSpan("2026-01-12T08:00:00Z", "2026-01-12T12:00:00Z", "sv")).toMatch(/^12 jan\.? 2026 09:00–13:00$/);
    expect(formatSpan("2026-01-12T21:00:00Z", "2026-01-13T01:00:00Z", "en")).toMatch(/^12 Jan 2026 22:00–13 Jan 2026 02:00$/);
  });
});

type RssItem = { title: string; description: string; guid: unknown; pubDate: string };

/** The feed read by a real XML parser, as an RSS reader would. */
function parseRss(xml: string) {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid)}`);
  const doc = new XMLParser({ ignoreAttributes: false, cdataPropName: false as never }).parse(xml) as {
    rss: { "@_version": string; channel: { title: string; item: RssItem[] | RssItem } };
  };
  const items = doc.rss.channel.item;
  return { version: doc.rss["@_version"], channel: doc.rss.channel, items: Array.isArray(items) ? items : items ? [items] : [] };
}

describe("the RSS feed", () => {
  it("is well-formed RSS 2.0 with one item per public change and nothing internal", async () => {
    const response = await call("/status.rss");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/rss+xml; charset=utf-8");
    const xml = await response.text();
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="utf-8"\?>/i);
    expect(xml).toMatch(/<rss version="2\.0"/);
    const rss = parseRss(xml);
    expect(rss.version).toBe("2.0");
    expect(rss.items).toHaveLength(3);
    expect(rss.items.map((i) => String(i.title)).every((title) => title.includes(": "))).toBe(true);
    expect(xml).toContain(`<title><![CDATA[${w.systems.app.name}: `);
    expect(xml).toMatch(new RegExp(`${w.systems.app.name}: \\d{1,2} \\w+\\.? \\d{4} \\d{2}:\\d{2}–`));
    expect(xml).toContain(text.recent);
    for (const hidden of [text.unflagged, text.submitted, text.old]) expect(xml).not.toContain(hidden);
    assertNothingInternal(xml);
  });

  it("gives each item a stable guid and a publication date", async () => {
    const guids = async () => [...(await (await call("/status.rss")).text()).matchAll(/<guid[^>]*>(?:<!\[CDATA\[)?([^<\]]+)/g)].map((m) => m[1]);
    const first = await guids();
    expect(first).toHaveLength(3);
    expect(new Set(first).size).toBe(3);
    expect(await guids()).toEqual(first);
    const xml = await (await call("/status.rss")).text();
    expect(xml.match(/<pubDate>[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT<\/pubDate>/g)).toHaveLength(3);
  });

  it("publishes the public description as text, never as markup an RSS reader would render", async () => {
    const xml = await (await call("/status.rss")).text();
    const item = parseRss(xml).items.find((i) => String(i.description).includes("E-tjänsterna"));
    // What the reader gets is HTML whose rendering is the typed text, "<kan>" included.
    expect(item?.description).toBe("E-tjänsterna är otillgängliga &#38; inloggningen &#60;kan&#62; störas");
    expect(xml).not.toContain("<kan>");
  });

  it("names each item by the case's random public id, which no case number or id gives away", async () => {
    const xml = await (await call("/status.rss")).text();
    const [row] = await db().select({ id: cases.id, publicId: cases.publicId }).from(cases).where(eq(cases.number, d.shown));
    expect(row!.publicId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(xml).toContain(`<guid isPermaLink="false">status-${row!.publicId}@`);
    const old = createHash("sha256").update(`status:${row!.id}`).digest("base64url").slice(0, 16);
    expect(xml).not.toContain(old);
  });
});
