import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  date,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

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

export const ROLES = [
  "requester",
  "service-centre",
  "cab",
  "operations",
  "supplier",
  "system-owner",
  "admin",
] as const;
export type Role = (typeof ROLES)[number];
export const userRole = pgEnum("user_role", ROLES);

export const ORGANISATION_KINDS = [
  "municipal-unit",
  "service-centre",
  "supplier",
  "operations-provider",
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];
export const organisationKind = pgEnum("organisation_kind", ORGANISATION_KINDS);

/** Confidentiality levels of the municipality's information classification. */
export const INFORMATION_CLASSES = ["open", "internal", "confidential", "strictly-confidential"] as const;
export type InformationClass = (typeof INFORMATION_CLASSES)[number];
export const informationClass = pgEnum("information_class", INFORMATION_CLASSES);

export const USER_STATUSES = ["invited", "active", "deactivated"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
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
    role: userRole("role").notNull(),
    organisationId: integer("organisation_id")
      .notNull()
      .references(() => organisations.id),
    status: userStatus("status").notNull().default("invited"),
    lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("users_email_key").on(sql`lower(${t.email})`),
    index("users_organisation_idx").on(t.organisationId),
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
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export type Organisation = typeof organisations.$inferSelect;
export type NewOrganisation = typeof organisations.$inferInsert;
export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type System = typeof systems.$inferSelect;
export type NewSystem = typeof systems.$inferInsert;
export type Session = typeof sessions.$inferSelect;
