import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { isoBase64URL, parseAuthenticatorData } from "@simplewebauthn/server/helpers";
import { and, asc, count, eq, gt, lt, sql } from "drizzle-orm";

import type { Db } from "../../db/client";
import { users, webauthnChallenges, webauthnCredentials, type ChallengePurpose, type User, type WebauthnCredential } from "../../db/schema";
import { env } from "~/env.server";

/**
 * WebAuthn with @simplewebauthn/server: registration and assertion, with challenges kept in the
 * database, bound to what asked for them (an invitation or a session) and to their purpose,
 * valid five minutes and deleted on first use.
 */
const CHALLENGE_TTL_MS = 5 * 60 * 1000;

export function relyingParty() {
  const url = new URL(env().appUrl);
  return { rpID: url.hostname, origin: url.origin, rpName: "Leverantörsåtkomst" };
}

export type ChallengeOwner = { sessionId: string } | { invitationId: number };

async function storeChallenge(db: Db, challenge: string, purpose: ChallengePurpose, owner: ChallengeOwner, now = new Date()) {
  const where = "sessionId" in owner ? eq(webauthnChallenges.sessionId, owner.sessionId) : eq(webauthnChallenges.invitationId, owner.invitationId);
  // One outstanding challenge per owner and purpose; expired ones are swept on the way.
  await db.delete(webauthnChallenges).where(and(where, eq(webauthnChallenges.purpose, purpose)));
  await db.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, now));
  await db.insert(webauthnChallenges).values({
    challenge,
    purpose,
    sessionId: "sessionId" in owner ? owner.sessionId : null,
    invitationId: "invitationId" in owner ? owner.invitationId : null,
    expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS),
  });
}

/** The challenge the browser signed, read from its clientDataJSON. */
function signedChallenge(clientDataJSON: unknown): string | undefined {
  if (typeof clientDataJSON !== "string") return undefined;
  try {
    const parsed = JSON.parse(isoBase64URL.toUTF8String(clientDataJSON)) as { challenge?: unknown };
    return typeof parsed.challenge === "string" ? parsed.challenge : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the challenge out of the store if it is the owner's, for this purpose, and still valid. */
async function consumeChallenge(db: Db, challenge: string | undefined, purpose: ChallengePurpose, owner: ChallengeOwner, now = new Date()) {
  if (!challenge) return undefined;
  const [row] = await db
    .delete(webauthnChallenges)
    .where(
      and(
        eq(webauthnChallenges.challenge, challenge),
        eq(webauthnChallenges.purpose, purpose),
        "sessionId" in owner ? eq(webauthnChallenges.sessionId, owner.sessionId) : eq(webauthnChallenges.invitationId, owner.invitationId),
        gt(webauthnChallenges.expiresAt, now),
      ),
    )
    .returning();
  return row?.challenge;
}

export async function credentialsOf(db: Db, userId: number): Promise<WebauthnCredential[]> {
  return db.select().from(webauthnCredentials).where(eq(webauthnCredentials.userId, userId)).orderBy(asc(webauthnCredentials.createdAt));
}

export async function registrationOptions(
  db: Db,
  user: Pick<User, "id" | "email" | "name">,
  purpose: "register-invitation" | "register",
  owner: ChallengeOwner,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const rp = relyingParty();
  const existing = await credentialsOf(db, user.id);
  const options = await generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpID,
    userName: user.email,
    userDisplayName: user.name,
    userID: new TextEncoder().encode(`user-${user.id}`),
    attestationType: "none",
    excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
  });
  await storeChallenge(db, options.challenge, purpose, owner);
  return options;
}

export type NewCredential = Omit<WebauthnCredential, "userId" | "name" | "createdAt" | "lastUsedAt" | "addedInSessionId">;

/** Verifies a registration against the owner's outstanding challenge; the credential to store, or undefined. */
export async function verifyRegistration(
  db: Db,
  response: unknown,
  purpose: "register-invitation" | "register",
  owner: ChallengeOwner,
): Promise<NewCredential | undefined> {
  const candidate = response as RegistrationResponseJSON | undefined;
  const challenge = await consumeChallenge(db, signedChallenge(candidate?.response?.clientDataJSON), purpose, owner);
  if (!challenge || !candidate) return undefined;
  const rp = relyingParty();
  try {
    const result = await verifyRegistrationResponse({
      response: candidate,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: false,
    });
    if (!result.verified) return undefined;
    const info = result.registrationInfo;
    return {
      id: info.credential.id,
      publicKey: info.credential.publicKey,
      counter: info.credential.counter,
      transports: info.credential.transports ?? [],
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
    };
  } catch {
    return undefined;
  }
}

