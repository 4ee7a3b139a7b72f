import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

import {
  CAB_MEETING_STATUSES,
  CAB_VOTES,
  CASE_STATUSES,
  CASE_TYPES,
  FREEZE_REPEATS,
  INFORMATION_CLASSES,
  ORGANISATION_KINDS,
  ROLES,
  USER_STATUSES,
  WINDOW_STATES,
} from "../machines/vocabulary";

/**
 * The portal's tables. One file, so the whole data model reads in one sitting; inferred types
 * are exported at the bottom. Migrations in db/migrations are generated from this file by
 * `npm run db:generate` (drizzle-kit); constraints drizzle-kit cannot describe live in custom
 * migrations beside them.
 */

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
};

export { CAB_VOTES, CASE_TYPES, INFORMATION_CLASSES, ORGANISATION_KINDS, ROLES, USER_STATUSES } from "../machines/vocabulary";
export type { CabVote, CaseType as CaseTypeName, InformationClass, OrganisationKind, Role, UserStatus } from "../machines/vocabulary";

export const userRole = pgEnum("user_role", ROLES);
export const organisationKind = pgEnum("organisation_kind", ORGANISATION_KINDS);
export const informationClass = pgEnum("information_class", INFORMATION_CLASSES);
export const userStatus = pgEnum("user_status", USER_STATUSES);

export const organisations = pgTable(
  "organisations",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    name: text("name").notNull(),
    kind: organisationKind("kind").notNull(),
    /** The functional mailbox ("funktionsbrevlåda") messages go to. */
    mailbox: text("mailbox").notNull(),
    phone: text("phone"),
    /** Swedish organisation number, NNNNNN-NNNN. */
    orgNumber: text("org_number"),
    active: boolean("active").notNull().default(true),
    ...timestamps,
  },
  (t) => [uniqueIndex("organisations_name_key").on(sql`lower(${t.name})`)],
);

export const users = pgTable(
  "users",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** The person's first role: their start page, and how the portal introduces them. */
    role: userRole("role").notNull(),
    /**
     * Roles held besides it, by the same person and account (a förvaltare who also sits on the CAB,
     * common in a small municipality). Never a supplier's: a supplier is outside the municipality.
     */
    extraRoles: text("extra_roles", { enum: ROLES })
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id),
    status: userStatus("status").notNull().default("invited"),
    /** argon2id; null until the invitation is accepted. */
    passwordHash: text("password_hash"),
    /** The language messages to this person are written in. */
    lang: text("lang").notNull().default("sv"),
    lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("users_email_key").on(sql`lower(${t.email})`),
    index("users_organisation_idx").on(t.organisationId),
    // A supplier holds one role; nobody holds a role twice, nor the supplier's as an extra one.
    check(
      "users_extra_roles_check",
      sql`(${t.role} <> 'supplier' or cardinality(${t.extraRoles}) = 0) and not ('supplier' = any(${t.extraRoles})) and not (${t.role}::text = any(${t.extraRoles}))`,
    ),
  ],
);

export const systems = pgTable(
  "systems",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    /** Short stable code, e.g. "EPLAT"; upper-case letters, digits and hyphens. */
    code: text("code").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** The municipal unit that owns the system. */
    ownerUnitId: integer("owner_unit_id")
      .notNull()
      .references(() => organisations.id),
    /** The system owner ("systemägare") who consents to standing access. */
    ownerUserId: integer("owner_user_id").references(() => users.id),
    supplierId: integer("supplier_id").references(() => organisations.id),
    operatedByProvider: boolean("operated_by_provider").notNull().default(false),
    informationClass: informationClass("information_class").notNull().default("internal"),
    holdsPersonalData: boolean("holds_personal_data").notNull().default(false),
    /** The supplier's data-processing agreement ("PUB-avtal"). */
    dpaReference: text("dpa_reference"),
    dpaExpiresOn: date("dpa_expires_on", { mode: "string" }),
    /** How a supplier logs in for a window (gateway, host names): shown to the supplier. */
    loginInstructions: text("login_instructions").notNull().default(""),
    /** The directory group whose members have admin rights (LDAP DN): a window adds its accounts, its end removes them. */
    directoryGroupDn: text("directory_group_dn"),
    /** A window on this system opens by itself at its start (the connectors grant the access) instead of waiting for operations. */
    openAutomatically: boolean("open_automatically").notNull().default(false),
    /** What an open window silences in Alertmanager: nothing, the system, or the system and the systems that depend on it. */
    monitoringSilence: text("monitoring_silence", { enum: ["none", "system", "dependants"] })
      .notNull()
      .default("system"),
    active: boolean("active").notNull().default(true),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("systems_code_key").on(t.code),
    check("systems_code_format", sql`${t.code} ~ '^[A-Z0-9][A-Z0-9-]{1,19}$'`),
    index("systems_supplier_idx").on(t.supplierId),
  ],
);

