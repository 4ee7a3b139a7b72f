import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { and, asc, eq, gt } from "drizzle-orm";

import type { Db } from "../../db/client";
import { makeOrganisation, makeSystem, makeUser } from "./factories";
import {
  accessWindows,
  cabMeetingRules,
  cabMeetings,
  cases,
  ROLES,
  systemAdministrators,
  users,
  webauthnCredentials,
  type Organisation,
  type Role,
  type System,
  type User,
} from "../../db/schema";
import { createApiToken } from "~/access/api-tokens.server";
import { hashPassword } from "~/access/password.server";
import { upcomingMeetings } from "~/cab/meetings.server";
import { applyEvent, applySystemEvent, createCase } from "~/cases/commands.server";
import { call, ORIGIN, signIn } from "./app";
import { holdMeeting, putOnAgenda } from "./cab";
import { windowAhead } from "./world";

/**
 * The machinery of the access matrix (tests/access-matrix.test.ts): who calls, on what, what a
 * cell's answer is, and the fixtures a cell starts from. The table itself lives in the test.
 */

// Who and on what ---------------------------------------------------------------------------------

export const CALLERS = ["anonymous", ...ROLES] as const;
export type Caller = (typeof CALLERS)[number];

/**
 * Where the object a cell acts on lies, seen from the caller (see the table's header comment):
 * own — on the caller's own system / organisation, or the caller's own personal object;
 * other-system — same municipal unit (and same supplier), but a system the caller neither
 *   administers nor owns; for personal objects: a colleague's in the caller's organisation;
 * other-org — another unit's system with another supplier; for personal objects: someone in
 *   another organisation.
 */
export const SCOPES = ["own", "other-system", "other-org"] as const;
export type ScopeName = (typeof SCOPES)[number];

/**
 * A cell's answer: an HTTP status, or
 * - "login": a redirect to /login (an anonymous visitor on a page);
 * - 302: any other redirect (a form that did its work, a signed-in person sent on);
 * - "sees" / "hides": 200, and the object's case number is / is not in the body (lists, feeds).
 */
export type Outcome = 200 | 201 | 302 | 400 | 401 | 403 | 404 | 405 | 409 | 410 | 422 | "login" | "sees" | "hides";
/** One outcome for every scope, or one per scope: [own, other-system, other-org]. */
export type Expect = Outcome | readonly [own: Outcome, otherSystem: Outcome, otherOrg: Outcome];

export const expectedFor = (expect: Expect, scope: ScopeName): Outcome => (typeof expect === "object" ? expect[SCOPES.indexOf(scope)]! : expect);

/** A success: the route did what was asked (2xx, a redirect other than to /login, or a list answer). */
export const isSuccess = (outcome: Outcome | number | string): boolean =>
  outcome === "sees" || outcome === "hides" || (typeof outcome === "number" && (outcome < 300 || outcome === 302));

/**
 * What no response may ever carry, whoever asks: every person of the matrix's world has a real
 * password hash, and a piece of it in any body (a page's data, a list, an API answer, a CSV)
 * fails the walk at that cell.
 */
const secrets = new Set<string>();

/** What a response amounts to, in the table's terms. */
export async function outcomeOf(response: Response, marker?: string): Promise<{ outcome: Outcome | number; detail: string }> {
  const { status } = response;
  const body = await response.clone().text();
  for (const secret of secrets) if (body.includes(secret)) throw new Error(`${response.url || "a response"} (${status}) carries a password hash`);
  if (status >= 300 && status < 400) {
    const location = response.headers.get("Location") ?? "";
    return { outcome: location.startsWith("/login") ? "login" : 302, detail: location };
  }
  const text = await response.text();
  if (marker !== undefined && status === 200) {
    return { outcome: new RegExp(`${marker}(?!\\d)`).test(text) ? "sees" : "hides", detail: "" };
  }
  return { outcome: status, detail: status >= 500 ? text.slice(0, 300) : "" };
}

