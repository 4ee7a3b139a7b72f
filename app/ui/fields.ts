import { z } from "zod";

import { MAX_ID } from "../http/ids";
import { msg } from "./forms";

/**
 * Reusable zod field schemas, their messages translation keys. Apart from ./forms because a page
 * module that imports ./forms for a helper must not bring zod to the browser (tests/bundle.test.ts).
 */

/** Text from a form: trimmed; required unless made optional. */
export const text = (max: number) =>
  z
    .string({ error: msg("validation.required") })
    .trim()
    .min(1, msg("validation.required"))
    .max(max);

/** Optional text from a form: blank becomes undefined. */
export const optionalText = (max: number) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().trim().max(max).optional());

/** A checkbox: present ("on"/"true") is true, absent is false. */
export const checkbox = z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean());

/** An id chosen in a <select>: a positive integer, blank means none. */
export const optionalId = z.preprocess(
  (v) => (v === "" || v === undefined || v === null ? undefined : Number(v)),
  z
    .number({ error: msg("validation.choose") })
    .int()
    .positive()
    .max(MAX_ID, msg("validation.choose"))
    .optional(),
);
export const requiredId = z.preprocess(
  (v) => (v === "" || v === undefined || v === null ? undefined : Number(v)),
  z
    .number({ error: msg("validation.choose") })
    .int("validation.choose")
    .positive("validation.choose")
    .max(MAX_ID, msg("validation.choose")),
);

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, msg("validation.date"))
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), msg("validation.date"));
