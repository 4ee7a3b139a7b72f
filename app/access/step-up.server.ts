import type { Db } from "../../db/client";
import type { Session, User } from "../../db/schema";
import { verifyAssertion } from "./webauthn.server";
import { audit } from "~/audit/audit.server";
import { enqueue } from "~/outbox/enqueue.server";
import { markReauthenticated } from "~/access/sessions.server";
import { env } from "~/env.server";

/**
 * Changes that would let whoever holds a session keep the account — a new security key, removing
 * one, a new password, an API token, a calendar feed address — need a fresh check (five minutes)
 * with a key the person already had: a stolen session cookie alone cannot add the thief's key,
 * and a key added in this session never vouches for it. Each such change is audited
 * and mailed to the person, so a change they did not make does not go unnoticed.
 */
export const REAUTH_WINDOW_MS = 5 * 60 * 1000;

export const SECURITY_CHANGES = ["key-added", "key-removed", "password-changed", "token-created", "feed-created"] as const;
export type SecurityChange = (typeof SECURITY_CHANGES)[number];

/** Whether the session's last check with a key is recent enough for a sensitive change. */
export function recentlyVerified(session: Pick<Session, "reauthenticatedAt">, now = new Date()): boolean {
  return session.reauthenticatedAt !== null && now.getTime() - session.reauthenticatedAt.getTime() < REAUTH_WINDOW_MS;
}

/** Until when the session's check stays fresh (for the page to say so), or null. */
export function verifiedUntil(session: Pick<Session, "reauthenticatedAt">, now = new Date()): string | null {
  return recentlyVerified(session, now) ? new Date(session.reauthenticatedAt!.getTime() + REAUTH_WINDOW_MS).toISOString() : null;
}

/**
 * Checks an assertion for the session's step-up challenge. A key added in this very session does
 * not count. True when the session is now freshly verified.
 */
export async function reauthenticate(db: Db, auth: { user: User; session: Session }, response: unknown, ip: string): Promise<boolean> {
  const { user, session } = auth;
  const result = await verifyAssertion(db, user.id, response, "reauthenticate", { sessionId: session.id }, { notAddedInSession: session.id });
  if (!result.ok) {
    if (result.reason === "counter-regression" || result.reason === "too-new") {
      await audit(db, {
        action: `auth.${result.reason}`,
        actorUserId: user.id,
        subjectUserId: user.id,
        ip,
        detail: { credentialId: result.credentialId ?? null },
      });
    }
    return false;
  }
  await markReauthenticated(db, session.id);
  return true;
}

/** Audits a sensitive change and tells the person by e-mail, in one transaction. */
export async function recordSecurityChange(
  db: Db,
  user: Pick<User, "id" | "email" | "lang" | "name">,
  change: SecurityChange,
  context: { ip: string; detail?: Record<string, unknown>; now?: Date },
): Promise<void> {
  const now = context.now ?? new Date();
  await db.transaction(async (tx) => {
    const auditId = await audit(tx, { action: `auth.${change}`, actorUserId: user.id, subjectUserId: user.id, ip: context.ip, detail: context.detail ?? {} });
    await enqueue(tx, [
      {
        key: `security:${auditId}:${user.email.toLowerCase()}`,
        template: "account.securityChanged",
        recipient: user.email,
        lang: user.lang,
        payload: { name: user.name, change, at: now.toISOString(), ip: context.ip, url: `${env().appUrl}/settings` },
      },
    ]);
  });
}
