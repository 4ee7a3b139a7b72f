import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

import { and, eq, gt, max, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { makeOrganisation, makeSystem, makeUser } from "./support/factories";
import {
  auditLog,
  blackoutPeriods,
  cabMeetingRules,
  cabMeetings,
  caseAttachments,
  cases,
  caseTemplates,
  sessions,
  substitutions,
  users,
  webhookSubscribers,
  type User,
} from "../db/schema";
import { copyValues } from "~/cases/request-form";
import { newWebhookSecret } from "~/connectors/webhooks.server";
import { createApiToken } from "~/access/api-tokens.server";
import { createCalendarFeed, type FeedKind } from "~/access/calendar-feeds.server";
import { createSession, hashToken } from "~/access/sessions.server";
import { findInvitation, inviteUser, setPendingPassword } from "~/admin/people.server";
import { sessionCookie } from "~/access/guards.server";
import { textsAsset } from "~/i18n/i18n.server";
import { isoToStockholmLocal } from "../machines/time";
import { addDays, stockholmDate } from "../machines/calendar";
import { upcomingMeetings } from "~/cab/meetings.server";
import { closeMeeting, openMeeting } from "~/cab/session.server";
import { eventInput, WINDOW_EVENTS } from "~/cases/schemas";
import { PASSWORD, tokenOf } from "./support/accounts";
import { changedTables, fingerprint, halfWrites } from "./support/fuzz";
import { useTestDatabase } from "./support/database";
import { windowAhead } from "./support/world";
import {
  addKeys,
  CALLERS,
  expectedFor,
  isSuccess,
  laterMeetingThan,
  makeCase,
  makeMatrixWorld,
  outcomeOf,
  personFor,
  routeModules,
  SCOPES,
  send,
  type Caller,
  type CaseState,
  type CellRequest,
  type Expect,
  type MadeCase,
  type MatrixWorld,
  type Outcome,
  type ScopeName,
} from "./support/matrix";

/**
 * The access matrix: every page loader, form action (each intent the action tells apart) and API
 * endpoint × every caller (anonymous and the seven roles) × where the object lies, with the answer
 * the product's rules give — walked through the built app on the test database (PGlite, or the
 * PostgreSQL server named by DATABASE_URL).
 *
 * Where the answers come from: DESIGN.md (who does what; "nobody decides on their own case"),
 * the guards (app/access/guards.server.ts: anonymous pages → /login, anonymous API → 401, wrong role →
 * 403), the scope rule (app/access/scope.server.ts: the service centre, the CAB, operations and
 * administrators see everything; a requester the systems they administer; a system owner the
 * systems they own; a supplier its own organisation's work; a single object outside the scope
 * answers 404, so its existence is not confirmed) and the event rules (machines/rules.ts:
 * PERMISSIONS → 403; a state that does not allow the event → 409; bad content → 422).
 *
 * The columns. The callers are one person per role (tests/support/matrix.ts makeMatrixWorld): the
 * requester administers, and the system owner owns, the system OWN only; the supplier works for
 * OWN's supplier. Each cell acts on an object in one of three places:
 *   own           a case / window on OWN (unit A, supplier 1) — the requester's, owner's and
 *                 supplier's own;
 *   other-system  a case / window on OTHER-SYSTEM: the same unit and the same supplier, but
 *                 administered and owned by other people. A supplier's scope is its organisation,
 *                 not a system: this is still its own work (hence [x, x, 404] in its column);
 *   other-org     a case / window on OTHER-ORG: another unit's system with another supplier.
 * For settings (personal objects: sessions, API tokens, security keys) the three are the caller's
 * own, a colleague's in the same organisation, and someone's in another organisation.
 *
 * An expectation is one outcome for all three places, or [own, other-system, other-org]. A row
 * whose object belongs to no one's scope is walked once per caller ("—" in a report): the way in
 * and the public pages, the admin pages (organisations, systems, people: administrators only),
 * the CAB's meetings and scheduling, and the settings intents that touch no object. Lists and feeds
 * are walked per place: there the answer is "sees" or "hides" (200, and whether the place's case is
 * in the body), so a list that leaks another scope's rows fails like a 200 where a 404 belongs.
 *
 * Each cell starts from a known state: a row that changes something gets a fresh object (made
 * through the workflow service as the real actors would) for every cell expected to succeed; the
 * cells expected to be refused (and those of rows that change nothing) share one per kind and
 * place — a refusal changes nothing — which is remade should one of them succeed after all.
 */

/**
 * The cells where the requester who also sits on the CAB answers otherwise than the better of
 * the two roles would: the case at OWN is their own, and the board's role gives no say on it.
 */
const COMBINED_OWN_CASE: Record<string, Outcome> = Object.fromEntries([
  // Segregation of duties: the change at OWN is theirs; as a member of the board they neither vote nor comment on it.
  ["POST /cab/meetings/:id [vote] own", 403],
  ["POST /cab/meetings/:id [comment] own", 403],
  // The chair marked the board's own member present, not this person: who was not there neither votes nor adjusts the minutes.
  ["POST /cab/meetings/:id [vote] other-system", 403],
  ["POST /cab/meetings/:id [vote] other-org", 403],
  ["POST /cab/meetings/:id [adjust] own", 403],
  // The board's role shows the case or template; the requester's role then refuses what it asks: not a system they administer,
  // not a template of theirs, not a case they may edit.
  ...(["other-system", "other-org"] as const).flatMap((place) => [
    [`GET /cases/new [template] ${place}`, 404],
    [`POST /templates [archive] ${place}`, 404],
    [`POST /api/v1/templates/:id [archive] ${place}`, 404],
    [`POST /cases/:number [template] ${place}`, 422],
    [`POST /api/v1/templates ${place}`, 422],
    [`GET /cases/:number/edit ${place}`, 409],
  ]),
]);

const db = useTestDatabase();
let w: MatrixWorld;

beforeAll(async () => {
  w = await makeMatrixWorld(db());
});

// The table's vocabulary ---------------------------------------------------------------------------

type Method = "GET" | "POST";

type Cell = {
  role: Caller;
  scope: ScopeName;
  /** The caller (null: anonymous). */
  user: User | null;
  /**
   * The cell's object, made by `make`: fresh for a cell that is to succeed on a row that changes
   * things; otherwise shared, by `kind` and place, with every cell (of any row) that leaves it as it is.
   */
  shared<T>(kind: string, make: () => Promise<T>): Promise<T>;
};

type Row = {
  method: Method;
  /** The route's URL template, as app/routes names it (checked against the files below). */
  path: string;
  /** The intent (form), event (API) or purpose the row is about. */
  intent?: string;
  /** Walked per place (own / other-system / other-org), or once per caller. */
  perPlace: boolean;
  /** Whether a success changes the row's object (default: POST). */
  mutates?: boolean;
  /** The audit event an accepted cell must leave on its case (default: an upper-case intent's first word). */
  event?: string;
  request: (cell: Cell) => Promise<CellRequest>;
  expect: Record<Caller, Expect>;
};

const L = "login";
const S = "sees";
const H = "hides";

/** The expectations in the table's column order. */
function e(
  anonymous: Expect,
  requester: Expect,
  serviceCentre: Expect,
  cab: Expect,
  operations: Expect,
  supplier: Expect,
  systemOwner: Expect,
  admin: Expect,
): Record<Caller, Expect> {
  return { anonymous, requester, "service-centre": serviceCentre, cab, operations, supplier, "system-owner": systemOwner, admin };
}

/** Every signed-in caller alike. */
const signedIn = (anonymous: Expect, everyone: Expect) => e(anonymous, everyone, everyone, everyone, everyone, everyone, everyone, everyone);

const ONCE = false;
const PER_PLACE = true;

function row(
  method: Method,
  path: string,
  intent: string,
  perPlace: boolean,
  request: Row["request"],
  expect: Record<Caller, Expect>,
  options: { mutates?: boolean; event?: string } = {},
): Row {
  return { method, path, intent: intent || undefined, perPlace, request, expect, ...options };
}

// Requests ---------------------------------------------------------------------------------------------

const unique = () => randomBytes(4).toString("hex");
let counter = 0;
const next = () => ++counter;
/** The n-th day of 2031 (one-off CAB meetings, one per cell). */
const dayIn2031 = (n: number) => new Date(Date.UTC(2031, 0, n)).toISOString().slice(0, 10);
/** HH:MM, `n` minutes past the hour (recurring CAB meetings, one time per cell). */
const minutePast = (hour: number, n: number) => `${String(hour).padStart(2, "0")}:${String(n % 60).padStart(2, "0")}`;

/** A fixed address. */
const at =
  (path: string, extra: Omit<CellRequest, "path"> = {}) =>
  async (): Promise<CellRequest> => ({ path, ...extra });

/** A case in `state` at the cell's place, and the request made from it. */
const onCase = (state: CaseState, make: (k: MadeCase, cell: Cell) => CellRequest | Promise<CellRequest>) => async (cell: Cell) => {
  const k = await cell.shared(`case:${state}`, () => makeCase(db(), w, cell.scope, state));
  return { caseNumber: k.number, ...(await make(k, cell)) };
};

/** A text file on the cell's case (shared with the supplier or internal), and the request made with its id. */
const onFile = (shared: boolean, make: (k: MadeCase, id: number) => CellRequest) =>
  onCase("open", async (k, cell) => {
    const id = await cell.shared(`file:${shared}:${k.number}`, async () => {
      const [c] = await db().select({ id: cases.id }).from(cases).where(eq(cases.number, k.number));
      const content = new TextEncoder().encode("Testprotokoll\n");
      const [f] = await db()
        .insert(caseAttachments)
        .values({
          caseId: c!.id,
          uploaderId: w.callers.requester.id,
          name: "protokoll.txt",
          contentType: "text/plain",
          size: content.byteLength,
          sha256: "-",
          content,
          shared,
        })
        .returning();
      return f!.id;
    });
    return make(k, id);
  });

/** A small text file as a form posts it (to the case page with `intent`, or to the API without). */
const fileForm = (intent?: string) => {
  const form = new FormData();
  if (intent) form.set("intent", intent);
  form.set("file", new File(["Testprotokoll: allt gick bra.\n"], "protokoll.txt"));
  return form;
};

/** Someone holding the caller's first role who is not the caller (a substitute to name), tomorrow only: nobody's scope changes today. */
async function substituteFor(user: User | null) {
  const tomorrow = addDays(stockholmDate(new Date()), 1);
  if (!user) return { substituteId: "1", startsOn: tomorrow, endsOn: tomorrow };
  const [other] = await db()
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, user.role), sql`${users.id} <> ${user.id}`, eq(users.status, "active")))
    .limit(1);
  return { substituteId: String(other?.id ?? 0), startsOn: tomorrow, endsOn: tomorrow };
}