/** The dependency graph: `systemId` depends on `dependsOnId`. Cycles are allowed; loops are not. */
export const systemDependencies = pgTable(
  "system_dependencies",
  {
    systemId: integer("system_id")
      .notNull()
      .references(() => systems.id, { onDelete: "cascade" }),
    dependsOnId: integer("depends_on_id")
      .notNull()
      .references(() => systems.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.systemId, t.dependsOnId] }),
    index("system_dependencies_depends_on_idx").on(t.dependsOnId),
    check("system_dependencies_no_loop", sql`${t.systemId} <> ${t.dependsOnId}`),
  ],
);

/** Which systems a requester ("systemförvaltare") administers. */
export const systemAdministrators = pgTable(
  "system_administrators",
  {
    systemId: integer("system_id")
      .notNull()
      .references(() => systems.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.systemId, t.userId] }), index("system_administrators_user_idx").on(t.userId)],
);

/** Server-side sessions; the cookie holds only the id. */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    /**
     * Null while the session is parked between the password and the WebAuthn step: such a
     * session opens nothing. Set when the second factor is verified.
     */
    verifiedAt: timestamp("verified_at", { withTimezone: true }),
    /** The last WebAuthn check in this session; sensitive settings need a recent one. */
    reauthenticatedAt: timestamp("reauthenticated_at", { withTimezone: true }),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => new Uint8Array(value),
});

/** WebAuthn credentials (security keys, passkeys) registered by a user. */
export const webauthnCredentials = pgTable(
  "webauthn_credentials",
  {
    /** The credential id, base64url. */
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    publicKey: bytea("public_key").notNull(),
    counter: bigint("counter", { mode: "number" }).notNull().default(0),
    transports: text("transports")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    deviceType: text("device_type"),
    backedUp: boolean("backed_up").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    /** The session that added this key under Settings (null: registered with an invitation); it never vouches for that session's own step-up check. */
    addedInSessionId: text("added_in_session_id"),
  },
  (t) => [index("webauthn_credentials_user_idx").on(t.userId)],
);

export const CHALLENGE_PURPOSES = ["register-invitation", "register", "sign-in", "reauthenticate"] as const;
export type ChallengePurpose = (typeof CHALLENGE_PURPOSES)[number];

/**
 * Outstanding WebAuthn challenges. Each is bound to what asked for it (an invitation or a
 * session) and to its purpose, lives five minutes and is deleted when used: a replay finds nothing.
 */
export const webauthnChallenges = pgTable(
  "webauthn_challenges",
  {
    challenge: text("challenge").primaryKey(),
    purpose: text("purpose", { enum: CHALLENGE_PURPOSES }).notNull(),
    sessionId: text("session_id").references(() => sessions.id, { onDelete: "cascade" }),
    invitationId: integer("invitation_id").references(() => invitations.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("webauthn_challenges_session_idx").on(t.sessionId)],
);

export const invitations = pgTable(
  "invitations",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** sha256 of the token in the link; the token itself is never stored. */
    tokenHash: text("token_hash").notNull(),
    invitedById: integer("invited_by_id").references(() => users.id),
    /** The chosen password, held here until an authenticator is registered too. */
    pendingPasswordHash: text("pending_password_hash"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("invitations_token_hash_key").on(t.tokenHash), index("invitations_user_idx").on(t.userId)],
);

/** Personal API tokens for /api/v1: shown once, stored as a hash. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("api_tokens_token_hash_key").on(t.tokenHash), index("api_tokens_user_idx").on(t.userId)],
);

/** Every sign-in attempt, for the per-account and per-address limits. */
export const signInAttempts = pgTable(
  "sign_in_attempts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    email: text("email").notNull(),
    ip: text("ip").notNull(),
    succeeded: boolean("succeeded").notNull(),
  },
  (t) => [index("sign_in_attempts_email_idx").on(sql`lower(${t.email})`, t.at), index("sign_in_attempts_ip_idx").on(t.ip, t.at)],
);

