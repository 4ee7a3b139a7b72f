import { expect } from "vitest";

import type { Db } from "../../db/client";
import { makeOrganisation } from "./factories";
import type { Role } from "../../db/schema";
import { inviteUser } from "~/admin/people.server";
import { Client, ORIGIN } from "./app";
import { SoftwareAuthenticator } from "./authenticator";

export const PASSWORD = "en lång och ovanlig lösenfras";

/** The invitation token at the end of an invitation URL. */
export const tokenOf = (url: string) => url.split("/invite/")[1]!;

export async function invite(db: Db, role: Role = "requester", email = `p${Math.random().toString(36).slice(2)}@sjovik.se`) {
  const unit = await makeOrganisation(db, { kind: role === "supplier" ? "supplier" : role === "operations" ? "operations-provider" : "municipal-unit" });
  const result = await inviteUser(db, { email, name: `Person ${email}`, role, organisationId: unit.id }, null);
  if (!result.ok) throw new Error(JSON.stringify(result.fieldErrors));
  return { user: result.value.user, token: tokenOf(result.value.url), email };
}

export async function options(client: Client, form: Record<string, string>) {
  const response = await client.call("/webauthn/options", { form });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json();
}

/**
 * Accepts an invitation over HTTP the way a browser does: password, then a new authenticator.
 * Returns the signed-in client and the authenticator holding the credential.
 */
export async function acceptInvitation(token: string, authenticator = new SoftwareAuthenticator(), client = new Client()) {
  const password = await client.call(`/invite/${token}`, { form: { intent: "password", password: PASSWORD, confirm: PASSWORD } });
  expect(password.status).toBe(302);
  const creation = await options(client, { purpose: "register-invitation", token });
  const response = authenticator.register(creation, ORIGIN);
  const done = await client.call(`/invite/${token}`, { form: { intent: "register", response: JSON.stringify(response), name: "Nyckel" } });
  expect(done.status, await done.clone().text()).toBe(302);
  return { client, authenticator, landing: done.headers.get("Location") };
}

/** Creates an active account: invited and accepted. */
export async function account(db: Db, role: Role = "requester") {
  const invited = await invite(db, role);
  const accepted = await acceptInvitation(invited.token);
  return { ...invited, ...accepted };
}

/** Signs in over HTTP: password step, then an assertion. Returns the last response. */
export async function signInOverHttp(email: string, authenticator: SoftwareAuthenticator, client = new Client(), opts: { counter?: number } = {}) {
  const first = await client.call("/login", { form: { email, password: PASSWORD } });
  expect(first.status).toBe(302);
  expect(first.headers.get("Location")).toBe("/login/verify");
  const request = await options(client, { purpose: "sign-in" });
  const assertion = authenticator.authenticate(request, ORIGIN, opts);
  const second = await client.call("/login/verify", { form: { intent: "verify", response: JSON.stringify(assertion) } });
  return { client, response: second, assertion };
}
