import { beforeAll, describe, expect, it } from "vitest";

import { makeSystem } from "./support/factories";
import { earliestStart, stockholmDate, stockholmMidnight } from "../machines/calendar";
import { applyEvent, createCase } from "~/cases/commands.server";
import { listCases } from "~/cases/lists.server";
import { SYSTEM_CHOICES_UP_TO } from "~/ui/system-filter";
import { call, signIn } from "./support/app";
import { useTestDatabase } from "./support/database";
import { makeWorld, windowAhead, type World } from "./support/world";

const db = useTestDatabase();
let w: World;
let cookie: string;
const numbers = { changes: [] as string[], returned: "", soon: "", draft: "", stranger: "" };
let soonDate = "";

// Each change gets a day of its own, so approvals meet no conflicts.
let day = 30;
function change(overrides: Record<string, unknown> = {}) {
  return {
    type: "simple-change",
    systemCode: w.systems.app.code,
    title: "Versionsuppgradering",
    description: "Uppgradering av applikationsservern.",
    window: windowAhead(day++),
    reason: "Säkerhetsrättningar",
    bookedWithSupplier: true,
    accounts: ["adm-leverantor"],
    ...overrides,
  };
}

beforeAll(async () => {
  w = await makeWorld(db());
  const requester = w.people.requester;
  for (const title of ["Listtest ett", "Listtest två", "Listtest tre"]) {
    numbers.changes.push((await createCase(db(), requester, change({ title }))).number);
  }
  numbers.returned = (await createCase(db(), requester, change({ title: "Listtest åter" }))).number;
  await applyEvent(db(), w.people.serviceCentre, numbers.returned, { type: "RETURN", reason: "Vilka konton behövs?" });
  numbers.draft = (await createCase(db(), requester, { draft: true, type: "simple-change", systemCode: w.systems.dbs.code, title: "Listtest utkast" })).number;

  // A window a few days ahead (the simple change's lead time), approved: an upcoming window.
  soonDate = earliestStart("simple-change", stockholmDate(new Date()));
  const start = new Date(stockholmMidnight(soonDate).getTime() + 10 * 3600_000);
  const window = { start: start.toISOString(), end: new Date(start.getTime() + 2 * 3600_000).toISOString() };
  numbers.soon = (await createCase(db(), requester, change({ title: "Listtest snart", systemCode: w.systems.net.code, window }))).number;
  await applyEvent(db(), w.people.serviceCentre, numbers.soon, { type: "APPROVE" });

  // The stranger administers a system of their own, with a case the requester must not see.
  const own = await makeSystem(db(), { code: `STR${w.tag}`, ownerUnitId: w.unit.id, supplierId: w.supplier.id }, { administratorIds: [w.people.stranger.id] });
  numbers.stranger = (await createCase(db(), w.people.stranger, change({ title: "Främlingens ärende", systemCode: own.code }))).number;

  cookie = await signIn(db(), requester);
});

async function page(path: string, as = cookie) {
  const response = await call(path, { cookie: as });
  const html = await response.text();
  expect(response.status, `${path}: ${html.slice(0, 300)}`).toBe(200);
  return html;
}

/** The case numbers linked from the table body. */
function listed(html: string): string[] {
  const body = html.slice(html.indexOf("<tbody>"), html.indexOf("</tbody>"));
  return [...body.matchAll(/href="\/cases\/([A-Z]+-\d{4}-\d{5})"/g)].map((m) => m[1]!);
}

/** The HTML of the section labelled by the heading with `id`. */
function section(html: string, id: string): string {
  const at = html.indexOf(`id="${id}"`);
  expect(at, id).toBeGreaterThan(-1);
  return html.slice(at, html.indexOf("</section>", at));
}

