/**
 * Self-test: the software authenticator must satisfy the real
 * @simplewebauthn/server verification, including its counter and origin checks.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from "@simplewebauthn/server";
import { describe, expect, it } from "vitest";

import { cloneCredential, SoftwareAuthenticator } from "./support/authenticator";

const origin = "http://localhost:3000";
const rpID = "localhost";

/** Register a fresh credential and return it as the server would store it. */
async function registered(authenticator: SoftwareAuthenticator) {
  const options = await generateRegistrationOptions({
    rpName: "Test",
    rpID,
    userName: "a@b.se",
    attestationType: "none",
  });
  const response = authenticator.register(options, origin);
  const verification = await verifyRegistrationResponse({
    response,
    expectedChallenge: options.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    requireUserVerification: true,
  });
  expect(verification.verified).toBe(true);
  if (!verification.verified) throw new Error("registration not verified");
  const credential: WebAuthnCredential = verification.registrationInfo.credential;
  return { options, response, verification, credential };
}

async function verifyAssertion(authenticator: SoftwareAuthenticator, credential: WebAuthnCredential, opts: { origin?: string; counter?: number } = {}) {
  const options = await generateAuthenticationOptions({
    rpID,
    allowCredentials: [{ id: credential.id }],
  });
  const response = authenticator.authenticate(options, opts.origin ?? origin, {
    counter: opts.counter,
  });
  return verifyAuthenticationResponse({
    response,
    expectedChallenge: options.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    credential,
    requireUserVerification: true,
  });
}

describe("SoftwareAuthenticator", () => {
  it("registers a credential that the server verifies", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { options, response, verification, credential } = await registered(authenticator);

    expect(response.id).toBe(credential.id);
    expect(authenticator.credentialIds()).toEqual([response.id]);
    expect(authenticator.counterOf(response.id)).toBe(0);
    expect(credential.counter).toBe(0);
    expect(credential.transports).toEqual(["internal"]);
    expect(verification.registrationInfo?.fmt).toBe("none");
    expect(verification.registrationInfo?.userVerified).toBe(true);
    expect(verification.registrationInfo?.aaguid).toBe("00000000-0000-0000-0000-000000000000");

    const assertion = authenticator.authenticate(await generateAuthenticationOptions({ rpID }), origin);
    expect(assertion.response.userHandle).toBe(options.user.id);
  });

  it("produces assertions that verify and increment the counter", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { credential } = await registered(authenticator);

    const result = await verifyAssertion(authenticator, credential);
    expect(result.verified).toBe(true);
    expect(result.authenticationInfo.newCounter).toBe(1);
    expect(result.authenticationInfo.credentialID).toBe(credential.id);
    expect(result.authenticationInfo.userVerified).toBe(true);
    expect(authenticator.counterOf(credential.id)).toBe(1);
  });

  it("is rejected when the counter does not advance", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { credential } = await registered(authenticator);

    const first = await verifyAssertion(authenticator, credential);
    expect(first.authenticationInfo.newCounter).toBe(1);
    const stored = { ...credential, counter: first.authenticationInfo.newCounter };

    await expect(verifyAssertion(authenticator, stored, { counter: 1 })).rejects.toThrow(/counter/i);
  });

  it("lets a cloned authenticator trip the counter check", async () => {
    const original = new SoftwareAuthenticator();
    const { credential } = await registered(original);
    const clone = cloneCredential(original, credential.id);
    expect(clone.credentialIds()).toEqual([credential.id]);

    // The original moves on to 1; the clone (same key, counter 0) also sends 1.
    const first = await verifyAssertion(original, credential);
    expect(first.verified).toBe(true);
    const stored = { ...credential, counter: first.authenticationInfo.newCounter };

    await expect(verifyAssertion(clone, stored)).rejects.toThrow(/counter/i);
    expect(original.counterOf(credential.id)).toBe(1);
    expect(clone.counterOf(credential.id)).toBe(1);
  });

  it("is rejected for the wrong origin", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { credential } = await registered(authenticator);

    await expect(
      verifyAssertion(authenticator, credential, {
        origin: "http://evil.example:3000",
      }),
    ).rejects.toThrow(/origin/i);
  });

  it("picks the credential named in allowCredentials", async () => {
    const authenticator = new SoftwareAuthenticator();
    await registered(authenticator);
    const { credential: second } = await registered(authenticator);
    expect(authenticator.credentialIds()).toHaveLength(2);

    const result = await verifyAssertion(authenticator, second);
    expect(result.verified).toBe(true);
    expect(result.authenticationInfo.credentialID).toBe(second.id);
  });
});
