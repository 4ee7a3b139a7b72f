import { and, count, eq, gt, sql } from "drizzle-orm";

import type { Db } from "../../db/client";
import { signInAttempts } from "../../db/schema";

/**
 * Sign-in limits, counted in the database so they hold across server instances: five failed
 * passwords for one account, or twenty from one address, within fifteen minutes lock further
 * attempts until the window has passed. A successful sign-in clears the account's count.
 */
export const WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_IP = 20;

export type LockState = { locked: false } | { locked: true; scope: "account" | "ip"; minutes: number };

export async function lockState(db: Db, email: string, ip: string, now = new Date()): Promise<LockState> {
  const since = new Date(now.getTime() - WINDOW_MS);
  const normalised = email.trim().toLowerCase();
  const [account] = await db
    .select({ n: count(), oldest: sql<string | null>`min(${signInAttempts.at})` })
    .from(signInAttempts)
    .where(
      and(
        sql`lower(${signInAttempts.email}) = ${normalised}`,
        eq(signInAttempts.succeeded, false),
        gt(signInAttempts.at, since),
        // failures before the last success do not count
        sql`${signInAttempts.at} > coalesce((select max(s.at) from ${signInAttempts} s where lower(s.email) = ${normalised} and s.succeeded), '-infinity')`,
      ),
    );
  if ((account?.n ?? 0) >= MAX_FAILURES_PER_ACCOUNT) {
    return { locked: true, scope: "account", minutes: minutesLeft(account?.oldest, now) };
  }
  const [byIp] = await db
    .select({ n: count(), oldest: sql<string | null>`min(${signInAttempts.at})` })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.ip, ip), eq(signInAttempts.succeeded, false), gt(signInAttempts.at, since)));
  if ((byIp?.n ?? 0) >= MAX_FAILURES_PER_IP) {
    return { locked: true, scope: "ip", minutes: minutesLeft(byIp?.oldest, now) };
  }
  return { locked: false };
}

function minutesLeft(oldest: string | null | undefined, now: Date): number {
  if (!oldest) return Math.ceil(WINDOW_MS / 60000);
  const until = new Date(oldest).getTime() + WINDOW_MS;
  return Math.max(1, Math.ceil((until - now.getTime()) / 60000));
}

export async function recordAttempt(db: Db, email: string, ip: string, succeeded: boolean, now = new Date()): Promise<number> {
  const [row] = await db
    .insert(signInAttempts)
    .values({ email: email.trim().toLowerCase().slice(0, 254), ip, succeeded, at: now })
    .returning({ id: signInAttempts.id });
  return row!.id;
}

/** Any two numbers naming the portal's sign-in locks among PostgreSQL advisory locks (per account, per address). */
const ACCOUNT_LOCK = 7_240_120;
const ADDRESS_LOCK = 7_240_121;

/**
 * Takes a sign-in attempt's turn: under a lock on the account and the address, checks the limits
 * and records the attempt as a failure *before* the password is verified. So parallel attempts
 * are counted one after another, and no more than the limit are ever verified; the attempt is
 * turned into a success afterwards if the password was right (`attemptSucceeded`).
 */
export async function takeAttempt(
  db: Db,
  email: string,
  ip: string,
  now = new Date(),
): Promise<{ ok: true; attemptId: number } | { ok: false; lock: Extract<LockState, { locked: true }> }> {
  const normalised = email.trim().toLowerCase();
  return db.transaction(async (tx) => {
    // Always the account first, then the address: two attempts never wait on each other in a circle.
    await tx.execute(sql`select pg_advisory_xact_lock(${ACCOUNT_LOCK}, hashtext(${normalised}))`);
    await tx.execute(sql`select pg_advisory_xact_lock(${ADDRESS_LOCK}, hashtext(${ip}))`);
    const lock = await lockState(tx, normalised, ip, now);
    if (lock.locked) return { ok: false as const, lock };
    return { ok: true as const, attemptId: await recordAttempt(tx, normalised, ip, false, now) };
  });
}

export async function attemptSucceeded(db: Db, attemptId: number): Promise<void> {
  await db.update(signInAttempts).set({ succeeded: true }).where(eq(signInAttempts.id, attemptId));
}