describe("the case list", () => {
  it("shows the requester the cases on their systems and not the stranger's", async () => {
    const html = await page("/cases?pageSize=100");
    const shown = listed(html);
    for (const number of [...numbers.changes, numbers.returned, numbers.draft, numbers.soon]) expect(shown).toContain(number);
    expect(shown).not.toContain(numbers.stranger);
    expect(html).not.toContain("Främlingens ärende");
    expect(html).toContain('href="/cases/new"');
    expect(html).toContain(w.systems.app.code);

    const strangers = listed(await page("/cases", await signIn(db(), w.people.stranger)));
    expect(strangers).toEqual([numbers.stranger]);
  });

  it("is for signed-in staff only", async () => {
    const anonymous = await call("/cases");
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toContain("/login");
    expect((await call("/cases", { cookie: await signIn(db(), w.people.consultant) })).status).toBe(403);
    const centre = await page("/cases?pageSize=100", await signIn(db(), w.people.serviceCentre));
    expect(listed(centre)).toContain(numbers.stranger);
    expect(centre).not.toContain('href="/cases/new"');
  });

  it("narrows the list by status, by type, by a search for the number and by the window's dates", async () => {
    expect(listed(await page("/cases?status=returned"))).toEqual([numbers.returned]);
    expect(listed(await page("/cases?status=draft&type=simple-change"))).toEqual([numbers.draft]);
    expect(listed(await page(`/cases?q=${numbers.changes[1]}`))).toEqual([numbers.changes[1]]);
    expect(listed(await page(`/cases?q=${encodeURIComponent("listtest tre")}`))).toEqual([numbers.changes[2]]);
    expect(listed(await page(`/cases?system=${w.systems.net.code.toLowerCase()}`))).toEqual([numbers.soon]);
    expect(listed(await page(`/cases?from=${soonDate}&to=${soonDate}`))).toEqual([numbers.soon]);
    expect(listed(await page("/cases?type=emergency"))).toEqual([]);
  });

  it("takes % and _ in a search as themselves, not as wildcards", async () => {
    const stranger = w.people.stranger;
    const draft = async (title: string) => (await createCase(db(), stranger, { draft: true, type: "simple-change", systemCode: `STR${w.tag}`, title })).number;
    const percent = await draft("Uppgradering 100% klar");
    const other = await draft("Uppgradering 1000 klar");
    const found = async (q: string) => (await listCases(db(), stranger, { q, pageSize: 100 })).items.map((i) => i.number).sort();
    expect(await found("100%")).toEqual([percent]);
    expect(await found("100")).toEqual([percent, other].sort());
    expect(await found("_")).toEqual([]);
  });

  it("pages with pageSize and keeps the filters in the page links", async () => {
    const first = await page("/cases?q=Listtest&pageSize=2&sort=number");
    const second = await page("/cases?q=Listtest&pageSize=2&sort=number&page=2");
    expect(listed(first)).toHaveLength(2);
    expect(listed(second)).toHaveLength(2);
    expect(listed(second).some((n) => listed(first).includes(n))).toBe(false);
    expect(first).toContain('href="/cases?q=Listtest&amp;sort=number&amp;pageSize=2&amp;page=2"');
    expect(first).not.toContain('rel="prev"');
    expect(second).toContain('href="/cases?q=Listtest&amp;sort=number&amp;pageSize=2"');
    expect(second).toContain('href="/cases?q=Listtest&amp;sort=number&amp;pageSize=2&amp;page=3"');
  });

  it("counts a long list only so far, and always past the next page, saying the total is a lower bound", async () => {
    const requester = w.people.requester;
    const exact = await listCases(db(), requester, { q: "Listtest", pageSize: 1 });
    expect(exact.total).toBe(6);
    expect(exact).not.toHaveProperty("totalIsAtLeast");
    // Up to 2, on page 1 of size 1: more than 2 is all the page needs to know.
    const capped = await listCases(db(), requester, { q: "Listtest", pageSize: 1 }, { countUpTo: 2 });
    expect(capped).toMatchObject({ total: 2, totalIsAtLeast: true });
    expect(capped.items).toHaveLength(1);
    // On page 4 the count goes on to the page after it, so the pager still knows there is one.
    expect(await listCases(db(), requester, { q: "Listtest", pageSize: 1, page: 4 }, { countUpTo: 2 })).toMatchObject({ total: 5, totalIsAtLeast: true });
    expect(await listCases(db(), requester, { q: "Listtest", pageSize: 1, page: 5 }, { countUpTo: 2 })).toMatchObject({ total: 6, totalIsAtLeast: false });
    expect(await listCases(db(), requester, { q: "Listtest", pageSize: 1 }, { countUpTo: 6 })).toMatchObject({ total: 6, totalIsAtLeast: false });
  });

  it("ignores or clamps malformed parameters instead of failing", async () => {
    for (const query of [
      "page=abc",
      "page=-3&pageSize=0",
      "pageSize=100000",
      "page=99999999999999999999",
      "sort=evil&status=teleported&type=nope",
      `system=${encodeURIComponent("<script>")}`,
      "from=2026-02-30&to=yesterday",
      `q=${encodeURIComponent("%_'\\\"")}`,
      "status=returned&status=draft",
    ]) {
      await page(`/cases?${query}`);
    }
    // A page past the end shows the last page.
    expect(listed(await page("/cases?status=returned&page=50"))).toEqual([numbers.returned]);
  });
});

