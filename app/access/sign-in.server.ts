import { eq } from "drizzle-orm";

import type { Db } from "../../db/client";
import { sessions, users, type User } from "../../db/schema";
import { attemptSucceeded, lockState, takeAttempt } from "./rate-limit.server";
import { verifyPassword } from "./password.server";
import { authenticationOptions, verifyAssertion } from "./webauthn.server";
import type { Msg } from "~/i18n";
import { audit } from "~/audit/audit.server";
import { createSession, sessionForToken, type SessionOrigin } from "~/access/sessions.server";
import { findUserByEmail } from "~/admin/people.server";

/**
 * Sign-in in two steps. The password step parks a session that opens nothing; the WebAuthn step
 * verifies an assertion bound to that parked session and replaces it with a real one (a new id,
 * so a parked token that leaked is worth nothing).
 */
export type StepResult<T> = ({ ok: true } & T) | { ok: false; error: Msg };

export async function passwordStep(
  db: Db,
  input: { email: string; password: string } & SessionOrigin & { ip: string },
): Promise<StepResult<{ parkedToken: string; user: User }>> {
  const email = input.email.trim().toLowerCase();
  // The attempt is counted before the password is checked: a burst of parallel guesses is
  // refused once the limit is reached instead of being verified all at once.
  const turn = await takeAttempt(db, email, input.ip);
  if (!turn.ok) return { ok: false, error: { key: "login.locked", params: { minutes: turn.lock.minutes } } };

  const user = email ? await findUserByEmail(db, email) : undefined;
  // Verify even for an unknown address (against a dummy hash): same answer, same time.
  const passwordOk = await verifyPassword(user?.passwordHash, input.password);
  if (!user || !passwordOk || user.status !== "active") {
    const after = await lockState(db, email, input.ip);
    if (after.locked) {
      await audit(db, {
        action: "auth.locked-out",
        actorLabel: email,
        subjectUserId: user?.id,
        ip: input.ip,
        detail: { scope: after.scope, minutes: after.minutes },
      });
      return { ok: false, error: { key: "login.locked", params: { minutes: after.minutes } } };
    }
    return { ok: false, error: { key: "login.invalid" } };
  }
  await attemptSucceeded(db, turn.attemptId);
  const parkedToken = await createSession(db, user.id, { verified: false, ip: input.ip, userAgent: input.userAgent });
  return { ok: true, parkedToken, user };
}

/** The options for the parked session's WebAuthn step (a fresh challenge bound to it). */
export async function secondFactorOptions(db: Db, parkedToken: string) {
  const parked = await sessionForToken(db, parkedToken, { parked: true });
  if (!parked) return undefined;
  return { user: parked.user, options: await authenticationOptions(db, parked.user.id, "sign-in", { sessionId: parked.session.id }) };
}

export async function secondFactorStep(
  db: Db,
  parkedToken: string,
  response: unknown,
  origin: SessionOrigin & { ip: string },
): Promise<StepResult<{ token: string; user: User }>> {
  const parked = await sessionForToken(db, parkedToken, { parked: true });
  if (!parked) return { ok: false, error: { key: "login.expired" } };
  const { user } = parked;
  const result = await verifyAssertion(db, user.id, response, "sign-in", { sessionId: parked.session.id });
  if (!result.ok) {
    await audit(db, {
      action: result.reason === "counter-regression" ? "auth.counter-regression" : "auth.second-factor-failed",
      actorUserId: user.id,
      subjectUserId: user.id,
      ip: origin.ip,
      detail: { reason: result.reason, credentialId: result.credentialId ?? null },
    });
    const key =
      result.reason === "counter-regression"
        ? "login.keyCloned"
        : result.reason === "unknown-credential"
          ? "login.keyUnknown"
          : result.reason === "challenge"
            ? "login.expired"
            : "login.keyFailed";
    return { ok: false, error: { key } };
  }
  const token = await db.transaction(async (tx) => {
    await tx.delete(sessions).where(eq(sessions.id, parked.session.id));
    const fresh = await createSession(tx, user.id, { verified: true, ip: origin.ip, userAgent: origin.userAgent });
    await tx.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, user.id));
    await audit(tx, { action: "auth.signed-in", actorUserId: user.id, subjectUserId: user.id, ip: origin.ip, detail: { credentialId: result.credential.id } });
    return fresh;
  });
  return { ok: true, token, user };
}