export async function authenticationOptions(
  db: Db,
  userId: number,
  purpose: "sign-in" | "reauthenticate",
  owner: { sessionId: string },
  options: { notAddedInSession?: string } = {},
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const rp = relyingParty();
  const credentials = (await credentialsOf(db, userId)).filter((c) => !options.notAddedInSession || c.addedInSessionId !== options.notAddedInSession);
  const generated = await generateAuthenticationOptions({
    rpID: rp.rpID,
    allowCredentials: credentials.map((c) => ({ id: c.id, transports: c.transports })),
    userVerification: "preferred",
  });
  await storeChallenge(db, generated.challenge, purpose, owner);
  return generated;
}

export type AssertionResult =
  | { ok: true; credential: WebauthnCredential }
  | { ok: false; reason: "challenge" | "unknown-credential" | "counter-regression" | "signature" | "too-new"; credentialId?: string };

/**
 * Verifies an assertion by one of the user's credentials against the owner's outstanding
 * challenge and stores the new signature counter. A counter that does not move forward means a
 * cloned authenticator: refused, and reported as such so the caller can audit it.
 */
export async function verifyAssertion(
  db: Db,
  userId: number,
  response: unknown,
  purpose: "sign-in" | "reauthenticate",
  owner: { sessionId: string },
  options: { notAddedInSession?: string } = {},
): Promise<AssertionResult> {
  const candidate = response as AuthenticationResponseJSON | undefined;
  const challenge = await consumeChallenge(db, signedChallenge(candidate?.response?.clientDataJSON), purpose, owner);
  if (!challenge || !candidate) return { ok: false, reason: "challenge" };
  const [stored] = await db
    .select()
    .from(webauthnCredentials)
    .where(and(eq(webauthnCredentials.id, String(candidate.id)), eq(webauthnCredentials.userId, userId)));
  if (!stored) return { ok: false, reason: "unknown-credential", credentialId: String(candidate.id) };
  // A step-up check counts only with a key the person had before: a key added in this session never vouches for itself.
  if (options.notAddedInSession && stored.addedInSessionId === options.notAddedInSession) return { ok: false, reason: "too-new", credentialId: stored.id };

  try {
    const { counter } = parseAuthenticatorData(isoBase64URL.toBuffer(candidate.response.authenticatorData));
    if ((counter > 0 || stored.counter > 0) && counter <= stored.counter) {
      return { ok: false, reason: "counter-regression", credentialId: stored.id };
    }
  } catch {
    return { ok: false, reason: "signature", credentialId: stored.id };
  }

  const rp = relyingParty();
  try {
    const result = await verifyAuthenticationResponse({
      response: candidate,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      credential: { id: stored.id, publicKey: new Uint8Array(stored.publicKey), counter: stored.counter, transports: stored.transports as never },
      requireUserVerification: false,
    });
    if (!result.verified) return { ok: false, reason: "signature", credentialId: stored.id };
    // Only move forward: of two racing assertions, the later counter wins.
    const [updated] = await db
      .update(webauthnCredentials)
      .set({ counter: result.authenticationInfo.newCounter, lastUsedAt: new Date() })
      .where(and(eq(webauthnCredentials.id, stored.id), lt(webauthnCredentials.counter, result.authenticationInfo.newCounter)))
      .returning();
    if (!updated && result.authenticationInfo.newCounter > 0) {
      return { ok: false, reason: "counter-regression", credentialId: stored.id };
    }
    return { ok: true, credential: updated ?? stored };
  } catch {
    return { ok: false, reason: "signature", credentialId: stored.id };
  }
}

export async function countCredentials(db: Db, userId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(webauthnCredentials).where(eq(webauthnCredentials.userId, userId));
  return row?.n ?? 0;
}

export async function addCredential(db: Db, userId: number, credential: NewCredential, name: string, addedInSessionId: string | null = null): Promise<void> {
  await db.insert(webauthnCredentials).values({ ...credential, userId, name: name.trim().slice(0, 100) || "Säkerhetsnyckel", addedInSessionId });
}

export async function renameCredential(db: Db, userId: number, id: string, name: string): Promise<boolean> {
  const rows = await db
    .update(webauthnCredentials)
    .set({ name: name.trim().slice(0, 100) })
    .where(and(eq(webauthnCredentials.id, id), eq(webauthnCredentials.userId, userId)))
    .returning({ id: webauthnCredentials.id });
  return rows.length > 0;
}

/**
 * Removes one of a person's authenticators, never the last one: the person's row is locked while
 * counting, so two removals at once cannot leave the account without a second factor.
 */
export async function removeCredential(db: Db, userId: number, id: string): Promise<"removed" | "last" | "unknown"> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select 1 from ${users} where ${users.id} = ${userId} for update`);
    const mine = await credentialsOf(tx, userId);
    if (!mine.some((c) => c.id === id)) return "unknown";
    if (mine.length <= 1) return "last";
    await tx.delete(webauthnCredentials).where(and(eq(webauthnCredentials.id, id), eq(webauthnCredentials.userId, userId)));
    return "removed";
  });
}
