import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { verifyAuditChain } from "~/audit/chain.server";
import { createServerDatabase } from "./support";

/**
 * Two writers on two connections, forced into the order that used to break the chain: the
 * second transaction already holds the chain lock when the first inserts, so the first draws
 * its id earlier but joins the chain later. The chain must still verify in id order.
 */
let database: Awaited<ReturnType<typeof createServerDatabase>>;

beforeAll(async () => {
  database = await createServerDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describe("the audit chain under concurrent writers", () => {
  it("links rows in id order even when ids are drawn in a different order than the lock is taken", async () => {
    const first = postgres(database.url, { max: 1, onnotice: () => {} });
    const second = postgres(database.url, { max: 1, onnotice: () => {} });
    const probe = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      await first`insert into audit_log (action) values ('before')`;
      const [{ pid: firstPid }] = (await first`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let secondHasLock!: () => void;
      const lockTaken = new Promise<void>((resolve) => (secondHasLock = resolve));
      const secondDone = second.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(7240114)`;
        secondHasLock();
        await released;
        await tx`insert into audit_log (action) values ('second')`;
      });
      await lockTaken;
      const firstDone = first.begin(async (tx) => {
        await tx`insert into audit_log (action) values ('first')`;
      });
      // Let the first insert reach the lock before the second goes on, and make sure it did:
      // without the interleaving this test would prove nothing.
      let firstWaited = false;
      for (let i = 0; i < 250 && !firstWaited; i++) {
        const [row] = await probe<{ waiting: number }[]>`
          select count(*)::int as waiting from pg_locks where locktype = 'advisory' and not granted and pid = ${firstPid}`;
        firstWaited = Boolean(row && row.waiting > 0);
        if (!firstWaited) await new Promise((r) => setTimeout(r, 20));
      }
      expect(firstWaited, "the first insert waited for the chain lock the second transaction held").toBe(true);
      release();
      await Promise.all([secondDone, firstDone]);
      const order = await first`select action from audit_log order by id`;
      expect(order.map((r) => r.action)).toEqual(["before", "second", "first"]);
      expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, rows: 3 });
    } finally {
      await first.end();
      await second.end();
      await probe.end();
    }
  });
});
