/**
 * A pure-Node software WebAuthn authenticator for browser-less tests.
 *
 * It plays the role of both the browser (clientDataJSON) and the authenticator
 * (authenticatorData, attestation, signatures) and produces the same JSON
 * shapes that @simplewebauthn/browser would hand to the server. Keys are
 * ES256 (ECDSA P-256 / SHA-256); attestation is always "none".
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";

import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { isoBase64URL, isoCBOR, isoUint8Array } from "@simplewebauthn/server/helpers";

type Bytes = ReturnType<Uint8Array["slice"]>;
type CBORValue = Parameters<typeof isoCBOR.encode>[0];

/** authenticatorData flag bits (WebAuthn §6.1). */
const FLAG_UP = 0x01; // user present
const FLAG_UV = 0x04; // user verified
const FLAG_AT = 0x40; // attested credential data included

/** COSE constants for an EC2 / P-256 / ES256 key (RFC 9053). */
const COSE_KTY = 1;
const COSE_ALG = 3;
const COSE_CRV = -1;
const COSE_X = -2;
const COSE_Y = -3;
const COSE_KTY_EC2 = 2;
const COSE_ALG_ES256 = -7;
const COSE_CRV_P256 = 1;

interface StoredCredential {
  id: string; // base64url credential id
  privateKey: KeyObject;
  rpId: string;
  userHandle: string; // base64url, as given in options.user.id
  counter: number;
}

const sha256 = (data: Uint8Array): Bytes => new Uint8Array(createHash("sha256").update(data).digest());

/** Unsigned 32-bit big-endian integer. */
function uint32BE(value: number): Bytes {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, false);
  return out;
}

/** Unsigned 16-bit big-endian integer. */
function uint16BE(value: number): Bytes {
  const out = new Uint8Array(2);
  new DataView(out.buffer).setUint16(0, value, false);
  return out;
}

