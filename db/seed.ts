import { count } from "drizzle-orm";

import type { Db } from "./client";
import { FREEZE_HORIZON_DAYS, laterOccurrences, meetingsOfRule } from "../machines/time";
import {
  blackoutPeriods,
  cabMeetingRules,
  cabMeetings,
  organisations,
  systemAdministrators,
  systemDependencies,
  systems,
  users,
  type NewOrganisation,
  type Organisation,
  type Role,
  type User,
} from "./schema";

/**
 * A believable municipality ("Sjöviks kommun", fictional) for the embedded demo and for trying
 * things out: units, the service centre, the operations provider, five suppliers, fifteen systems
 * with their dependency graph, and one person per role.
 */
export const DEMO_SERVICE_CENTRE_PHONE = "08-123 456 00";

type SystemSpec = {
  code: string;
  name: string;
  description: string;
  unit: string;
  supplier?: string;
  operated: boolean;
  infoClass: "open" | "internal" | "confidential" | "strictly-confidential";
  personalData: boolean;
  dependsOn: string[];
};

const UNITS = [
  { name: "Digitaliseringsenheten", mailbox: "digitalisering@sjovik.se" },
  { name: "Utbildningsförvaltningen", mailbox: "utbildning.it@sjovik.se" },
  { name: "Socialförvaltningen", mailbox: "social.it@sjovik.se" },
  { name: "HR-avdelningen", mailbox: "hr.system@sjovik.se" },
  { name: "Stadsbyggnadsförvaltningen", mailbox: "stadsbyggnad.it@sjovik.se" },
  { name: "Ekonomiavdelningen", mailbox: "ekonomi.system@sjovik.se" },
];

const SUPPLIERS = [
  { name: "Nordisk Ärendeteknik AB", mailbox: "support@nordiskarende.example", orgNumber: "556701-1234" },
  { name: "Skolwebb Sverige AB", mailbox: "kundtjanst@skolwebb.example", orgNumber: "556702-2345" },
  { name: "Lön & Personal Norden AB", mailbox: "support@lonpersonal.example", orgNumber: "556703-3456" },
  { name: "Geodata Konsult AB", mailbox: "support@geodata.example", orgNumber: "556704-4567" },
  { name: "Integrationshuset AB", mailbox: "servicedesk@integrationshuset.example", orgNumber: "556705-5678" },
];

