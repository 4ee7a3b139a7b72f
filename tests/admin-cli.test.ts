import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Db } from "../db/client";
import { lockFileFor } from "../db/lock";
import { openDatabase } from "../db/open";
import { organisations, ROLES, systemAdministrators, systems, users } from "../db/schema";
import { seedDemo } from "../db/seed";
import { userForApiToken } from "~/access/api-tokens.server";

/**
 * `npm run admin -- …` run for real, as child processes, against an embedded database of its own.
 * The embedded database admits one process at a time, so the test opens it in-process only
 * between CLI runs (to prepare it and to check what the CLI left behind).
 */

const ACTIVE_EMAIL = "sara.forvaltare@sjovik.se";
const INVITED_EMAIL = "admin@sjovik.se";
const PORT = "3987";

let dataDir: string;
let childEnv: NodeJS.ProcessEnv;

type Run = { status: number | null; stdout: string; stderr: string; lastLine: string };

function cli(...args: string[]): Run {
  const result = spawnSync(process.execPath, ["--import", "tsx", "app/cli/admin.ts", ...args], {
    env: childEnv,
    encoding: "utf8",
    cwd: process.cwd(),
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  const lines = result.stdout.split("\n").filter((line) => line.trim() !== "");
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, lastLine: lines.at(-1) ?? "" };
}

/** Opens the CLI's database in this process for the duration of `fn`, then closes it again. */
async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const database = await openDatabase({ backend: "pglite", dataDir });
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

const userByEmail = (db: Db, email: string) =>
  db
    .select({ user: users, organisation: organisations.name })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(sql`lower(${users.email}) = lower(${email})`)
    .then((rows) => rows[0]);

beforeAll(async () => {
  dataDir = join(mkdtempSync(join(tmpdir(), "portal-cli-")), "pglite");
  childEnv = { ...process.env };
  // The other test files may run against a PostgreSQL server; the CLI test always uses its own PGlite directory.
  delete childEnv.DATABASE_URL;
  delete childEnv.APP_URL;
  Object.assign(childEnv, {
    PGLITE_DATA_DIR: dataDir,
    SESSION_SECRET: "cli-test-secret-cli-test-secret-0123456789",
    DEMO_DATA: "false",
    NODE_ENV: "test",
    PORT,
  });
  await withDb(async (db) => {
    await seedDemo(db);
    await db.update(users).set({ status: "active" }).where(eq(users.email, ACTIVE_EMAIL));
  });
});

afterAll(() => {
  if (dataDir) rmSync(dirname(dataDir), { recursive: true, force: true });
});

describe("npm run admin -- create-user", () => {
  it("invites a supplier person into the named organisation and prints the invitation URL last", async () => {
    const run = cli(
      "create-user",
      "--email",
      "ny.konsult@nordiskarende.example",
      "--name",
      "Nina Ny",
      "--role",
      "supplier",
      "--org",
      "Nordisk Ärendeteknik AB",
    );
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.lastLine).toMatch(new RegExp(`^http://localhost:${PORT}/invite/[A-Za-z0-9_-]{20,}$`));
    expect(run.stdout).toContain("Nina Ny <ny.konsult@nordiskarende.example> as supplier");

    const row = await withDb((db) => userByEmail(db, "ny.konsult@nordiskarende.example"));
    expect(row).toBeDefined();
    expect(row!.user).toMatchObject({ name: "Nina Ny", role: "supplier", status: "invited" });
    expect(row!.organisation).toBe("Nordisk Ärendeteknik AB");
  }, 60_000);

  it("makes a requester administrator of the systems given by code (in any case)", async () => {
    const run = cli("create-user", "--email", "ny.forvaltare@sjovik.se", "--name", "Nils Förvaltare", "--role", "requester", "--systems", "EPLAT,gis");
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.lastLine).toMatch(new RegExp(`^http://localhost:${PORT}/invite/\\S+$`));

    const { row, codes } = await withDb(async (db) => {
      const row = await userByEmail(db, "ny.forvaltare@sjovik.se");
      const codes = row
        ? await db
            .select({ code: systems.code })
            .from(systemAdministrators)
            .innerJoin(systems, eq(systems.id, systemAdministrators.systemId))
            .where(eq(systemAdministrators.userId, row.user.id))
        : [];
      return { row, codes: codes.map((c) => c.code).sort() };
    });
    expect(row?.user).toMatchObject({ role: "requester", status: "invited" });
    // Without --org the person lands in the first municipal unit.
    expect(row?.organisation).toBe("Digitaliseringsenheten");
    expect(codes).toEqual(["EPLAT", "GIS"]);
  }, 60_000);

  it("refuses bad input with exit code 1 and a message that says what is wrong, creating nobody", async () => {
    const role = cli("create-user", "--email", "x1@sjovik.se", "--name", "X", "--role", "boss");
    expect(role.status).toBe(1);
    expect(role.stderr).toContain('Error: Unknown role "boss"');
    for (const known of ROLES) expect(role.stderr).toContain(known);

    const org = cli("create-user", "--email", "x2@sjovik.se", "--name", "X", "--role", "supplier", "--org", "Okänd Leverantör AB");
    expect(org.status).toBe(1);
    expect(org.stderr).toContain('Error: Unknown organisation "Okänd Leverantör AB"');
    expect(org.stderr).toContain("Nordisk Ärendeteknik AB");

    const system = cli("create-user", "--email", "x3@sjovik.se", "--name", "X", "--role", "requester", "--systems", "EPLAT,NOPE");
    expect(system.status).toBe(1);
    expect(system.stderr).toContain("Error: Unknown system: NOPE");

    const duplicate = cli("create-user", "--email", "Sara.Forvaltare@SJOVIK.se", "--name", "Sara Igen", "--role", "requester");
    expect(duplicate.status).toBe(1);
    expect(duplicate.stderr).toMatch(/Error: A user with the e-mail address \S+ already exists/i);

    for (const run of [role, org, system, duplicate]) expect(run.stdout).not.toContain("/invite/");

    const { strays, saras } = await withDb(async (db) => ({
      strays: await db
        .select({ email: users.email })
        .from(users)
        .where(sql`${users.email} in ('x1@sjovik.se', 'x2@sjovik.se', 'x3@sjovik.se')`),
      saras: await db
        .select({ name: users.name })
        .from(users)
        .where(sql`lower(${users.email}) = ${ACTIVE_EMAIL}`),
    }));
    expect(strays).toEqual([]);
    expect(saras).toEqual([{ name: "Sara Förvaltare" }]);
  }, 120_000);
});