/**
 * The audit trail: who did what, when. Sign-in events now; case transitions (from, to, event,
 * reason) join them in the workflow core.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    actorUserId: integer("actor_user_id").references(() => users.id),
    /** Who acted when there is no user: "system", an e-mail address typed at sign-in, … */
    actorLabel: text("actor_label"),
    action: text("action").notNull(),
    subjectUserId: integer("subject_user_id").references(() => users.id),
    ip: text("ip"),
    /** Case transitions: the case, the event and the states it moved between, and why. */
    caseId: integer("case_id"),
    event: text("event"),
    fromState: text("from_state"),
    toState: text("to_state"),
    reason: text("reason"),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    /**
     * The tamper-evident chain: each row's hash covers its content and the previous row's hash
     * (set by a trigger, migration 0007). The table refuses UPDATE, DELETE and TRUNCATE.
     */
    prevHash: text("prev_hash"),
    hash: text("hash"),
  },
  (t) => [index("audit_log_at_idx").on(t.at), index("audit_log_subject_user_idx").on(t.subjectUserId), index("audit_log_case_idx").on(t.caseId, t.id)],
);

/**
 * Messages to send (e-mail), written in the same transaction as what caused them and delivered
 * afterwards. `key` makes each message unique, so a retried cause never queues it twice.
 */
export const outbox = pgTable(
  "outbox",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    key: text("key").notNull(),
    template: text("template").notNull(),
    recipient: text("recipient").notNull(),
    lang: text("lang").notNull().default("sv"),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastError: text("last_error"),
  },
  (t) => [
    uniqueIndex("outbox_key_key").on(t.key),
    // The case page's message log (views.server casePage): a case's messages, newest first.
    index("outbox_case_number_idx").on(sql`(${t.payload}->>'number')`, t.id),
    index("outbox_pending_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.sentAt} is null`),
  ],
);

/**
 * What a window's move asks of the connectors (app/connectors): grant the access and silence the
 * monitoring when it opens, revoke both when it closes, move the silence's end on an extension.
 * Planned in the transaction that moves the window; carried out after it by the duties loop,
 * retried with back-off until done. `result` is the connector's answer, shown on the window.
 */
