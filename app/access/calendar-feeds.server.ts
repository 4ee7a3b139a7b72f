import { randomBytes } from "node:crypto";

import { and, desc, eq, isNull, sql } from "drizzle-orm";

import type { Db } from "../../db/client";
import { calendarFeeds, users, type User } from "../../db/schema";
import { hashToken } from "./sessions.server";

/**
 * Personal iCalendar feed addresses. A calendar program cannot sign in, so the address itself is
 * the secret: a random token, shown once, stored only as its sha256 (a copy of the table opens no
 * feed). One active schedule feed per person: a new address revokes the old one.
 */
export type CalendarFeed = typeof calendarFeeds.$inferSelect;
export type FeedKind = CalendarFeed["kind"];

/** Feed tokens look like `cal_…` so a leaked address is recognisable. */
export const FEED_TOKEN_PREFIX = "cal_";

/** The address of a feed of `kind`. */
export function feedUrl(appUrl: string, kind: FeedKind, token: string): string {
  return `${appUrl.replace(/\/+$/, "")}/feeds/${kind}/${token}.ics`;
}

/** Creates a feed for `userId`, revoking any active one of the same kind; the plain token is returned once. */
export async function createCalendarFeed(db: Db, userId: number, kind: FeedKind = "schedule"): Promise<{ token: string; feed: CalendarFeed; revoked: number }> {
  const token = `${FEED_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return db.transaction(async (tx) => {
    // The user's row lock serialises two "create" clicks, so at most one feed stays active.
    await tx.execute(sql`select id from ${users} where ${users.id} = ${userId} for update`);
    const revoked = await tx
      .update(calendarFeeds)
      .set({ revokedAt: new Date() })
      .where(and(eq(calendarFeeds.userId, userId), eq(calendarFeeds.kind, kind), isNull(calendarFeeds.revokedAt)))
      .returning({ id: calendarFeeds.id });
    const [feed] = await tx
      .insert(calendarFeeds)
      .values({ userId, kind, tokenHash: hashToken(token) })
      .returning();
    return { token, feed: feed!, revoked: revoked.length };
  });
}

/** The user's active feed of a kind, if any (without its token, which is not stored). */
export async function activeCalendarFeed(db: Db, userId: number, kind: FeedKind = "schedule"): Promise<CalendarFeed | undefined> {
  const [feed] = await db
    .select()
    .from(calendarFeeds)
    .where(and(eq(calendarFeeds.userId, userId), eq(calendarFeeds.kind, kind), isNull(calendarFeeds.revokedAt)))
    .orderBy(desc(calendarFeeds.createdAt))
    .limit(1);
  return feed;
}

/** Revokes the user's active feed(s) of a kind; whether there was one. */
export async function revokeCalendarFeed(db: Db, userId: number, kind: FeedKind = "schedule"): Promise<boolean> {
  const rows = await db
    .update(calendarFeeds)
    .set({ revokedAt: new Date() })
    .where(and(eq(calendarFeeds.userId, userId), eq(calendarFeeds.kind, kind), isNull(calendarFeeds.revokedAt)))
    .returning({ id: calendarFeeds.id });
  return rows.length > 0;
}

/** The active user whose unrevoked feed of `kind` the token opens; undefined otherwise. */
export async function userForFeedToken(db: Db, token: string, kind: FeedKind = "schedule"): Promise<User | undefined> {
  if (!token.startsWith(FEED_TOKEN_PREFIX) || token.length > 200) return undefined;
  const [row] = await db
    .select({ user: users })
    .from(calendarFeeds)
    .innerJoin(users, eq(users.id, calendarFeeds.userId))
    .where(and(eq(calendarFeeds.tokenHash, hashToken(token)), eq(calendarFeeds.kind, kind), isNull(calendarFeeds.revokedAt), eq(users.status, "active")));
  return row?.user;
}

/** Revokes every feed of the person (deactivation, reset): an address is a credential like a token. */
export async function revokeAllCalendarFeeds(db: Db, userId: number): Promise<void> {
  await db
    .update(calendarFeeds)
    .set({ revokedAt: new Date() })
    .where(and(eq(calendarFeeds.userId, userId), isNull(calendarFeeds.revokedAt)));
}
