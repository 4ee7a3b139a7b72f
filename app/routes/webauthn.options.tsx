import type { ActionFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { secondFactorOptions } from "~/access/sign-in.server";
import { authenticationOptions, registrationOptions } from "~/access/webauthn.server";
import { findInvitation } from "~/admin/people.server";
import { parkedToken, requireSession } from "~/access/guards.server";
import { BODY_LIMITS, readFormData } from "~/http/body.server";

/**
 * Fresh WebAuthn options, each bound to what asks for them:
 * - `sign-in`: the parked session of the password step (cookie);
 * - `register-invitation`: an invitation (its token) whose password is already chosen;
 * - `register` / `reauthenticate`: the signed-in session.
 */
export async function action({ request }: ActionFunctionArgs) {
  const form = await readFormData(request, BODY_LIMITS.signIn);
  const purpose = form.get("purpose");
  const refuse = (status: number, error: string) => Response.json({ error }, { status });

  if (purpose === "sign-in") {
    const token = await parkedToken(request);
    const step = token ? await secondFactorOptions(db(), token) : undefined;
    return step ? Response.json(step.options) : refuse(401, "The sign-in has expired; start again.");
  }
  if (purpose === "register-invitation") {
    const found = await findInvitation(db(), String(form.get("token") ?? ""));
    if (!found.ok) return refuse(410, "The invitation cannot be used.");
    if (!found.invitation.pendingPasswordHash) return refuse(409, "Choose a password first.");
    return Response.json(await registrationOptions(db(), found.user, "register-invitation", { invitationId: found.invitation.id }));
  }
  if (purpose === "register" || purpose === "reauthenticate") {
    const { user, session } = await requireSession(request);
    return Response.json(
      purpose === "register"
        ? await registrationOptions(db(), user, "register", { sessionId: session.id })
        : await authenticationOptions(db(), user.id, "reauthenticate", { sessionId: session.id }, { notAddedInSession: session.id }),
    );
  }
  return refuse(400, "Unknown purpose.");
}

export function loader() {
  return new Response("Method not allowed", { status: 405, headers: { Allow: "POST" } });
}