describe("npm run admin -- create-token", () => {
  it("prints a working sap_ token alone on its last line for an active user", async () => {
    const run = cli("create-token", "--email", ACTIVE_EMAIL, "--name", "CI pipeline");
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.lastLine).toMatch(/^sap_[A-Za-z0-9_-]{20,}$/);

    const owner = await withDb((db) => userForApiToken(db, run.lastLine));
    expect(owner?.email).toBe(ACTIVE_EMAIL);
  }, 60_000);

  it("refuses a user who has not accepted the invitation yet", async () => {
    const run = cli("create-token", "--email", INVITED_EMAIL, "--name", "Too early");
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`Error: ${INVITED_EMAIL} is invited`);
    expect(run.stdout).not.toMatch(/sap_/);

    const tokens = await withDb((db) => db.execute(sql`select t.id from api_tokens t join users u on u.id = t.user_id where u.email = ${INVITED_EMAIL}`));
    expect((tokens as unknown as { rows: unknown[] }).rows).toEqual([]);
  }, 60_000);
});

describe("npm run admin -- list-users", () => {
  it("lists everybody with e-mail, role and status", () => {
    const run = cli("list-users");
    expect(run.status).toBe(0);
    for (const email of [ACTIVE_EMAIL, INVITED_EMAIL, "konsult@nordiskarende.example", "drift@driftpartner.example", "ny.konsult@nordiskarende.example"]) {
      expect(run.stdout).toContain(email);
    }
    const sara = run.stdout.split("\n").find((line) => line.startsWith(ACTIVE_EMAIL));
    expect(sara).toMatch(/Sara Förvaltare\s+requester\s+active\s+Digitaliseringsenheten/);
  }, 60_000);
});

describe("usage errors", () => {
  it("exit with code 2 and print the usage for an unknown command or flag", () => {
    const command = cli("frobnicate");
    expect(command.status).toBe(2);
    expect(command.stderr).toContain('Unknown command "frobnicate"');
    expect(command.stderr).toContain("Usage: npm run admin -- <command>");

    const flag = cli("create-user", "--email", "x4@sjovik.se", "--bogus", "1");
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain("--bogus");
    expect(flag.stderr).toContain("Usage: npm run admin -- <command>");
  }, 60_000);
});

describe("a database held by another process", () => {
  it("makes the CLI exit with code 1 naming the lock file, and leaves the holder's lock alone", async () => {
    const holder = await openDatabase({ backend: "pglite", dataDir });
    let run: Run;
    try {
      run = cli("list-users");
      expect(existsSync(lockFileFor(dataDir))).toBe(true);
    } finally {
      await holder.close();
    }
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${dataDir}.lock`);
    expect(run.stdout).not.toContain(ACTIVE_EMAIL);
    expect(existsSync(lockFileFor(dataDir))).toBe(false);

    // Once the holder is gone the CLI works again.
    const again = cli("list-users");
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(ACTIVE_EMAIL);
  }, 60_000);
});

describe("bootstrapping a bare database", () => {
  // Each step is a process of its own that opens and migrates a new PGlite database: slow on a busy machine.
  it("creates the first administrator (and a unit for them) and insists on --org for supplier people", async () => {
    const saved = { dataDir, childEnv };
    dataDir = join(mkdtempSync(join(tmpdir(), "portal-cli-bare-")), "pglite");
    childEnv = { ...childEnv, PGLITE_DATA_DIR: dataDir };
    try {
      const supplier = cli("create-user", "--email", "lev@example.se", "--name", "Lev", "--role", "supplier");
      expect(supplier.status).toBe(1);
      expect(supplier.stderr).toContain("--org is required for the role supplier");

      const admin = cli("create-user", "--email", "forsta.admin@kommun.se", "--name", "Första Admin", "--role", "admin");
      expect(admin.status).toBe(0);
      expect(admin.lastLine).toMatch(new RegExp(`^http://localhost:${PORT}/invite/[\\w-]{40,}$`));
      const row = await withDb((db) => userByEmail(db, "forsta.admin@kommun.se"));
      expect(row?.user.role).toBe("admin");
      expect(row?.organisation).toBe("Kommunen");

      // A refused person leaves nothing behind, not even the unit made for them.
      const bad = cli("create-user", "--email", "not-an-address", "--name", "X", "--role", "admin");
      expect(bad.status).toBe(1);
      const units = await withDb((db) => db.select().from(organisations));
      expect(units).toHaveLength(1);
    } finally {
      dataDir = saved.dataDir;
      childEnv = saved.childEnv;
    }
  }, 120_000);
});