/** A substitution of the caller's, tomorrow only, and its id ("0" for the anonymous caller). */
async function substitutionOf(user: User | null): Promise<string> {
  if (!user) return "0";
  const tomorrow = addDays(stockholmDate(new Date()), 1);
  const [other] = await db()
    .select({ id: users.id })
    .from(users)
    .where(sql`${users.id} <> ${user.id}`)
    .limit(1);
  const [row] = await db().insert(substitutions).values({ personId: user.id, substituteId: other!.id, startsOn: tomorrow, endsOn: tomorrow }).returning();
  return String(row!.id);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A template on the cell's place (a standard change or not), kept by the matrix's requester, and the request made with its id. */
const onTemplate = (standard: boolean, make: (id: number) => CellRequest) => async (cell: Cell) => {
  const id = await cell.shared(`template:${standard}`, async () => {
    const system = w.systems[cell.scope];
    const [t] = await db()
      .insert(caseTemplates)
      .values({
        name: `Matrismall ${unique()}`,
        category: "change",
        systemId: system.id,
        ownerId: w.callers.requester.id,
        values: copyValues({ title: "Matrisens mall", systemCode: system.code, reason: "Patchning" }),
        ...(standard ? { standardAt: new Date(), standardById: w.callers["service-centre"].id, standardReference: "CAB matris §1" } : {}),
      })
      .returning();
    return t!.id;
  });
  return make(id);
};

/** The read-only cases the lists are checked against, one per place and state. */
const markers = new Map<string, Promise<MadeCase>>();
function marker(scope: ScopeName, state: CaseState): Promise<MadeCase> {
  const key = `${scope}:${state}`;
  if (!markers.has(key)) markers.set(key, makeCase(db(), w, scope, state, "markör"));
  return markers.get(key)!;
}
/** A list at `path(k)`, checked for the place's `state` case. */
const listing =
  (state: CaseState, path: (k: MadeCase) => string) =>
  async (cell: Cell): Promise<CellRequest> => {
    const k = await marker(cell.scope, state);
    return { path: path(k), marker: k.number };
  };

/** A personal iCalendar feed of the caller's (anonymous: an address nobody was given). */
const feedOf =
  (kind: FeedKind) =>
  async (cell: Cell): Promise<CellRequest> => {
    const k = await marker(cell.scope, "open");
    if (!cell.user) return { path: `/feeds/${kind}/cal_${randomBytes(32).toString("base64url")}.ics`, noAuth: true };
    const { token } = await createCalendarFeed(db(), cell.user.id, kind);
    return { path: `/feeds/${kind}/${token}.ics`, marker: k.number, noAuth: true };
  };

/** A session of the cell's own: `stale` — its last WebAuthn check was ten minutes ago. */
async function freshSession(user: User | null, options: { stale?: boolean } = {}): Promise<string | undefined> {
  if (!user) return undefined;
  const token = await createSession(db(), user.id);
  if (options.stale)
    await db()
      .update(sessions)
      .set({ reauthenticatedAt: new Date(Date.now() - 10 * 60_000) })
      .where(eq(sessions.id, hashToken(token)));
  return (await sessionCookie().serialize(token)).split(";")[0];
}

/** A new invitation's token (`withPassword`: its password already chosen). */
async function invitation(withPassword = false): Promise<string> {
  const result = await inviteUser(
    db(),
    { email: `inbjuden-${unique()}@lev.example`, name: "Inbjuden Person", role: "supplier", organisationId: w.orgs.supplier1.id },
    null,
  );
  if (!result.ok) throw new Error(JSON.stringify(result.fieldErrors));
  const token = tokenOf(result.value.url);
  if (withPassword) {
    const found = await findInvitation(db(), token);
    if (!found.ok) throw new Error(found.reason);
    await setPendingPassword(db(), found.invitation.id, "placeholder-hash");
  }
  return token;
}

/** A settings form on a personal object of the place's person (the caller, a colleague, someone elsewhere). */
const personal =
  (make: (person: User) => Promise<Record<string, string>>) =>
  async (cell: Cell): Promise<CellRequest> => ({
    path: "/settings",
    form: await make(await personFor(db(), w, cell.scope, cell.user)),
  });

const json = (state: CaseState, body: (k: MadeCase) => Record<string, unknown>) =>
  onCase(state, (k) => ({ path: `/api/v1/cases/${k.number}/events`, json: body(k) }));
const windowJson = (state: CaseState, body: (k: MadeCase) => Record<string, unknown>) =>
  onCase(state, (k) => ({ path: `/api/v1/access-windows/${k.windowId}/events`, json: body(k) }));
const caseForm = (state: CaseState, form: Record<string, string>) => onCase(state, (k) => ({ path: `/cases/${k.number}`, form }));
const agendaForm = (form: Record<string, string> | ((k: MadeCase) => Promise<Record<string, string>>)) =>
  onCase("awaiting-cab", async (k) => ({
    path: `/cab/meetings/${k.meetingId}`,
    form: { number: k.number, ...(typeof form === "function" ? await form(k) : form) },
  }));
/** A one-off meeting starting within the hour (one per fixture), brought to `state` by the matrix's service centre and member. */
const meetingForm =
  (state: "scheduled" | "in-session" | "closed", form: () => Record<string, string>) =>
  async (cell: Cell): Promise<CellRequest> => {
    const id = await cell.shared(`meeting-${state}`, async () => {
      const [meeting] = await db()
        .insert(cabMeetings)
        .values({ startsAt: new Date(Date.now() + 20 * 60_000 + next() * 1000), location: `Matris ${unique()}` })
        .returning();
      const centre = w.callers["service-centre"];
      if (state !== "scheduled") await openMeeting(db(), centre, meeting!.id, { members: [w.callers.cab.id], substitutes: [{ name: "Ersättare Eva Ek" }] });
      if (state === "closed") await closeMeeting(db(), centre, meeting!.id);
      return meeting!.id;
    });
    return { path: `/cab/meetings/${id}`, form: form() };
  };
const ownerForm = (state: CaseState, intent: string) =>
  onCase(state, (k) => ({ path: "/owner", form: { intent, number: k.number, reason: "Avtalet har upphört" } }));
const operationsForm = (state: CaseState, intent: string) => onCase(state, (k) => ({ path: "/operations", form: { intent, caseNumber: k.number } }));
const later = (k: MadeCase) => new Date(k.windowEnd!.getTime() + 3600_000);
const REASON = { reason: "Matrisens motivering" };

const emergencyJson = (cell: Cell) => ({ type: "emergency", systemCode: w.systems[cell.scope].code, title: `Matris API ${unique()}`, urgency: 2, impact: 2 });
const newCaseForm =
  (intent: "draft" | "submit") =>
  async (cell: Cell): Promise<CellRequest> => ({
    path: "/cases/new",
    form:
      intent === "draft"
        ? { category: "standing-access", intent, title: `Matris utkast ${unique()}`, systemCode: w.systems[cell.scope].code }
        : {
            category: "emergency",
            intent,
            title: `Matris akut ${unique()}`,
            systemCode: w.systems[cell.scope].code,
            kind: "incident",
            urgency: "2",
            impact: "2",
            hours: "4",
          },
  });
const editForm = (intent: "draft" | "submit") =>
  onCase("access-draft", (k) => ({
    path: `/cases/${k.number}/edit`,
    form: {
      intent,
      title: `${k.title} ändrad`,
      systemCode: k.systemCode,
      justification: "Felsökning",
      agreementReference: "AVT-1",
      supplierPeople: "Per Persson",
      accounts: "lev-konsult",
    },
  }));

// Admin fixtures.
const freshOrganisation = (active = true) => makeOrganisation(db(), { kind: "supplier", name: `Matris org ${unique()}`, active });
const freshSystem = async (dependsOn?: number) =>
  makeSystem(db(), { code: `MX${unique().toUpperCase()}`, ownerUnitId: w.orgs.unitA.id }, dependsOn ? { dependsOn: [dependsOn] } : {});
const freshPerson = (status: User["status"] = "active") => makeUser(db(), { organisationId: w.orgs.unitA.id, role: "requester", status });
const freshSubscriber = async () =>
  (
    await db()
      .insert(webhookSubscribers)
      .values({ name: "Matrisens prenumerant", url: "http://127.0.0.1:9/hooks", secret: newWebhookSecret(), events: ["case.approved"] })
      .returning()
  )[0]!;
const systemForm = (code: string, intent?: string) => ({
  ...(intent ? { intent } : {}),
  code,
  name: `System ${code}`,
  ownerUnitId: String(w.orgs.unitA.id),
  informationClass: "internal",
});

// The table ----------------------------------------------------------------------------------------------
//
// Columns of e(…):  anonymous | requester | service-centre | cab | operations | supplier | system-owner | admin
// A triple is [own, other-system, other-org].

const TABLE: Row[] = [
  // — Public pages and the way in ————————————————————————————————————————————————————————————
  // The start page is public; only a requester's dashboard lists cases, and only those on their systems.
  row(
    "GET",
    "/",
    "",
    PER_PLACE,
    listing("open", () => "/"),
    e(H, [S, H, H], H, H, H, H, H, H),
  ),
  row("GET", "/status", "", ONCE, at("/status"), signedIn(200, 200)),
  row("GET", "/status.rss", "", ONCE, at("/status.rss"), signedIn(200, 200)),
  row("GET", "/healthcheck", "", ONCE, at("/healthcheck"), signedIn(200, 200)),
  // The texts' scripts are public (the sign-in page needs them); a name that is not one of this build's is 404.
  row("GET", "/i18n/:bundle/:file", "", ONCE, at(textsAsset("sv", "routes/cases._index")!.href), signedIn(200, 200)),
  row("GET", "/i18n/:bundle/:file", "unknown", ONCE, at("/i18n/sv.000000000000/root.js"), signedIn(404, 404)),
  row("GET", "/*", "", ONCE, at("/no-such-page"), signedIn(404, 404)),
  row("POST", "/*", "", ONCE, at("/no-such-page", { form: {} }), signedIn(404, 404)),
  // The benchmark's floors are inert unless the server runs with BENCH_FLOOR=1 (tests do not).
  row("GET", "/bench/floor", "", ONCE, at("/bench/floor"), signedIn(404, 404)),
  row("GET", "/bench/floor-json", "", ONCE, at("/bench/floor-json"), signedIn(404, 404)),
  row("GET", "/login", "", ONCE, at("/login"), signedIn(200, 302)),
  // A refused password is 401; a signed-in person is then sent on to their start page (the page's loader).
  row(
    "POST",
    "/login",
    "wrong password",
    ONCE,
    async () => ({ path: "/login", form: { email: `ingen-${unique()}@example.se`, password: "fel lösenord igen" } }),
    signedIn(401, 302),
    { mutates: false },
  ),
  row("GET", "/login/verify", "", ONCE, at("/login/verify"), signedIn(L, L)),
  row("POST", "/login/verify", "no parked sign-in", ONCE, at("/login/verify", { form: { intent: "verify", response: "{}" } }), signedIn(L, L)),
  row("GET", "/logout", "", ONCE, at("/logout"), signedIn(302, 302)),
  // Signing out ends the cell's session (anonymous: there is none to end).
  row("POST", "/logout", "", ONCE, async (c) => ({ path: "/logout", form: {}, cookie: await freshSession(c.user) }), signedIn(302, 302), { mutates: false }),
  row("GET", "/language", "", ONCE, at("/language"), signedIn(302, 302)),
  row("POST", "/language", "", ONCE, at("/language", { form: { lang: "sv", redirectTo: "/" } }), signedIn(302, 302), { mutates: false }),
  // An invitation's token is the credential: whoever holds it may use it, signed in or not.
  row("GET", "/invite/:token", "", ONCE, async (c) => ({ path: `/invite/${await c.shared("invitation", () => invitation())}` }), signedIn(200, 200)),
  row(
    "POST",
    "/invite/:token",
    "password",
    ONCE,
    async (c) => ({
      path: `/invite/${await c.shared("invitation-for-password", () => invitation())}`,
      form: { intent: "password", password: PASSWORD, confirm: PASSWORD },
    }),
    signedIn(302, 302),
    { mutates: false },
  ),
  row(
    "POST",
    "/invite/:token",
    "register (bad response)",
    ONCE,
    async (c) => ({ path: `/invite/${await c.shared("invitation+password", () => invitation(true))}`, form: { intent: "register", response: "no" } }),
    signedIn(422, 422),
  ),
  row("GET", "/webauthn/options", "", ONCE, at("/webauthn/options"), signedIn(405, 405)),
  row("POST", "/webauthn/options", "sign-in (nothing parked)", ONCE, at("/webauthn/options", { form: { purpose: "sign-in" } }), signedIn(401, 401)),
  row(
    "POST",
    "/webauthn/options",
    "register-invitation",
    ONCE,
    async (c) => ({
      path: "/webauthn/options",
      form: { purpose: "register-invitation", token: await c.shared("invitation+password", () => invitation(true)) },
    }),
    signedIn(200, 200),
    { mutates: false },
  ),
  row("POST", "/webauthn/options", "register", ONCE, at("/webauthn/options", { form: { purpose: "register" } }), signedIn(L, 200), { mutates: false }),
  row("POST", "/webauthn/options", "reauthenticate", ONCE, at("/webauthn/options", { form: { purpose: "reauthenticate" } }), signedIn(L, 200), {
    mutates: false,
  }),

  // — Case pages ———————————————————————————————————————————————————————————————————————————————————
  //                                                                                                         anon  requester        centre cab  ops  supplier         owner            admin
  row(
    "GET",
    "/cases",
    "",
    PER_PLACE,
    listing("open", (k) => `/cases?${new URLSearchParams({ q: k.title })}`),
    e(L, [S, H, H], S, S, 403, 403, [S, H, H], S),
  ),
  // Each list's CSV shows what the list shows (and only that).
  row(
    "GET",
    "/cases.csv",
    "",
    PER_PLACE,
    listing("open", (k) => `/cases.csv?${new URLSearchParams({ q: k.title })}`),
    e(L, [S, H, H], S, S, 403, 403, [S, H, H], S),
  ),
  row("GET", "/cases/new", "", ONCE, at("/cases/new"), e(L, 200, 403, 403, 403, 403, 403, 403)),
  row("POST", "/cases/new", "draft", PER_PLACE, newCaseForm("draft"), e(L, [302, 422, 422], 403, 403, 403, 403, 403, 403)),
  row("POST", "/cases/new", "submit", PER_PLACE, newCaseForm("submit"), e(L, [302, 422, 422], 403, 403, 403, 403, 403, 403)),
  row(
    "GET",
    "/cases/new",
    "template",
    PER_PLACE,
    onTemplate(false, (id) => ({ path: `/cases/new?template=${id}` })),
    e(L, [200, 404, 404], 403, 403, 403, 403, 403, 403),
  ),
  // A copy of a simple change shows its title (its number is in the page's own address either way).
  row(
    "GET",
    "/cases/new",
    "copy",
    PER_PLACE,
    async (cell) => {
      const k = await marker(cell.scope, "submitted");
      return { path: `/cases/new?type=change&copy=${k.number}`, marker: escapeRegExp(k.title) };
    },
    e(L, [S, H, H], 403, 403, 403, 403, 403, 403),
  ),
  // Templates and standard changes (decision 026): the requesters of a system use its templates; the service centre marks
  // standard changes; the CAB (and the service centre) withdraws them; a template's owner or the service centre removes it.
  row("GET", "/templates", "", ONCE, at("/templates"), e(L, 200, 200, 200, 403, 403, 403, 403)),
  // Reports cover every case: for the service centre, the CAB and the administrator, whose scope is all of them.
  row("GET", "/reports", "", ONCE, at("/reports"), e(L, 403, 200, 200, 403, 403, 403, 200)),
  row("GET", "/reports.csv", "", ONCE, at("/reports.csv?figure=monthly"), e(L, 403, 200, 200, 403, 403, 403, 200)),
  row(
    "POST",
    "/templates",
    "standard",
    PER_PLACE,
    onTemplate(false, (id) => ({ path: "/templates", form: { intent: "standard", id: String(id), reference: "CAB 2026-12-03 §4" } })),
    e(L, 403, 302, 403, 403, 403, 403, 403),
  ),
  row(
    "POST",
    "/templates",
    "withdraw",
    PER_PLACE,
    onTemplate(true, (id) => ({ path: "/templates", form: { intent: "withdraw", id: String(id), reason: "Gäller inte längre" } })),
    e(L, 403, 302, 302, 403, 403, 403, 403),
  ),
  row(
    "POST",
    "/templates",
    "archive",
    PER_PLACE,
    onTemplate(false, (id) => ({ path: "/templates", form: { intent: "archive", id: String(id) } })),
    e(L, [302, 404, 404], 302, 403, 403, 403, 403, 403),
  ),
  row(
    "GET",
    "/cases/:number",
    "",
    PER_PLACE,
    onCase("open", (k) => ({ path: `/cases/${k.number}` })),
    e(L, [200, 404, 404], 200, 200, 200, [200, 200, 404], [200, 404, 404], 200),
  ),
  row(
    "POST",
    "/cases/:number",
    "notice",
    PER_PLACE,
    caseForm("submitted", { intent: "notice", target: "operations", note: "För kännedom" }),
    e(L, [403, 404, 404], 302, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  // Kept as a template by a requester of its system (decision 026).
  row(
    "POST",
    "/cases/:number",
    "template",
    PER_PLACE,
    caseForm("open", { intent: "template", name: "Matrisens mall" }),
    e(L, [302, 404, 404], 403, 403, 403, 403, 403, 403),
  ),
  // The thread and the files: everyone who sees the case but the administrator (app/cases/comments.server.ts).
  row(
    "POST",
    "/cases/:number",
    "comment",
    PER_PLACE,
    caseForm("open", { intent: "comment", body: "Matrisens kommentar" }),
    e(L, [302, 404, 404], 302, 302, 302, [302, 302, 404], [302, 404, 404], 403),
    { event: "COMMENTED" },
  ),
  row(
    "POST",
    "/cases/:number",
    "attach",
    PER_PLACE,
    onCase("open", (k) => ({ path: `/cases/${k.number}`, multipart: fileForm("attach") })),
    e(L, [302, 404, 404], 302, 302, 302, [302, 302, 404], [302, 404, 404], 403),
    { event: "ATTACHMENT_ADDED" },
  ),
  // A download is in the trail, but changes nothing else: the same answers as the case page, and an internal file is not the supplier's.
  row(
    "GET",
    "/cases/:number/attachments/:id",
    "shared",
    PER_PLACE,
    onFile(true, (k, id) => ({ path: `/cases/${k.number}/attachments/${id}` })),
    e(L, [200, 404, 404], 200, 200, 200, [200, 200, 404], [200, 404, 404], 200),
  ),
  row(
    "GET",
    "/cases/:number/attachments/:id",
    "internal",
    PER_PLACE,
    onFile(false, (k, id) => ({ path: `/cases/${k.number}/attachments/${id}` })),
    e(L, [200, 404, 404], 200, 200, 200, 404, [200, 404, 404], 200),
  ),
  // The public status page's disturbance: the service centre only, on a priority 1–2 incident it sees.
  row(
    "POST",
    "/cases/:number",
    "disturbance",
    PER_PLACE,
    caseForm("approved", { intent: "disturbance", action: "publish", publicText: "Inloggningen fungerar inte." }),
    e(L, [403, 404, 404], 302, 403, 403, [403, 403, 404], [403, 404, 404], 403),
    { event: "DISTURBANCE_PUBLISHED" },
  ),
  row(
    "POST",
    "/cases/:number",
    "CANCEL",
    PER_PLACE,
    caseForm("submitted", { intent: "CANCEL" }),
    e(L, [302, 404, 404], 302, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/cases/:number",
    "APPROVE",
    PER_PLACE,
    caseForm("in-review", { intent: "APPROVE", ...REASON }),
    e(L, [403, 404, 404], 302, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/cases/:number",
    "GRANT",
    PER_PLACE,
    caseForm("approved", { intent: "GRANT" }),
    e(L, [403, 404, 404], 403, 403, 302, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/cases/:number",
    "END",
    PER_PLACE,
    caseForm("open", { intent: "END" }),
    e(L, [302, 404, 404], 403, 403, 403, [302, 302, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/cases/:number",
    "APPROVE_EXTENSION",
    PER_PLACE,
    caseForm("extension-pending", { intent: "APPROVE_EXTENSION", ...REASON }),
    e(L, [403, 404, 404], 302, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/cases/:number",
    "PROPOSE_WINDOW",
    PER_PLACE,
    onCase("deferred", (k) => {
      const later = windowAhead(41);
      return { path: `/cases/${k.number}`, form: { intent: "PROPOSE_WINDOW", start: isoToStockholmLocal(later.start), end: isoToStockholmLocal(later.end) } };
    }),
    e(L, [302, 404, 404], 403, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/cases/:number",
    "CONSENT",
    PER_PLACE,
    caseForm("awaiting-consent", { intent: "CONSENT" }),
    e(L, [403, 404, 404], 403, 403, 403, [403, 403, 404], [302, 404, 404], 403),
  ),
  row(
    "GET",
    "/cases/:number/edit",
    "",
    PER_PLACE,
    onCase("access-draft", (k) => ({ path: `/cases/${k.number}/edit` })),
    e(L, [200, 404, 404], 403, 403, 403, 403, 403, 403),
  ),
  row("POST", "/cases/:number/edit", "draft", PER_PLACE, editForm("draft"), e(L, [302, 404, 404], 403, 403, 403, 403, 403, 403)),
  row("POST", "/cases/:number/edit", "submit", PER_PLACE, editForm("submit"), e(L, [302, 404, 404], 403, 403, 403, 403, 403, 403)),

  // — The places of each role ————————————————————————————————————————————————————————————————————
  row(
    "GET",
    "/service-centre",
    "",
    PER_PLACE,
    listing("submitted", () => "/service-centre"),
    e(L, 403, S, 403, 403, 403, 403, 403),
  ),
  row(
    "GET",
    "/service-centre.csv",
    "",
    PER_PLACE,
    listing("submitted", () => "/service-centre.csv"),
    e(L, 403, S, 403, 403, 403, 403, 403),
  ),
  row(
    "GET",
    "/operations",
    "",
    PER_PLACE,
    listing("open", () => "/operations"),
    e(L, 403, S, 403, S, 403, 403, 403),
  ),
  row(
    "GET",
    "/operations.csv",
    "",
    PER_PLACE,
    listing("open", () => "/operations.csv"),
    e(L, 403, S, 403, S, 403, 403, 403),
  ),
  // The service centre looks on; only operations opens and closes (the workflow refuses the centre).
  row("POST", "/operations", "GRANT", PER_PLACE, operationsForm("approved", "GRANT"), e(L, 403, 403, 403, 302, 403, 403, 403)),
  row("POST", "/operations", "REVOKE", PER_PLACE, operationsForm("open", "REVOKE"), e(L, 403, 403, 403, 302, 403, 403, 403)),
  // A standing access's accounts: operations creates them after the consent and removes them after the end.
  row("POST", "/operations", "ACCOUNT_CREATED", PER_PLACE, operationsForm("active", "ACCOUNT_CREATED"), e(L, 403, 403, 403, 302, 403, 403, 403)),
  row("POST", "/operations", "ACCOUNT_REMOVED", PER_PLACE, operationsForm("revoked", "ACCOUNT_REMOVED"), e(L, 403, 403, 403, 302, 403, 403, 403)),
  row(
    "GET",
    "/owner",
    "",
    PER_PLACE,
    listing("active", () => "/owner"),
    e(L, 403, 403, 403, 403, 403, [S, H, H], 403),
  ),
  row("POST", "/owner", "consent", PER_PLACE, ownerForm("awaiting-consent", "consent"), e(L, 403, 403, 403, 403, 403, [302, 404, 404], 403), {
    event: "CONSENT",
  }),
  row("POST", "/owner", "refuse", PER_PLACE, ownerForm("awaiting-consent", "refuse"), e(L, 403, 403, 403, 403, 403, [302, 404, 404], 403), {
    event: "REFUSE_CONSENT",
  }),
  row("POST", "/owner", "review", PER_PLACE, ownerForm("review-due", "review"), e(L, 403, 403, 403, 403, 403, [302, 404, 404], 403), { event: "REVIEW" }),
  row("POST", "/owner", "revoke", PER_PLACE, ownerForm("active", "revoke"), e(L, 403, 403, 403, 403, 403, [302, 404, 404], 403), { event: "REVOKE_ACCESS" }),
  row(
    "GET",
    "/supplier",
    "",
    PER_PLACE,
    listing("open", () => "/supplier"),
    e(L, 403, 403, 403, 403, [S, S, H], 403, 403),
  ),
  row(
    "POST",
    "/supplier",
    "end",
    PER_PLACE,
    onCase("open", (k) => ({ path: "/supplier", form: { intent: "end", number: k.number, reason: "" } })),
    e(L, 403, 403, 403, 403, [302, 302, 404], 403, 403),
    { event: "END" },
  ),
  row(
    "POST",
    "/supplier",
    "extend",
    PER_PLACE,
    onCase("open", (k) => ({ path: "/supplier", form: { intent: "extend", number: k.number, end: isoToStockholmLocal(later(k)), ...REASON } })),
    e(L, 403, 403, 403, 403, [302, 302, 404], 403, 403),
    { event: "REQUEST_EXTENSION" },
  ),
  row(
    "POST",
    "/supplier",
    "create-feed",
    ONCE,
    async (c) => ({ path: "/supplier", form: { intent: "create-feed" }, cookie: await freshSession(c.user) }),
    e(L, 403, 403, 403, 403, 200, 403, 403),
  ),
  row(
    "POST",
    "/supplier",
    "create-feed (stale check)",
    ONCE,
    async (c) => ({ path: "/supplier", form: { intent: "create-feed" }, cookie: await freshSession(c.user, { stale: true }) }),
    e(L, 403, 403, 403, 403, 403, 403, 403),
  ),
  row(
    "POST",
    "/supplier",
    "reauthenticate (bad response)",
    ONCE,
    at("/supplier", { form: { intent: "reauthenticate", response: "no" } }),
    e(L, 403, 403, 403, 403, 401, 403, 403),
  ),
  row("POST", "/supplier", "revoke-feed", ONCE, at("/supplier", { form: { intent: "revoke-feed" } }), e(L, 403, 403, 403, 403, 302, 403, 403)),
  row("GET", "/feeds/supplier/:token.ics", "", PER_PLACE, feedOf("supplier"), e(404, 404, 404, 404, 404, [S, S, H], 404, 404)),
  row(
    "GET",
    "/schedule",
    "",
    PER_PLACE,
    listing("open", (k) => `/schedule?system=${k.systemCode}`),
    e(L, [S, H, H], S, S, S, [S, S, H], [S, H, H], S),
  ),
  row(
    "POST",
    "/schedule",
    "create-feed",
    ONCE,
    async (c) => ({ path: "/schedule", form: { intent: "create-feed" }, cookie: await freshSession(c.user) }),
    signedIn(L, 200),
  ),
  row(
    "POST",
    "/schedule",
    "create-feed (stale check)",
    ONCE,
    async (c) => ({ path: "/schedule", form: { intent: "create-feed" }, cookie: await freshSession(c.user, { stale: true }) }),
    signedIn(L, 403),
  ),
  row("POST", "/schedule", "reauthenticate (bad response)", ONCE, at("/schedule", { form: { intent: "reauthenticate", response: "no" } }), signedIn(L, 401)),
  row("POST", "/schedule", "revoke-feed", ONCE, at("/schedule", { form: { intent: "revoke-feed" } }), signedIn(L, 302)),
  row("GET", "/feeds/schedule/:token.ics", "", PER_PLACE, feedOf("schedule"), e(404, [S, H, H], S, S, S, [S, S, H], [S, H, H], S)),

  // — The change advisory board ————————————————————————————————————————————————————————————————————
  row("GET", "/cab", "", ONCE, at("/cab"), e(L, 403, 200, 200, 403, 403, 403, 403)),
  row(
    "POST",
    "/cab",
    "addMeeting",
    ONCE,
    async () => ({ path: "/cab", form: { intent: "addMeeting", date: dayIn2031(next()), time: "09:30", location: "Rum" } }),
    e(L, 403, 302, 403, 403, 403, 403, 403),
  ),
  // The chair calls an extra meeting for an advanced change waiting for the board.
  row(
    "POST",
    "/cab",
    "extraMeeting",
    PER_PLACE,
    onCase("awaiting-cab", (k) => {
      // Tomorrow or so, each cell a minute of its own (a meeting's time is unique).
      const at = new Date(Date.now() + 30 * 3600_000 + next() * 60_000);
      const local = isoToStockholmLocal(at);
      return { path: "/cab", form: { intent: "extraMeeting", number: k.number, date: local.slice(0, 10), time: local.slice(11), reason: "Brådskande" } };
    }),
    e(L, 403, 302, 403, 403, 403, 403, 403),
  ),
  row(
    "POST",
    "/cab",
    "addRule",
    ONCE,
    async () => ({ path: "/cab", form: { intent: "addRule", weekday: "5", time: minutePast(7, next()), location: "Rum" } }),
    e(L, 403, 302, 403, 403, 403, 403, 403),
  ),
  row(
    "POST",
    "/cab",
    "deactivateRule",
    ONCE,
    async (c) => {
      // The rule's meetings are made at once, as addRule does (the page would otherwise make them on its next read).
      const [rule] = await c.shared("cab-rule", async () => {
        const made = await db()
          .insert(cabMeetingRules)
          .values({ weekday: 4, time: minutePast(6, next()), active: true })
          .returning();
        await upcomingMeetings(db());
        return made;
      });
      return { path: "/cab", form: { intent: "deactivateRule", rule: String(rule!.id) } };
    },
    e(L, 403, 302, 403, 403, 403, 403, 403),
  ),
  row("GET", "/cab/meetings/:id", "", ONCE, async () => ({ path: `/cab/meetings/${w.firstMeeting.id}` }), e(L, 403, 200, 200, 403, 403, 403, 403)),
  row(
    "GET",
    "/cab/meetings/:id/minutes",
    "",
    ONCE,
    async () => ({ path: `/cab/meetings/${w.firstMeeting.id}/minutes` }),
    e(L, 403, 200, 200, 403, 403, 403, 403),
  ),
  row(
    "GET",
    "/cab/meetings/:id/minutes.csv",
    "",
    ONCE,
    async () => ({ path: `/cab/meetings/${w.firstMeeting.id}/minutes.csv` }),
    e(L, 403, 200, 200, 403, 403, 403, 403),
  ),
  // Members vote and comment; the chair (the service centre) comments and records the decision.
  row("POST", "/cab/meetings/:id", "vote", PER_PLACE, agendaForm({ intent: "vote", vote: "approve" }), e(L, 403, 403, 302, 403, 403, 403, 403), {
    mutates: false,
  }),
  row("POST", "/cab/meetings/:id", "comment", PER_PLACE, agendaForm({ intent: "comment", body: "Ser bra ut" }), e(L, 403, 302, 302, 403, 403, 403, 403), {
    mutates: false,
  }),
  row("POST", "/cab/meetings/:id", "approve", PER_PLACE, agendaForm({ intent: "approve", ...REASON }), e(L, 403, 302, 403, 403, 403, 403, 403), {
    event: "CAB_APPROVE",
  }),
  row(
    "POST",
    "/cab/meetings/:id",
    "approveWithConditions",
    PER_PLACE,
    agendaForm({ intent: "approveWithConditions", conditions: "Efter kl. 18", ...REASON }),
    e(L, 403, 302, 403, 403, 403, 403, 403),
    { event: "CAB_APPROVE_WITH_CONDITIONS" },
  ),
  row(
    "POST",
    "/cab/meetings/:id",
    "defer",
    PER_PLACE,
    agendaForm(async (k) => ({ intent: "defer", meetingId: String(await laterMeetingThan(db(), k.meetingId!)) })),
    e(L, 403, 302, 403, 403, 403, 403, 403),
    { event: "CAB_DEFER" },
  ),
  row("POST", "/cab/meetings/:id", "reject", PER_PLACE, agendaForm({ intent: "reject", ...REASON }), e(L, 403, 302, 403, 403, 403, 403, 403), {
    event: "CAB_REJECT",
  }),
  // The chair records the board's follow-up of an implemented change (here an emergency whose outcome is reported).
  row(
    "POST",
    "/cab/meetings/:id",
    "review",
    PER_PLACE,
    onCase("outcome-reported", (k) => ({ path: `/cab/meetings/${w.firstMeeting.id}`, form: { intent: "review", number: k.number, note: "Uppföljd" } })),
    e(L, 403, 302, 403, 403, 403, 403, 403),
  ),
  // The meeting held: the service centre opens (with a quorum) and closes it; a member present adjusts the minutes.
  row(
    "POST",
    "/cab/meetings/:id",
    "open",
    ONCE,
    meetingForm("scheduled", () => ({ intent: "open", member: String(w.callers.cab.id), "substitute-0": "Ersättare Erik Ek" })),
    e(L, 403, 302, 403, 403, 403, 403, 403),
  ),
  row(
    "POST",
    "/cab/meetings/:id",
    "close",
    ONCE,
    meetingForm("in-session", () => ({ intent: "close" })),
    e(L, 403, 302, 403, 403, 403, 403, 403),
  ),
  row(
    "POST",
    "/cab/meetings/:id",
    "adjust",
    ONCE,
    meetingForm("closed", () => ({ intent: "adjust" })),
    e(L, 403, 403, 302, 403, 403, 403, 403),
  ),

  // — Settings: the caller's own things only (another person's answer 404) ——————————————————————————————
  row("GET", "/settings", "", ONCE, at("/settings"), signedIn(L, 200)),
  // Substitutes (app/access/substitutes.server.ts): system administrators and owners name them; anyone ends their own.
  row(
    "POST",
    "/settings",
    "name-substitute",
    ONCE,
    async (c) => ({ path: "/settings", form: { intent: "name-substitute", ...(await substituteFor(c.user)) } }),
    e(L, 302, 403, 403, 403, 403, 302, 403),
  ),
  row(
    "POST",
    "/settings",
    "end-substitute",
    ONCE,
    async (c) => ({ path: "/settings", form: { intent: "end-substitute", id: await substitutionOf(c.user) } }),
    signedIn(L, 302),
  ),
  // Changes that would let a session keep the account need a key check in the last five minutes (signing in is one).
  row(
    "POST",
    "/settings",
    "create-token (recent check)",
    ONCE,
    async (c) => ({ path: "/settings", form: { intent: "create-token", name: "Matris" }, cookie: await freshSession(c.user) }),
    signedIn(L, 200),
  ),
  row(
    "POST",
    "/settings",
    "create-token (stale check)",
    ONCE,
    async (c) => ({ path: "/settings", form: { intent: "create-token", name: "Matris" }, cookie: await freshSession(c.user, { stale: true }) }),
    signedIn(L, 403),
  ),
  row(
    "POST",
    "/settings",
    "remove-key (stale check)",
    ONCE,
    async (c) => ({
      path: "/settings",
      form: { intent: "remove-key", id: c.user ? (await addKeys(db(), c.user))[0]! : "x" },
      cookie: await freshSession(c.user, { stale: true }),
    }),
    signedIn(L, 403),
  ),
  row(
    "POST",
    "/settings",
    "add-key (stale check)",
    ONCE,
    async (c) => ({ path: "/settings", form: { intent: "add-key", response: "no", name: "Nyckel" }, cookie: await freshSession(c.user, { stale: true }) }),
    signedIn(L, 403),
  ),
  row(
    "POST",
    "/settings",
    "revoke-token",
    PER_PLACE,
    personal(async (p) => ({ intent: "revoke-token", id: String((await createApiToken(db(), p.id, "x")).row.id) })),
    signedIn(L, [302, 404, 404]),
  ),
  row(
    "POST",
    "/settings",
    "end-session",
    PER_PLACE,
    personal(async (p) => ({ intent: "end-session", id: hashToken(await createSession(db(), p.id)) })),
    signedIn(L, [302, 404, 404]),
  ),
  row(
    "POST",
    "/settings",
    "rename-key",
    PER_PLACE,
    personal(async (p) => ({ intent: "rename-key", id: (await addKeys(db(), p))[0]!, name: "Omdöpt" })),
    signedIn(L, [302, 404, 404]),
  ),
  row(
    "POST",
    "/settings",
    "remove-key",
    PER_PLACE,
    personal(async (p) => ({ intent: "remove-key", id: (await addKeys(db(), p))[0]! })),
    signedIn(L, [302, 404, 404]),
  ),
  row("POST", "/settings", "add-key (bad response)", ONCE, at("/settings", { form: { intent: "add-key", response: "no", name: "Nyckel" } }), signedIn(L, 422)),
  row("POST", "/settings", "reauthenticate (bad response)", ONCE, at("/settings", { form: { intent: "reauthenticate", response: "no" } }), signedIn(L, 401)),
  // A new password needs a WebAuthn check in the last five minutes (signing in is one).
  row(
    "POST",
    "/settings",
    "password (recent check)",
    ONCE,
    async (c) => ({ path: "/settings", form: { intent: "password", password: PASSWORD, confirm: PASSWORD }, cookie: await freshSession(c.user) }),
    signedIn(L, 302),
  ),
  row(
    "POST",
    "/settings",
    "password (stale check)",
    ONCE,
    async (c) => ({
      path: "/settings",
      form: { intent: "password", password: PASSWORD, confirm: PASSWORD },
      cookie: await freshSession(c.user, { stale: true }),
    }),
    signedIn(L, 403),
  ),

  // — Administration ————————————————————————————————————————————————————————————————————————————————
  row("GET", "/admin", "", ONCE, at("/admin"), e(L, 403, 403, 403, 403, 403, 403, 200)),
  row("GET", "/admin/organisations", "", ONCE, at("/admin/organisations"), e(L, 403, 403, 403, 403, 403, 403, 200)),
  row("GET", "/admin/organisations/new", "", ONCE, at("/admin/organisations/new"), e(L, 403, 403, 403, 403, 403, 403, 200)),
  row(
    "POST",
    "/admin/organisations/new",
    "",
    ONCE,
    async () => ({ path: "/admin/organisations/new", form: { name: `Matris ny org ${unique()}`, kind: "supplier", mailbox: "ny@lev.example" } }),
    e(L, 403, 403, 403, 403, 403, 403, 302),
  ),
  row("GET", "/admin/organisations/:id", "", ONCE, async () => ({ path: `/admin/organisations/${w.orgs.unitA.id}` }), e(L, 403, 403, 403, 403, 403, 403, 200)),
  row(
    "POST",
    "/admin/organisations/:id",
    "save",
    ONCE,
    async (c) => ({
      path: `/admin/organisations/${(await c.shared("organisation", () => freshOrganisation())).id}`,
      form: { intent: "save", name: `Matris org ${unique()}`, kind: "supplier", mailbox: "org@lev.example" },
    }),
    e(L, 403, 403, 403, 403, 403, 403, 302),
  ),
  row(
    "POST",
    "/admin/organisations/:id",
    "deactivate",
    ONCE,
    async (c) => ({ path: `/admin/organisations/${(await c.shared("organisation", () => freshOrganisation())).id}`, form: { intent: "deactivate" } }),
    e(L, 403, 403, 403, 403, 403, 403, 302),
  ),
  row(
    "POST",
    "/admin/organisations/:id",
    "reactivate",
    ONCE,
    async (c) => ({
      path: `/admin/organisations/${(await c.shared("organisation-inactive", () => freshOrganisation(false))).id}`,
      form: { intent: "reactivate" },
    }),
    e(L, 403, 403, 403, 403, 403, 403, 302),
  ),
  row("GET", "/admin/systems", "", ONCE, at("/admin/systems"), e(L, 403, 403, 403, 403, 403, 403, 200)),
  row("GET", "/admin/systems/new", "", ONCE, at("/admin/systems/new"), e(L, 403, 403, 403, 403, 403, 403, 200)),
  row(
    "POST",
    "/admin/systems/new",
    "",
    ONCE,
    async () => ({ path: "/admin/systems/new", form: systemForm(`MXN${unique().toUpperCase()}`) }),
    e(L, 403, 403, 403, 403, 403, 403, 302),
  ),
  row("GET", "/admin/systems/:code", "", ONCE, async () => ({ path: `/admin/systems/${w.systems.own.code}` }), e(L, 403, 403, 403, 403, 403, 403, 200)),
  row(
    "POST",
    "/admin/systems/:code",
    "save",
    ONCE,
    async (c) => {
      const s = await c.shared("system", () => freshSystem());
      return { path: `/admin/systems/${s.code}`, form: systemForm(s.code, "save") };
    },
    e(L, 403, 403, 403, 403, 403, 403, 302),
  ),
  row(
    "POST",
    "/admin/systems/:code",
    "deactivate",
    ONCE,
    async (c) => ({ path: `/admin/systems/${(await c.shared("system", () => freshSystem())).code}`, form: { intent: "deactivate" } }),
    e(L, 403, 403, 403, 403, 403, 403, 302),
  ),
  row(
    "POST",
    "/admin/systems/:code",
    "reactivate",
    ONCE,
    async (c) => ({ path: `/admin/systems/${(await c.shared("system", () => freshSystem())).code}`, form: { intent: "reactivate" } }),
    e(L, 403, 403, 403, 403, 403, 403, 302),
  ),
  row(
    "POST",
    "/admin/systems/:code",
    "add-dependency",
    ONCE,
    async (c) => ({
      path: `/admin/systems/${(await c.shared("system", () => freshSystem())).code}`,
      form: { intent: "add-dependency", dependsOn: w.systems.own.code },
    }),
    e(L, 403, 403, 403, 403, 403, 403, 302),
  ),
  row(
    "POST",
    "/admin/systems/:code",
    "remove-dependency",
    ONCE,
    async (c) => ({
      path: `/admin/systems/${(await c.shared("system-with-dependency", () => freshSystem(w.systems.own.id))).code}`,
      form: { intent: "remove-dependency", dependsOnId: String(w.systems.own.id) },
    }),
    e(L, 403, 403, 403, 403, 403, 403, 302),
  ),
  row("GET", "/admin/users", "", ONCE, at("/admin/users"), e(L, 403, 403, 403, 403, 403, 403, 200)),
  // Administrators invite anyone; the service centre only supplier people.
  row("GET", "/admin/users/new", "", ONCE, at("/admin/users/new"), e(L, 403, 200, 403, 403, 403, 403, 200)),
  row(
    "POST",
    "/admin/users/new",
    "a supplier person",
    ONCE,
    async () => ({
      path: "/admin/users/new",
      form: { email: `lev-${unique()}@lev.example`, name: "Ny Konsult", role: "supplier", organisationId: String(w.orgs.supplier1.id) },
    }),
    e(L, 403, 200, 403, 403, 403, 403, 200),
  ),
  row(
    "POST",
    "/admin/users/new",
    "an administrator",
    ONCE,
    async () => ({
      path: "/admin/users/new",
      form: { email: `adm-${unique()}@kommun.example`, name: "Ny Admin", role: "admin", organisationId: String(w.orgs.unitA.id) },
    }),
    e(L, 403, 422, 403, 403, 403, 403, 200),
  ),
  row("GET", "/admin/users/:id", "", ONCE, async () => ({ path: `/admin/users/${w.callers.requester.id}` }), e(L, 403, 403, 403, 403, 403, 403, 200)),
  row(
    "POST",
    "/admin/users/:id",
    "save",
    ONCE,
    async (c) => ({
      path: `/admin/users/${(await c.shared("person", () => freshPerson())).id}`,
      form: { intent: "save", name: "Omdöpt Person", role: "requester", organisationId: String(w.orgs.unitA.id) },
    }),
    e(L, 403, 403, 403, 403, 403, 403, 302),
  ),
  row(
    "POST",
    "/admin/users/:id",
    "deactivate",
    ONCE,
    async (c) => ({ path: `/admin/users/${(await c.shared("person", () => freshPerson())).id}`, form: { intent: "deactivate" } }),
    e(L, 403, 403, 403, 403, 403, 403, 302),
  ),
  row(
    "POST",
    "/admin/users/:id",
    "reactivate",
    ONCE,
    async (c) => ({ path: `/admin/users/${(await c.shared("person-deactivated", () => freshPerson("deactivated"))).id}`, form: { intent: "reactivate" } }),
    e(L, 403, 403, 403, 403, 403, 403, 302),
  ),
  row(
    "POST",
    "/admin/users/:id",
    "reset",
    ONCE,
    async (c) => ({ path: `/admin/users/${(await c.shared("person", () => freshPerson())).id}`, form: { intent: "reset" } }),
    e(L, 403, 403, 403, 403, 403, 403, 200),
  ),
  // The board's quorum: the administrator's.
  row("GET", "/admin/cab", "", ONCE, at("/admin/cab"), e(L, 403, 403, 403, 403, 403, 403, 200)),
  row("POST", "/admin/cab", "", ONCE, at("/admin/cab", { form: { quorum: "2" } }), e(L, 403, 403, 403, 403, 403, 403, 302)),
  // Blackouts, the outbox and the audit export: administrators and the service centre.
  row("GET", "/admin/blackouts", "", ONCE, at("/admin/blackouts"), e(L, 403, 200, 403, 403, 403, 403, 200)),
  row(
    "POST",
    "/admin/blackouts",
    "create",
    ONCE,
    async () => ({ path: "/admin/blackouts", form: { intent: "create", start: "2035-01-02T08:00", end: "2035-01-02T10:00", reason: "Matrisens frysperiod" } }),
    e(L, 403, 302, 403, 403, 403, 403, 302),
  ),
  row(
    "POST",
    "/admin/blackouts",
    "delete",
    ONCE,
    async (c) => {
      const [b] = await c.shared("blackout", () =>
        db()
          .insert(blackoutPeriods)
          .values({ startsAt: new Date("2035-02-01T08:00:00Z"), endsAt: new Date("2035-02-01T10:00:00Z"), reason: "Matris" })
          .returning(),
      );
      return { path: "/admin/blackouts", form: { intent: "delete", id: String(b!.id) } };
    },
    e(L, 403, 302, 403, 403, 403, 403, 302),
  ),
  // Webhook subscribers: the administrator's alone (their secrets sign what the portal sends).
  row("GET", "/admin/webhooks", "", ONCE, at("/admin/webhooks"), e(L, 403, 403, 403, 403, 403, 403, 200)),
  row(
    "POST",
    "/admin/webhooks",
    "",
    ONCE,
    at("/admin/webhooks", { form: { name: "Matrisens mottagare", url: "http://127.0.0.1:9/hooks", events: "case.approved" } }),
    e(L, 403, 403, 403, 403, 403, 403, 302),
  ),
  row(
    "GET",
    "/admin/webhooks/:id",
    "",
    ONCE,
    async (c) => ({ path: `/admin/webhooks/${(await c.shared("subscriber", () => freshSubscriber())).id}` }),
    e(L, 403, 403, 403, 403, 403, 403, 200),
  ),
  row(
    "POST",
    "/admin/webhooks/:id",
    "pause",
    ONCE,
    async (c) => ({ path: `/admin/webhooks/${(await c.shared("subscriber", () => freshSubscriber())).id}`, form: { intent: "pause" } }),
    e(L, 403, 403, 403, 403, 403, 403, 302),
  ),
  row(
    "POST",
    "/admin/webhooks/:id",
    "resume",
    ONCE,
    async (c) => ({ path: `/admin/webhooks/${(await c.shared("subscriber-resume", () => freshSubscriber())).id}`, form: { intent: "resume" } }),
    e(L, 403, 403, 403, 403, 403, 403, 302),
  ),
  row(
    "POST",
    "/admin/webhooks/:id",
    "new-secret",
    ONCE,
    async (c) => ({ path: `/admin/webhooks/${(await c.shared("subscriber-new-secret", () => freshSubscriber())).id}`, form: { intent: "new-secret" } }),
    e(L, 403, 403, 403, 403, 403, 403, 302),
  ),
  row(
    "POST",
    "/admin/webhooks/:id",
    "delete",
    ONCE,
    async (c) => ({ path: `/admin/webhooks/${(await c.shared("subscriber-delete", () => freshSubscriber())).id}`, form: { intent: "delete" } }),
    e(L, 403, 403, 403, 403, 403, 403, 302),
  ),
  row("GET", "/admin/outbox", "", ONCE, at("/admin/outbox"), e(L, 403, 200, 403, 403, 403, 403, 200)),
  row(
    "GET",
    "/audit.csv",
    "",
    ONCE,
    async () => ({ path: `/audit.csv?case=${(await marker("own", "open")).number}` }),
    e(L, 403, 200, 403, 403, 403, 403, 200),
  ),

  // — JSON API v1 (bearer token; anonymous: 401) ——————————————————————————————————————————————————————
  //                                                                                                         anon  requester        centre cab  ops  supplier         owner            admin
  row("GET", "/api/v1/me", "", ONCE, at("/api/v1/me"), signedIn(401, 200)),
  row("GET", "/api/v1/substitutes", "", ONCE, at("/api/v1/substitutes"), signedIn(401, 200)),
  row("GET", "/api/v1/reports", "", ONCE, at("/api/v1/reports"), e(401, 403, 200, 200, 403, 403, 403, 200)),
  row(
    "POST",
    "/api/v1/substitutes",
    "",
    ONCE,
    async (c) => {
      const { substituteId, startsOn, endsOn } = await substituteFor(c.user);
      return { path: "/api/v1/substitutes", json: { substituteId: Number(substituteId), startsOn, endsOn } };
    },
    e(401, 201, 403, 403, 403, 403, 201, 403),
  ),
  row(
    "POST",
    "/api/v1/substitutes/:id",
    "",
    ONCE,
    async (c) => ({ path: `/api/v1/substitutes/${await substitutionOf(c.user)}`, json: { action: "end" } }),
    signedIn(401, 200),
  ),
  row("GET", "/api/v1/systems", "", ONCE, at("/api/v1/systems"), signedIn(401, 200)),
  row("GET", "/api/v1/lead-time", "", ONCE, at("/api/v1/lead-time?type=simple-change&submittedDate=2026-12-21"), signedIn(200, 200)),
  row("GET", "/api/v1/openapi.json", "", ONCE, at("/api/v1/openapi.json"), signedIn(200, 200)),
  row("GET", "/api/v1/*", "", ONCE, at("/api/v1/no-such-thing"), signedIn(401, 404)),
  row("POST", "/api/v1/*", "", ONCE, at("/api/v1/no-such-thing", { json: {} }), signedIn(401, 404)),
  row("GET", "/api/v1/templates", "", ONCE, at("/api/v1/templates"), e(401, 200, 200, 200, 403, 403, 403, 403)),
  row(
    "POST",
    "/api/v1/templates",
    "",
    PER_PLACE,
    onCase("open", (k) => ({ path: "/api/v1/templates", json: { name: `API-mall ${unique()}`, fromCase: k.number } })),
    e(401, [201, 404, 404], 403, 403, 403, 403, 403, 403),
    { event: "" },
  ),
  row("GET", "/api/v1/templates/:id", "", ONCE, at("/api/v1/templates/1"), signedIn(401, 405)),
  row(
    "POST",
    "/api/v1/templates/:id",
    "standard",
    PER_PLACE,
    onTemplate(false, (id) => ({ path: `/api/v1/templates/${id}`, json: { action: "standard", reference: "CAB 2026-12-03 §4" } })),
    e(401, 403, 200, 403, 403, 403, 403, 403),
  ),
  row(
    "POST",
    "/api/v1/templates/:id",
    "withdraw",
    PER_PLACE,
    onTemplate(true, (id) => ({ path: `/api/v1/templates/${id}`, json: { action: "withdraw", reason: "Gäller inte längre" } })),
    e(401, 403, 200, 200, 403, 403, 403, 403),
  ),
  row(
    "POST",
    "/api/v1/templates/:id",
    "archive",
    PER_PLACE,
    onTemplate(false, (id) => ({ path: `/api/v1/templates/${id}`, json: { action: "archive" } })),
    e(401, [200, 404, 404], 200, 403, 403, 403, 403, 403),
  ),
  row(
    "GET",
    "/api/v1/cases",
    "",
    PER_PLACE,
    listing("open", (k) => `/api/v1/cases?${new URLSearchParams({ q: k.title })}`),
    e(401, [S, H, H], S, S, S, [S, S, H], [S, H, H], S),
  ),
  // Only requesters create cases, and only on systems they administer (another system is a field error).
  row(
    "POST",
    "/api/v1/cases",
    "",
    PER_PLACE,
    async (c) => ({ path: "/api/v1/cases", json: emergencyJson(c) }),
    e(401, [201, 422, 422], 403, 403, 403, 403, 403, 403),
  ),
  row(
    "GET",
    "/api/v1/cases/:number",
    "",
    PER_PLACE,
    onCase("open", (k) => ({ path: `/api/v1/cases/${k.number}` })),
    e(401, [200, 404, 404], 200, 200, 200, [200, 200, 404], [200, 404, 404], 200),
  ),
  // Conflicts name other suppliers' work: never for suppliers.
  row(
    "GET",
    "/api/v1/cases/:number/conflicts",
    "",
    PER_PLACE,
    onCase("open", (k) => ({ path: `/api/v1/cases/${k.number}/conflicts` })),
    e(401, [200, 404, 404], 200, 200, 200, 403, [200, 404, 404], 200),
  ),
  row(
    "GET",
    "/api/v1/cases/:number/comments",
    "",
    PER_PLACE,
    onCase("open", (k) => ({ path: `/api/v1/cases/${k.number}/comments` })),
    e(401, [200, 404, 404], 200, 200, 200, [200, 200, 404], [200, 404, 404], 200),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/comments",
    "",
    PER_PLACE,
    onCase("open", (k) => ({ path: `/api/v1/cases/${k.number}/comments`, json: { body: "Matrisens kommentar", shared: true } })),
    e(401, [201, 404, 404], 201, 201, 201, [201, 201, 404], [201, 404, 404], 403),
    { event: "COMMENTED" },
  ),
  row(
    "GET",
    "/api/v1/cases/:number/attachments",
    "",
    PER_PLACE,
    onCase("open", (k) => ({ path: `/api/v1/cases/${k.number}/attachments` })),
    e(401, [200, 404, 404], 200, 200, 200, [200, 200, 404], [200, 404, 404], 200),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/attachments",
    "",
    PER_PLACE,
    onCase("open", (k) => ({ path: `/api/v1/cases/${k.number}/attachments`, multipart: fileForm() })),
    e(401, [201, 404, 404], 201, 201, 201, [201, 201, 404], [201, 404, 404], 403),
    { event: "ATTACHMENT_ADDED" },
  ),
  row(
    "GET",
    "/api/v1/cases/:number/attachments/:id",
    "internal",
    PER_PLACE,
    onFile(false, (k, id) => ({ path: `/api/v1/cases/${k.number}/attachments/${id}` })),
    e(401, [200, 404, 404], 200, 200, 200, 404, [200, 404, 404], 200),
  ),
  row(
    "GET",
    "/api/v1/cases/:number/disturbance",
    "",
    PER_PLACE,
    onCase("open", (k) => ({ path: `/api/v1/cases/${k.number}/disturbance` })),
    e(401, [200, 404, 404], 200, 200, 200, [200, 200, 404], [200, 404, 404], 200),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/disturbance",
    "publish",
    PER_PLACE,
    onCase("approved", (k) => ({ path: `/api/v1/cases/${k.number}/disturbance`, json: { action: "publish", text: "Inloggningen fungerar inte." } })),
    e(401, [403, 404, 404], 200, 403, 403, [403, 403, 404], [403, 404, 404], 403),
    { event: "DISTURBANCE_PUBLISHED" },
  ),
  // What a window would meet, before a case exists: those who may ask for the system; never suppliers.
  row(
    "GET",
    "/api/v1/conflicts",
    "",
    PER_PLACE,
    async (cell) => ({
      path: `/api/v1/conflicts?${new URLSearchParams({ system: w.systems[cell.scope].code, start: "2027-03-01T08:00:00+01:00", end: "2027-03-01T12:00:00+01:00" })}`,
    }),
    e(401, [200, 404, 404], 200, 200, 200, 403, [200, 404, 404], 200),
  ),
  row(
    "GET",
    "/api/v1/cases/:number/events",
    "",
    ONCE,
    async () => ({ path: `/api/v1/cases/${(await marker("own", "open")).number}/events` }),
    signedIn(401, 405),
  ),
  // Case events: who may send each (machines/rules.ts PERMISSIONS), on a case in a state that accepts it.
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "EDIT",
    PER_PLACE,
    json("draft", () => ({ type: "EDIT" })),
    e(401, [200, 404, 404], 403, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "SUBMIT",
    PER_PLACE,
    json("draft", () => ({ type: "SUBMIT" })),
    e(401, [200, 404, 404], 403, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "CANCEL",
    PER_PLACE,
    json("submitted", () => ({ type: "CANCEL" })),
    e(401, [200, 404, 404], 200, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "START_REVIEW",
    PER_PLACE,
    json("submitted", () => ({ type: "START_REVIEW" })),
    e(401, [403, 404, 404], 200, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "RETURN",
    PER_PLACE,
    json("in-review", () => ({ type: "RETURN", ...REASON })),
    e(401, [403, 404, 404], 200, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "APPROVE",
    PER_PLACE,
    json("in-review", () => ({ type: "APPROVE", ...REASON })),
    e(401, [403, 404, 404], 200, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "REJECT",
    PER_PLACE,
    json("submitted", () => ({ type: "REJECT", ...REASON })),
    e(401, [403, 404, 404], 200, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "RECLASSIFY",
    PER_PLACE,
    json("submitted", () => ({ type: "RECLASSIFY", ...REASON })),
    e(401, [403, 404, 404], 200, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "REFER_TO_CAB",
    PER_PLACE,
    json("submitted-advanced", () => ({ type: "REFER_TO_CAB" })),
    e(401, [403, 404, 404], 200, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  // The board's decision is recorded by the chair (the service centre), not by its members.
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "CAB_APPROVE",
    PER_PLACE,
    json("awaiting-cab", () => ({ type: "CAB_APPROVE", ...REASON })),
    e(401, [403, 404, 404], 200, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "CAB_APPROVE_WITH_CONDITIONS",
    PER_PLACE,
    json("awaiting-cab", () => ({ type: "CAB_APPROVE_WITH_CONDITIONS", conditions: "Efter kl. 18", ...REASON })),
    e(401, [403, 404, 404], 200, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "CAB_DEFER",
    PER_PLACE,
    json("awaiting-cab", () => ({ type: "CAB_DEFER" })),
    e(401, [403, 404, 404], 200, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "CAB_REJECT",
    PER_PLACE,
    json("awaiting-cab", () => ({ type: "CAB_REJECT", ...REASON })),
    e(401, [403, 404, 404], 200, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  // After a deferral, the requester's side proposes a new window for the next meeting.
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "PROPOSE_WINDOW",
    PER_PLACE,
    json("deferred", () => ({ type: "PROPOSE_WINDOW", window: windowAhead(40) })),
    e(401, [200, 404, 404], 403, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "REPORT_OUTCOME",
    PER_PLACE,
    json("window-closed", () => ({ type: "REPORT_OUTCOME", outcome: "resolved" })),
    e(401, [200, 404, 404], 403, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "CLOSE",
    PER_PLACE,
    json("outcome-reported", () => ({ type: "CLOSE" })),
    e(401, [403, 404, 404], 200, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  // Standing access: the owner of the system consents, refuses and reviews.
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "CONSENT",
    PER_PLACE,
    json("awaiting-consent", () => ({ type: "CONSENT" })),
    e(401, [403, 404, 404], 403, 403, 403, [403, 403, 404], [200, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "REFUSE_CONSENT",
    PER_PLACE,
    json("awaiting-consent", () => ({ type: "REFUSE_CONSENT", ...REASON })),
    e(401, [403, 404, 404], 403, 403, 403, [403, 403, 404], [200, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "REVIEW",
    PER_PLACE,
    json("review-due", () => ({ type: "REVIEW" })),
    e(401, [403, 404, 404], 403, 403, 403, [403, 403, 404], [200, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "REVOKE (standing access)",
    PER_PLACE,
    json("active", () => ({ type: "REVOKE", ...REASON })),
    e(401, [200, 404, 404], 200, 403, 403, [403, 403, 404], [200, 404, 404], 403),
    { event: "REVOKE_ACCESS" },
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "ACCOUNT_CREATED",
    PER_PLACE,
    json("active", () => ({ type: "ACCOUNT_CREATED" })),
    e(401, [403, 404, 404], 403, 403, 200, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "ACCOUNT_REMOVED",
    PER_PLACE,
    json("revoked", () => ({ type: "ACCOUNT_REMOVED" })),
    e(401, [403, 404, 404], 403, 403, 200, [403, 403, 404], [403, 404, 404], 403),
  ),
  // Window events through the case.
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "GRANT",
    PER_PLACE,
    json("approved", () => ({ type: "GRANT" })),
    e(401, [403, 404, 404], 403, 403, 200, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "REVOKE (window)",
    PER_PLACE,
    json("open", () => ({ type: "REVOKE" })),
    e(401, [403, 404, 404], 403, 403, 200, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "END",
    PER_PLACE,
    json("open", () => ({ type: "END" })),
    e(401, [200, 404, 404], 403, 403, 403, [200, 200, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "REQUEST_EXTENSION",
    PER_PLACE,
    json("open", (k) => ({ type: "REQUEST_EXTENSION", end: later(k).toISOString(), ...REASON })),
    e(401, [200, 404, 404], 403, 403, 403, [200, 200, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "APPROVE_EXTENSION",
    PER_PLACE,
    json("extension-pending", () => ({ type: "APPROVE_EXTENSION", ...REASON })),
    e(401, [403, 404, 404], 200, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "REFUSE_EXTENSION",
    PER_PLACE,
    json("extension-pending", () => ({ type: "REFUSE_EXTENSION", ...REASON })),
    e(401, [403, 404, 404], 200, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  // Access windows.
  row(
    "GET",
    "/api/v1/access-windows",
    "",
    PER_PLACE,
    listing("open", () => "/api/v1/access-windows"),
    e(401, [S, H, H], S, S, S, [S, S, H], [S, H, H], S),
  ),
  row("POST", "/api/v1/access-windows", "", ONCE, at("/api/v1/access-windows", { json: {} }), signedIn(401, 405)),
  row(
    "GET",
    "/api/v1/access-windows/:id/events",
    "",
    ONCE,
    async () => ({ path: `/api/v1/access-windows/${(await marker("own", "open")).windowId}/events` }),
    signedIn(401, 405),
  ),
  row(
    "POST",
    "/api/v1/access-windows/:id/events",
    "GRANT",
    PER_PLACE,
    windowJson("approved", () => ({ type: "GRANT" })),
    e(401, [403, 404, 404], 403, 403, 200, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/access-windows/:id/events",
    "REVOKE",
    PER_PLACE,
    windowJson("open", () => ({ type: "REVOKE" })),
    e(401, [403, 404, 404], 403, 403, 200, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/access-windows/:id/events",
    "END",
    PER_PLACE,
    windowJson("open", () => ({ type: "END" })),
    e(401, [200, 404, 404], 403, 403, 403, [200, 200, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/access-windows/:id/events",
    "REQUEST_EXTENSION",
    PER_PLACE,
    windowJson("open", (k) => ({ type: "REQUEST_EXTENSION", end: later(k).toISOString(), ...REASON })),
    e(401, [200, 404, 404], 403, 403, 403, [200, 200, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/access-windows/:id/events",
    "APPROVE_EXTENSION",
    PER_PLACE,
    windowJson("extension-pending", () => ({ type: "APPROVE_EXTENSION", ...REASON })),
    e(401, [403, 404, 404], 200, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/access-windows/:id/events",
    "REFUSE_EXTENSION",
    PER_PLACE,
    windowJson("extension-pending", () => ({ type: "REFUSE_EXTENSION", ...REASON })),
    e(401, [403, 404, 404], 200, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),

  // — When: the same events in states that do not take them (409 for whoever may send them) ————————————————
  // Permission is asked first (403), then the state (409); nothing changes either way.
  row(
    "POST",
    "/api/v1/access-windows/:id/events",
    "GRANT (case cancelled after approval)",
    PER_PLACE,
    windowJson("cancelled-approved", () => ({ type: "GRANT" })),
    e(401, [403, 404, 404], 403, 403, 409, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "GRANT (case cancelled after approval)",
    PER_PLACE,
    json("cancelled-approved", () => ({ type: "GRANT" })),
    e(401, [403, 404, 404], 403, 403, 409, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/operations",
    "GRANT (case cancelled after approval)",
    PER_PLACE,
    operationsForm("cancelled-approved", "GRANT"),
    e(L, 403, 403, 403, 409, 403, 403, 403),
  ),
  row(
    "POST",
    "/api/v1/access-windows/:id/events",
    "GRANT (already open)",
    PER_PLACE,
    windowJson("open", () => ({ type: "GRANT" })),
    e(401, [403, 404, 404], 403, 403, 409, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/access-windows/:id/events",
    "END (already closed)",
    PER_PLACE,
    windowJson("window-closed", () => ({ type: "END" })),
    e(401, [409, 404, 404], 403, 403, 403, [409, 409, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "APPROVE (already approved)",
    PER_PLACE,
    json("approved", () => ({ type: "APPROVE", ...REASON })),
    e(401, [403, 404, 404], 409, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "CANCEL (window open)",
    PER_PLACE,
    json("open", () => ({ type: "CANCEL" })),
    e(401, [409, 404, 404], 409, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "CANCEL (already cancelled)",
    PER_PLACE,
    json("cancelled-approved", () => ({ type: "CANCEL" })),
    e(401, [409, 404, 404], 409, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "REPORT_OUTCOME (window still open)",
    PER_PLACE,
    json("open", () => ({ type: "REPORT_OUTCOME", outcome: "resolved" })),
    e(401, [409, 404, 404], 403, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "CONSENT (already active)",
    PER_PLACE,
    json("active", () => ({ type: "CONSENT" })),
    e(401, [403, 404, 404], 403, 403, 403, [403, 403, 404], [409, 404, 404], 403),
  ),
  row(
    "POST",
    "/api/v1/cases/:number/events",
    "CAB_APPROVE (not referred)",
    PER_PLACE,
    json("submitted-advanced", () => ({ type: "CAB_APPROVE", ...REASON })),
    e(401, [403, 404, 404], 409, 403, 403, [403, 403, 404], [403, 404, 404], 403),
  ),
];

/**
 * Route modules that are deliberately not in the table, each with its reason. (None at present:
 * even the 404 splat and the benchmark floors have rows.)
 */
const EXCLUDED: Record<string, string> = {};

// Walking it -----------------------------------------------------------------------------------------------

const maxAuditId = async () =>
  (
    await db()
      .select({ id: max(auditLog.id) })
      .from(auditLog)
  )[0]?.id ?? 0;
/** Whether `number`'s trail got an `event` row after audit row `since`. */
async function auditedSince(number: string, event: string, since: number): Promise<boolean> {
  const [c] = await db().select({ id: cases.id }).from(cases).where(eq(cases.number, number));
  const found = await db()
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(and(eq(auditLog.caseId, c!.id), eq(auditLog.event, event), gt(auditLog.id, since)));
  return found.length > 0;
}

const label = (r: Row) => `${r.method} ${r.path}${r.intent ? ` [${r.intent}]` : ""}`;
const kindOf = (r: Row) => (r.path.startsWith("/api/") ? "api" : r.method === "GET" ? "page" : "form");

describe("the access matrix", () => {
  it("holds in every cell", { timeout: 300_000 }, async () => {
    const started = Date.now();
    const mismatches: string[] = [];
    let cells = 0;
    /** Objects shared by the cells that leave them as they are, by place and kind. */
    const pool = new Map<string, Promise<unknown>>();
    for (const [index, r] of TABLE.entries()) {
      const mutates = r.mutates ?? r.method === "POST";
      for (const scope of r.perPlace ? SCOPES : (["own"] as const)) {
        for (const role of CALLERS) {
          const expected = expectedFor(r.expect[role], scope);
          const fresh = mutates && isSuccess(expected);
          const used: string[] = [];
          const cell: Cell = {
            role,
            scope,
            user: role === "anonymous" ? null : w.callers[role],
            shared: <T>(kind: string, make: () => Promise<T>) => {
              if (fresh) return make();
              const key = `${scope}:${kind}`;
              used.push(key);
              if (!pool.has(key)) pool.set(key, make());
              return pool.get(key) as Promise<T>;
            },
          };
          cells += 1;
          let got: Outcome | number | string;
          let detail = "";
          const where = r.perPlace ? scope : "—";
          const say = (what: string) => mismatches.push(`#${index} ${label(r).padEnd(62)} ${role.padEnd(14)} ${where.padEnd(12)} ${what}`);
          try {
            const request = await r.request(cell);
            // What the request did, beyond its answer: the rows it changed, and what it left on its case's trail.
            const watched = r.method === "POST";
            const before = watched ? await fingerprint(db()) : undefined;
            const lastAudit = watched ? await maxAuditId() : 0;
            ({ outcome: got, detail } = await outcomeOf(await send(w, role, r.method, request), request.marker));
            if (before) {
              const changed = changedTables(before, await fingerprint(db()));
              const event = r.event ?? /^[A-Z_]+/.exec(r.intent ?? "")?.[0];
              if (!isSuccess(got) && changed.length) say(`refused (${got}) but changed ${changed.join(", ")}`);
              if (isSuccess(got) && mutates) {
                if (!changed.length) say(`accepted (${got}) but changed nothing`);
                const broken = await halfWrites(db());
                if (broken.length) say(`accepted (${got}) and left a half-write: ${broken.slice(0, 3).join("; ")}`);
                if (event && request.caseNumber && !(await auditedSince(request.caseNumber, event, lastAudit)))
                  say(`accepted (${got}) but ${request.caseNumber}'s trail has no ${event}`);
              }
            }
          } catch (error) {
            got = "error";
            detail = error instanceof Error ? error.message : String(error);
          }
          // A refused cell that succeeded after all changed its shared object: the next cell gets a new one.
          if (mutates && isSuccess(got)) for (const key of used) pool.delete(key);
          if (got !== expected) say(`expected ${String(expected).padEnd(6)} got ${got}${detail ? `  (${detail})` : ""}`);
        }
      }
    }
    const counts = { page: 0, form: 0, api: 0 };
    for (const r of TABLE) counts[kindOf(r)] += 1;
    const perPlace = TABLE.filter((r) => r.perPlace).length;
    const summary =
      `access matrix: ${cells} cells = ${perPlace} rows × ${CALLERS.length} callers × ${SCOPES.length} places + ${TABLE.length - perPlace} rows × ${CALLERS.length} callers ` +
      `(${TABLE.length} rows: ${counts.page} page loaders, ${counts.form} form actions, ${counts.api} API), ${((Date.now() - started) / 1000).toFixed(1)} s`;
    console.log(mismatches.length ? `${summary}: ${mismatches.length} disagree` : `${summary}: all hold`);
    expect(mismatches, `${mismatches.length} of ${cells} cells disagree with the table:\n${mismatches.join("\n")}`).toEqual([]);
  });

  /**
   * A person with several roles (app/access/roles.ts): the matrix's requester, given the CAB's role
   * too, is walked through every row. Each cell must answer what the better of the two roles'
   * cells answers (a success before a refusal of content, before 403, before 404) — except where the
   * segregation of duties holds: the cases at OWN are this requester's own, and nobody decides on
   * their own case in any role (COMBINED_OWN_CASE lists those cells, each with the rule that holds).
   */
  it("holds for a person with several roles: the requester who also sits on the CAB", { timeout: 300_000 }, async () => {
    const person = w.callers.requester;
    // A list: seen if either role sees it. Otherwise a success, then a refusal of content or state, then 403, then 404.
    const rank = (o: Outcome) => (o === "sees" ? 0 : isSuccess(o) ? 0.5 : o === 409 || o === 422 || o === 400 ? 1 : o === 403 ? 2 : 3);
    const better = (a: Outcome, b: Outcome) => (rank(b) < rank(a) ? b : a);
    await db()
      .update(users)
      .set({ extraRoles: ["cab"] })
      .where(eq(users.id, person.id));
    const mismatches: string[] = [];
    let cells = 0;
    try {
      for (const [index, r] of TABLE.entries()) {
        for (const scope of r.perPlace ? SCOPES : (["own"] as const)) {
          const key = `${r.method} ${r.path}${r.intent ? ` [${r.intent}]` : ""} ${scope}`;
          const expected = COMBINED_OWN_CASE[key] ?? better(expectedFor(r.expect.requester, scope), expectedFor(r.expect.cab, scope));
          const cell: Cell = { role: "requester", scope, user: person, shared: (_kind, make) => make() };
          cells += 1;
          let got: Outcome | number | string;
          let detail = "";
          try {
            const request = await r.request(cell);
            ({ outcome: got, detail } = await outcomeOf(await send(w, "requester", r.method, request), request.marker));
          } catch (error) {
            got = "error";
            detail = error instanceof Error ? error.message : String(error);
          }
          if (got !== expected)
            mismatches.push(`#${index} ${key.padEnd(70)} expected ${String(expected).padEnd(6)} got ${got}${detail ? `  (${detail})` : ""}`);
        }
      }
    } finally {
      await db().update(users).set({ extraRoles: [] }).where(eq(users.id, person.id));
    }
    console.log(`access matrix, requester + CAB: ${cells} cells${mismatches.length ? `: ${mismatches.length} disagree` : ": all hold"}`);
    expect(mismatches, mismatches.join("\n")).toEqual([]);
  });

  it("has a row for every route module's loader (GET) and action (POST), and no row without one", () => {
    const modules = routeModules();
    const missing: string[] = [];
    for (const m of modules) {
      if (EXCLUDED[m.file]) continue;
      if (m.loader && !TABLE.some((r) => r.method === "GET" && r.path === m.template)) missing.push(`GET ${m.template} (${m.file})`);
      if (m.action && !TABLE.some((r) => r.method === "POST" && r.path === m.template)) missing.push(`POST ${m.template} (${m.file})`);
    }
    const stale = TABLE.filter((r) => !modules.some((m) => m.template === r.path && (r.method === "GET" ? m.loader : m.action))).map(label);
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it("has a row for every intent a form action tells apart", () => {
    // What an action tells apart, read from its source: `case "…":` and `intent|purpose|event === "…"`.
    // (A heuristic: it catches a new branch in the usual shapes; intents kept in lookup tables —
    // owner, operations — are listed in the table by hand.)
    const missing: string[] = [];
    for (const m of routeModules()) {
      if (!m.action || EXCLUDED[m.file]) continue;
      const source = readFileSync(path.resolve("app/routes", m.file), "utf8");
      const intents = new Set<string>();
      for (const pattern of [/case\s+"([\w-]+)"\s*:/g, /\b(?:intent|purpose|event)\s*===\s*"([\w-]+)"/g]) {
        for (const match of source.matchAll(pattern)) intents.add(match[1]!);
      }
      const listed = TABLE.filter((r) => r.method === "POST" && r.path === m.template).map((r) => r.intent?.split(" ")[0]);
      for (const intent of intents) if (!listed.includes(intent)) missing.push(`POST ${m.template} [${intent}] (${m.file})`);
    }
    expect(missing).toEqual([]);
  });

  it("has a row for every event the API takes, on cases and on access windows", () => {
    const rowsFor = (path: string) => TABLE.filter((r) => r.method === "POST" && r.path === path).map((r) => r.intent?.split(" (")[0]);
    const caseEvents = eventInput.options.map((o) => o.shape.type.value);
    expect(caseEvents.filter((type) => !rowsFor("/api/v1/cases/:number/events").includes(type))).toEqual([]);
    expect(WINDOW_EVENTS.filter((type) => !rowsFor("/api/v1/access-windows/:id/events").includes(type))).toEqual([]);
  });
});