function clientDataJSON(type: "webauthn.create" | "webauthn.get", challenge: string, origin: string): Bytes {
  return isoUint8Array.fromUTF8String(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
}

/** The credential public key as a COSE_Key (CBOR map with integer labels). */
function cosePublicKey(privateKey: KeyObject): Bytes {
  // The JWK export of an EC public key carries x and y as base64url, 32 bytes each for P-256.
  const jwk = privateKey.export({ format: "jwk" });
  if (!jwk.x || !jwk.y) throw new Error("EC key without x/y coordinates");
  return isoCBOR.encode(
    new Map<number, CBORValue>([
      [COSE_KTY, COSE_KTY_EC2],
      [COSE_ALG, COSE_ALG_ES256],
      [COSE_CRV, COSE_CRV_P256],
      [COSE_X, isoBase64URL.toBuffer(jwk.x)],
      [COSE_Y, isoBase64URL.toBuffer(jwk.y)],
    ]),
  );
}

export class SoftwareAuthenticator {
  readonly aaguid: Bytes;
  private readonly credentials: StoredCredential[] = [];

  constructor(options: { aaguid?: Uint8Array } = {}) {
    const aaguid = options.aaguid ?? new Uint8Array(16);
    if (aaguid.length !== 16) throw new Error("aaguid must be 16 bytes");
    this.aaguid = Uint8Array.from(aaguid);
  }

  /** navigator.credentials.create(): make a new ES256 credential. */
  register(options: PublicKeyCredentialCreationOptionsJSON, origin: string): RegistrationResponseJSON {
    const rpId = options.rp.id ?? new URL(origin).hostname;
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const credId = new Uint8Array(randomBytes(32));
    const id = isoBase64URL.fromBuffer(credId);

    // authenticatorData with attested credential data:
    //   rpIdHash (32) | flags (1) | signCount (4, BE)
    //   | aaguid (16) | credIdLength (2, BE) | credId (L) | COSE_Key (CBOR)
    const authData = isoUint8Array.concat([
      sha256(isoUint8Array.fromUTF8String(rpId)),
      Uint8Array.of(FLAG_UP | FLAG_UV | FLAG_AT),
      uint32BE(0),
      this.aaguid,
      uint16BE(credId.length),
      credId,
      cosePublicKey(privateKey),
    ]);

    // "none" attestation: empty attStmt map.
    const attestationObject = isoCBOR.encode(
      new Map<string, CBORValue>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", authData],
      ]),
    );

    this.credentials.push({
      id,
      privateKey,
      rpId,
      userHandle: options.user.id,
      counter: 0,
    });

    return {
      id,
      rawId: id,
      type: "public-key",
      response: {
        clientDataJSON: isoBase64URL.fromBuffer(clientDataJSON("webauthn.create", options.challenge, origin)),
        attestationObject: isoBase64URL.fromBuffer(attestationObject),
        transports: ["internal"],
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }

  /**
   * navigator.credentials.get(): sign an assertion.
   *
   * `opts.credentialId` picks the credential explicitly; `opts.counter` sets the
   * signCount verbatim (e.g. to replay an old counter) instead of incrementing.
   */
  authenticate(
    options: PublicKeyCredentialRequestOptionsJSON,
    origin: string,
    opts: { credentialId?: string; counter?: number } = {},
  ): AuthenticationResponseJSON {
    const credential = this.pick(options, opts.credentialId);
    credential.counter = opts.counter ?? credential.counter + 1;

    // authenticatorData without attested data:
    //   rpIdHash (32) | flags (1) | signCount (4, BE)
    const authData = isoUint8Array.concat([
      sha256(isoUint8Array.fromUTF8String(credential.rpId)),
      Uint8Array.of(FLAG_UP | FLAG_UV),
      uint32BE(credential.counter),
    ]);
    const clientData = clientDataJSON("webauthn.get", options.challenge, origin);

    // ES256 signature over authenticatorData || sha256(clientDataJSON).
    // Node emits DER-encoded ECDSA signatures by default, as WebAuthn expects.
    const signature = sign("sha256", isoUint8Array.concat([authData, sha256(clientData)]), credential.privateKey);

    return {
      id: credential.id,
      rawId: credential.id,
      type: "public-key",
      response: {
        clientDataJSON: isoBase64URL.fromBuffer(clientData),
        authenticatorData: isoBase64URL.fromBuffer(authData),
        signature: isoBase64URL.fromBuffer(new Uint8Array(signature)),
        userHandle: credential.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }

  credentialIds(): string[] {
    return this.credentials.map((c) => c.id);
  }

  counterOf(id: string): number {
    return this.get(id).counter;
  }

  /** Add a copy of a stored credential (used by cloneCredential). */
  private adopt(credential: StoredCredential): void {
    this.credentials.push({ ...credential });
  }

  private get(id: string): StoredCredential {
    const credential = this.credentials.find((c) => c.id === id);
    if (!credential) throw new Error(`Unknown credential ${id}`);
    return credential;
  }

  /** Given id, else first stored credential allowed by the options, else first stored. */
  private pick(options: PublicKeyCredentialRequestOptionsJSON, credentialId?: string): StoredCredential {
    if (credentialId !== undefined) return this.get(credentialId);
    const allowed = new Set((options.allowCredentials ?? []).map((c) => c.id));
    const credential = this.credentials.find((c) => allowed.has(c.id)) ?? this.credentials[0];
    if (!credential) throw new Error("Authenticator holds no credentials");
    return credential;
  }

  /** Copy one credential (same key, same counter) into a new authenticator. */
  static cloneCredential(from: SoftwareAuthenticator, id: string): SoftwareAuthenticator {
    const clone = new SoftwareAuthenticator({ aaguid: from.aaguid });
    clone.adopt(from.get(id));
    return clone;
  }
}

/**
 * Model a cloned authenticator: a new SoftwareAuthenticator holding a copy of
 * credential `id` (same private key, same counter) from `from`. The two then
 * count independently, which is what counter-regression checks must catch.
 */
export function cloneCredential(from: SoftwareAuthenticator, id: string): SoftwareAuthenticator {
  return SoftwareAuthenticator.cloneCredential(from, id);
}
