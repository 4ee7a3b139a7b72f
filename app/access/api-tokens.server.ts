import { randomBytes } from "node:crypto";

import { and, desc, eq, isNull } from "drizzle-orm";

import type { Db } from "../../db/client";
import { apiTokens, users, type ApiToken, type User } from "../../db/schema";
import { hashToken } from "./sessions.server";

/** Tokens look like `sap_…` so a leaked one is recognisable in logs and secret scanners. */
export const TOKEN_PREFIX = "sap_";
const TOUCH_INTERVAL_MS = 60 * 1000;

/** Creates a personal API token; the plain token is returned once and never stored. */
export async function createApiToken(db: Db, userId: number, name: string): Promise<{ token: string; row: ApiToken }> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const [row] = await db
    .insert(apiTokens)
    .values({ userId, name: name.trim().slice(0, 100), tokenHash: hashToken(token) })
    .returning();
  return { token, row: row! };
}

export async function listApiTokens(db: Db, userId: number): Promise<ApiToken[]> {
  return db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt));
}

export async function revokeApiToken(db: Db, userId: number, tokenId: number): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

export async function revokeAllApiTokens(db: Db, userId: number): Promise<void> {
  await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)));
}

/** The active user a bearer token belongs to; records when the token was last used. */
export async function userForApiToken(db: Db, token: string, now = new Date()): Promise<User | undefined> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined;
  const [row] = await db
    .select({ user: users, token: apiTokens })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt), eq(users.status, "active")));
  if (!row) return undefined;
  if (!row.token.lastUsedAt || now.getTime() - row.token.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.token.id));
  }
  return row.user;
}