// The world -----------------------------------------------------------------------------------------

/**
 * Two municipal units, two suppliers, the service centre and the operations provider; three
 * systems: OWN (unit A, supplier 1), OTHER-SYSTEM (unit A, supplier 1, administered and owned by
 * other people) and OTHER-ORG (unit B, supplier 2). One caller per role, each with a signed-in
 * session and an API token; the requester administers and the system owner owns OWN only; the
 * supplier works for supplier 1.
 */
export async function makeMatrixWorld(db: Db) {
  const tag = randomBytes(3).toString("hex").toUpperCase();
  const org = (kind: Organisation["kind"], name: string) => makeOrganisation(db, { kind, name: `${name} ${tag}` });
  const orgs = {
    unitA: await org("municipal-unit", "Enhet A"),
    unitB: await org("municipal-unit", "Enhet B"),
    centre: await org("service-centre", "Servicecenter"),
    ops: await org("operations-provider", "Drift"),
    supplier1: await org("supplier", "Leverantör 1"),
    supplier2: await org("supplier", "Leverantör 2"),
  };
  const person = (role: Role, organisation: Organisation, name: string) => makeUser(db, { role, organisationId: organisation.id, name: `${name} ${tag}` });
  const callers: Record<Role, User> = {
    requester: await person("requester", orgs.unitA, "Förvaltare"),
    "service-centre": await person("service-centre", orgs.centre, "Handläggare"),
    cab: await person("cab", orgs.unitA, "Ledamot"),
    operations: await person("operations", orgs.ops, "Drifttekniker"),
    supplier: await person("supplier", orgs.supplier1, "Konsult"),
    "system-owner": await person("system-owner", orgs.unitA, "Ägare"),
    admin: await person("admin", orgs.centre, "Administratör"),
  };
  const requesters: Record<ScopeName, User> = {
    own: callers.requester,
    "other-system": await person("requester", orgs.unitA, "Kollega"),
    "other-org": await person("requester", orgs.unitB, "Förvaltare B"),
  };
  const owners: Record<ScopeName, User> = {
    own: callers["system-owner"],
    "other-system": await person("system-owner", orgs.unitA, "Annan ägare"),
    "other-org": await person("system-owner", orgs.unitB, "Ägare B"),
  };
  const systems: Record<ScopeName, System> = {
    own: await makeSystem(db, { code: `MXA${tag}`, ownerUnitId: orgs.unitA.id, supplierId: orgs.supplier1.id, ownerUserId: owners.own.id }),
    "other-system": await makeSystem(db, {
      code: `MXS${tag}`,
      ownerUnitId: orgs.unitA.id,
      supplierId: orgs.supplier1.id,
      ownerUserId: owners["other-system"].id,
    }),
    "other-org": await makeSystem(db, { code: `MXO${tag}`, ownerUnitId: orgs.unitB.id, supplierId: orgs.supplier2.id, ownerUserId: owners["other-org"].id }),
  };
  await db.insert(systemAdministrators).values(SCOPES.map((scope) => ({ systemId: systems[scope].id, userId: requesters[scope].id })));
  // Everyone has a password (no one here signs in with it: the sessions are made directly).
  const passwordHash = await hashPassword(`matris-${tag}-lösenord`);
  await db.update(users).set({ passwordHash });
  secrets.add(
    passwordHash
      .split("$")
      .pop()!
      .match(/[A-Za-z0-9]{12,}/)![0],
  );

  const cookies = {} as Record<Role, string>;
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    cookies[role] = await signIn(db, callers[role]);
    tokens[role] = (await createApiToken(db, callers[role].id, "matrix")).token;
  }
  // The board meets every Tuesday at 13:00: referred changes go on a meeting, deferrals to a later one.
  await db.insert(cabMeetingRules).values({ weekday: 2, time: "13:00", location: `Rum ${tag}` });
  const meetings = await upcomingMeetings(db);
  // The first one is in session, chaired by the service centre with a quorum: the board's decisions are taken there.
  await holdMeeting(db, meetings[0]!.id, callers["service-centre"], [callers.cab]);
  return { tag, orgs, callers, requesters, owners, systems, cookies, tokens, firstMeeting: meetings[0]! };
}
export type MatrixWorld = Awaited<ReturnType<typeof makeMatrixWorld>>;

