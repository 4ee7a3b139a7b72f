import { z } from "zod";

import { msg } from "~/ui/forms";
import type { FormCategory } from "./form-category";

import { DEFAULT_EMERGENCY_HOURS, emergencyHoursProblem, type CaseType } from "../../machines/rules";
import { stockholmLocalToIso } from "../../machines/time";

/**
 * The request forms' values and their validation, used by react-hook-form in the browser and
 * again by the route's action on the server, then turned into the API's case input (which the
 * workflow service validates a third time). Field messages are translation keys.
 */
export type Earliest = { "simple-change": string; "advanced-change": string };

const text = (max: number) => z.string().trim().max(max);
const required = (max: number) => text(max).min(1, msg("validation.required"));
/** One entry per line, as the form's hint says ("Per Persson, Integrationshuset" is one person). */
const lines = (value: string) =>
  value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(0, 20);

const base = {
  title: required(200),
  description: text(10_000),
  systemCode: z.string().min(1, msg("validation.choose")),
  supplierId: z.string(),
  supplierPeople: text(4000),
  accounts: text(4000),
  ticket: text(100),
  supplierTicket: text(100),
};

export const requestFormShape = z.object({
  ...base,
  // A radio group nobody has answered posts nothing (or ""): not answered, not an invalid answer.
  affectsOthers: z.preprocess((v) => (v === "" || v === null ? undefined : v), z.enum(["yes", "no"]).optional()),
  start: z.string(),
  end: z.string(),
  reason: text(4000),
  impactDescription: text(4000),
  risk: text(4000),
  testPlan: text(4000),
  rollbackPlan: text(4000),
  affectedSystems: z.array(z.string().max(20)).max(50),
  bookedWithSupplier: z.boolean(),
  affectsUsers: z.boolean(),
  publicDescription: text(1000),
  linkedCase: text(40),
  kind: z.enum(["incident", "service-request"]),
  urgency: z.string(),
  impact: z.string(),
  hours: z.string(),
  justification: text(4000),
  agreementReference: text(200),
});
export type RequestFormValues = z.infer<typeof requestFormShape>;

export const emptyRequest: RequestFormValues = {
  title: "",
  description: "",
  systemCode: "",
  supplierId: "",
  supplierPeople: "",
  accounts: "",
  ticket: "",
  supplierTicket: "",
  affectsOthers: undefined,
  start: "",
  end: "",
  reason: "",
  impactDescription: "",
  risk: "",
  testPlan: "",
  rollbackPlan: "",
  affectedSystems: [],
  bookedWithSupplier: false,
  affectsUsers: false,
  publicDescription: "",
  linkedCase: "",
  kind: "incident",
  urgency: "",
  impact: "",
  hours: "4",
  justification: "",
  agreementReference: "",
};

/**
 * The case type a form's values make: a change is advanced when it affects other systems — unless
 * it is a standard change (a template the CAB approved once), which is simple whatever it touches.
 */
export function typeOf(category: FormCategory, values: Pick<RequestFormValues, "affectsOthers">, standard = false): CaseType {
  if (category === "change") return values.affectsOthers === "yes" && !standard ? "advanced-change" : "simple-change";
  return category;
}

/**
 * What a copy of a request (or a template) carries: its texts, people, accounts and affected
 * systems, not its window, its tickets, its link to an incident or the supplier's booking, which
 * belong to the one occasion.
 */
export function copyValues(values: Partial<RequestFormValues>): RequestFormValues {
  const known = Object.fromEntries(Object.entries(values).filter(([key]) => key in emptyRequest)) as Partial<RequestFormValues>;
  return { ...emptyRequest, ...known, start: "", end: "", ticket: "", supplierTicket: "", linkedCase: "", bookedWithSupplier: false };
}

/**
 * The schema for a category. A draft needs only a system and a title; a submission needs the
 * whole request, and a change's window no earlier than the lead time allows.
 */
