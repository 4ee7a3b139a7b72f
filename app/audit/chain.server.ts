import { sql } from "drizzle-orm";

import { rows, type Db } from "../../db/client";

/**
 * Checks the audit trail's hash chain (migration 0007): every row's `prev_hash` is the previous
 * row's `hash`, and every `hash` matches the row's content. Returns the first broken row, if any.
 */
export async function verifyAuditChain(db: Db): Promise<{ ok: true; rows: number } | { ok: false; rows: number; brokenAt: number; problem: string }> {
  const chain = await rows<{ id: number | string; prev_hash: string | null; hash: string | null; expected: string }>(
    db.execute(sql`
      select id, prev_hash, hash,
             encode(sha256(convert_to(coalesce(prev_hash, '') || '|' || audit_log_content(a), 'UTF8')), 'hex') as expected
      from audit_log a order by id
    `),
  );
  let previous = "";
  for (const row of chain) {
    const id = Number(row.id);
    if ((row.prev_hash ?? "") !== previous)
      return { ok: false, rows: chain.length, brokenAt: id, problem: "its prev_hash is not the previous row's hash (a row was removed or reordered)" };
    if (row.hash !== row.expected) return { ok: false, rows: chain.length, brokenAt: id, problem: "its content does not match its hash (the row was changed)" };
    previous = row.hash ?? "";
  }
  return { ok: true, rows: chain.length };
}