// Case fixtures --------------------------------------------------------------------------------------

/**
 * The states a case fixture is made in, each through the workflow service as the real actors:
 * draft / submitted / in-review: a simple change; submitted-advanced / awaiting-cab: an advanced
 * change (awaiting-cab is on a meeting's agenda, deferred was deferred from it to the next); approved … outcome-reported: an emergency, whose
 * window starts at once (so operations may open it now), cancelled-approved one cancelled after its
 * approval (its window went with it); access-draft … review-due: standing access.
 */
export type CaseState =
  | "draft"
  | "submitted"
  | "in-review"
  | "submitted-advanced"
  | "awaiting-cab"
  | "deferred"
  | "approved"
  | "cancelled-approved"
  | "open"
  | "extension-pending"
  | "window-closed"
  | "outcome-reported"
  | "access-draft"
  | "awaiting-consent"
  | "active"
  | "review-due"
  /** Standing access revoked: operations is to remove the accounts. */
  | "revoked";

export type MadeCase = {
  number: string;
  title: string;
  systemCode: string;
  windowId: number | null;
  windowEnd: Date | null;
  meetingId: number | null;
};

let made = 0;

export async function makeCase(db: Db, w: MatrixWorld, scope: ScopeName, state: CaseState, label: string = state): Promise<MadeCase> {
  const system = w.systems[scope];
  const requester = w.requesters[scope];
  const owner = w.owners[scope];
  const centre = w.callers["service-centre"];
  const title = `Matris ${label} ${scope} ${w.tag}-${++made}`;
  const people = { accounts: [`adm-${w.tag.toLowerCase()}`], supplierPeople: ["Kim Konsult"] };
  const change = (type: "simple-change" | "advanced-change", draft = false) => ({
    type,
    systemCode: system.code,
    title,
    window: windowAhead(1),
    reason: "Matrisens ändring",
    bookedWithSupplier: true,
    ...people,
    ...(type === "advanced-change" ? { affectedSystems: [system.code], risk: "Liten", testPlan: "Provas i test", rollbackPlan: "Ögonblicksbild" } : {}),
    ...(draft ? { draft: true } : {}),
  });
  // Priority 2: one the service centre may publish as a disturbance on /status.
  const emergency = { type: "emergency", systemCode: system.code, title, urgency: 1, impact: 2, ...people };
  const access = (draft = false) => ({
    type: "standing-access",
    systemCode: system.code,
    title,
    justification: "Felsökning utan administrationsbehörighet",
    agreementReference: `AVT-${w.tag}`,
    ...people,
    ...(draft ? { draft: true } : {}),
  });
  const event = (user: User | null, number: string, body: Record<string, unknown>) => applyEvent(db, user, number, body);

  let number: string;
  switch (state) {
    case "draft":
      number = (await createCase(db, requester, change("simple-change", true))).number;
      break;
    case "submitted":
    case "in-review":
      number = (await createCase(db, requester, change("simple-change"))).number;
      if (state === "in-review") await event(centre, number, { type: "START_REVIEW" });
      break;
    case "submitted-advanced":
    case "awaiting-cab":
    case "deferred":
      number = (await createCase(db, requester, change("advanced-change"))).number;
      if (state !== "submitted-advanced") {
        await event(centre, number, { type: "REFER_TO_CAB" });
        await putOnAgenda(db, number, w.firstMeeting.id);
      }
      // Deferred by the board (its first meeting is in session) to the next meeting.
      if (state === "deferred") await event(centre, number, { type: "CAB_DEFER", meetingId: await laterMeetingThan(db, w.firstMeeting.id) });
      break;
    case "access-draft":
      number = (await createCase(db, requester, access(true))).number;
      break;
    case "awaiting-consent":
    case "active":
    case "review-due":
    case "revoked":
      number = (await createCase(db, requester, access())).number;
      if (state !== "awaiting-consent") await event(owner, number, { type: "CONSENT" });
      if (state === "revoked") await event(owner, number, { type: "REVOKE", reason: "Matrisens återkallelse" });
      if (state === "review-due") {
        const [row] = await db.select({ id: cases.id }).from(cases).where(eq(cases.number, number));
        await applySystemEvent(db, row!.id, "REVIEW_DUE");
      }
      break;
    default: {
      number = (await createCase(db, requester, emergency)).number;
      await event(centre, number, { type: "APPROVE", reason: "Matrisens godkännande" });
      if (state === "approved") break;
      if (state === "cancelled-approved") {
        await event(requester, number, { type: "CANCEL", reason: "Behövs inte längre" });
        break;
      }
      await event(w.callers.operations, number, { type: "GRANT" });
      if (state === "extension-pending") {
        const end = await windowEndOf(db, number);
        await event(requester, number, { type: "REQUEST_EXTENSION", end: new Date(end.getTime() + 3600_000).toISOString(), reason: "Mer tid behövs" });
      }
      if (state === "window-closed" || state === "outcome-reported") await event(requester, number, { type: "END" });
      if (state === "outcome-reported") await event(requester, number, { type: "REPORT_OUTCOME", outcome: "resolved" });
    }
  }
  const [row] = await db
    .select({ cabMeetingId: cases.cabMeetingId, windowId: accessWindows.id, windowEnd: accessWindows.endsAt })
    .from(cases)
    .leftJoin(accessWindows, eq(accessWindows.caseId, cases.id))
    .where(eq(cases.number, number));
  return { number, title, systemCode: system.code, windowId: row?.windowId ?? null, windowEnd: row?.windowEnd ?? null, meetingId: row?.cabMeetingId ?? null };
}

