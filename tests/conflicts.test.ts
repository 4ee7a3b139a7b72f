import { eq } from "drizzle-orm";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";

import type { Db } from "../db/client";
import { makeDependency, makeOrganisation, makeSystem, makeUser } from "./support/factories";
import { blackoutPeriods, cases, type Organisation, type User } from "../db/schema";
import { initialCase, type CaseStatus } from "../machines";
import { conflictCounts, conflictsFor, conflictsOf } from "~/cases/conflicts.server";
import { call } from "./support/app";
import { useTestDatabase } from "./support/database";
import { makeWorld } from "./support/world";

/**
 * Conflict detection in PostgreSQL (PGlite here, the server when DATABASE_URL is set): overlaps on
 * the same system and along the dependency graph in both directions, touching windows, blackout
 * periods — and the SQL against a brute-force reading of the rule on random graphs.
 */
const db = useTestDatabase();
let unit: Organisation;
let requester: User;
let counter = 0;

beforeAll(async () => {
  unit = await makeOrganisation(db(), { kind: "municipal-unit" });
  requester = await makeUser(db(), { organisationId: unit.id, role: "requester" });
});

const at = (hour: number) => new Date(Date.UTC(2027, 2, 1, hour));

async function windowOn(d: Db, systemId: number, from: number, to: number, status: CaseStatus = "submitted") {
  const number = `CHG-2027-${String(++counter).padStart(5, "0")}`;
  const [row] = await d
    .insert(cases)
    .values({
      number,
      type: "simple-change",
      status,
      state: { ...initialCase("simple-change", {}), value: status },
      machineVersion: 1,
      title: number,
      systemId,
      requesterId: requester.id,
      windowStart: at(from),
      windowEnd: at(to),
    })
    .returning();
  return row!;
}

