import { beforeAll, describe, expect, it } from "vitest";

import { applyEvent, createCase } from "~/cases/commands.server";
import { listCases } from "~/cases/lists.server";
import { reviewQueue } from "~/cases/review.server";
import { call, signIn } from "./support/app";
import { useTestDatabase } from "./support/database";
import { makeWorld, windowAhead, type World } from "./support/world";

/** Each list page's CSV (cases, the service centre's queue, operations' windows): what its filters show, all of it. */
const db = useTestDatabase();
let w: World;
const made: { submitted: string[]; draft: string; open: string } = { submitted: [], draft: "", open: "" };

const csvOf = async (path: string, cookie: string) => {
  const response = await call(path, { cookie });
  expect(response.status, path).toBe(200);
  expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
  expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename=".+\.csv"$/);
  return (await response.text()).trimEnd().split("\r\n");
};
/** The case numbers in a CSV's lines, in order. */
const numbersIn = (lines: string[]) => lines.flatMap((l) => /\b[A-Z]{3}-\d{4}-\d{5}\b/.exec(l)?.[0] ?? []);

beforeAll(async () => {
  w = await makeWorld(db());
  // More than a page of the list (25), so the download is seen to hold them all.
  for (let i = 0; i < 30; i += 1) {
    const c = await createCase(db(), w.people.requester, {
      type: "simple-change",
      systemCode: w.systems.app.code,
      title: `Exportprov ${i}`,
      window: windowAhead(i + 1),
      reason: "Underhåll",
      bookedWithSupplier: true,
      risk: "Liten",
      testPlan: "Provas",
      rollbackPlan: "Ögonblicksbild",
    });
    made.submitted.push(c.number);
  }
  made.draft = (
    await createCase(db(), w.people.requester, { type: "simple-change", systemCode: w.systems.app.code, title: "Exportprov utkast", draft: true })
  ).number;
  const urgent = await createCase(db(), w.people.requester, {
    type: "emergency",
    systemCode: w.systems.dbs.code,
    title: "Exportprov akut",
    urgency: 1,
    impact: 2,
  });
  await applyEvent(db(), w.people.serviceCentre, urgent.number, { type: "APPROVE", reason: "Akut" });
  await applyEvent(db(), w.people.operations, urgent.number, { type: "GRANT" });
  made.open = urgent.number;
});

describe("the lists' CSV downloads", () => {
  it("hold every case the case list's filters show, in its order, beyond its first page", async () => {
    const cookie = await signIn(db(), w.people.requester);
    const lines = await csvOf("/cases.csv?status=submitted&q=Exportprov&sort=number", cookie);
    expect(lines[0]).toBe("Nummer,Rubrik,Typ,Status,System,Start,Slut");
    const listed = await listCases(db(), w.people.requester, { status: "submitted", q: "Exportprov", sort: "number" }, { all: true });
    expect(numbersIn(lines)).toEqual(listed.items.map((i) => i.number));
    expect(numbersIn(lines)).toHaveLength(30);
    expect(numbersIn(lines)).not.toContain(made.draft);
    expect(lines[1]).toMatch(/,Enkel ändring,Inskickat,/);
    // The page links to the download with its filters.
    expect(await (await call("/cases?status=submitted&q=Exportprov", { cookie })).text()).toContain('href="/cases.csv?status=submitted&amp;q=Exportprov"');
  });

  it("give the service centre its queue and operations its board, as the pages list them", async () => {
    const centre = await signIn(db(), w.people.serviceCentre);
    expect(numbersIn((await csvOf("/service-centre.csv", centre)).slice(1))).toEqual((await reviewQueue(db())).map((i) => i.number));
    const board = await csvOf("/operations.csv", await signIn(db(), w.people.operations));
    expect(board.find((l) => l.includes(made.open))).toMatch(/^Att stänga,/);
    expect((await call("/service-centre.csv", { cookie: await signIn(db(), w.people.requester) })).status).toBe(403);
  });
});
