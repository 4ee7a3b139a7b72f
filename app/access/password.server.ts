import { hash, verify } from "@node-rs/argon2";
import { z } from "zod";

import { msg } from "~/ui/forms";

import { COMMON_PASSWORDS } from "./common-passwords";

/** argon2id with the library's defaults (19 MiB, 2 passes: OWASP's recommended minimum). */
export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// A real hash of a random string: verifying against it costs what a real verify costs, so an
// unknown e-mail address answers as slowly as a wrong password.
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$CzSjpTFH/10ThfMDdFv1PA$I/UAsPb84aKlOPHkHT5txhQlxWBz2+TWEwYe9oBU7Qk";

export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash ?? DUMMY_HASH, password);
  } catch {
    return false;
  }
}

export const MIN_PASSWORD_LENGTH = 12;

export const newPasswordSchema = z
  .object({
    password: z
      .string({ error: msg("validation.required") })
      .min(MIN_PASSWORD_LENGTH, msg("password.tooShort"))
      .max(256, msg("password.tooLong"))
      .refine((p) => !COMMON_PASSWORDS.has(p.toLowerCase()), msg("password.common"))
      .refine((p) => new Set(p).size >= 4, msg("password.common")),
    confirm: z.string({ error: msg("validation.required") }),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: msg("password.mismatch") });