export const connectorSteps = pgTable(
  "connector_steps",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    windowId: integer("window_id")
      .notNull()
      .references(() => accessWindows.id),
    connector: text("connector", { enum: ["directory", "monitoring"] }).notNull(),
    action: text("action", { enum: ["grant", "revoke", "extend"] }).notNull(),
    status: text("status", { enum: ["pending", "done", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastError: text("last_error"),
    result: jsonb("result").$type<Record<string, unknown>>(),
    doneAt: timestamp("done_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    index("connector_steps_window_idx").on(t.windowId),
    index("connector_steps_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} <> 'done'`),
  ],
);

/** Who is told of what by a signed HTTP POST (the ticketing system, another monitoring tool). */
export const webhookSubscribers = pgTable("webhook_subscribers", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  name: text("name").notNull(),
  url: text("url").notNull(),
  /** The HMAC-SHA256 key the receiver verifies signatures with. */
  secret: text("secret").notNull(),
  events: text("events").array().notNull(),
  active: boolean("active").notNull().default(true),
  createdBy: integer("created_by").references(() => users.id),
  ...timestamps,
});

/** One event for one subscriber: queued in the transition's transaction, delivered after it (at least once, with an idempotency key). */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    subscriberId: integer("subscriber_id")
      .notNull()
      .references(() => webhookSubscribers.id, { onDelete: "cascade" }),
    /** Unique per event and subscriber: the idempotency key the receiver sees. */
    key: text("key").notNull(),
    event: text("event").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    responseStatus: integer("response_status"),
    lastError: text("last_error"),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_key_key").on(t.key),
    index("webhook_deliveries_subscriber_idx").on(t.subscriberId, t.id),
    index("webhook_deliveries_pending_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.deliveredAt} is null`),
  ],
);

export const caseType = pgEnum("case_type", CASE_TYPES);

/** Per prefix and year, the last number given: cases are numbered without gaps or duplicates. */
export const caseCounters = pgTable(
  "case_counters",
  {
    prefix: text("prefix").notNull(),
    year: integer("year").notNull(),
    last: integer("last").notNull(),
  },
  (t) => [primaryKey({ columns: [t.prefix, t.year] })],
);

/**
 * A case ("ärende"). Its state lives in `state` (the machine's value and context, with
 * `machine_version` beside it); `status` mirrors the value for queries. Only the transition
 * service writes either, guarded by `version` (optimistic locking).
 */
export const cases = pgTable(
  "cases",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    number: text("number").notNull(),
    type: caseType("type").notNull(),
    // The machine's state name (machines/vocabulary.ts); typed here, checked by the machine.
    status: text("status", { enum: CASE_STATUSES }).notNull(),
    state: jsonb("state").$type<{ value: string; context: Record<string, unknown> }>().notNull(),
    machineVersion: integer("machine_version").notNull(),
    version: integer("version").notNull().default(1),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    systemId: integer("system_id")
      .notNull()
      .references(() => systems.id),
    supplierId: integer("supplier_id").references(() => organisations.id),
    requesterId: integer("requester_id")
      .notNull()
      .references(() => users.id),
    /** Incidents: 1 (highest) to 4. */
    priority: integer("priority"),
    /** The requested window (cases 1–3); the access window row holds the granted one. */
    windowStart: timestamp("window_start", { withTimezone: true }),
    windowEnd: timestamp("window_end", { withTimezone: true }),
    /** Approved changes flagged so are published on the public status page. */
    affectsUsers: boolean("affects_users").notNull().default(false),
    /** Everything else the form asked for, by case type (accounts, risk, rollback plan, …). */
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    /** The case this one was created from (a planned change from an incident). */
    linkedCaseId: integer("linked_case_id"),
    /** The template the request started from, if any (a standard change's is recorded in details.standardChange too). */
    templateId: integer("template_id"),
    /** Advanced changes: the CAB meeting whose agenda the change is on. */
    cabMeetingId: integer("cab_meeting_id"),
    /** When the change was referred to the CAB (late referrals are flagged on the agenda). */
    referredAt: timestamp("referred_at", { withTimezone: true }),
    submittedAt: timestamp("submitted_at", { withTimezone: true }),
    /** A random public identifier (status page anchor, RSS guid): it reveals neither number nor id and cannot be enumerated. */
    publicId: uuid("public_id").notNull().defaultRandom(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("cases_number_key").on(t.number),
    uniqueIndex("cases_public_id_key").on(t.publicId),
    index("cases_status_idx").on(t.status),
    index("cases_system_idx").on(t.systemId),
    index("cases_supplier_idx").on(t.supplierId),
    index("cases_requester_idx").on(t.requesterId),
    index("cases_updated_idx").on(t.updatedAt),
    // A case's view lists the planned changes created from it.
    index("cases_linked_case_idx").on(t.linkedCaseId),
  ],
);

/**
 * A request template: a previous request's texts, accounts and affected systems, kept under a
 * name for the systems' requesters to start from. The service centre marks a change template a
 * *standard change* once the CAB has approved it (its reference); cases from a live one are
 * simple changes whatever they touch. The CAB (or the service centre) withdraws it.
 */
export const caseTemplates = pgTable(
  "case_templates",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    name: text("name").notNull(),
    category: text("category", { enum: ["emergency", "change", "standing-access"] }).notNull(),
    systemId: integer("system_id")
      .notNull()
      .references(() => systems.id),
    ownerId: integer("owner_id")
      .notNull()
      .references(() => users.id),
    /** The request form's values, without the window, tickets and links of the case it came from. */
    values: jsonb("values").$type<Record<string, unknown>>().notNull(),
    standardAt: timestamp("standard_at", { withTimezone: true }),
    standardById: integer("standard_by_id").references(() => users.id),
    /** The CAB's approval of the standard change (a meeting's minutes or a case number). */
    standardReference: text("standard_reference"),
    withdrawnAt: timestamp("withdrawn_at", { withTimezone: true }),
    withdrawnById: integer("withdrawn_by_id").references(() => users.id),
    withdrawnReason: text("withdrawn_reason"),
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [index("case_templates_system_idx").on(t.systemId)],
);

/**
 * What is said on a case: a thread between the requester, the service centre, the CAB and
 * operations, each comment *internal* (the municipality's) or *shared* with the case's supplier,
 * whose own comments are always shared. Comments are never edited; each is also in the trail.
 */
export const caseComments = pgTable(
  "case_comments",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    caseId: integer("case_id")
      .notNull()
      .references(() => cases.id),
    authorId: integer("author_id")
      .notNull()
      .references(() => users.id),
    body: text("body").notNull(),
    shared: boolean("shared").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("case_comments_case_idx").on(t.caseId, t.id)],
);

/**
 * A file on a case (a test record, a screenshot, a supplier's document), kept in the database so
 * it is in the same backup as the case. Its type is what its content is, not what its name or
 * the browser claimed; its name is sanitised. Internal or shared with the supplier, like a comment.
 */
export const caseAttachments = pgTable(
  "case_attachments",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    caseId: integer("case_id")
      .notNull()
      .references(() => cases.id),
    uploaderId: integer("uploader_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    content: bytea("content").notNull(),
    shared: boolean("shared").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("case_attachments_case_idx").on(t.caseId, t.id), check("case_attachments_size_check", sql`${t.size} between 1 and 10485760`)],
);

/**
 * A substitute ("ersättare") for a period: while it lasts (Stockholm dates, inclusive) the
 * substitute sees and acts on the absent person's cases as the person would — their systems, the
 * cases they requested — marked "on behalf of" in the trail and messages, with the person's own
 * segregation of duties. Ended early by setting `endedAt`.
 */
export const substitutions = pgTable(
  "substitutions",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    personId: integer("person_id")
      .notNull()
      .references(() => users.id),
    substituteId: integer("substitute_id")
      .notNull()
      .references(() => users.id),
    startsOn: date("starts_on", { mode: "string" }).notNull(),
    endsOn: date("ends_on", { mode: "string" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (t) => [
    index("substitutions_substitute_idx").on(t.substituteId),
    index("substitutions_person_idx").on(t.personId),
    check("substitutions_period_check", sql`${t.endsOn} >= ${t.startsOn} and ${t.personId} <> ${t.substituteId}`),
  ],
);

/** The access window a case owns once approved, with its own machine state. */
export const accessWindows = pgTable(
  "access_windows",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    caseId: integer("case_id")
      .notNull()
      .references(() => cases.id),
    state: jsonb("state").$type<{ value: string; context: Record<string, unknown> }>().notNull(),
    machineVersion: integer("machine_version").notNull(),
    status: text("status", { enum: WINDOW_STATES }).notNull(),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true }).notNull(),
    grantedAt: timestamp("granted_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    /** The Alertmanager silence the window holds while open (the monitoring connector's). */
    silenceId: text("silence_id"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("access_windows_case_key").on(t.caseId),
    index("access_windows_status_ends_idx").on(t.status, t.endsAt),
    index("access_windows_starts_idx").on(t.startsAt),
    // The supplier's "past": windows closed lately (closed, else ended), without reading all history.
    index("access_windows_closed_idx")
      .on(sql`coalesce(${t.closedAt}, ${t.endsAt})`)
      .where(sql`${t.status} = 'closed'`),
  ],
);

/**
 * Blackout periods ("frysperioder"): no planned change may be approved into one without the
 * service centre's override — for a system, for a system and every system connected to it in the
 * dependency graph (`closure`), or for all systems (no system). A recurring freeze is its first
 * occurrence with `repeats` (and perhaps `repeatUntil`); its later occurrences are rows of their
 * own that name it as `parentId` (app/cases/blackouts.server.ts keeps them ahead of time), so
 * every conflict query reads one table.
 */
export const blackoutPeriods = pgTable(
  "blackout_periods",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    /** Null: every system. */
    systemId: integer("system_id").references(() => systems.id),
    /** The system and every system connected to it, either way, any number of steps (as for conflicts). */
    closure: boolean("closure").notNull().default(false),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true }).notNull(),
    reason: text("reason").notNull(),
    repeats: text("repeats", { enum: FREEZE_REPEATS }),
    /** The last day an occurrence may start (a recurring freeze with none goes on). */
    repeatUntil: timestamp("repeat_until", { withTimezone: true }),
    /** The recurring freeze this is a later occurrence of. */
    parentId: integer("parent_id").references((): AnyPgColumn => blackoutPeriods.id, { onDelete: "cascade" }),
    createdById: integer("created_by_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("blackout_periods_order", sql`${t.endsAt} > ${t.startsAt}`),
    check("blackout_periods_repeats", sql`${t.repeats} is null or ${t.repeats} in ('weekly', 'yearly')`),
    check("blackout_periods_closure_of_a_system", sql`not ${t.closure} or ${t.systemId} is not null`),
    uniqueIndex("blackout_periods_occurrence_key").on(t.parentId, t.startsAt),
  ],
);

