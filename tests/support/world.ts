import type { Db } from "../../db/client";
import { makeOrganisation, makeSystem, makeUser } from "./factories";
import { createApiToken } from "~/access/api-tokens.server";
import { addWorkingDays, earliestStart, stockholmDate, stockholmMidnight } from "../../machines/calendar";

/** A window that meets the advanced lead time from today: `extraDays` working days later, 09:00–13:00 Stockholm. */
export function windowAhead(extraDays = 1, hours = 4) {
  const day = addWorkingDays(earliestStart("advanced-change", stockholmDate(new Date())), extraDays);
  const start = new Date(stockholmMidnight(day).getTime() + 9 * 3600_000);
  return { start: start.toISOString(), end: new Date(start.getTime() + hours * 3600_000).toISOString() };
}

/**
 * A small municipality for workflow tests: a service centre, an operations provider, two
 * suppliers, three systems (APP depends on DB, DB depends on NET) and one person per role with an
 * API token.
 */
export async function makeWorld(db: Db, tag = Math.random().toString(36).slice(2, 7).toUpperCase()) {
  const unit = await makeOrganisation(db, { kind: "municipal-unit", name: `Enhet ${tag}` });
  const centre = await makeOrganisation(db, { kind: "service-centre", name: `Servicecenter ${tag}`, mailbox: `sc-${tag.toLowerCase()}@kommun.se` });
  const ops = await makeOrganisation(db, { kind: "operations-provider", name: `Drift ${tag}`, mailbox: `noc-${tag.toLowerCase()}@drift.example` });
  const supplier = await makeOrganisation(db, { kind: "supplier", name: `Leverantör ${tag}`, mailbox: `lev-${tag.toLowerCase()}@lev.example` });
  const otherSupplier = await makeOrganisation(db, { kind: "supplier", name: `Annan ${tag}` });

  const owner = await makeUser(db, { organisationId: unit.id, role: "system-owner", name: `Ägare ${tag}` });
  const net = await makeSystem(db, { code: `NET${tag}`, ownerUnitId: unit.id, supplierId: otherSupplier.id });
  const dbs = await makeSystem(db, { code: `DB${tag}`, ownerUnitId: unit.id, supplierId: supplier.id }, { dependsOn: [net.id] });
  const app = await makeSystem(db, { code: `APP${tag}`, ownerUnitId: unit.id, supplierId: supplier.id, ownerUserId: owner.id }, { dependsOn: [dbs.id] });

  const requester = await makeUser(db, { organisationId: unit.id, role: "requester", name: `Förvaltare ${tag}` });
  const colleague = await makeUser(db, { organisationId: unit.id, role: "requester", name: `Kollega ${tag}` });
  const stranger = await makeUser(db, { organisationId: unit.id, role: "requester", name: `Främling ${tag}` });
  const { systemAdministrators } = await import("../../db/schema");
  await db.insert(systemAdministrators).values([
    { systemId: app.id, userId: requester.id },
    { systemId: dbs.id, userId: requester.id },
    { systemId: net.id, userId: requester.id },
    { systemId: app.id, userId: colleague.id },
  ]);
  const serviceCentre = await makeUser(db, { organisationId: centre.id, role: "service-centre", name: `Handläggare ${tag}` });
  const operations = await makeUser(db, { organisationId: ops.id, role: "operations", name: `Drifttekniker ${tag}` });
  const consultant = await makeUser(db, { organisationId: supplier.id, role: "supplier", name: `Konsult ${tag}` });
  const otherConsultant = await makeUser(db, { organisationId: otherSupplier.id, role: "supplier", name: `Annan konsult ${tag}` });
  const cab = await makeUser(db, { organisationId: unit.id, role: "cab", name: `Ledamot ${tag}` });

  const people = { requester, colleague, stranger, serviceCentre, operations, consultant, otherConsultant, owner, cab };
  const tokens = {} as Record<keyof typeof people, string>;
  for (const [name, person] of Object.entries(people)) tokens[name as keyof typeof people] = (await createApiToken(db, person.id, "test")).token;
  return { tag, unit, centre, ops, supplier, otherSupplier, systems: { app, dbs, net }, people, tokens };
}
export type World = Awaited<ReturnType<typeof makeWorld>>;
