import { parseArgs } from "node:util";

import { and, asc, eq, inArray, sql } from "drizzle-orm";

import type { Db } from "../../db/client";
import { organisations, ROLES, systems } from "../../db/schema";
import { boot } from "../boot.server";
import { createApiToken } from "../access/api-tokens.server";
import { verifyAuditChain } from "../audit/chain.server";
import { findUserByEmail, inviteUser, issueInvitation, listUsers } from "../admin/people.server";
import { translatorFor } from "../i18n/i18n.server";
import type { FieldErrors } from "../ui/forms";

/**
 * `npm run admin -- <command>`: bootstrapping and operations from a shell.
 *   create-user --email E --name N --role R [--org ORG] [--systems CODE1,CODE2]   prints the invitation URL
 *   invite --email E                                                              a new invitation for an invited person
 *   create-token --email E --name N                                               prints the token alone on its last line
 *   list-users
 *   verify-audit                                                                  checks the audit trail's hash chain
 * Exit code 0 on success, 1 on any error (with a message on stderr), 2 on a usage error.
 */
const USAGE = `Usage: npm run admin -- <command> [options]
  create-user --email E --name N --role R [--org ORGANISATION] [--systems CODE1,CODE2]
  invite --email E
  create-token --email E --name N
  list-users
  verify-audit
Roles: ${ROLES.join(", ")}`;

class CliError extends Error {}

function fail(message: string): never {
  throw new CliError(message);
}

const t = translatorFor("en").t;
function explain(errors: FieldErrors): string {
  return Object.entries(errors)
    .map(([field, msg]) => `  ${field}: ${msg ? t(msg) : "invalid"}`)
    .join("\n");
}

async function createUser(db: Db, args: Record<string, string | undefined>) {
  const email = args.email ?? fail("--email is required");
  const name = args.name ?? fail("--name is required");
  const role = args.role ?? fail("--role is required");
  if (!(ROLES as readonly string[]).includes(role)) fail(`Unknown role "${role}". Roles: ${ROLES.join(", ")}`);
  if (await findUserByEmail(db, email)) fail(`A user with the e-mail address ${email} already exists.`);

  const needsOwnOrg = role === "supplier" || role === "operations";
  if (needsOwnOrg && !args.org)
    fail(`--org is required for the role ${role} (the ${role === "supplier" ? "supplier" : "operations provider"} the person works for).`);
  let organisationId: number | undefined;
  if (args.org) {
    const [org] = await db
      .select()
      .from(organisations)
      .where(sql`lower(${organisations.name}) = lower(${args.org})`);
    if (!org) {
      const known = await db.select({ name: organisations.name }).from(organisations).orderBy(asc(organisations.name));
      fail(`Unknown organisation "${args.org}". Known: ${known.map((o) => o.name).join(", ") || "(none)"}`);
    }
    organisationId = org.id;
  } else {
    // Without --org: the first active municipal unit.
    const [unit] = await db
      .select()
      .from(organisations)
      .where(and(eq(organisations.kind, "municipal-unit"), eq(organisations.active, true)))
      .orderBy(asc(organisations.id));
    organisationId = unit?.id;
  }

  const codes = (args.systems ?? "")
    .split(",")
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);
  const found = codes.length ? await db.select({ id: systems.id, code: systems.code }).from(systems).where(inArray(systems.code, codes)) : [];
  const missing = codes.filter((c) => !found.some((s) => s.code === c));
  if (missing.length) fail(`Unknown system${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}`);

  // On a bare database (the very first administrator) there is no unit yet: create one with the
  // person, in the same transaction, so a refused person leaves nothing behind.
  let refused: FieldErrors | undefined;
  const invited = await db
    .transaction(async (tx) => {
      const orgId = organisationId ?? (await tx.insert(organisations).values({ name: "Kommunen", kind: "municipal-unit", mailbox: email }).returning())[0]!.id;
      const outcome = await inviteUser(tx, { email, name, role, organisationId: orgId, systemIds: found.map((s) => s.id) }, null);
      if (!outcome.ok) {
        refused = outcome.fieldErrors;
        tx.rollback();
      }
      return outcome.ok ? outcome.value : undefined;
    })
    .catch((error: unknown) => {
      if (refused) return undefined;
      throw error;
    });
  if (!invited) fail(`The user could not be created:\n${explain(refused ?? {})}`);
  const result = { value: invited };
  console.log(
    `Invited ${result.value.user.name} <${result.value.user.email}> as ${role}. The invitation is valid until ${result.value.expiresAt.toISOString()}:`,
  );
  console.log(result.value.url);
}

async function invite(db: Db, args: Record<string, string | undefined>) {
  const user = await findUserByEmail(db, args.email ?? fail("--email is required"));
  if (!user) fail(`No user with the e-mail address ${args.email}.`);
  if (user.status !== "invited") fail(`${user.email} is ${user.status}; use "reset" in the admin screens to start over.`);
  const { url } = await issueInvitation(db, user, null);
  console.log(url);
}

async function createToken(db: Db, args: Record<string, string | undefined>) {
  const user = await findUserByEmail(db, args.email ?? fail("--email is required"));
  const name = args.name ?? fail("--name is required");
  if (!user) fail(`No user with the e-mail address ${args.email}.`);
  if (user.status !== "active") fail(`${user.email} is ${user.status}: only active users can have API tokens.`);
  const { token } = await createApiToken(db, user.id, name);
  console.log(`API token "${name}" for ${user.email} (shown once):`);
  console.log(token);
}

async function listAllUsers(db: Db) {
  const rows = await listUsers(db);
  if (!rows.length) return console.log("No users.");
  const lines = rows.map((u) => [u.email, u.name, u.role, u.status, u.organisationName, u.lastSignInAt?.toISOString() ?? "-"]);
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  for (const line of lines)
    console.log(
      line
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    );
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: rest,
      options: { email: { type: "string" }, name: { type: "string" }, role: { type: "string" }, org: { type: "string" }, systems: { type: "string" } },
      strict: true,
    }).values;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  const commands: Record<string, (db: Db) => Promise<void>> = {
    "create-user": (db) => createUser(db, values),
    invite: (db) => invite(db, values),
    "create-token": (db) => createToken(db, values),
    "list-users": (db) => listAllUsers(db),
    "verify-audit": async (db) => {
      const result = await verifyAuditChain(db);
      if (!result.ok) fail(`The audit trail is broken at row ${result.brokenAt} of ${result.rows}: ${result.problem}.`);
      console.log(`The audit trail is intact: ${result.rows} rows, every hash matches its row and links to the one before.`);
    },
  };
  const run = command ? commands[command] : undefined;
  if (!run) {
    console.error(command ? `Unknown command "${command}".\n\n${USAGE}` : USAGE);
    process.exit(2);
  }
  const { database } = await boot();
  try {
    await run(database.db);
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`Error: ${error.message}`);
      process.exitCode = 1;
    } else {
      throw error;
    }
  } finally {
    await database.close();
  }
}

await main();