describe("conflicts", () => {
  it("finds overlaps on the same system and along dependencies both ways, transitively, with the path", async () => {
    // APP depends on DB, DB depends on NET; OTHER is unrelated.
    const net = await makeSystem(db(), { ownerUnitId: unit.id, code: "CNET" });
    const dbs = await makeSystem(db(), { ownerUnitId: unit.id, code: "CDB" }, { dependsOn: [net.id] });
    const app = await makeSystem(db(), { ownerUnitId: unit.id, code: "CAPP" }, { dependsOn: [dbs.id] });
    const other = await makeSystem(db(), { ownerUnitId: unit.id, code: "COTHER" });
    const mine = await windowOn(db(), dbs.id, 10, 14);
    const same = await windowOn(db(), dbs.id, 12, 16);
    const below = await windowOn(db(), net.id, 13, 15);
    const above = await windowOn(db(), app.id, 9, 11);
    await windowOn(db(), other.id, 10, 14);
    await windowOn(db(), dbs.id, 14, 18); // starts exactly where mine ends: touching, not overlapping
    await windowOn(db(), app.id, 11, 12, "cancelled");
    const found = await conflictsOf(db(), mine.id);
    expect(found.map((c) => [c.number, c.relation, c.path.join(">")])).toEqual([
      [above.number, "dependency-of", "CDB>CAPP"],
      [same.number, "same", "CDB"],
      [below.number, "depends-on", "CDB>CNET"],
    ]);
    // From the top of the graph, the bottom is two steps down.
    const top = await conflictsFor(db(), app.id, { start: at(13), end: at(14) });
    expect(top.find((c) => c.number === below.number)).toMatchObject({ relation: "depends-on", path: ["CAPP", "CDB", "CNET"] });
  });

  it("counts a window inside a blackout period, for its system or for all systems", async () => {
    const payroll = await makeSystem(db(), { ownerUnitId: unit.id, code: "CPAY" });
    const other = await makeSystem(db(), { ownerUnitId: unit.id, code: "CPAY2" });
    await db()
      .insert(blackoutPeriods)
      .values({ systemId: payroll.id, startsAt: at(20), endsAt: at(30), reason: "Lönekörning" });
    const inside = await windowOn(db(), payroll.id, 21, 22);
    expect(await conflictsOf(db(), inside.id)).toEqual([
      expect.objectContaining({ relation: "blackout", number: null, reason: "Lönekörning", system: "CPAY" }),
    ]);
    const elsewhere = await windowOn(db(), other.id, 21, 22);
    expect(await conflictsOf(db(), elsewhere.id)).toEqual([]);
    await db()
      .insert(blackoutPeriods)
      .values({ systemId: null, startsAt: at(40), endsAt: at(44), reason: "Årsskifte" });
    const global = await windowOn(db(), other.id, 43, 45);
    expect((await conflictsOf(db(), global.id)).map((c) => [c.relation, c.system])).toEqual([["blackout", null]]);
    const third = await makeSystem(db(), { ownerUnitId: unit.id, code: "CPAY3" });
    const touching = await windowOn(db(), third.id, 44, 46);
    expect(await conflictsOf(db(), touching.id)).toEqual([]);
  });

  it("serves the conflicts through the API to those who may see the case", async () => {
    const w = await makeWorld(db());
    const first = await windowOn(db(), w.systems.app.id, 60, 64);
    await db().update(cases).set({ requesterId: w.people.requester.id }).where(eqId(first.id));
    const second = await windowOn(db(), w.systems.dbs.id, 62, 66);
    const response = await call(`/api/v1/cases/${first.number}/conflicts`, { headers: { Authorization: `Bearer ${w.tokens.serviceCentre}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([
      {
        number: second.number,
        system: w.systems.dbs.code,
        window: { start: at(62).toISOString(), end: at(66).toISOString() },
        relation: "depends-on",
        path: [w.systems.app.code, w.systems.dbs.code],
      },
    ]);
    // Suppliers never see conflicts (they name other suppliers' work); a requester of other systems gets 404.
    expect((await call(`/api/v1/cases/${first.number}/conflicts`, { headers: { Authorization: `Bearer ${w.tokens.otherConsultant}` } })).status).toBe(403);
    expect((await call(`/api/v1/cases/${first.number}/conflicts`, { headers: { Authorization: `Bearer ${w.tokens.stranger}` } })).status).toBe(404);
  });

  it("answers, before anything is submitted, what a window would meet: the same conflicts and freezes, for those who may ask for the system", async () => {
    const w = await makeWorld(db());
    const mine = await windowOn(db(), w.systems.app.id, 80, 84);
    await db().update(cases).set({ requesterId: w.people.requester.id }).where(eqId(mine.id));
    const other = await windowOn(db(), w.systems.dbs.id, 82, 86);
    await db()
      .insert(blackoutPeriods)
      .values({ systemId: w.systems.app.id, startsAt: at(83), endsAt: at(90), reason: "Bokslut" });
    const ask = (token: string, query: Record<string, string>, lang = "en") =>
      call(`/api/v1/conflicts?${new URLSearchParams(query)}`, { headers: { Authorization: `Bearer ${token}`, "Accept-Language": lang } });
    const window = { system: w.systems.app.code.toLowerCase(), start: at(81).toISOString(), end: at(85).toISOString() };

    const asked = await ask(w.tokens.requester, window);
    expect(asked.status).toBe(200);
    const answer = await asked.json();
    // The window on the requester's own system meets their stored case, the other system's window and the freeze.
    expect(answer.conflicts.map((c: { number: string | null; relation: string }) => [c.number, c.relation])).toEqual([
      [mine.number, "same"],
      [other.number, "depends-on"],
      [null, "blackout"],
    ]);
    expect(answer.freezes).toBe(1);
    // The same answer the case page gets, once the case exists: conflictsFor is the one query.
    expect(answer.conflicts).toEqual(JSON.parse(JSON.stringify(await conflictsFor(db(), w.systems.app.id, { start: at(81), end: at(85) }))));

    // Editing a case: its own window is no conflict.
    const editing = await (await ask(w.tokens.requester, { ...window, exclude: mine.number })).json();
    expect(editing.conflicts.map((c: { number: string | null }) => c.number)).toEqual([other.number, null]);

    // Outside one's systems the system is not there; suppliers never see conflicts; bad windows are named at the field.
    expect((await ask(w.tokens.stranger, window)).status).toBe(404);
    expect((await ask(w.tokens.consultant, window)).status).toBe(403);
    expect((await ask(w.tokens.serviceCentre, { ...window, system: "NO-SUCH" })).status).toBe(404);
    const backwards = await ask(w.tokens.requester, { ...window, end: at(80).toISOString() }, "sv");
    expect(backwards.status).toBe(400);
    expect((await backwards.json()).fieldErrors).toEqual({ end: "Slutet måste ligga efter starten." });
    const unknown = await ask(w.tokens.requester, { ...window, colour: "red" });
    expect(unknown.status).toBe(400);
  });
});

const eqId = (id: number) => eq(cases.id, id);

describe("conflicts against a brute-force reading of the rule", () => {
  it("agrees on random dependency graphs and windows", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 7 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            edges: fc.uniqueArray(
              fc.tuple(fc.nat(n - 1), fc.nat(n - 1)).filter(([a, b]) => a !== b),
              { maxLength: n * 2, selector: ([a, b]) => `${a}-${b}` },
            ),
            windows: fc.array(fc.record({ system: fc.nat(n - 1), from: fc.nat(40), length: fc.integer({ min: 1, max: 12 }), cancelled: fc.boolean() }), {
              minLength: 1,
              maxLength: 10,
            }),
            freezes: fc.array(
              fc.record({ system: fc.option(fc.nat(n - 1)), from: fc.nat(40), length: fc.integer({ min: 1, max: 12 }), closure: fc.boolean() }),
              {
                maxLength: 2,
              },
            ),
          }),
        ),
        async ({ n, edges, windows, freezes }) => {
          run++;
          const systemIds: number[] = [];
          for (let i = 0; i < n; i++) systemIds.push((await makeSystem(db(), { ownerUnitId: unit.id, code: `P${run}X${i}` })).id);
          for (const [a, b] of edges) await makeDependency(db(), systemIds[a]!, systemIds[b]!);
          const base = 1000 + run * 100;
          for (const f of freezes)
            await db()
              .insert(blackoutPeriods)
              .values({
                systemId: f.system === null ? null : systemIds[f.system]!,
                startsAt: at(base + f.from),
                endsAt: at(base + f.from + f.length),
                reason: "Frys",
                closure: f.closure && f.system !== null,
              });
          const rows = [];
          for (const w of windows)
            rows.push({
              ...w,
              row: await windowOn(db(), systemIds[w.system]!, base + w.from, base + w.from + w.length, w.cancelled ? "cancelled" : "approved"),
            });

          const reach = (start: number, forward: boolean) => {
            const seen = new Set([start]);
            const queue = [start];
            while (queue.length) {
              const s = queue.shift()!;
              for (const [a, b] of edges) {
                const [from, to] = forward ? [a, b] : [b, a];
                if (from !== s || seen.has(to)) continue;
                seen.add(to);
                queue.push(to);
              }
            }
            return seen;
          };
          for (const me of rows) {
            const related = new Set([...reach(me.system, true), ...reach(me.system, false)]);
            const expected = rows
              .filter((o) => o !== me && !o.cancelled && related.has(o.system))
              .filter((o) => o.from < me.from + me.length && me.from < o.from + o.length)
              .map((o) => o.row.number)
              .sort();
            const found = await conflictsOf(db(), me.row.id);
            expect(found.flatMap((c) => (c.number ? [c.number] : [])).sort()).toEqual(expected);
            // The queue's count, all the cases in one statement, is the same check's.
            expect((await conflictCounts(db(), [me.row.id])).get(me.row.id)).toBe(found.length);
          }
          const counts = await conflictCounts(
            db(),
            rows.map((r) => r.row.id),
          );
          for (const me of rows) expect(counts.get(me.row.id), me.row.number).toBe((await conflictsOf(db(), me.row.id)).length);
        },
      ),
      { numRuns: 25, seed: 20261123 },
    );
  });
});
