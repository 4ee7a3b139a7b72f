import { createHash, randomBytes } from "node:crypto";

import { and, desc, eq, gt, isNotNull, isNull, lt, ne, or, sql } from "drizzle-orm";

import type { Db } from "../../db/client";
import { sessions, users, type Session, type User } from "../../db/schema";
import { authChanging, sessionCacheFor } from "./session-cache.server";

/** A session ends 30 minutes after its last use, and 12 hours after sign-in whatever happens. */
export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
/** A parked session (password given, second factor pending) lives this long. */
export const PARKED_TIMEOUT_MS = 5 * 60 * 1000;
/** lastSeenAt is written at most this often, so reads stay reads. */
const TOUCH_INTERVAL_MS = 60 * 1000;

/** Only the hash of a session token is stored: a copy of the table opens no sessions. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

export type SessionOrigin = { ip?: string | null; userAgent?: string | null };

/**
 * Creates a session and returns its token (for the cookie). `verified: false` parks it between
 * the password and the WebAuthn step: it then opens nothing and dies after five minutes.
 */
export async function createSession(db: Db, userId: number, options: SessionOrigin & { verified?: boolean; now?: Date } = {}): Promise<string> {
  const now = options.now ?? new Date();
  const verified = options.verified ?? true;
  const token = randomBytes(32).toString("base64url");
  await db.insert(sessions).values({
    id: hashToken(token),
    userId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + (verified ? ABSOLUTE_TIMEOUT_MS : PARKED_TIMEOUT_MS)),
    verifiedAt: verified ? now : null,
    reauthenticatedAt: verified ? now : null,
    ip: options.ip ?? null,
    userAgent: options.userAgent?.slice(0, 300) ?? null,
  });
  return token;
}

export type ActiveSession = { user: User; session: Session };

/**
 * The signed-in lookup runs on every page: its SQL and row mapping are built once per database.
 * (Placeholders bypass the columns' encoders, so the instants are passed as ISO strings.)
 */
function activeSessionQuery(db: Db) {
  return db
    .select({ user: users, session: sessions })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.id, sql.placeholder("id")),
        gt(sessions.expiresAt, sql.placeholder("now")),
        isNotNull(sessions.verifiedAt),
        gt(sessions.lastSeenAt, sql.placeholder("idleSince")),
        eq(users.status, "active"),
      ),
    )
    .prepare("active_session");
}
const activeSessionQueries = new WeakMap<Db, ReturnType<typeof activeSessionQuery>>();

/**
 * The user and session of a token, or undefined when the session is unknown, idle, expired,
 * still parked (unless `parked` is asked for), or the user is not active.
 *
 * A signed-in session is served from the process's cache while the database's notifications are
 * heard (session-cache.server.ts), so most pages need no round trip to know who asks.
 */
export async function sessionForToken(db: Db, token: string, options: { now?: Date; parked?: boolean } = {}): Promise<ActiveSession | undefined> {
  const now = options.now ?? new Date();
  const id = hashToken(token);
  if (!options.parked) {
    const cache = sessionCacheFor(db);
    const cached = cache?.get(id);
    const generation = cache?.generation ?? 0;
    let row = cached && stillLive(cached.session, now) ? cached : undefined;
    if (!row) {
      let query = activeSessionQueries.get(db);
      if (!query) activeSessionQueries.set(db, (query = activeSessionQuery(db)));
      [row] = await query.execute({ id, now: now.toISOString(), idleSince: new Date(now.getTime() - IDLE_TIMEOUT_MS).toISOString() });
      if (!row) return undefined;
    }
    if (now.getTime() - row.session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      const touched = await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id)).returning({ id: sessions.id });
      // Gone since it was read (signed out elsewhere, and not yet heard of).
      if (!touched.length) return undefined;
      row = { user: row.user, session: { ...row.session, lastSeenAt: now } };
    }
    cache?.store(id, row, generation, now.getTime());
    return row;
  }
  const [row] = await db
    .select({ user: users, session: sessions })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, id), gt(sessions.expiresAt, now), isNull(sessions.verifiedAt), ne(users.status, "deactivated")));
  return row;
}

/** A cached session is used only while the query would still find it: not expired, not idle. */
function stillLive(session: Session, now: Date): boolean {
  return session.expiresAt > now && session.lastSeenAt.getTime() > now.getTime() - IDLE_TIMEOUT_MS;
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  const id = hashToken(token);
  authChanging(`s${id}`);
  await db.delete(sessions).where(eq(sessions.id, id));
}

export async function deleteSessionById(db: Db, userId: number, sessionId: string): Promise<boolean> {
  authChanging(`s${sessionId}`);
  const deleted = await db
    .delete(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
    .returning({ id: sessions.id });
  return deleted.length > 0;
}

export async function deleteUserSessions(db: Db, userId: number): Promise<void> {
  authChanging(`u${userId}`);
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

export async function markReauthenticated(db: Db, sessionId: string, now = new Date()): Promise<void> {
  authChanging(`s${sessionId}`);
  await db.update(sessions).set({ reauthenticatedAt: now }).where(eq(sessions.id, sessionId));
}

/** The signed-in (verified, live) sessions of a user, newest first. */
export async function listSessions(db: Db, userId: number, now = new Date()): Promise<Session[]> {
  return db
    .select()
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        isNotNull(sessions.verifiedAt),
        gt(sessions.expiresAt, now),
        gt(sessions.lastSeenAt, new Date(now.getTime() - IDLE_TIMEOUT_MS)),
      ),
    )
    .orderBy(desc(sessions.lastSeenAt));
}

export async function deleteExpiredSessions(db: Db, now = new Date()): Promise<void> {
  await db.delete(sessions).where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, new Date(now.getTime() - IDLE_TIMEOUT_MS))));
}