async function windowEndOf(db: Db, number: string): Promise<Date> {
  const [row] = await db
    .select({ end: accessWindows.endsAt })
    .from(accessWindows)
    .innerJoin(cases, eq(cases.id, accessWindows.caseId))
    .where(eq(cases.number, number));
  return row!.end;
}

/** The first scheduled meeting after `meetingId` (a deferral's target). */
export async function laterMeetingThan(db: Db, meetingId: number): Promise<number> {
  const [current] = await db.select().from(cabMeetings).where(eq(cabMeetings.id, meetingId));
  const [later] = await db
    .select({ id: cabMeetings.id })
    .from(cabMeetings)
    .where(and(eq(cabMeetings.status, "scheduled"), gt(cabMeetings.startsAt, current!.startsAt)))
    .orderBy(asc(cabMeetings.startsAt))
    .limit(1);
  return later!.id;
}

// Personal objects (settings) ------------------------------------------------------------------------

/** Whose personal object a settings cell acts on: the caller's, a colleague's, or someone's elsewhere. */
export async function personFor(db: Db, w: MatrixWorld, scope: ScopeName, caller: User | null): Promise<User> {
  const me = caller ?? w.callers.requester;
  if (scope === "own") return me;
  if (scope === "other-system") return makeUser(db, { organisationId: me.organisationId, role: me.role });
  return makeUser(db, { organisationId: w.orgs.unitB.id, role: "requester" });
}

/** Registers `count` (fake) authenticators for `user`; returns their ids. */
export async function addKeys(db: Db, user: User, count = 2): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomBytes(16).toString("base64url"));
  await db.insert(webauthnCredentials).values(ids.map((id, i) => ({ id, userId: user.id, name: `Nyckel ${i + 1}`, publicKey: new Uint8Array([1, 2, 3]) })));
  return ids;
}

