import { z } from "zod";

import { msg } from "~/ui/forms";

import { OUTCOMES } from "../../machines/vocabulary";
import { MAX_ID } from "~/http/ids";
import { plausibleYear } from "../../machines/time";

/**
 * The shapes a case and its events take on the way in, shared by the JSON API, the forms and the
 * OpenAPI description. Unknown fields are refused; every string has a ceiling. Messages are
 * translation keys (see app/ui/forms.ts).
 */
const isoInstant = z
  .string({ error: msg("validation.required") })
  .max(40)
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/, msg("case.window.iso"))
  .refine((s) => !Number.isNaN(Date.parse(s)) && plausibleYear(new Date(s).getUTCFullYear()), msg("case.window.iso"))
  .meta({ description: "ISO 8601 with an offset, e.g. 2026-12-28T08:00:00+01:00", example: "2026-12-28T08:00:00+01:00" });

export const windowSchema = z
  .strictObject({ start: isoInstant, end: isoInstant })
  // Drafts too: a window stored backwards breaks the database's range index (and every overlap check).
  .refine((w) => !(Date.parse(w.end) <= Date.parse(w.start)), { path: ["end"], message: msg("case.window.endBeforeStart") });

const shortText = (max: number) => z.string().trim().max(max);
const requiredText = (max: number) =>
  z
    .string({ error: msg("validation.required") })
    .trim()
    .min(1, msg("validation.required"))
    .max(max);
const list = (max: number, item = 200) => z.array(z.string().trim().min(1).max(item)).max(max);

const common = {
  systemCode: z
    .string({ error: msg("validation.required") })
    .trim()
    .toUpperCase()
    .min(1, msg("validation.required"))
    .max(20),
  title: requiredText(200),
  description: shortText(10_000).default(""),
  supplierId: z.number().int().positive().max(MAX_ID).optional().meta({ description: "Defaults to the system's supplier." }),
  supplierPeople: list(20).default([]).meta({ description: "The supplier's people who will do the work." }),
  accounts: list(20).default([]).meta({ description: "The account(s) to use." }),
  externalReferences: z.strictObject({ ticket: shortText(100).optional(), supplierTicket: shortText(100).optional() }).default({}),
  draft: z.boolean().default(false).meta({ description: "Save without submitting." }),
  templateId: z
    .number()
    .int()
    .positive()
    .max(MAX_ID)
    .optional()
    .meta({ description: "The template the request starts from (GET /api/v1/templates); a live standard change's request is a simple change." }),
};

const emergencyShape = {
  type: z.literal("emergency"),
  ...common,
  kind: z.enum(["incident", "service-request"]).default("incident").meta({ description: "incident (INC) or a service request without an outage (BEG)" }),
  urgency: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: msg("validation.choose") }),
  impact: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: msg("validation.choose") }),
  window: windowSchema.optional().meta({ description: "Defaults to now + 4 hours." }),
};

const changeShape = {
  ...common,
  window: windowSchema,
  reason: requiredText(4000),
  impactDescription: shortText(4000).default(""),
  risk: shortText(4000).default(""),
  testPlan: shortText(4000).default(""),
  rollbackPlan: shortText(4000).default(""),
  affectedSystems: z.array(z.string().trim().toUpperCase().min(1).max(20)).max(50).default([]),
  bookedWithSupplier: z.literal(true, { error: msg("case.bookedRequired") }),
  affectsUsers: z.boolean().default(false),
  publicDescription: shortText(1000).default(""),
  linkedCase: z.string().trim().max(40).optional().meta({ description: "The incident (INC/BEG number) this planned change fixes." }),
};

const standingShape = {
  type: z.literal("standing-access"),
  ...common,
  justification: requiredText(4000),
  agreementReference: requiredText(200),
};

