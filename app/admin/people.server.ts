import { randomBytes } from "node:crypto";

import { and, asc, count, eq, getTableColumns, gt, ilike, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";

import type { Db } from "../../db/client";
import {
  invitations,
  organisations,
  ROLES,
  systemAdministrators,
  systems,
  users,
  webauthnCredentials,
  type Invitation,
  type OrganisationKind,
  type Role,
  type User,
} from "../../db/schema";
import { audit } from "../audit/audit.server";
import { revokeAllApiTokens } from "../access/api-tokens.server";
import { revokeAllCalendarFeeds } from "../access/calendar-feeds.server";
import { enqueue } from "../outbox/enqueue.server";
import { deleteUserSessions, hashToken } from "../access/sessions.server";
import { authChanging } from "../access/session-cache.server";
import { env } from "~/env.server";
import { isUniqueViolation } from "../../db/errors";
import { containing } from "../../db/like";
import { MAX_ID } from "~/http/ids";
import { text } from "~/ui/fields";
import { pageOf } from "~/ui/paging";
import { validate, type FormResult, msg } from "~/ui/forms";
import { extraRolesProblem, hasRole, rolesOf } from "~/access/roles";

export const INVITATION_TTL_MS = 72 * 60 * 60 * 1000;

/** Which kinds of organisation a person of each role belongs to. */
export function organisationKindsFor(role: Role): OrganisationKind[] {
  switch (role) {
    case "supplier":
      return ["supplier"];
    case "operations":
      return ["operations-provider"];
    default:
      return ["municipal-unit", "service-centre"];
  }
}

/** Roles whose people are tied to systems: requesters administer them, system owners own them. */
export const rolesWithSystems: readonly Role[] = ["requester", "system-owner"];

/** Who may invite whom: administrators anyone, the service centre supplier people only. */
export function invitableRoles(inviter: Pick<User, "role">): Role[] {
  if (inviter.role === "admin") return [...ROLES];
  if (inviter.role === "service-centre") return ["supplier"];
  return [];
}

const personSchema = z.object({
  name: text(200),
  role: z.enum(ROLES, { error: msg("validation.choose") }),
  organisationId: z.coerce
    .number({ error: msg("validation.choose") })
    .int()
    .positive("validation.choose")
    .max(MAX_ID, msg("validation.choose")),
  systemIds: z.array(z.coerce.number().int().positive().max(MAX_ID)).default([]),
  /** Roles held besides the first (app/access/roles.ts): the same person, one account. */
  extraRoles: z.array(z.enum(ROLES, { error: msg("validation.choose") })).default([]),
});

export const inviteSchema = personSchema.extend({
  email: z
    .string({ error: msg("validation.required") })
    .trim()
    .toLowerCase()
    .min(1, msg("validation.required"))
    .max(254)
    .pipe(z.email("validation.email")),
});

export const inviteFormArrays = ["systemIds", "extraRoles"] as const;

async function checkPerson(db: Db, input: z.output<typeof personSchema>, inviter: Pick<User, "role"> | null) {
  if (inviter && !invitableRoles(inviter).includes(input.role)) return { role: { key: "validation.choose" as const } };
  if (inviter && input.extraRoles.some((r) => !invitableRoles(inviter).includes(r))) return { extraRoles: { key: "validation.choose" as const } };
  if (extraRolesProblem(input.role, input.extraRoles)) return { extraRoles: { key: "user.extraRolesSupplier" as const } };
  const [org] = await db.select().from(organisations).where(eq(organisations.id, input.organisationId));
  if (!org || !org.active || !organisationKindsFor(input.role).includes(org.kind)) {
    return { organisationId: { key: "user.organisationKind" as const } };
  }
  if (input.systemIds.length) {
    if (!rolesWithSystems.includes(input.role)) return { systemIds: { key: "user.systemsNotForRole" as const } };
    const found = await db.select({ id: systems.id }).from(systems).where(inArray(systems.id, input.systemIds));
    if (found.length !== new Set(input.systemIds).size) return { systemIds: { key: "validation.choose" as const } };
  }
  return undefined;
}

/**
 * The systems of the person's first role (a requester administers them, a system owner owns them).
 * The relation of a role they no longer hold ends; that of an extra role they keep is the system
 * form's to set (app/admin/systems.server.ts), and stays.
 */
async function assignSystems(db: Db, user: Pick<User, "id" | "role" | "extraRoles">, systemIds: number[]) {
  if (user.role === "requester" || !hasRole(user, "requester")) await db.delete(systemAdministrators).where(eq(systemAdministrators.userId, user.id));
  if (user.role === "system-owner" || !hasRole(user, "system-owner"))
    await db.update(systems).set({ ownerUserId: null }).where(eq(systems.ownerUserId, user.id));
  const ids = [...new Set(systemIds)];
  if (!ids.length) return;
  if (user.role === "requester") {
    await db.insert(systemAdministrators).values(ids.map((systemId) => ({ systemId, userId: user.id })));
  } else if (user.role === "system-owner") {
    await db.update(systems).set({ ownerUserId: user.id, updatedAt: new Date() }).where(inArray(systems.id, ids));
  }
}

export function invitationUrl(token: string): string {
  return `${env().appUrl}/invite/${token}`;
}

/**
 * Opens a new invitation for a person (earlier open ones are revoked) and queues the e-mail with
 * its link. Returns the link so the inviter can also hand it over directly.
 */
export async function issueInvitation(
  db: Db,
  user: Pick<User, "id" | "email" | "name" | "lang">,
  invitedBy: Pick<User, "id" | "name"> | null,
  now = new Date(),
): Promise<{ url: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  await db
    .update(invitations)
    .set({ revokedAt: now })
    .where(and(eq(invitations.userId, user.id), isNull(invitations.usedAt), isNull(invitations.revokedAt)));
  const [invitation] = await db
    .insert(invitations)
    .values({ userId: user.id, tokenHash: hashToken(token), invitedById: invitedBy?.id ?? null, createdAt: now, expiresAt })
    .returning();
  const url = invitationUrl(token);
  await enqueue(db, [
    {
      key: `invitation:${invitation!.id}`,
      template: "invitation",
      recipient: user.email,
      lang: user.lang,
      payload: { name: user.name, url, expiresAt: expiresAt.toISOString(), invitedBy: invitedBy?.name ?? null },
    },
  ]);
  return { url, expiresAt };
}

/** The extra roles to store: each once, never the first role. */
const extraOf = (input: { role: Role; extraRoles: Role[] }): Role[] => [...new Set(input.extraRoles)].filter((r) => r !== input.role);

/** Creates an invited person and their invitation. */
export async function inviteUser(
  db: Db,
  input: unknown,
  inviter: Pick<User, "id" | "name" | "role"> | null,
): Promise<FormResult<{ user: User; url: string; expiresAt: Date }>> {
  const parsed = validate(inviteSchema, input);
  if (!parsed.ok) return parsed;
  const problem = await checkPerson(db, parsed.value, inviter);
  if (problem) return { ok: false, fieldErrors: problem };
  try {
    const value = await db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({
          email: parsed.value.email,
          name: parsed.value.name,
          role: parsed.value.role,
          extraRoles: extraOf(parsed.value),
          organisationId: parsed.value.organisationId,
          status: "invited",
        })
        .returning();
      await assignSystems(tx, user!, parsed.value.systemIds);
      const { url, expiresAt } = await issueInvitation(tx, user!, inviter);
      await audit(tx, {
        action: "user.invited",
        actorUserId: inviter?.id,
        actorLabel: inviter ? null : "cli",
        subjectUserId: user!.id,
        detail: { role: user!.role, ...(user!.extraRoles.length ? { extraRoles: user!.extraRoles } : {}) },
      });
      return { user: user!, url, expiresAt };
    });
    return { ok: true, value };
  } catch (error) {
    if (isUniqueViolation(error, "users_email_key")) return { ok: false, fieldErrors: { email: { key: "user.duplicateEmail" } } };
    throw error;
  }
}

