import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { auditLog } from "../db/schema";
import { verifyAuditChain } from "~/audit/chain.server";
import { applyEvent, createCase } from "~/cases/commands.server";
import { call, signIn } from "./support/app";
import { useTestDatabase } from "./support/database";
import { makeWorld, windowAhead, type World } from "./support/world";

/** The audit trail: append-only in the database, tamper-evident by its hash chain, exportable. */
const db = useTestDatabase();
let w: World;
let number = "";

beforeAll(async () => {
  w = await makeWorld(db());
  const created = await createCase(db(), w.people.requester, {
    type: "simple-change",
    systemCode: w.systems.app.code,
    title: 'Byt certifikat; "akut"',
    window: windowAhead(40),
    reason: "Certifikatet går ut",
    bookedWithSupplier: true,
  });
  number = created.number;
  await applyEvent(db(), w.people.serviceCentre, number, { type: "RETURN", reason: "Vilket certifikat?\nAnge serienummer." });
});

describe("the audit trail", () => {
  it("chains every row to the one before, also when written concurrently", async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        createCase(db(), w.people.requester, {
          type: "simple-change",
          systemCode: w.systems.dbs.code,
          title: `Parallell ${i}`,
          window: windowAhead(50 + i),
          reason: "x",
          bookedWithSupplier: true,
          draft: true,
        }),
      ),
    );
    const result = await verifyAuditChain(db());
    expect(result).toMatchObject({ ok: true });
    expect(result.rows).toBeGreaterThan(10);
  });

  it("refuses UPDATE, DELETE and TRUNCATE", async () => {
    const refused = async (statement: Promise<unknown>) => {
      const error = await statement.then(
        () => undefined,
        (e: unknown) => e as { cause?: { message?: string }; message?: string },
      );
      return `${error?.message ?? ""} ${error?.cause?.message ?? ""}`;
    };
    expect(await refused(db().execute(sql`update audit_log set reason = 'ändrat' where id = (select min(id) from audit_log)`))).toMatch(/append-only/);
    expect(await refused(db().execute(sql`delete from audit_log where id = (select min(id) from audit_log)`))).toMatch(/append-only/);
    expect(await refused(db().execute(sql`truncate audit_log cascade`))).toMatch(/append-only/);
  });

  it("exports a case's trail as CSV for archiving, to the service centre only", async () => {
    const cookie = await signIn(db(), w.people.serviceCentre);
    const response = await call(`/audit.csv?case=${number}`, { cookie });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const text = (await response.text()).replace(/^\uFEFF/, "");
    const lines = text.trim().split("\r\n");
    expect(lines[0]).toBe("id,at,actor,actor_email,action,case,event,from,to,reason,detail,prev_hash,hash");
    const returned = lines.find((l) => l.includes(",RETURN,"));
    expect(returned).toContain(',RETURN,submitted,returned,"Vilket certifikat?\nAnge serienummer."');
    expect(lines.every((l, i) => i === 0 || /,[0-9a-f]{64}$/.test(l))).toBe(true);
    expect((await call(`/audit.csv?case=${number}`, { cookie: await signIn(db(), w.people.requester) })).status).toBe(403);
    expect((await call("/audit.csv", { cookie })).status).toBe(400);
    const period = await call(`/audit.csv?from=2000-01-01&to=2099-12-31`, { cookie });
    expect((await period.text()).split("\r\n").length).toBeGreaterThan(lines.length);
  });
  it("shows a change made behind the triggers' back, naming the row", async () => {
    const [row] = await db().select({ id: auditLog.id }).from(auditLog).orderBy(auditLog.id).limit(1).offset(2);
    // Last in this file: only the table's owner can switch the guard off, and the chain still tells.
    await db().execute(sql`alter table audit_log disable trigger audit_log_no_update`);
    await db().execute(sql`update audit_log set reason = 'efterhandsändring' where id = ${row!.id}`);
    await db().execute(sql`alter table audit_log enable trigger audit_log_no_update`);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: false, brokenAt: row!.id });
  });
});
