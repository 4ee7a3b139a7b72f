import type { Db } from "../../db/client";
import {
  organisations,
  systemAdministrators,
  systemDependencies,
  systems,
  users,
  type NewOrganisation,
  type NewSystem,
  type NewUser,
  type Organisation,
  type System,
  type User,
} from "../../db/schema";

/**
 * Row factories for the tests: each fills in believable defaults and
 * takes overrides, so a test states only what it is about.
 */
let counter = 0;
const next = () => `${Date.now().toString(36)}${(++counter).toString(36)}`.toUpperCase();

export async function makeOrganisation(db: Db, overrides: Partial<NewOrganisation> = {}): Promise<Organisation> {
  const suffix = next();
  const [row] = await db
    .insert(organisations)
    .values({
      name: `Organisation ${suffix}`,
      kind: "supplier",
      mailbox: `support-${suffix.toLowerCase()}@example.se`,
      ...overrides,
    })
    .returning();
  return row!;
}

export async function makeUser(db: Db, overrides: Partial<NewUser> & { organisationId: number }): Promise<User> {
  const suffix = next().toLowerCase();
  const [row] = await db
    .insert(users)
    .values({ email: `person-${suffix}@example.se`, name: `Person ${suffix}`, role: "requester", status: "active", ...overrides })
    .returning();
  return row!;
}

export async function makeSystem(
  db: Db,
  overrides: Partial<NewSystem> & { ownerUnitId: number },
  options: { administratorIds?: number[]; dependsOn?: number[] } = {},
): Promise<System> {
  const code = overrides.code ?? `S${next()}`.slice(0, 20);
  const [row] = await db
    .insert(systems)
    .values({ code, name: `System ${code}`, ...overrides })
    .returning();
  const system = row!;
  if (options.administratorIds?.length) {
    await db.insert(systemAdministrators).values(options.administratorIds.map((userId) => ({ systemId: system.id, userId })));
  }
  if (options.dependsOn?.length) {
    await db.insert(systemDependencies).values(options.dependsOn.map((dependsOnId) => ({ systemId: system.id, dependsOnId })));
  }
  return system;
}

export async function makeDependency(db: Db, systemId: number, dependsOnId: number): Promise<void> {
  await db.insert(systemDependencies).values({ systemId, dependsOnId });
}