export type InvitationLookup = { ok: true; invitation: Invitation; user: User } | { ok: false; reason: "unknown" | "expired" | "used" };

export async function findInvitation(db: Db, token: string, now = new Date()): Promise<InvitationLookup> {
  if (!token || token.length > 100) return { ok: false, reason: "unknown" };
  const [row] = await db
    .select({ invitation: invitations, user: users })
    .from(invitations)
    .innerJoin(users, eq(users.id, invitations.userId))
    .where(eq(invitations.tokenHash, hashToken(token)));
  if (!row || row.invitation.revokedAt || row.user.status === "deactivated") return { ok: false, reason: "unknown" };
  if (row.invitation.usedAt) return { ok: false, reason: "used" };
  if (row.invitation.expiresAt <= now) return { ok: false, reason: "expired" };
  return { ok: true, ...row };
}

export async function setPendingPassword(db: Db, invitationId: number, passwordHash: string): Promise<void> {
  await db.update(invitations).set({ pendingPasswordHash: passwordHash }).where(eq(invitations.id, invitationId));
}

/**
 * Completes an invitation: stores the authenticator and the chosen password and activates the
 * account, all at once. Fails (returns undefined) if the invitation was used meanwhile.
 */
export async function completeInvitation(
  db: Db,
  invitation: Invitation,
  credential: Omit<typeof webauthnCredentials.$inferInsert, "userId">,
  ip: string | null,
  now = new Date(),
): Promise<User | undefined> {
  if (!invitation.pendingPasswordHash) return undefined;
  return db.transaction(async (tx) => {
    const claimed = await tx
      .update(invitations)
      .set({ usedAt: now })
      .where(and(eq(invitations.id, invitation.id), isNull(invitations.usedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now)))
      .returning();
    if (!claimed.length) return undefined;
    await tx.insert(webauthnCredentials).values({ ...credential, userId: invitation.userId });
    const [user] = await tx
      .update(users)
      .set({ passwordHash: invitation.pendingPasswordHash, status: "active", lastSignInAt: now, updatedAt: now })
      .where(eq(users.id, invitation.userId))
      .returning();
    await audit(tx, { action: "user.invitation-accepted", actorUserId: invitation.userId, subjectUserId: invitation.userId, ip });
    return user;
  });
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email.trim()})`);
  return row;
}

export async function getUserById(db: Db, id: number): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

/** A person as the people list shows them: never their password's hash, which stays on the server. */
export type UserRow = Omit<User, "passwordHash"> & { organisationName: string; systemCodes: string[] };

const { passwordHash: _passwordHash, ...listedColumns } = getTableColumns(users);

/** How many people the administrator's list shows at a time. */
export const PEOPLE_PAGE_SIZE = 50;

/**
 * One page of the people list, by name, optionally only those whose name, e-mail address or
 * organisation contains `q` (a municipality has thousands of accounts: the list is searched and
 * paged, not sent whole).
 */
export async function listUsersPage(
  db: Db,
  query: { q: string; page: number },
  pageSize = PEOPLE_PAGE_SIZE,
): Promise<{ people: UserRow[]; total: number; page: number; pages: number }> {
  const like = containing(query.q);
  const matches = query.q ? or(ilike(users.name, like), ilike(users.email, like), ilike(organisations.name, like)) : undefined;
  const [counted] = await db.select({ n: count() }).from(users).innerJoin(organisations, eq(organisations.id, users.organisationId)).where(matches);
  const total = counted?.n ?? 0;
  const { page, pages, offset } = pageOf(total, query.page, pageSize);
  return { people: await listUsers(db, { where: matches, limit: pageSize, offset }), total, page, pages };
}

export async function listUsers(db: Db, options: { where?: SQL; limit?: number; offset?: number } = {}): Promise<UserRow[]> {
  const base = db
    .select({
      user: listedColumns,
      organisationName: organisations.name,
      systemCodes: sql<string[]>`coalesce((
        select array_agg(s.code order by s.code) from ${systems} s
        where s.owner_user_id = ${users.id}
           or exists (select 1 from ${systemAdministrators} sa where sa.system_id = s.id and sa.user_id = ${users.id})
      ), '{}')`,
    })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(options.where)
    .orderBy(asc(users.name), asc(users.id));
  const rows = await (options.limit === undefined ? base : base.limit(options.limit).offset(options.offset ?? 0));
  return rows.map((r) => ({ ...r.user, organisationName: r.organisationName, systemCodes: r.systemCodes }));
}

/** Changes a person's role, organisation and systems. */
export async function updatePerson(db: Db, id: number, input: unknown, actor: Pick<User, "id" | "role">): Promise<FormResult<User>> {
  const parsed = validate(personSchema, input);
  if (!parsed.ok) return parsed;
  const problem = await checkPerson(db, parsed.value, actor);
  if (problem) return { ok: false, fieldErrors: problem };
  authChanging(`u${id}`);
  const user = await db.transaction(async (tx) => {
    const [before] = await tx.select().from(users).where(eq(users.id, id));
    if (!before) throw new Response("Not found", { status: 404 });
    const [after] = await tx
      .update(users)
      .set({
        name: parsed.value.name,
        role: parsed.value.role,
        extraRoles: extraOf(parsed.value),
        organisationId: parsed.value.organisationId,
        updatedAt: new Date(),
      })
      .where(eq(users.id, id))
      .returning();
    await assignSystems(tx, after!, parsed.value.systemIds);
    if (rolesOf(before).join() !== rolesOf(after!).join()) {
      // New roles are a new set of doors: sessions opened under the old ones end.
      await deleteUserSessions(tx, id);
      await audit(tx, {
        action: "user.role-changed",
        actorUserId: actor.id,
        subjectUserId: id,
        detail: { from: before.role, to: after!.role, fromRoles: rolesOf(before), toRoles: rolesOf(after!) },
      });
    }
    return after!;
  });
  return { ok: true, value: user };
}

/** Deactivates a person: every session, API token and calendar feed address of theirs ends at once. */
export async function deactivateUser(db: Db, id: number, actor: Pick<User, "id"> | null): Promise<void> {
  authChanging(`u${id}`);
  await db.transaction(async (tx) => {
    const [user] = await tx.update(users).set({ status: "deactivated", updatedAt: new Date() }).where(eq(users.id, id)).returning();
    if (!user) throw new Response("Not found", { status: 404 });
    await deleteUserSessions(tx, id);
    await revokeAllApiTokens(tx, id);
    await revokeAllCalendarFeeds(tx, id);
    await tx
      .update(invitations)
      .set({ revokedAt: new Date() })
      .where(and(eq(invitations.userId, id), isNull(invitations.usedAt), isNull(invitations.revokedAt)));
    await audit(tx, { action: "user.deactivated", actorUserId: actor?.id, subjectUserId: id });
  });
}

export async function reactivateUser(db: Db, id: number, actor: Pick<User, "id">): Promise<void> {
  authChanging(`u${id}`);
  await db.transaction(async (tx) => {
    const [user] = await tx
      .update(users)
      .set({ status: sql`case when ${users.passwordHash} is null then 'invited'::user_status else 'active'::user_status end`, updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning();
    if (!user) throw new Response("Not found", { status: 404 });
    await audit(tx, { action: "user.reactivated", actorUserId: actor.id, subjectUserId: id });
  });
}

/**
 * Resets a person's sign-in: removes every authenticator and the password, ends sessions,
 * tokens and calendar feed addresses, and sends a new invitation.
 */
export async function resetUser(db: Db, id: number, actor: Pick<User, "id" | "name"> | null): Promise<{ url: string; expiresAt: Date }> {
  authChanging(`u${id}`);
  return db.transaction(async (tx) => {
    const [user] = await tx.update(users).set({ status: "invited", passwordHash: null, updatedAt: new Date() }).where(eq(users.id, id)).returning();
    if (!user) throw new Response("Not found", { status: 404 });
    await tx.delete(webauthnCredentials).where(eq(webauthnCredentials.userId, id));
    await deleteUserSessions(tx, id);
    await revokeAllApiTokens(tx, id);
    await revokeAllCalendarFeeds(tx, id);
    const invitation = await issueInvitation(tx, user, actor);
    await audit(tx, { action: "user.reset", actorUserId: actor?.id, actorLabel: actor ? null : "cli", subjectUserId: id });
    return invitation;
  });
}

export async function setPassword(db: Db, userId: number, passwordHash: string, ip: string | null): Promise<void> {
  authChanging(`u${userId}`);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, userId));
    await audit(tx, { action: "user.password-changed", actorUserId: userId, subjectUserId: userId, ip });
  });
}

export async function setUserLang(db: Db, userId: number, lang: string): Promise<void> {
  authChanging(`u${userId}`);
  await db.update(users).set({ lang }).where(eq(users.id, userId));
}

/** What the person forms offer, limited to what the inviter may choose. */
export async function personChoices(db: Db, inviter: Pick<User, "role">) {
  const roles = invitableRoles(inviter);
  const kinds = [...new Set(roles.flatMap(organisationKindsFor))];
  const [orgs, systemRows] = await Promise.all([
    db
      .select({ id: organisations.id, name: organisations.name, kind: organisations.kind })
      .from(organisations)
      .where(and(eq(organisations.active, true), inArray(organisations.kind, kinds.length ? kinds : ["supplier"])))
      .orderBy(asc(organisations.name)),
    roles.some((r) => rolesWithSystems.includes(r))
      ? db.select({ id: systems.id, code: systems.code, name: systems.name }).from(systems).where(eq(systems.active, true)).orderBy(asc(systems.code))
      : Promise.resolve([]),
  ]);
  return { roles: roles as string[], organisations: orgs, systems: systemRows };
}

export async function systemIdsOf(db: Db, user: Pick<User, "id" | "role">): Promise<number[]> {
  if (user.role === "system-owner") {
    return (await db.select({ id: systems.id }).from(systems).where(eq(systems.ownerUserId, user.id))).map((r) => r.id);
  }
  return (await db.select({ id: systemAdministrators.systemId }).from(systemAdministrators).where(eq(systemAdministrators.userId, user.id))).map((r) => r.id);
}