const SYSTEMS: SystemSpec[] = [
  {
    code: "IDP",
    name: "Identitetsplattform (inloggning och e-legitimation)",
    description: "Gemensam inloggning för medarbetare och invånare.",
    unit: "Digitaliseringsenheten",
    supplier: "Integrationshuset AB",
    operated: true,
    infoClass: "confidential",
    personalData: true,
    dependsOn: [],
  },
  {
    code: "INTEG",
    name: "Integrationsplattform",
    description: "Meddelandeflöden mellan verksamhetssystemen.",
    unit: "Digitaliseringsenheten",
    supplier: "Integrationshuset AB",
    operated: true,
    infoClass: "confidential",
    personalData: true,
    dependsOn: ["IDP"],
  },
  {
    code: "EPLAT",
    name: "E-tjänsteplattform",
    description: "Invånarnas e-tjänster och självservice.",
    unit: "Digitaliseringsenheten",
    supplier: "Integrationshuset AB",
    operated: true,
    infoClass: "confidential",
    personalData: true,
    dependsOn: ["IDP", "INTEG", "CASE"],
  },
  {
    code: "CASE",
    name: "Ärende- och dokumenthantering",
    description: "Diarium, ärenden och beslut.",
    unit: "Digitaliseringsenheten",
    supplier: "Nordisk Ärendeteknik AB",
    operated: true,
    infoClass: "confidential",
    personalData: true,
    dependsOn: ["IDP", "INTEG", "ARKIV"],
  },
  {
    code: "ARKIV",
    name: "E-arkiv",
    description: "Långtidsbevarande av allmänna handlingar.",
    unit: "Digitaliseringsenheten",
    supplier: "Nordisk Ärendeteknik AB",
    operated: true,
    infoClass: "confidential",
    personalData: true,
    dependsOn: ["INTEG"],
  },
  {
    code: "HRLON",
    name: "HR- och lönesystem",
    description: "Anställningar, lön och frånvaro.",
    unit: "HR-avdelningen",
    supplier: "Lön & Personal Norden AB",
    operated: true,
    infoClass: "strictly-confidential",
    personalData: true,
    dependsOn: ["IDP", "INTEG"],
  },
  {
    code: "TIDR",
    name: "Tidrapportering",
    description: "Schema och tidrapporter för medarbetare.",
    unit: "HR-avdelningen",
    supplier: "Lön & Personal Norden AB",
    operated: false,
    infoClass: "internal",
    personalData: true,
    dependsOn: ["HRLON"],
  },
  {
    code: "EKON",
    name: "Ekonomisystem",
    description: "Redovisning, fakturor och budget.",
    unit: "Ekonomiavdelningen",
    supplier: "Lön & Personal Norden AB",
    operated: true,
    infoClass: "confidential",
    personalData: true,
    dependsOn: ["INTEG", "HRLON"],
  },
  {
    code: "SKOLP",
    name: "Skolplattform",
    description: "Schema, närvaro och kommunikation med vårdnadshavare.",
    unit: "Utbildningsförvaltningen",
    supplier: "Skolwebb Sverige AB",
    operated: false,
    infoClass: "confidential",
    personalData: true,
    dependsOn: ["IDP", "INTEG", "ELEVREG"],
  },
  {
    code: "ELEVREG",
    name: "Elevregister",
    description: "Elever, klasser och placeringar.",
    unit: "Utbildningsförvaltningen",
    supplier: "Skolwebb Sverige AB",
    operated: true,
    infoClass: "strictly-confidential",
    personalData: true,
    dependsOn: ["INTEG"],
  },
  {
    code: "SOCSYS",
    name: "Verksamhetssystem socialtjänst",
    description: "Utredningar och insatser inom socialtjänsten.",
    unit: "Socialförvaltningen",
    supplier: "Nordisk Ärendeteknik AB",
    operated: true,
    infoClass: "strictly-confidential",
    personalData: true,
    dependsOn: ["IDP", "INTEG", "ARKIV"],
  },
  {
    code: "GIS",
    name: "Geografiskt informationssystem",
    description: "Kartdata, fastigheter och adresser.",
    unit: "Stadsbyggnadsförvaltningen",
    supplier: "Geodata Konsult AB",
    operated: true,
    infoClass: "internal",
    personalData: false,
    dependsOn: [],
  },
  {
    code: "KARTA",
    name: "Webbkarta",
    description: "Kommunens publika kartor.",
    unit: "Stadsbyggnadsförvaltningen",
    supplier: "Geodata Konsult AB",
    operated: false,
    infoClass: "open",
    personalData: false,
    dependsOn: ["GIS"],
  },
  {
    code: "BYGGL",
    name: "Bygglovssystem",
    description: "Ansökningar och handläggning av bygglov.",
    unit: "Stadsbyggnadsförvaltningen",
    supplier: "Geodata Konsult AB",
    operated: true,
    infoClass: "internal",
    personalData: true,
    dependsOn: ["GIS", "CASE", "EPLAT"],
  },
  {
    code: "INTRA",
    name: "Intranät",
    description: "Nyheter och styrdokument för medarbetare.",
    unit: "Digitaliseringsenheten",
    operated: false,
    infoClass: "internal",
    personalData: false,
    dependsOn: ["IDP"],
  },
];

export type DemoPerson = { role: Role; email: string; name: string; organisation: string; systems?: string[] };

export const DEMO_PEOPLE: DemoPerson[] = [
  { role: "admin", email: "admin@sjovik.se", name: "Alva Administratör", organisation: "Digitaliseringsenheten" },
  {
    role: "requester",
    email: "sara.forvaltare@sjovik.se",
    name: "Sara Förvaltare",
    organisation: "Digitaliseringsenheten",
    systems: ["EPLAT", "CASE", "ARKIV", "INTEG", "IDP", "INTRA"],
  },
  { role: "requester", email: "hamid.hr@sjovik.se", name: "Hamid Hassan", organisation: "HR-avdelningen", systems: ["HRLON", "TIDR", "EKON"] },
  { role: "requester", email: "lina.skola@sjovik.se", name: "Lina Lund", organisation: "Utbildningsförvaltningen", systems: ["SKOLP", "ELEVREG"] },
  { role: "requester", email: "oskar.gis@sjovik.se", name: "Oskar Ek", organisation: "Stadsbyggnadsförvaltningen", systems: ["GIS", "KARTA", "BYGGL"] },
  { role: "requester", email: "maria.social@sjovik.se", name: "Maria Berg", organisation: "Socialförvaltningen", systems: ["SOCSYS"] },
  { role: "service-centre", email: "servicecenter@sjovik.se", name: "Sam Servicecenter", organisation: "Servicecenter" },
  { role: "cab", email: "cab.ledamot@sjovik.se", name: "Cecilia Ändringsråd", organisation: "Digitaliseringsenheten" },
  { role: "operations", email: "drift@driftpartner.example", name: "Dennis Drift", organisation: "Driftpartner Norden AB" },
  { role: "supplier", email: "konsult@nordiskarende.example", name: "Lars Leverantör", organisation: "Nordisk Ärendeteknik AB" },
  { role: "system-owner", email: "systemagare@sjovik.se", name: "Ingrid Systemägare", organisation: "Digitaliseringsenheten" },
];

export async function isEmpty(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(organisations);
  return (row?.n ?? 0) === 0;
}