/** A recurring CAB meeting, e.g. every Tuesday at 13:00 (Stockholm). */
export const cabMeetingRules = pgTable("cab_meeting_rules", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: integer("weekday").notNull(),
  /** HH:MM, Stockholm time. */
  time: text("time").notNull(),
  durationMinutes: integer("duration_minutes").notNull().default(60),
  location: text("location").notNull().default(""),
  active: boolean("active").notNull().default(true),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const cabMeetings = pgTable(
  "cab_meetings",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    durationMinutes: integer("duration_minutes").notNull().default(60),
    location: text("location").notNull().default(""),
    ruleId: integer("rule_id").references(() => cabMeetingRules.id),
    status: text("status", { enum: CAB_MEETING_STATUSES }).notNull().default("scheduled"),
    notes: text("notes").notNull().default(""),
    /** Who opened the meeting: its chair, the only one who records its decisions. */
    chairId: integer("chair_id").references(() => users.id),
    openedAt: timestamp("opened_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    /** The minutes adjusted ("justerade") by a member present other than the chair: then locked. */
    adjustedAt: timestamp("adjusted_at", { withTimezone: true }),
    adjustedById: integer("adjusted_by_id").references(() => users.id),
    /** The quorum the meeting was opened under (members besides the chair); null until it opens. */
    quorumMembers: integer("quorum_members"),
    /** An extra meeting the chair called, at shorter notice, for an advanced change (why, in `extraReason`). */
    extra: boolean("extra").notNull().default(false),
    extraReason: text("extra_reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("cab_meetings_starts_key").on(t.startsAt)],
);

/**
 * The board's standing rules, one row (id 1): its quorum, members present besides the chair (a
 * named substitute counts for the member). Kept by the administrator; a meeting records the quorum
 * it opened under, so a later change does not rewrite a held meeting.
 */
export const cabSettings = pgTable(
  "cab_settings",
  {
    id: integer("id").primaryKey().default(1),
    quorumMembers: integer("quorum_members").notNull(),
    updatedById: integer("updated_by_id").references(() => users.id),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("cab_settings_one_row", sql`${t.id} = 1`), check("cab_settings_quorum", sql`${t.quorumMembers} between 1 and 20`)],
);

/**
 * The board's follow-up of an implemented change (post-implementation review): a change whose
 * outcome was reported since the previous meeting comes back on the next one, and the board's
 * note on it is kept here, one per meeting and change.
 */
export const cabReviews = pgTable(
  "cab_reviews",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    meetingId: integer("meeting_id")
      .notNull()
      .references(() => cabMeetings.id),
    caseId: integer("case_id")
      .notNull()
      .references(() => cases.id),
    note: text("note").notNull(),
    recordedById: integer("recorded_by_id").references(() => users.id),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("cab_reviews_meeting_case_key").on(t.meetingId, t.caseId)],
);

/** Who was present at a meeting, recorded by the chair when opening it: members and named substitutes. */
export const cabAttendance = pgTable(
  "cab_attendance",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    meetingId: integer("meeting_id")
      .notNull()
      .references(() => cabMeetings.id),
    /** A member (role cab) present; null for a substitute who has no account. */
    userId: integer("user_id").references(() => users.id),
    name: text("name").notNull(),
    kind: text("kind", { enum: ["member", "substitute"] }).notNull(),
    /** The member a substitute stands in for. */
    substituteForId: integer("substitute_for_id").references(() => users.id),
  },
  (t) => [index("cab_attendance_meeting_idx").on(t.meetingId), uniqueIndex("cab_attendance_member_key").on(t.meetingId, t.userId)],
);

/** A CAB member's vote on a change before (or at) a meeting; one per member, case and meeting. */
export const cabVotes = pgTable(
  "cab_votes",
  {
    caseId: integer("case_id")
      .notNull()
      .references(() => cases.id),
    meetingId: integer("meeting_id")
      .notNull()
      .references(() => cabMeetings.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    vote: text("vote", { enum: CAB_VOTES }).notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.meetingId, t.userId] })],
);

