import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { rows, type Db } from "../db/client";
import { outbox } from "../db/schema";
import { messageLog } from "~/cases/views.server";
import { useTestDatabase } from "./support/database";

/**
 * Reads that must stay reads of an index as their table grows without end. A test database is too
 * small for the planner to prefer an index by itself, so each plan is taken with sequential scans
 * priced out (`enable_seqscan = off`): if no index can serve the query, the plan is still a
 * sequential scan, and the page would slow down with every row the table gains.
 */
const db = useTestDatabase();

async function plan(database: Db, query: { getSQL(): ReturnType<typeof sql> }): Promise<string> {
  return database.transaction(async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`);
    const lines = await rows<{ "QUERY PLAN": string }>(tx.execute(sql`explain ${query.getSQL()}`));
    return lines.map((line) => line["QUERY PLAN"]).join("\n");
  });
}

describe("a case page's message log", () => {
  it("reads the case's messages through an index, however many messages the portal has sent", async () => {
    await db()
      .insert(outbox)
      .values(
        Array.from({ length: 40 }, (_, i) => ({
          key: `plan-test:${i}`,
          template: "case.submitted",
          recipient: `person${i}@example.se`,
          payload: { number: `CHG-2026-${String(90000 + (i % 8)).padStart(5, "0")}` },
        })),
      );
    const found = await plan(db(), messageLog(db(), "CHG-2026-90003"));
    expect(found).toContain("outbox_case_number_idx");
    expect(found).not.toMatch(/Seq Scan on outbox/);
    // And it is the page's query: the messages of that case, newest first.
    const log = await messageLog(db(), "CHG-2026-90003");
    expect(log.map((m) => m.recipient)).toEqual([
      "person35@example.se",
      "person27@example.se",
      "person19@example.se",
      "person11@example.se",
      "person3@example.se",
    ]);
  });
});