export const emergencyInput = z.strictObject(emergencyShape);
export const simpleChangeInput = z.strictObject({ type: z.literal("simple-change"), ...changeShape });
export const advancedChangeInput = z.strictObject({ type: z.literal("advanced-change"), ...changeShape }).superRefine((v, ctx) => {
  if (!v.affectedSystems.length) ctx.addIssue({ code: "custom", path: ["affectedSystems"], message: msg("case.affectedRequired") });
  if (!v.risk) ctx.addIssue({ code: "custom", path: ["risk"], message: msg("validation.required") });
  if (!v.testPlan) ctx.addIssue({ code: "custom", path: ["testPlan"], message: msg("validation.required") });
  if (!v.rollbackPlan) ctx.addIssue({ code: "custom", path: ["rollbackPlan"], message: msg("validation.required") });
});
// The owner consents to named people and accounts: a request that names none is not whole.
export const standingAccessInput = z.strictObject(standingShape).superRefine((v, ctx) => {
  if (!v.supplierPeople.length) ctx.addIssue({ code: "custom", path: ["supplierPeople"], message: msg("validation.required") });
  if (!v.accounts.length) ctx.addIssue({ code: "custom", path: ["accounts"], message: msg("validation.required") });
});

export const createCaseInput = z.discriminatedUnion("type", [emergencyInput, simpleChangeInput, advancedChangeInput, standingAccessInput], {
  error: msg("case.type.unknown"),
});
export type CreateCaseInput = z.output<typeof createCaseInput>;

/**
 * A draft keeps whatever has been filled in: only the type, the system and a title are needed.
 * Submitting it checks the whole case against the full schema above.
 */
const draftRequired = { systemCode: common.systemCode, title: common.title, draft: z.literal(true) };
const changeObject = z.strictObject(changeShape).partial();

export const draftInput = z.discriminatedUnion("type", [
  z
    .strictObject(emergencyShape)
    .partial()
    .extend({ type: z.literal("emergency"), ...draftRequired }),
  changeObject.extend({ type: z.literal("simple-change"), ...draftRequired }),
  changeObject.extend({ type: z.literal("advanced-change"), ...draftRequired }),
  z
    .strictObject(standingShape)
    .partial()
    .extend({ type: z.literal("standing-access"), ...draftRequired }),
]);
export type DraftInput = z.output<typeof draftInput>;

const reason = shortText(4000).optional();
const consentUntil = z
  .string()
  .trim()
  .max(10)
  .optional()
  .meta({ description: "The consent's last day, YYYY-MM-DD: at most a year ahead, which is also the default.", example: "2027-06-30" });

