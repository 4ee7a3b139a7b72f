import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { makeOrganisation, makeSystem, makeUser } from "./support/factories";
import { systemAdministrators, systems, type Organisation, type System } from "../db/schema";
import { inScope, requireInScope, scopeOf } from "~/access/scope.server";
import { useTestDatabase } from "./support/database";

const db = useTestDatabase();
let unit: Organisation;
let supplierA: Organisation;
let supplierB: Organisation;
let payroll: System;
let school: System;

beforeAll(async () => {
  unit = await makeOrganisation(db(), { kind: "municipal-unit" });
  supplierA = await makeOrganisation(db(), { kind: "supplier" });
  supplierB = await makeOrganisation(db(), { kind: "supplier" });
  payroll = await makeSystem(db(), { ownerUnitId: unit.id, supplierId: supplierA.id });
  school = await makeSystem(db(), { ownerUnitId: unit.id, supplierId: supplierB.id });
});

describe("who sees what", () => {
  it("lets the service centre, CAB, operations and administrators see everything", async () => {
    for (const role of ["service-centre", "cab", "operations", "admin"] as const) {
      const user = await makeUser(db(), { organisationId: unit.id, role });
      const scope = await scopeOf(db(), user);
      expect(inScope(scope, { systemId: school.id, supplierId: supplierB.id }), role).toBe(true);
    }
  });

  it("limits a requester to the systems they administer and an owner to the systems they own", async () => {
    const requester = await makeUser(db(), { organisationId: unit.id, role: "requester" });
    await db().insert(systemAdministrators).values({ systemId: payroll.id, userId: requester.id });
    const scope = await scopeOf(db(), requester);
    expect(inScope(scope, { systemId: payroll.id, supplierId: supplierA.id })).toBe(true);
    expect(inScope(scope, { systemId: school.id, supplierId: supplierB.id })).toBe(false);

    const owner = await makeUser(db(), { organisationId: unit.id, role: "system-owner" });
    await db().update(systems).set({ ownerUserId: owner.id }).where(eq(systems.id, school.id));
    const ownerScope = await scopeOf(db(), owner);
    expect(inScope(ownerScope, { systemId: school.id, supplierId: supplierB.id })).toBe(true);
    expect(inScope(ownerScope, { systemId: payroll.id, supplierId: supplierA.id })).toBe(false);
  });

  it("limits a supplier to its own organisation's work and answers 404 outside it", async () => {
    const consultant = await makeUser(db(), { organisationId: supplierA.id, role: "supplier" });
    const scope = await scopeOf(db(), consultant);
    expect(inScope(scope, { systemId: payroll.id, supplierId: supplierA.id })).toBe(true);
    // Another supplier's work on the same system is not theirs to see.
    expect(inScope(scope, { systemId: payroll.id, supplierId: supplierB.id })).toBe(false);
    let thrown: unknown;
    try {
      requireInScope(scope, { systemId: school.id, supplierId: supplierB.id });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(404);
  });
});