export const cabComments = pgTable(
  "cab_comments",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    caseId: integer("case_id")
      .notNull()
      .references(() => cases.id),
    meetingId: integer("meeting_id").references(() => cabMeetings.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    body: text("body").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("cab_comments_case_idx").on(t.caseId)],
);

/** Personal, revocable iCalendar feed addresses (the token in the URL is stored hashed). */
export const calendarFeeds = pgTable(
  "calendar_feeds",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["schedule", "supplier"] }).notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("calendar_feeds_token_key").on(t.tokenHash), index("calendar_feeds_user_idx").on(t.userId)],
);

export type Organisation = typeof organisations.$inferSelect;
export type NewOrganisation = typeof organisations.$inferInsert;
export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type System = typeof systems.$inferSelect;
export type NewSystem = typeof systems.$inferInsert;
export type Session = typeof sessions.$inferSelect;
export type WebauthnCredential = typeof webauthnCredentials.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
export type OutboxMessage = typeof outbox.$inferSelect;
export type Case = typeof cases.$inferSelect;
export type AccessWindow = typeof accessWindows.$inferSelect;
export type CaseTemplate = typeof caseTemplates.$inferSelect;
export type CaseComment = typeof caseComments.$inferSelect;
export type CaseAttachment = typeof caseAttachments.$inferSelect;
export type BlackoutPeriod = typeof blackoutPeriods.$inferSelect;
export type CabMeeting = typeof cabMeetings.$inferSelect;
export type CabAttendance = typeof cabAttendance.$inferSelect;
export type CabMeetingRule = typeof cabMeetingRules.$inferSelect;