/** Seeds the demo municipality. Safe to call on an empty database only. */
export async function seedDemo(db: Db): Promise<{ organisations: number; systems: number; users: User[] }> {
  return db.transaction(async (tx) => {
    const insertOrganisation = async (values: NewOrganisation) => (await tx.insert(organisations).values(values).returning())[0]!;
    const orgs = new Map<string, Organisation>();
    for (const unit of UNITS) orgs.set(unit.name, await insertOrganisation({ ...unit, kind: "municipal-unit" }));
    orgs.set(
      "Servicecenter",
      await insertOrganisation({ name: "Servicecenter", kind: "service-centre", mailbox: "servicecenter@sjovik.se", phone: DEMO_SERVICE_CENTRE_PHONE }),
    );
    orgs.set(
      "Driftpartner Norden AB",
      await insertOrganisation({
        name: "Driftpartner Norden AB",
        kind: "operations-provider",
        mailbox: "noc@driftpartner.example",
        phone: "08-987 654 00",
        orgNumber: "556700-0001",
      }),
    );
    for (const supplier of SUPPLIERS) orgs.set(supplier.name, await insertOrganisation({ ...supplier, kind: "supplier" }));
    const org = (name: string) => {
      const found = orgs.get(name);
      if (!found) throw new Error(`seed: unknown organisation ${name}`);
      return found;
    };

    const people: User[] = [];
    for (const person of DEMO_PEOPLE) {
      people.push(
        (
          await tx
            .insert(users)
            .values({ email: person.email, name: person.name, role: person.role, organisationId: org(person.organisation).id, status: "invited" })
            .returning()
        )[0]!,
      );
    }
    const owner = people.find((p) => p.role === "system-owner");

    const ids = new Map<string, number>();
    for (const spec of SYSTEMS) {
      const administrators = DEMO_PEOPLE.flatMap((person, i) => (person.systems?.includes(spec.code) ? [people[i]!.id] : []));
      const [system] = await tx
        .insert(systems)
        .values({
          code: spec.code,
          name: spec.name,
          description: spec.description,
          ownerUnitId: org(spec.unit).id,
          ownerUserId: spec.unit === "Digitaliseringsenheten" ? owner?.id : undefined,
          supplierId: spec.supplier ? org(spec.supplier).id : undefined,
          operatedByProvider: spec.operated,
          informationClass: spec.infoClass,
          holdsPersonalData: spec.personalData,
          dpaReference: spec.personalData && spec.supplier ? `PUB-${spec.code}-2025` : undefined,
          dpaExpiresOn: spec.personalData && spec.supplier ? "2027-12-31" : undefined,
          loginInstructions: `Logga in via fjärråtkomstportalen https://fjarr.sjovik.se med kontot som anges i ärendet, därefter till ${spec.code.toLowerCase()}-app01.sjovik.local.`,
        })
        .returning();
      if (administrators.length) await tx.insert(systemAdministrators).values(administrators.map((userId) => ({ systemId: system!.id, userId })));
      ids.set(spec.code, system!.id);
    }
    for (const spec of SYSTEMS) {
      for (const dependency of spec.dependsOn) await tx.insert(systemDependencies).values({ systemId: ids.get(spec.code)!, dependsOnId: ids.get(dependency)! });
    }
    // The change advisory board meets every Tuesday at 13:00; payroll is frozen around the turn of the year.
    const [rule] = await tx.insert(cabMeetingRules).values({ weekday: 2, time: "13:00", durationMinutes: 60, location: "Stadshuset, rum Ängen" }).returning();
    await tx.insert(cabMeetings).values(meetingsOfRule(rule!, new Date()));
    const year = new Date().getUTCFullYear();
    const yearEnd = { start: new Date(`${year}-12-18T00:00:00+01:00`), end: new Date(`${year + 1}-01-09T00:00:00+01:00`) };
    const reason = "Årsskifte: lönekörning och bokslut";
    const [freeze] = await tx
      .insert(blackoutPeriods)
      .values({ systemId: ids.get("HRLON")!, startsAt: yearEnd.start, endsAt: yearEnd.end, reason, repeats: "yearly" })
      .returning({ id: blackoutPeriods.id });
    const horizon = new Date(Date.now() + FREEZE_HORIZON_DAYS * 86_400_000);
    for (const later of laterOccurrences(yearEnd, "yearly", null, horizon))
      await tx.insert(blackoutPeriods).values({ systemId: ids.get("HRLON")!, startsAt: later.start, endsAt: later.end, reason, parentId: freeze!.id });
    return { organisations: orgs.size, systems: ids.size, users: people };
  });
}

/** Seeds the demo municipality when the database has no organisations yet; returns whether it did. */
export async function seedDemoIfEmpty(db: Db): Promise<boolean> {
  if (!(await isEmpty(db))) return false;
  await seedDemo(db);
  return true;
}