describe("the system filter", () => {
  it("lists the systems to choose from when they are few, and takes a typed code or name when they are many", async () => {
    const choose = (html: string) => /<select[^>]*name="system"/.test(html);
    expect(choose(await page("/cases")), "the requester sees a few systems: a list").toBe(true);
    for (let i = 0; i < SYSTEM_CHOICES_UP_TO; i++) await makeSystem(db(), { code: `M${w.tag}${i}`, name: `Mängdsystem ${w.tag} ${i}`, ownerUnitId: w.unit.id });
    const centre = await signIn(db(), w.people.serviceCentre);
    const many = await page("/cases", centre);
    expect(choose(many), "the service centre sees every system: no option per system").toBe(false);
    expect(many).toMatch(/<input[^>]*name="system"/);
    expect(many).not.toContain(`Mängdsystem ${w.tag} 7`);

    // A code in any case, or the name (or part of it) of one system.
    const byCode = listed(await page(`/cases?system=${w.systems.app.code.toLowerCase()}`, centre));
    expect(byCode).toContain(numbers.changes[0]);
    expect(byCode).not.toContain(numbers.soon);
    const byName = listed(await page(`/cases?system=${encodeURIComponent(w.systems.net.name)}`, centre));
    expect(byName).toEqual([numbers.soon]);
    const schedule = await page(`/schedule?system=${encodeURIComponent(w.systems.net.name)}&date=${soonDate}`, centre);
    expect([...schedule.matchAll(/data-case="([^"]+)"/g)].map((m) => m[1])).toEqual([numbers.soon]);

    // Several systems or none: said at the field, and the list is not narrowed.
    const several = await page(`/cases?system=${encodeURIComponent("mängdsystem")}`, centre);
    expect(several).toContain(`”mängdsystem” passar ${SYSTEM_CHOICES_UP_TO} system (M${w.tag}0, M${w.tag}1, M${w.tag}10 …). Skriv systemets kod.`);
    expect(several).toMatch(/<input[^>]*aria-invalid="true"[^>]*name="system"|<input[^>]*name="system"[^>]*aria-invalid="true"/);
    expect(listed(several)).toContain(numbers.soon);
    expect(await page("/cases?system=zz-inget", centre)).toContain("Inget system har koden eller namnet ”zz-inget”.");
  });
});

describe("the requester's overview", () => {
  it("shows what needs attention, the open cases by status and the upcoming windows", async () => {
    const html = await page("/");
    const attention = section(html, "attention-heading");
    expect(attention).toContain(numbers.returned);
    expect(attention).not.toContain(numbers.changes[0]);

    const open = section(html, "open-heading");
    expect(open).toContain('href="/cases?status=submitted"');
    expect(open).toContain('href="/cases?status=returned"');
    expect(open).toContain('href="/cases?status=draft"');

    const upcoming = section(html, "upcoming-heading");
    expect(upcoming).toContain(numbers.soon);
    expect(upcoming).not.toContain(numbers.changes[0]);

    expect(html).toContain('id="places-heading"');
  });

  it("is not shown to other roles", async () => {
    const html = await page("/", await signIn(db(), w.people.serviceCentre));
    expect(html).not.toContain('id="attention-heading"');
    expect(html).toContain('id="places-heading"');
    const anonymous = await page("/", "");
    expect(anonymous).not.toContain('id="attention-heading"');
  });
});