/**
 * A disturbance published on the public status page ("Driftinformation"): an incident of
 * priority 1–2 with a text for the public, its updates and when it was resolved. Only these
 * texts and the system's name are ever public.
 */
export const disturbances = pgTable(
  "disturbances",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    caseId: integer("case_id")
      .notNull()
      .references(() => cases.id),
    /** The anchor and RSS guid: reveals neither the case nor its number. */
    publicId: uuid("public_id").notNull().defaultRandom(),
    publicText: text("public_text").notNull(),
    publishedAt: timestamp("published_at", { withTimezone: true }).notNull().defaultNow(),
    publishedById: integer("published_by_id").references(() => users.id),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("disturbances_case_key").on(t.caseId), uniqueIndex("disturbances_public_id_key").on(t.publicId)],
);

/** A public update on a disturbance; each is its own RSS item. */
export const disturbanceUpdates = pgTable(
  "disturbance_updates",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    disturbanceId: integer("disturbance_id")
      .notNull()
      .references(() => disturbances.id),
    publicId: uuid("public_id").notNull().defaultRandom(),
    text: text("text").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    authorId: integer("author_id").references(() => users.id),
  },
  (t) => [index("disturbance_updates_disturbance_idx").on(t.disturbanceId), uniqueIndex("disturbance_updates_public_id_key").on(t.publicId)],
);
export type ConnectorStep = typeof connectorSteps.$inferSelect;
export type WebhookSubscriber = typeof webhookSubscribers.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