export function requestFormSchema(category: FormCategory, intent: "draft" | "submit", earliest?: Earliest, standard = false) {
  return requestFormShape.superRefine((v, ctx) => {
    // The hours are checked in drafts too: a draft keeps what was typed, and a wrong number is wrong now.
    if (category === "emergency") {
      const problem = emergencyHoursProblem(hoursOf(v.hours));
      if (problem) ctx.addIssue({ code: "custom", path: ["hours"], message: problem.key, params: problem.params });
    }
    if (intent === "draft") return;
    const need = (field: keyof RequestFormValues, message = msg("validation.required")) => {
      const value = v[field];
      if (value === "" || value === false || (Array.isArray(value) && value.length === 0)) ctx.addIssue({ code: "custom", path: [field], message });
    };
    if (category === "change") {
      if (!v.affectsOthers) ctx.addIssue({ code: "custom", path: ["affectsOthers"], message: msg("validation.choose") });
      need("reason");
      need("bookedWithSupplier", msg("case.bookedRequired"));
      windowChecks(v, ctx);
      const type = typeOf(category, v, standard);
      const start = stockholmLocalToIso(v.start);
      if (earliest && start && type !== "emergency" && type !== "standing-access" && v.start.slice(0, 10) < earliest[type]) {
        ctx.addIssue({ code: "custom", path: ["start"], message: msg("case.window.tooEarly"), params: { date: earliest[type] } });
      }
      if (type === "advanced-change") {
        need("affectedSystems", msg("case.affectedRequired"));
        need("risk");
        need("testPlan");
        need("rollbackPlan");
      }
    }
    if (category === "emergency") {
      need("urgency", msg("validation.choose"));
      need("impact", msg("validation.choose"));
    }
    if (category === "standing-access") {
      need("justification");
      need("agreementReference");
      // The owner consents to named people and accounts.
      need("supplierPeople");
      need("accounts");
    }
  });
}

/** The hours as typed: "4", "1,5" (Swedish) or "1.5"; blank is the default. */
export function hoursOf(value: string): number {
  const typed = value.trim();
  if (!typed) return DEFAULT_EMERGENCY_HOURS;
  return /^\d+([.,]\d+)?$/.test(typed) ? Number(typed.replace(",", ".")) : Number.NaN;
}

function windowChecks(v: RequestFormValues, ctx: z.RefinementCtx) {
  const start = stockholmLocalToIso(v.start);
  const end = stockholmLocalToIso(v.end);
  if (!start) ctx.addIssue({ code: "custom", path: ["start"], message: msg(v.start ? "case.window.iso" : "validation.required") });
  if (!end) ctx.addIssue({ code: "custom", path: ["end"], message: msg(v.end ? "case.window.iso" : "validation.required") });
  if (start && end && Date.parse(end) <= Date.parse(start)) ctx.addIssue({ code: "custom", path: ["end"], message: msg("case.window.endBeforeStart") });
}

/** The API's case input for validated form values. */
export function toCaseInput(
  category: FormCategory,
  v: RequestFormValues,
  intent: "draft" | "submit",
  now = new Date(),
  template?: { id: number; standard: boolean },
): Record<string, unknown> {
  const type = typeOf(category, v, template?.standard);
  const input: Record<string, unknown> = {
    type,
    ...(template ? { templateId: template.id } : {}),
    systemCode: v.systemCode,
    title: v.title,
    description: v.description,
    supplierPeople: lines(v.supplierPeople),
    accounts: lines(v.accounts),
    externalReferences: { ...(v.ticket ? { ticket: v.ticket } : {}), ...(v.supplierTicket ? { supplierTicket: v.supplierTicket } : {}) },
    ...(v.supplierId ? { supplierId: Number(v.supplierId) } : {}),
    ...(intent === "draft" ? { draft: true } : {}),
  };
  if (type === "simple-change" || type === "advanced-change") {
    const start = stockholmLocalToIso(v.start);
    const end = stockholmLocalToIso(v.end);
    if (start && end) input.window = { start, end };
    Object.assign(input, {
      reason: v.reason,
      impactDescription: v.impactDescription,
      risk: v.risk,
      testPlan: v.testPlan,
      rollbackPlan: v.rollbackPlan,
      affectedSystems: v.affectedSystems,
      affectsUsers: v.affectsUsers,
      publicDescription: v.publicDescription,
      ...(v.bookedWithSupplier ? { bookedWithSupplier: true } : {}),
      ...(v.linkedCase ? { linkedCase: v.linkedCase } : {}),
    });
    if (intent === "draft" && !v.reason) delete input.reason;
  }
  if (type === "emergency") {
    // Validated above (never clamped: 0.1 hours is a mistake to show, not 15 minutes to grant).
    const typed = hoursOf(v.hours);
    const hours = Number.isFinite(typed) ? typed : DEFAULT_EMERGENCY_HOURS;
    Object.assign(input, {
      kind: v.kind,
      ...(v.urgency ? { urgency: Number(v.urgency) } : {}),
      ...(v.impact ? { impact: Number(v.impact) } : {}),
      window: { start: now.toISOString(), end: new Date(now.getTime() + hours * 3600_000).toISOString() },
    });
  }
  if (type === "standing-access") {
    Object.assign(input, {
      ...(v.justification ? { justification: v.justification } : {}),
      ...(v.agreementReference ? { agreementReference: v.agreementReference } : {}),
    });
  }
  return input;
}