/** Events through the API, and the content each needs. `actor` and `now` are the server's. */
export const eventInput = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("SUBMIT") }),
    z.strictObject({ type: z.literal("EDIT"), window: windowSchema.optional() }),
    z.strictObject({ type: z.literal("CANCEL"), reason }),
    z.strictObject({ type: z.literal("START_REVIEW") }),
    z.strictObject({ type: z.literal("RETURN"), reason: requiredText(4000) }),
    z.strictObject({ type: z.literal("APPROVE"), reason, allowLongWindow: z.boolean().optional(), overrideFreeze: z.boolean().optional() }),
    z.strictObject({ type: z.literal("REJECT"), reason: requiredText(4000) }),
    z.strictObject({ type: z.literal("RECLASSIFY"), reason }),
    z.strictObject({ type: z.literal("REFER_TO_CAB"), reason }),
    z.strictObject({ type: z.literal("CAB_APPROVE"), reason, allowLongWindow: z.boolean().optional(), overrideFreeze: z.boolean().optional() }),
    z.strictObject({
      type: z.literal("CAB_APPROVE_WITH_CONDITIONS"),
      conditions: requiredText(4000),
      reason,
      allowLongWindow: z.boolean().optional(),
      overrideFreeze: z.boolean().optional(),
    }),
    z.strictObject({ type: z.literal("CAB_DEFER"), reason, meetingId: z.number().int().positive().optional() }),
    z.strictObject({ type: z.literal("CAB_REJECT"), reason: requiredText(4000) }),
    // After a deferral: the requester's new window for the next meeting.
    z.strictObject({ type: z.literal("PROPOSE_WINDOW"), window: windowSchema, reason }),
    z.strictObject({
      type: z.literal("REPORT_OUTCOME"),
      outcome: z.enum(OUTCOMES, { error: msg("validation.choose") }),
      comment: shortText(4000).optional(),
    }),
    z.strictObject({ type: z.literal("CLOSE"), reason }),
    z.strictObject({ type: z.literal("CONSENT"), reason, until: consentUntil }),
    z.strictObject({ type: z.literal("REFUSE_CONSENT"), reason: requiredText(4000) }),
    z.strictObject({ type: z.literal("REVIEW"), reason, until: consentUntil }),
    // Operations: the standing access's accounts are created (after the consent) or removed (after it ended).
    z.strictObject({ type: z.literal("ACCOUNT_CREATED") }),
    z.strictObject({ type: z.literal("ACCOUNT_REMOVED") }),
    z.strictObject({ type: z.literal("REVOKE"), reason }),
    z.strictObject({ type: z.literal("GRANT") }),
    z.strictObject({ type: z.literal("END"), reason }),
    z.strictObject({ type: z.literal("REQUEST_EXTENSION"), end: isoInstant, reason: requiredText(4000) }),
    // `end`: grant less than asked (an end after the current one, up to the one asked for).
    z.strictObject({ type: z.literal("APPROVE_EXTENSION"), reason, overrideFreeze: z.boolean().optional(), end: isoInstant.optional() }),
    z.strictObject({ type: z.literal("REFUSE_EXTENSION"), reason: requiredText(4000) }),
  ],
  { error: msg("case.event.unknown") },
);
export type EventInput = z.output<typeof eventInput>;

/** Events that act on the access window rather than on the case itself (cases 1–3). */
export const WINDOW_EVENTS = ["GRANT", "REVOKE", "END", "REQUEST_EXTENSION", "APPROVE_EXTENSION", "REFUSE_EXTENSION"] as const;

/** `GET /api/v1/conflicts`: the window a request would ask for, on a system, before it is stored. */
export const conflictsQuery = z
  .strictObject({
    system: z
      .string({ error: msg("validation.required") })
      .trim()
      .toUpperCase()
      .min(1, msg("validation.required"))
      .max(20),
    start: isoInstant,
    end: isoInstant,
    exclude: z.string().max(40).optional(),
  })
  .refine((w) => !(Date.parse(w.end) <= Date.parse(w.start)), { path: ["end"], message: msg("case.window.endBeforeStart") });

export const leadTimeQuery = z.strictObject({
  type: z.enum(["simple-change", "advanced-change"], { error: "type must be simple-change or advanced-change" }),
  submittedDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "submittedDate must be YYYY-MM-DD"),
});

/** POST /api/v1/templates: keep a case as a template. */
export const templateInput = z.strictObject({
  name: z.string().max(500).meta({ description: "The template's name (at most 120 characters)." }),
  fromCase: z.string().trim().min(1).max(40).meta({ description: "The case whose texts, accounts and affected systems the template keeps." }),
});

/** POST /api/v1/templates/{id}: mark a standard change, withdraw one, or remove a template. */
export const templateActionInput = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("standard"), reference: z.string().max(1000).meta({ description: "The CAB decision that approved it." }) }),
  z.strictObject({ action: z.literal("withdraw"), reason: z.string().max(4000) }),
  z.strictObject({ action: z.literal("archive") }),
]);

/** POST /api/v1/cases/{number}/comments: a comment on the case's thread. */
export const commentInput = z.strictObject({
  body: z.string().max(20_000).meta({ description: "The comment (at most 4,000 characters)." }),
  shared: z.boolean().default(false).meta({ description: "Shared with the case's supplier (a supplier's own comments always are); otherwise internal." }),
});