// Calling ----------------------------------------------------------------------------------------------

export type CellRequest = {
  /** The concrete address (the row's template filled in). */
  path: string;
  form?: Record<string, string>;
  json?: unknown;
  /** A multipart body (a file). */
  multipart?: FormData;
  /** List rows: the case number whose presence the cell checks ("sees" / "hides"). */
  marker?: string;
  /** A session of the cell's own instead of the caller's shared one (logout, settings). */
  cookie?: string;
  /** No credentials at all (feeds carry theirs in the address). */
  noAuth?: boolean;
  /** The case the cell acts on (its trail shows whether an accepted event did what it says). */
  caseNumber?: string;
};

/**
 * Sends one cell's request as `role`: the API with the caller's bearer token, everything else
 * with the caller's session cookie; browser POSTs carry this site's Origin (and the Host) as a
 * browser's would.
 */
export function send(w: MatrixWorld, role: Caller, method: "GET" | "POST", request: CellRequest): Promise<Response> {
  const api = request.path.startsWith("/api/");
  const headers: Record<string, string> = {};
  let cookie: string | undefined;
  if (role !== "anonymous" && !request.noAuth) {
    if (api) headers.Authorization = `Bearer ${w.tokens[role]}`;
    else cookie = request.cookie ?? w.cookies[role];
  }
  if (method === "POST" && !api) {
    // As a browser sends them: Remix compares the Origin of a form POST with the Host.
    headers.Origin = ORIGIN;
    headers.Host = new URL(ORIGIN).host;
  }
  const ip = `198.51.100.${1 + Math.floor(Math.random() * 250)}`;
  if (request.json !== undefined) return call(request.path, { method, json: request.json, headers, cookie, ip });
  if (request.form) return call(request.path, { method, form: request.form, headers, cookie, ip });
  if (request.multipart) return call(request.path, { method, multipart: request.multipart, headers, cookie, ip });
  return call(request.path, { method, headers, cookie, ip });
}

// The route files --------------------------------------------------------------------------------------

/**
 * The URL template of a flat-routes file name, in the table's notation: `cases.$number_.edit.tsx`
 * → `/cases/:number/edit`, `audit[.csv].tsx` → `/audit.csv`, `api.v1.$.tsx` → `/api/v1/*`.
 */
export function routeTemplate(file: string): string {
  const name = file.replace(/\.(tsx|ts|jsx|js)$/, "");
  const segments: string[] = [];
  let current = "";
  let escaped = false;
  for (const ch of name) {
    if (ch === "[") escaped = true;
    else if (ch === "]") escaped = false;
    else if (ch === "." && !escaped) {
      segments.push(current);
      current = "";
    } else current += ch;
  }
  segments.push(current);
  const parts = segments
    .filter((s) => s !== "_index" && !/^_[^.]/.test(s))
    .map((s) => (s.endsWith("_") ? s.slice(0, -1) : s))
    .map((s) => (s === "$" ? "*" : s.startsWith("$") ? `:${s.slice(1)}` : s));
  return `/${parts.join("/")}`;
}

/** Every route module with what it exports: a loader (answers GET) and / or an action (POST). */
export function routeModules(dir = path.resolve("app/routes")): { file: string; template: string; loader: boolean; action: boolean }[] {
  return readdirSync(dir)
    .filter((file) => /\.(tsx|ts|jsx|js)$/.test(file))
    .sort()
    .map((file) => {
      const source = readFileSync(path.join(dir, file), "utf8");
      const exported = (name: string) =>
        new RegExp(`export\\s+(async\\s+)?function\\s+${name}\\b|export\\s+(const|let)\\s+${name}\\b|export\\s*\\{[^}]*\\b${name}\\b[^}]*\\}`).test(source);
      return { file, template: routeTemplate(file), loader: exported("loader"), action: exported("action") };
    });
}