/** Form values from posted form data (checkboxes present or absent, repeated affected systems). */
export function valuesFromForm(form: FormData): RequestFormValues {
  const get = (name: keyof RequestFormValues) => {
    const value = form.get(name);
    return typeof value === "string" ? value : "";
  };
  return {
    ...emptyRequest,
    ...Object.fromEntries(
      (Object.keys(emptyRequest) as (keyof RequestFormValues)[])
        .filter((k) => typeof emptyRequest[k] === "string" || k === "affectsOthers")
        .map((k) => [k, get(k)]),
    ),
    affectsOthers: get("affectsOthers") === "yes" ? "yes" : get("affectsOthers") === "no" ? "no" : undefined,
    kind: get("kind") === "service-request" ? "service-request" : "incident",
    affectedSystems: form
      .getAll("affectedSystems")
      .filter((v): v is string => typeof v === "string")
      .slice(0, 50),
    bookedWithSupplier: form.get("bookedWithSupplier") === "on" || form.get("bookedWithSupplier") === "true",
    affectsUsers: form.get("affectsUsers") === "on" || form.get("affectsUsers") === "true",
  } as RequestFormValues;
}

/** Where the workflow service's field names land in the form. */
export function formField(apiField: string): string {
  if (apiField === "window" || apiField.startsWith("window.start")) return "start";
  if (apiField.startsWith("window.end")) return "end";
  if (apiField.startsWith("externalReferences.")) return apiField.split(".")[1] ?? apiField;
  if (apiField.startsWith("affectedSystems")) return "affectedSystems";
  // The type of a planned change is the answer to "does it affect other systems?".
  if (apiField === "type") return "affectsOthers";
  return apiField.split(".")[0] ?? apiField;
}

/** Form values for editing a stored case (a draft or a returned one). */
export function valuesFromCase(
  c: {
    type: CaseType;
    title: string;
    description: string;
    system: { code: string };
    supplier: { id: number } | null;
    window: { start: string; end: string } | null;
    affectsUsers: boolean;
    details: Record<string, unknown>;
    linkedCase: string | null;
  },
  toLocal: (iso: string) => string,
): RequestFormValues {
  const d = c.details as Record<string, unknown> & { externalReferences?: { ticket?: string; supplierTicket?: string } };
  const str = (key: string) => (typeof d[key] === "string" ? (d[key] as string) : "");
  const list = (key: string) => (Array.isArray(d[key]) ? (d[key] as string[]) : []);
  return {
    ...emptyRequest,
    title: c.title,
    description: c.description,
    systemCode: c.system.code,
    supplierId: c.supplier ? String(c.supplier.id) : "",
    supplierPeople: list("supplierPeople").join("\n"),
    accounts: list("accounts").join("\n"),
    ticket: d.externalReferences?.ticket ?? "",
    supplierTicket: d.externalReferences?.supplierTicket ?? "",
    affectsOthers: c.type === "advanced-change" ? "yes" : c.type === "simple-change" ? "no" : undefined,
    start: c.window && c.type !== "emergency" ? toLocal(c.window.start) : "",
    end: c.window && c.type !== "emergency" ? toLocal(c.window.end) : "",
    reason: str("reason"),
    impactDescription: str("impactDescription"),
    risk: str("risk"),
    testPlan: str("testPlan"),
    rollbackPlan: str("rollbackPlan"),
    affectedSystems: list("affectedSystems"),
    bookedWithSupplier: d.bookedWithSupplier === true,
    affectsUsers: c.affectsUsers,
    publicDescription: str("publicDescription"),
    linkedCase: c.linkedCase ?? "",
    kind: d.kind === "service-request" ? "service-request" : "incident",
    urgency: d.urgency ? String(d.urgency) : "",
    impact: d.impact ? String(d.impact) : "",
    hours: c.window ? String(Math.round(((Date.parse(c.window.end) - Date.parse(c.window.start)) / 3600_000) * 4) / 4) : "4",
    justification: str("justification"),
    agreementReference: str("agreementReference"),
  };
}
