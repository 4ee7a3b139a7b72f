import { sql } from "drizzle-orm";

import { rows as rowsOf, type Db } from "../../db/client";
import {
  accessWindows,
  auditLog,
  blackoutPeriods,
  cabComments,
  cabMeetingRules,
  cabMeetings,
  cabVotes,
  caseCounters,
  cases,
  organisations,
  systemAdministrators,
  systemDependencies,
  systems,
  users,
  type CaseTypeName,
  type InformationClass,
  type Role,
} from "../../db/schema";
import { CASE_MACHINES, WINDOW_MACHINE, type CaseStatus } from "../../machines";
import { stockholmDate } from "../../machines/calendar";
import { stockholmLocalToIso } from "../../machines/time";
import { priorityOf, type Level } from "../../machines/priority";

/**
 * The benchmark's municipality, written in bulk: multi-row inserts of rows planned in memory
 * (a seeded PRNG, so every run plans the same data relative to `now`), never through the workflow
 * service one case at a time — but every row is one the service could have written: machine
 * states `{ value, context }` as the machines persist them, an access window for every case that
 * was approved, audit rows for every transition in time order (the hash chain is computed by the
 * database's own trigger), CAB meetings every Tuesday with the advanced changes on their agendas.
 *
 * Scale (defaults): 200 systems with a dependency graph (a few platforms everything leans on,
 * then each system on one to three earlier ones), 12 units, 25 suppliers, ~150 people in every
 * role, 10,000 cases over the last two years and the next three months.
 */
export type SeedOptions = { now: Date; systems?: number; cases?: number; seed?: number };

export type SeedSummary = {
  organisations: number;
  users: number;
  systems: number;
  dependencies: number;
  cases: number;
  caseWindows: number;
  accessWindows: number;
  auditRows: number;
  /** Rows in the outbox (sent messages). */
  messages: number;
  cabMeetings: number;
  /** People the benchmark signs in as. */
  people: { serviceCentre: number; cab: number; supplier: number; requester: number; operations: number; admin: number };
  byStatus: Record<string, number>;
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MIN = 60_000;

/** mulberry32: small, fast, and the same sequence for the same seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = ReturnType<typeof prng>;
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const between = (random: Random, lo: number, hi: number) => lo + random() * (hi - lo);
const int = (random: Random, lo: number, hi: number) => Math.floor(between(random, lo, hi + 1));
/** Picks a key by weight. */
function weighted<T extends string>(random: Random, weights: Record<T, number>): T {
  const entries = Object.entries(weights) as [T, number][];
  let r = random() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [key, w] of entries) if ((r -= w) < 0) return key;
  return entries[entries.length - 1]![0];
}

/** Inserts rows in batches (PostgreSQL takes at most 65,535 parameters per statement). */
async function inBatches<T, R>(rows: T[], size: number, insert: (batch: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < rows.length; i += size) out.push(...(await insert(rows.slice(i, i + size))));
  return out;
}

const UNITS = [
  "Kommunledningskontoret",
  "Digitaliseringsenheten",
  "Utbildningsförvaltningen",
  "Socialförvaltningen",
  "Äldreförvaltningen",
  "Stadsbyggnadsförvaltningen",
  "Tekniska förvaltningen",
  "Kultur- och fritidsförvaltningen",
  "Miljö- och hälsoskyddsförvaltningen",
  "Arbetsmarknadsförvaltningen",
  "HR-avdelningen",
  "Ekonomiavdelningen",
];
const SUPPLIER_NAMES = [
  "Nordisk Ärendeteknik",
  "Skolwebb Sverige",
  "Lön & Personal Norden",
  "Geodata Konsult",
  "Integrationshuset",
  "Omsorgsdata",
  "Kommunsystem Syd",
  "Arkivlösningar",
  "Fastighetsdata Norr",
  "Bibliotekssystem",
  "Vårdsystem Öst",
  "Ekonomisystem Väst",
  "Säkra Identiteter",
  "Kartverket Konsult",
  "Parkeringsdata",
  "Miljödata",
  "Skolskjuts IT",
  "Bokningssystem Mitt",
  "Trygghetslarm IT",
  "Webbyrån Kommun",
  "Dokumentflöden",
  "Upphandlingssystem",
  "Telefonisystem",
  "Nätdrift Konsult",
  "Analysverktyg",
];
const FIRST = [
  "Anna",
  "Erik",
  "Maria",
  "Lars",
  "Karin",
  "Anders",
  "Eva",
  "Johan",
  "Sara",
  "Per",
  "Lena",
  "Mikael",
  "Emma",
  "Fredrik",
  "Ingrid",
  "Hamid",
  "Lina",
  "Oskar",
  "Fatima",
  "Jonas",
  "Elin",
  "Ali",
  "Sofia",
  "Magnus",
];
const LAST = [
  "Andersson",
  "Johansson",
  "Karlsson",
  "Nilsson",
  "Eriksson",
  "Larsson",
  "Olsson",
  "Persson",
  "Svensson",
  "Gustafsson",
  "Pettersson",
  "Berg",
  "Lund",
  "Ek",
  "Hassan",
  "Lindqvist",
  "Holm",
  "Sandberg",
];
const SYSTEM_KINDS = [
  ["ARENDE", "Ärendehantering"],
  ["DOK", "Dokumenthantering"],
  ["EKO", "Ekonomi"],
  ["BOK", "Bokning"],
  ["KART", "Kartor"],
  ["SKOL", "Skoladministration"],
  ["OMS", "Omsorg"],
  ["BYGG", "Bygglov"],
  ["TEKN", "Teknisk förvaltning"],
  ["BIBL", "Bibliotek"],
  ["MILJ", "Miljötillsyn"],
  ["FAST", "Fastigheter"],
  ["PARK", "Parkering"],
  ["HR", "Personal"],
  ["WEBB", "Webbplats"],
  ["TEL", "Telefoni"],
  ["LARM", "Trygghetslarm"],
  ["STAT", "Statistik"],
  ["UPPH", "Upphandling"],
  ["ARKV", "Arkiv"],
] as const;
/** The platforms almost everything leans on: identity, integration, e-services, archive, GIS. */
const PLATFORMS = [
  ["IDP", "Identitetsplattform"],
  ["INTEG", "Integrationsplattform"],
  ["EPLAT", "E-tjänsteplattform"],
  ["EARKIV", "E-arkiv"],
  ["GIS", "Geografiskt informationssystem"],
  ["DWH", "Datalager"],
] as const;
const CHANGE_TITLES = [
  "Versionsuppgradering",
  "Säkerhetsuppdatering",
  "Databasmigrering",
  "Byte av certifikat",
  "Ny integration",
  "Konfigurationsändring",
  "Uppgradering av operativsystem",
  "Ny modul",
  "Prestandaoptimering",
  "Byte av server",
];
const INCIDENT_TITLES = [
  "Tjänsten svarar inte",
  "Inloggningen fungerar inte",
  "Långsamma svarstider",
  "Fel i export",
  "Jobb har stannat",
  "Integrationen levererar inte",
];

type SystemRow = { id: number; code: string; supplierId: number | null; ownerUserId: number | null; admins: number[]; index: number };

type AuditPlan = {
  at: Date;
  actor: number | null;
  event: string;
  from: string | null;
  to: string;
  reason?: string;
  detail?: Record<string, unknown>;
  /** Window events name the window: filled in after the windows are inserted. */
  window?: boolean;
};

type WindowPlan = {
  status: "scheduled" | "open" | "closed" | "cancelled";
  startsAt: Date;
  endsAt: Date;
  grantedAt: Date | null;
  closedAt: Date | null;
  closedBy: "revoked" | "ended" | "expired" | null;
  pendingExtension: { end: string; reason: string; requestedBy: number | null } | null;
};

type CasePlan = {
  type: CaseTypeName;
  prefix: "INC" | "BEG" | "CHG" | "ACC";
  system: SystemRow;
  requesterId: number;
  status: CaseStatus;
  title: string;
  description: string;
  window: { start: Date; end: Date } | null;
  priority: number | null;
  affectsUsers: boolean;
  details: Record<string, unknown>;
  context: Record<string, unknown>;
  createdAt: Date;
  submittedAt: Date | null;
  cabMeetingId: number | null;
  referredAt: Date | null;
  events: AuditPlan[];
  accessWindow: WindowPlan | null;
  number?: string;
  id?: number;
};

/** Seeds the benchmark municipality into an empty, migrated database. */
export async function seedBench(db: Db, options: SeedOptions): Promise<SeedSummary> {
  const now = options.now;
  const random = prng(options.seed ?? 20_260_101);
  const systemCount = options.systems ?? 200;
  const caseCount = options.cases ?? 10_000;

  // Organisations ------------------------------------------------------------------------------
  const orgRows = await db
    .insert(organisations)
    .values([
      ...UNITS.map((name) => ({ name, kind: "municipal-unit" as const, mailbox: `${slug(name)}@bench.sjovik.se` })),
      { name: "Servicecenter", kind: "service-centre" as const, mailbox: "servicecenter@bench.sjovik.se", phone: "08-123 456 00" },
      {
        name: "Driftpartner Norden AB",
        kind: "operations-provider" as const,
        mailbox: "noc@driftpartner.example",
        phone: "08-987 654 00",
        orgNumber: "556700-0001",
      },
      ...SUPPLIER_NAMES.map((name, i) => ({
        name: `${name} AB`,
        kind: "supplier" as const,
        mailbox: `support@${slug(name)}.example`,
        orgNumber: `5567${String(10 + i).padStart(2, "0")}-${String(1000 + i * 37).padStart(4, "0")}`,
      })),
    ])
    .returning({ id: organisations.id, name: organisations.name, kind: organisations.kind });
  const units = orgRows.filter((o) => o.kind === "municipal-unit");
  const centre = orgRows.find((o) => o.kind === "service-centre")!;
  const operationsOrg = orgRows.find((o) => o.kind === "operations-provider")!;
  const suppliers = orgRows.filter((o) => o.kind === "supplier");

  // People ---------------------------------------------------------------------------------------
  type Person = { email: string; name: string; role: Role; organisationId: number };
  const people: Person[] = [];
  let n = 0;
  const person = (role: Role, organisationId: number, domain = "bench.sjovik.se"): Person => {
    const first = FIRST[n % FIRST.length]!;
    const last = LAST[Math.floor(n / FIRST.length) % LAST.length]!;
    n++;
    const p = { email: `${slug(first)}.${slug(last)}.${n}@${domain}`, name: `${first} ${last}`, role, organisationId };
    people.push(p);
    return p;
  };
  person("admin", units[1]!.id);
  for (let i = 0; i < 4; i++) person("service-centre", centre.id);
  for (let i = 0; i < 6; i++) person("cab", units[i % units.length]!.id);
  for (let i = 0; i < 4; i++) person("operations", operationsOrg.id, "driftpartner.example");
  for (const unit of units) {
    person("system-owner", unit.id);
    for (let i = 0; i < 5; i++) person("requester", unit.id);
  }
  for (const supplier of suppliers) for (let i = 0; i < 3; i++) person("supplier", supplier.id, `${slug(supplier.name)}.example`);
  const userRows = await db
    .insert(users)
    .values(people.map((p) => ({ ...p, status: "active" as const, lastSignInAt: new Date(now.getTime() - int(random, 1, 30) * DAY) })))
    .returning({ id: users.id, role: users.role, organisationId: users.organisationId });
  const byRole = (role: Role) => userRows.filter((u) => u.role === role);
  const centrePeople = byRole("service-centre").map((u) => u.id);
  const cabPeople = byRole("cab").map((u) => u.id);
  const opsPeople = byRole("operations").map((u) => u.id);

  // Systems, their administrators and the dependency graph ---------------------------------------
  const systemValues = Array.from({ length: systemCount }, (_, i) => {
    const platform = PLATFORMS[i];
    const kind = SYSTEM_KINDS[i % SYSTEM_KINDS.length]!;
    const code = platform ? platform[0] : `${kind[0]}-${String(i + 1).padStart(3, "0")}`;
    const unit = platform ? units[1]! : units[i % units.length]!;
    const supplier = i % 13 === 12 ? null : suppliers[i % suppliers.length]!;
    const infoClass: InformationClass = pick(random, ["open", "internal", "internal", "confidential", "confidential", "strictly-confidential"] as const);
    const owner = userRows.find((u) => u.role === "system-owner" && u.organisationId === unit.id)!;
    return {
      code,
      name: platform ? platform[1] : `${kind[1]} ${unit.name.split(/[ -]/)[0]} ${i + 1}`,
      description: `${platform ? platform[1] : kind[1]} för ${unit.name.toLowerCase()}.`,
      ownerUnitId: unit.id,
      ownerUserId: owner.id,
      supplierId: supplier?.id ?? null,
      operatedByProvider: random() < 0.7,
      informationClass: infoClass,
      holdsPersonalData: infoClass !== "open",
      dpaReference: supplier && infoClass !== "open" ? `PUB-${code}-2025` : null,
      dpaExpiresOn: supplier && infoClass !== "open" ? "2027-12-31" : null,
      loginInstructions: `Logga in via fjärråtkomstportalen https://fjarr.sjovik.se med kontot i ärendet, därefter till ${code.toLowerCase()}-app01.sjovik.local.`,
    };
  });
  const systemRows = await db
    .insert(systems)
    .values(systemValues)
    .returning({ id: systems.id, code: systems.code, supplierId: systems.supplierId, ownerUnitId: systems.ownerUnitId, ownerUserId: systems.ownerUserId });
  const requestersByUnit = new Map<number, number[]>();
  for (const u of byRole("requester")) requestersByUnit.set(u.organisationId, [...(requestersByUnit.get(u.organisationId) ?? []), u.id]);
  const systemList: SystemRow[] = systemRows.map((s, index) => {
    const candidates = requestersByUnit.get(s.ownerUnitId)!;
    const first = candidates[index % candidates.length]!;
    const second = candidates[(index + 2) % candidates.length]!;
    return { id: s.id, code: s.code, supplierId: s.supplierId, ownerUserId: s.ownerUserId, admins: first === second ? [first] : [first, second], index };
  });
  await db.insert(systemAdministrators).values(systemList.flatMap((s) => s.admins.map((userId) => ({ systemId: s.id, userId }))));
  const edges = new Set<string>();
  const edge = (from: number, to: number) => from !== to && edges.add(`${systemList[from]!.id}:${systemList[to]!.id}`);
  for (let i = 1; i < systemCount; i++) {
    if (i < PLATFORMS.length) {
      edge(i, 0); // every platform signs in through the identity platform
      if (i > 1) edge(i, 1); // … and talks through the integration platform
      continue;
    }
    if (random() < 0.6) edge(i, 0);
    if (random() < 0.5) edge(i, 1);
    if (random() < 0.2) edge(i, int(random, 2, PLATFORMS.length - 1));
    if (i > PLATFORMS.length + 1 && random() < 0.6) edge(i, int(random, PLATFORMS.length, i - 1));
  }
  const dependencyValues = [...edges].map((e) => {
    const [systemId, dependsOnId] = e.split(":").map(Number) as [number, number];
    return { systemId, dependsOnId };
  });
  await db.insert(systemDependencies).values(dependencyValues);

  // The board: every Tuesday 13:00, two years back and eight weeks ahead ------------------------
  const [rule] = await db.insert(cabMeetingRules).values({ weekday: 2, time: "13:00", durationMinutes: 60, location: "Stadshuset, rum Ängen" }).returning();
  const meetingTimes: Date[] = [];
  for (let day = -760; day <= 56; day++) {
    const date = stockholmDate(new Date(now.getTime() + day * DAY));
    if (new Date(`${date}T12:00:00Z`).getUTCDay() !== 2) continue;
    const at = new Date(stockholmLocalToIso(`${date}T13:00`)!);
    if (!meetingTimes.some((m) => m.getTime() === at.getTime())) meetingTimes.push(at);
  }
  const meetings = await db
    .insert(cabMeetings)
    .values(
      meetingTimes.map((startsAt) => ({
        startsAt,
        durationMinutes: 60,
        location: "Stadshuset, rum Ängen",
        ruleId: rule!.id,
        status: startsAt < now ? ("closed" as const) : ("scheduled" as const),
      })),
    )
    .returning({ id: cabMeetings.id, startsAt: cabMeetings.startsAt });
  meetings.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const meetingAfter = (t: Date) => meetings.find((m) => m.startsAt > t);

  // Blackouts: the turn of the year for payroll and finance, school start, one for everything --
  const year = Number(stockholmDate(now).slice(0, 4));
  const blackouts = [
    {
      systemId: null,
      startsAt: new Date(stockholmLocalToIso(`${year}-09-13T00:00`)!),
      endsAt: new Date(stockholmLocalToIso(`${year}-09-14T06:00`)!),
      reason: "Valdagen: inga ändringar i kommunens system",
    },
  ];
  for (const s of systemList.filter((s) => s.code.startsWith("HR-") || s.code.startsWith("EKO-")).slice(0, 8)) {
    for (const y of [year - 1, year]) {
      blackouts.push({
        systemId: s.id as never,
        startsAt: new Date(stockholmLocalToIso(`${y}-12-18T00:00`)!),
        endsAt: new Date(stockholmLocalToIso(`${y + 1}-01-09T00:00`)!),
        reason: "Årsskifte: lönekörning och bokslut",
      });
    }
  }
  for (const s of systemList.filter((s) => s.code.startsWith("SKOL-")).slice(0, 4)) {
    blackouts.push({
      systemId: s.id as never,
      startsAt: new Date(stockholmLocalToIso(`${year}-08-10T00:00`)!),
      endsAt: new Date(stockholmLocalToIso(`${year}-08-25T00:00`)!),
      reason: "Skolstart",
    });
  }
  await db.insert(blackoutPeriods).values(blackouts.map((b) => ({ ...b, createdById: centrePeople[0]! })));

  // Cases ----------------------------------------------------------------------------------------
  const plans: CasePlan[] = [];
  // A few systems are busier than others (the platforms and the big verticals).
  const pickSystem = (needSupplier: boolean): SystemRow => {
    for (;;) {
      const s = systemList[Math.floor(systemCount * Math.pow(random(), 1.6))]!;
      if (!needSupplier || s.supplierId) return s;
    }
  };
  const spanStart = now.getTime() - 730 * DAY;
  const spanEnd = now.getTime() + 100 * DAY;
  for (let i = 0; i < caseCount; i++) {
    const type = weighted<CaseTypeName>(random, { emergency: 24, "simple-change": 46, "advanced-change": 20, "standing-access": 10 });
    const system = pickSystem(type === "standing-access");
    const requesterId = pick(random, system.admins);
    // Every 500th case is placed so that its window is open right now (what operations and the supplier see first).
    const openNow = i % 500 === 7;
    if (type === "emergency") plans.push(emergencyPlan(random, { system, requesterId, now, spanStart, openNow, opsPeople, centrePeople }));
    else if (type === "standing-access") plans.push(standingPlan(random, { system, requesterId, now, spanStart, centrePeople }));
    else plans.push(changePlan(random, { type, system, requesterId, now, spanStart, spanEnd, openNow, opsPeople, centrePeople, meetingAfter }));
  }
  plans.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  // Numbers without gaps per prefix and year, in order of creation.
  const counters = new Map<string, number>();
  for (const p of plans) {
    const y = Number(stockholmDate(p.createdAt).slice(0, 4));
    const key = `${p.prefix}:${y}`;
    const last = (counters.get(key) ?? 0) + 1;
    counters.set(key, last);
    p.number = `${p.prefix}-${y}-${String(last).padStart(5, "0")}`;
  }
  const caseRows = await inBatches(plans, 1000, (batch) =>
    db
      .insert(cases)
      .values(
        batch.map((p) => ({
          number: p.number!,
          type: p.type,
          status: p.status,
          state: { value: p.status, context: p.context },
          machineVersion: CASE_MACHINES[p.type].version,
          version: p.events.filter((e) => !e.window).length,
          title: p.title,
          description: p.description,
          systemId: p.system.id,
          supplierId: p.system.supplierId,
          requesterId: p.requesterId,
          priority: p.priority,
          windowStart: p.window?.start ?? null,
          windowEnd: p.window?.end ?? null,
          affectsUsers: p.affectsUsers,
          details: p.details,
          cabMeetingId: p.cabMeetingId,
          referredAt: p.referredAt,
          submittedAt: p.submittedAt,
          createdAt: p.createdAt,
          updatedAt: p.events[p.events.length - 1]!.at,
        })),
      )
      .returning({ id: cases.id, number: cases.number }),
  );
  const idByNumber = new Map(caseRows.map((r) => [r.number, r.id]));
  for (const p of plans) p.id = idByNumber.get(p.number!)!;
  await db.insert(caseCounters).values([...counters].map(([key, last]) => ({ prefix: key.split(":")[0]!, year: Number(key.split(":")[1]), last })));

  // A planned change now and then follows an incident on the same system (linked cases).
  const lastIncident = new Map<number, CasePlan>();
  const links: { id: number; linked: number }[] = [];
  for (const p of plans) {
    if (p.prefix === "INC") lastIncident.set(p.system.id, p);
    else if (p.type !== "emergency" && p.type !== "standing-access" && random() < 0.05) {
      const incident = lastIncident.get(p.system.id);
      if (incident) links.push({ id: p.id!, linked: incident.id! });
    }
  }
  if (links.length) {
    await db.execute(sql`
      update cases c set linked_case_id = l.linked
      from (select * from unnest(${`{${links.map((l) => l.id).join(",")}}`}::int[], ${`{${links.map((l) => l.linked).join(",")}}`}::int[])) as l(id, linked)
      where c.id = l.id`);
  }

  // Access windows ---------------------------------------------------------------------------------
  const withWindow = plans.filter((p) => p.accessWindow);
  const windowRows = await inBatches(withWindow, 1000, (batch) =>
    db
      .insert(accessWindows)
      .values(
        batch.map((p) => {
          const w = p.accessWindow!;
          return {
            caseId: p.id!,
            state: {
              value: w.status,
              context: {
                caseType: p.type,
                start: w.startsAt.toISOString(),
                end: w.endsAt.toISOString(),
                pendingExtension: w.pendingExtension,
                closedBy: w.closedBy,
              },
            },
            machineVersion: WINDOW_MACHINE.version,
            status: w.status,
            startsAt: w.startsAt,
            endsAt: w.endsAt,
            grantedAt: w.grantedAt,
            closedAt: w.closedAt,
            createdAt: p.events.find((e) => e.to === "approved")?.at ?? p.createdAt,
            updatedAt: w.closedAt ?? w.grantedAt ?? p.createdAt,
          };
        }),
      )
      .returning({ id: accessWindows.id, caseId: accessWindows.caseId }),
  );
  const windowOf = new Map(windowRows.map((w) => [w.caseId, w.id]));

  // The audit trail, in time order (ids grow with time, as they would have) ---------------------
  const trail = plans.flatMap((p) =>
    p.events.map((e) => ({
      at: e.at,
      actorUserId: e.actor,
      actorLabel: e.actor === null ? "system" : null,
      action: "case.transition",
      caseId: p.id!,
      event: e.event,
      fromState: e.from,
      toState: e.to,
      reason: e.reason ?? null,
      detail: e.window ? { windowId: windowOf.get(p.id!), end: p.accessWindow?.endsAt.toISOString(), ...e.detail } : (e.detail ?? {}),
    })),
  );
  trail.sort((a, b) => a.at.getTime() - b.at.getTime());
  await inBatches(trail, 2000, (batch) => db.insert(auditLog).values(batch).returning({ id: auditLog.id }));

  // The messages those steps sent: two a step (the requester and the service centre, say), sent a
  // minute later — a case page's message log reads them by case number.
  const [queued] = await rowsOf<{ messages: number }>(
    db.execute(sql`
      with queued as (
        insert into outbox (key, template, recipient, lang, payload, created_at, sent_at, next_attempt_at)
        select 'bench:' || a.id || ':' || r, (array['case.submitted', 'case.approved', 'window.opened', 'window.closed'])[1 + a.id % 4],
               'person' || r || '.' || c.requester_id || '@bench.example', 'sv',
               jsonb_build_object('number', c.number, 'title', c.title), a.at, a.at + interval '1 minute', a.at
        from audit_log a join cases c on c.id = a.case_id cross join generate_series(1, 2) r
        returning 1
      )
      select count(*)::int as messages from queued`),
  );
  const messages = queued!.messages;

  // Votes and comments on what the board is looking at (and has recently decided) ---------------
  const onAgenda = plans.filter((p) => p.cabMeetingId && (p.status === "awaiting-cab" || (p.referredAt && p.referredAt.getTime() > now.getTime() - 180 * DAY)));
  const votes = onAgenda.flatMap((p) =>
    cabPeople
      .filter(() => random() < 0.6)
      .map((userId) => ({
        caseId: p.id!,
        meetingId: p.cabMeetingId!,
        userId,
        vote: weighted(random, { approve: 8, reject: 1, abstain: 1 }),
        at: new Date(Math.min(now.getTime(), p.referredAt!.getTime() + int(random, 2, 72) * HOUR)),
      })),
  );
  await inBatches(votes, 2000, (batch) => db.insert(cabVotes).values(batch).returning({ caseId: cabVotes.caseId }));
  const comments = onAgenda
    .filter(() => random() < 0.35)
    .map((p) => ({
      caseId: p.id!,
      meetingId: p.cabMeetingId!,
      userId: pick(random, cabPeople),
      body: pick(random, [
        "Hur lång är återställningstiden om uppgraderingen misslyckas?",
        "Har berörda verksamheter informerats?",
        "Inga invändningar från drift.",
        "Krockar detta med månadsskiftets körningar?",
      ]),
      at: new Date(Math.min(now.getTime(), p.referredAt!.getTime() + int(random, 1, 48) * HOUR)),
    }));
  await inBatches(comments, 2000, (batch) => db.insert(cabComments).values(batch).returning({ id: cabComments.id }));

  await db.execute(sql`analyze`);
  const byStatus: Record<string, number> = {};
  for (const p of plans) byStatus[p.status] = (byStatus[p.status] ?? 0) + 1;
  const supplierWithMost = [
    ...countBy(
      plans.filter((p) => p.accessWindow && p.system.supplierId),
      (p) => p.system.supplierId!,
    ),
  ].sort((a, b) => b[1] - a[1])[0]![0];
  const requesterWithMost = [...countBy(plans, (p) => p.requesterId)].sort((a, b) => b[1] - a[1])[0]![0];
  return {
    organisations: orgRows.length,
    users: userRows.length,
    systems: systemList.length,
    dependencies: dependencyValues.length,
    cases: plans.length,
    caseWindows: plans.filter((p) => p.window).length,
    accessWindows: windowRows.length,
    auditRows: trail.length,
    messages,
    cabMeetings: meetings.length,
    people: {
      serviceCentre: centrePeople[0]!,
      cab: cabPeople[0]!,
      operations: opsPeople[0]!,
      admin: byRole("admin")[0]!.id,
      requester: requesterWithMost,
      // The supplier person of the organisation with the most windows.
      supplier: userRows.find((u) => u.role === "supplier" && u.organisationId === supplierWithMost)!.id,
    },
    byStatus,
  };
}

function countBy<T, K>(list: T[], key: (t: T) => K): Map<K, number> {
  const m = new Map<K, number>();
  for (const t of list) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
  return m;
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** A Stockholm wall-clock time on the day of `t`. */
function at(t: number, hour: number, minute = 0): Date {
  const date = stockholmDate(new Date(t));
  return new Date(stockholmLocalToIso(`${date}T${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`)!);
}

const base = (random: Random, system: SystemRow) => ({
  supplierPeople: [`${pick(random, FIRST)} ${pick(random, LAST)}`],
  accounts: [`adm-${system.code.toLowerCase()}-lev`],
  externalReferences: random() < 0.3 ? { supplierTicket: `SUP-${int(random, 10000, 99999)}` } : {},
});

type Common = { system: SystemRow; requesterId: number; now: Date; spanStart: number; centrePeople: number[] };

function emergencyPlan(random: Random, o: Common & { openNow: boolean; opsPeople: number[] }): CasePlan {
  const now = o.now.getTime();
  const created = o.openNow ? now - between(random, 0.5, 2.5) * HOUR : between(random, o.spanStart, now - 10 * MIN);
  const hours = pick(random, [4, 4, 4, 2, 8, 12]);
  const window = { start: new Date(created), end: new Date(created + hours * HOUR) };
  const urgency = int(random, 1, 3) as Level;
  const impact = int(random, 1, 3) as Level;
  const service = random() < 0.2;
  const centre = pick(random, o.centrePeople);
  const ops = pick(random, o.opsPeople);
  const age = now - created;
  let status: CaseStatus;
  if (window.end.getTime() > now) status = age < 10 * MIN ? "submitted" : o.openNow || random() < 0.8 ? "window-open" : "approved";
  else status = weighted(random, { closed: 74, "outcome-reported": 4, "window-closed": 8, rejected: 5, cancelled: 6, returned: 1, "in-review": 2 });
  if (status === "in-review" && age > 30 * DAY) status = "closed";
  const events: AuditPlan[] = [
    { at: new Date(created), actor: o.requesterId, event: "CREATE", from: null, to: "draft" },
    { at: new Date(created), actor: o.requesterId, event: "SUBMIT", from: "draft", to: "submitted" },
  ];
  const later = (ms: number) => new Date(Math.min(now - MIN, created + ms));
  let accessWindow: WindowPlan | null = null;
  let outcome: string | null = null;
  if (status === "in-review") events.push({ at: later(20 * MIN), actor: centre, event: "START_REVIEW", from: "submitted", to: "in-review" });
  if (status === "rejected")
    events.push({ at: later(25 * MIN), actor: centre, event: "REJECT", from: "submitted", to: "rejected", reason: "Ska hanteras som planerad ändring." });
  if (status === "returned")
    events.push({
      at: later(25 * MIN),
      actor: centre,
      event: "RETURN",
      from: "submitted",
      to: "returned",
      reason: "Ange vilket konto leverantören ska använda.",
    });
  if (status === "cancelled") events.push({ at: later(15 * MIN), actor: o.requesterId, event: "CANCEL", from: "submitted", to: "cancelled" });
  if (["approved", "window-open", "window-closed", "outcome-reported", "closed"].includes(status)) {
    const approvedAt = later(between(random, 5, 30) * MIN);
    events.push({ at: approvedAt, actor: centre, event: "APPROVE", from: "submitted", to: "approved", detail: { conflicts: 0 } });
    accessWindow = { status: "scheduled", startsAt: approvedAt, endsAt: window.end, grantedAt: null, closedAt: null, closedBy: null, pendingExtension: null };
    if (status !== "approved") {
      const grantedAt = new Date(Math.min(now - MIN, approvedAt.getTime() + between(random, 2, 20) * MIN));
      events.push({ at: grantedAt, actor: ops, event: "GRANT", from: "window:scheduled", to: "window:open", window: true });
      events.push({ at: grantedAt, actor: null, event: "WINDOW_OPENED", from: "approved", to: "window-open" });
      accessWindow = { ...accessWindow, status: "open", grantedAt };
      if (status === "window-open" && random() < 0.15)
        accessWindow.pendingExtension = {
          end: new Date(window.end.getTime() + 2 * HOUR).toISOString(),
          reason: "Felsökningen tar längre tid än väntat.",
          requestedBy: null,
        };
    }
    if (["window-closed", "outcome-reported", "closed"].includes(status)) {
      const closedBy = weighted(random, { expired: 6, ended: 3, revoked: 1 });
      const closedAt =
        closedBy === "expired"
          ? window.end
          : new Date(
              Math.max(
                accessWindow.grantedAt!.getTime() + 20 * MIN,
                window.end.getTime() - between(random, 0.2, 0.8) * (window.end.getTime() - accessWindow.grantedAt!.getTime()),
              ),
            );
      const event = closedBy === "expired" ? "EXPIRE" : closedBy === "ended" ? "END" : "REVOKE";
      events.push({
        at: closedAt,
        actor: closedBy === "expired" ? null : closedBy === "revoked" ? ops : o.requesterId,
        event,
        from: "window:open",
        to: "window:closed",
        window: true,
        ...(closedBy === "expired" ? { reason: "Expired by the system at the end of the window" } : {}),
      });
      events.push({ at: closedAt, actor: null, event: "WINDOW_CLOSED", from: "window-open", to: "window-closed" });
      accessWindow = { ...accessWindow, status: "closed", closedAt, closedBy };
      if (status !== "window-closed") {
        outcome = weighted(random, { resolved: 8, "needs-change": 1, "not-resolved": 1 });
        const reportedAt = new Date(Math.min(now - MIN, closedAt.getTime() + between(random, 0.5, 30) * HOUR));
        events.push({ at: reportedAt, actor: o.requesterId, event: "REPORT_OUTCOME", from: "window-closed", to: "outcome-reported", detail: { outcome } });
        if (status === "closed")
          events.push({
            at: new Date(Math.min(now - MIN, reportedAt.getTime() + between(random, 1, 72) * HOUR)),
            actor: centre,
            event: "CLOSE",
            from: "outcome-reported",
            to: "closed",
          });
      }
    }
  }
  return {
    type: "emergency",
    prefix: service ? "BEG" : "INC",
    system: o.system,
    requesterId: o.requesterId,
    status,
    title: `${pick(random, INCIDENT_TITLES)} i ${o.system.code}`,
    description: "Användare rapporterar felet sedan morgonen; leverantören behöver administratörsbehörighet för felsökning.",
    window,
    priority: priorityOf(urgency, impact),
    affectsUsers: false,
    details: { ...base(random, o.system), kind: service ? "service-request" : "incident", urgency, impact },
    context: { caseType: "emergency", window: { start: window.start.toISOString(), end: window.end.toISOString() }, outcome },
    createdAt: new Date(created),
    submittedAt: new Date(created),
    cabMeetingId: null,
    referredAt: null,
    events,
    accessWindow,
  };
}

function changePlan(
  random: Random,
  o: Common & {
    type: "simple-change" | "advanced-change";
    spanEnd: number;
    openNow: boolean;
    opsPeople: number[];
    meetingAfter: (t: Date) => { id: number; startsAt: Date } | undefined;
  },
): CasePlan {
  const now = o.now.getTime();
  const advanced = o.type === "advanced-change";
  const hours = advanced ? pick(random, [4, 5, 6, 8]) : pick(random, [2, 3, 3, 4]);
  let start: Date;
  if (o.openNow) start = new Date(now - between(random, 0.2, 0.8) * hours * HOUR);
  else {
    const day = between(random, o.spanStart + 20 * DAY, o.spanEnd);
    start = random() < 0.8 ? at(day, pick(random, [17, 18, 18, 19])) : at(day, pick(random, [6, 7, 8]));
  }
  const end = new Date(start.getTime() + hours * HOUR);
  // Created up to three months before the window, at least its lead time before it, never in the future.
  const latest = Math.min(start.getTime() - (advanced ? 16 : 6) * DAY, now - HOUR);
  const earliest = Math.min(latest - HOUR, start.getTime() - 90 * DAY);
  const created = between(random, earliest, latest);
  const centre = pick(random, o.centrePeople);
  const ops = pick(random, o.opsPeople);
  const past = end.getTime() <= now;
  const running = start.getTime() <= now && !past;
  let status: CaseStatus;
  if (past) status = weighted(random, { closed: 72, "outcome-reported": 4, "window-closed": 6, rejected: 6, cancelled: 10, draft: 2 });
  else if (running) status = o.openNow || random() < 0.85 ? "window-open" : "approved";
  else if (advanced)
    status = weighted(random, { draft: 5, submitted: 15, "in-review": 15, returned: 5, "awaiting-cab": 30, approved: 25, rejected: 2, cancelled: 3 });
  else status = weighted(random, { draft: 5, submitted: 25, "in-review": 15, returned: 5, approved: 45, rejected: 2, cancelled: 3 });

  const events: AuditPlan[] = [{ at: new Date(created), actor: o.requesterId, event: "CREATE", from: null, to: "draft" }];
  // The service centre handles a request within days, and refers an advanced change to a meeting before its window.
  const reviewEnd = Math.min(now - MIN, start.getTime() - (advanced ? 8 * DAY : HOUR));
  let cabMeetingId: number | null = null;
  let referredAt: Date | null = null;
  let conditions: string | null = null;
  let outcome: string | null = null;
  let accessWindow: WindowPlan | null = null;
  let submittedAt: Date | null = null;
  if (status !== "draft") {
    const step = (t: number, lo: number, hi: number) => new Date(Math.min(reviewEnd, t + between(random, lo, hi)));
    const submitted = step(created, 5 * MIN, HOUR);
    const reviewed = step(submitted.getTime(), HOUR, 48 * HOUR);
    const decided = step(reviewed.getTime(), HOUR, 72 * HOUR);
    submittedAt = submitted;
    events.push({ at: submitted, actor: o.requesterId, event: "SUBMIT", from: "draft", to: "submitted" });
    if (status !== "submitted") events.push({ at: reviewed, actor: centre, event: "START_REVIEW", from: "submitted", to: "in-review" });
    const approvedPath = ["approved", "window-open", "window-closed", "outcome-reported", "closed"].includes(status);
    const cancelledAfterApproval = status === "cancelled" && random() < 0.5;
    if (status === "returned")
      events.push({ at: decided, actor: centre, event: "RETURN", from: "in-review", to: "returned", reason: "Komplettera med återställningsplan." });
    if (status === "rejected")
      events.push({
        at: decided,
        actor: centre,
        event: "REJECT",
        from: "in-review",
        to: "rejected",
        reason: "Krockar med planerat arbete på beroende system.",
      });
    if (status === "cancelled" && !cancelledAfterApproval)
      events.push({ at: decided, actor: o.requesterId, event: "CANCEL", from: "in-review", to: "cancelled" });
    if (approvedPath || cancelledAfterApproval || status === "awaiting-cab") {
      let approvedAt = decided;
      if (advanced) {
        referredAt = decided;
        const meeting = o.meetingAfter(new Date(decided.getTime() + HOUR));
        const decidedAtMeeting = meeting && meeting.startsAt.getTime() < Math.min(now, start.getTime());
        cabMeetingId = meeting?.id ?? null;
        events.push({
          at: decided,
          actor: centre,
          event: "REFER_TO_CAB",
          from: "in-review",
          to: "awaiting-cab",
          detail: meeting ? { meetingId: meeting.id } : {},
        });
        if (status === "awaiting-cab" || !decidedAtMeeting) {
          // Still with the board: the meeting is ahead of us.
          status = "awaiting-cab";
        } else {
          approvedAt = new Date(meeting.startsAt.getTime() + int(random, 10, 55) * MIN);
          const withConditions = random() < 0.2;
          if (withConditions) conditions = "Verksamheten informeras senast dagen före.";
          events.push({
            at: approvedAt,
            actor: centre,
            event: withConditions ? "CAB_APPROVE_WITH_CONDITIONS" : "CAB_APPROVE",
            from: "awaiting-cab",
            to: "approved",
            detail: { conflicts: 0, meetingId: meeting.id, ...(withConditions ? { conditions } : {}) },
          });
        }
      } else {
        events.push({ at: approvedAt, actor: centre, event: "APPROVE", from: "in-review", to: "approved", detail: { conflicts: 0 } });
      }
      if (status !== "awaiting-cab") {
        accessWindow = { status: "scheduled", startsAt: start, endsAt: end, grantedAt: null, closedAt: null, closedBy: null, pendingExtension: null };
        if (cancelledAfterApproval) {
          const cancelledAt = new Date(Math.min(now - MIN, approvedAt.getTime() + HOUR));
          events.push({ at: cancelledAt, actor: o.requesterId, event: "CANCEL", from: "approved", to: "cancelled" });
          accessWindow = { ...accessWindow, status: "cancelled" };
        }
      }
    }
    if (accessWindow && ["window-open", "window-closed", "outcome-reported", "closed"].includes(status)) {
      const grantedAt = new Date(Math.min(now - MIN, start.getTime() + between(random, -10, 10) * MIN));
      events.push({ at: grantedAt, actor: ops, event: "GRANT", from: "window:scheduled", to: "window:open", window: true });
      events.push({ at: grantedAt, actor: null, event: "WINDOW_OPENED", from: "approved", to: "window-open" });
      accessWindow = { ...accessWindow, status: "open", grantedAt };
      if (status !== "window-open") {
        const closedBy = weighted(random, { expired: 6, ended: 3, revoked: 1 });
        const closedAt = closedBy === "expired" ? end : new Date(end.getTime() - between(random, 10, 60) * MIN);
        const event = closedBy === "expired" ? "EXPIRE" : closedBy === "ended" ? "END" : "REVOKE";
        events.push({
          at: closedAt,
          actor: closedBy === "expired" ? null : closedBy === "revoked" ? ops : o.requesterId,
          event,
          from: "window:open",
          to: "window:closed",
          window: true,
          ...(closedBy === "expired" ? { reason: "Expired by the system at the end of the window" } : {}),
        });
        events.push({ at: closedAt, actor: null, event: "WINDOW_CLOSED", from: "window-open", to: "window-closed" });
        accessWindow = { ...accessWindow, status: "closed", closedAt, closedBy };
        if (status !== "window-closed") {
          outcome = weighted(random, { successful: 17, failed: 1, "rolled-back": 2 });
          const reportedAt = new Date(Math.min(now - MIN, closedAt.getTime() + between(random, 1, 48) * HOUR));
          events.push({ at: reportedAt, actor: o.requesterId, event: "REPORT_OUTCOME", from: "window-closed", to: "outcome-reported", detail: { outcome } });
          if (status === "closed")
            events.push({
              at: new Date(Math.min(now - MIN, reportedAt.getTime() + between(random, 1, 96) * HOUR)),
              actor: centre,
              event: "CLOSE",
              from: "outcome-reported",
              to: "closed",
            });
        }
      }
    }
  }
  const affectsUsers = advanced ? random() < 0.6 : random() < 0.15;
  const title = `${pick(random, CHANGE_TITLES)} av ${o.system.code}`;
  return {
    type: o.type,
    prefix: "CHG",
    system: o.system,
    requesterId: o.requesterId,
    status,
    title,
    description: `${title}: leverantören genomför arbetet enligt bifogad plan.`,
    window: { start, end },
    priority: null,
    affectsUsers,
    details: {
      ...base(random, o.system),
      reason: "Leverantörens rekommenderade version; säkerhetsrättningar.",
      ...(advanced
        ? {
            impactDescription: "Beroende system kan inte nå tjänsten under arbetet.",
            risk: "Integrationer kan behöva startas om manuellt.",
            testPlan: "Regressionstest i testmiljön veckan innan.",
            rollbackPlan: "Återställ ögonblicksbild av servrarna.",
            affectedSystems: [],
          }
        : {}),
      bookedWithSupplier: true,
      ...(affectsUsers ? { publicDescription: `${o.system.code} är inte tillgängligt under arbetet.` } : {}),
    },
    context: { caseType: o.type, window: { start: start.toISOString(), end: end.toISOString() }, allowLongWindow: false, conditions, outcome },
    createdAt: new Date(created),
    submittedAt,
    cabMeetingId,
    referredAt,
    events,
    accessWindow,
  };
}

function standingPlan(random: Random, o: Common): CasePlan {
  const now = o.now.getTime();
  const created = between(random, o.spanStart, now - HOUR);
  let status = weighted(random, { active: 55, "awaiting-consent": 12, "review-due": 5, revoked: 12, refused: 6, draft: 5, cancelled: 5 });
  const owner = o.system.ownerUserId;
  const events: AuditPlan[] = [{ at: new Date(created), actor: o.requesterId, event: "CREATE", from: null, to: "draft" }];
  let reviewDueOn: string | null = null;
  let submittedAt: Date | null = null;
  if (status !== "draft") {
    submittedAt = new Date(created + 10 * MIN);
    events.push({ at: submittedAt, actor: o.requesterId, event: "SUBMIT", from: "draft", to: "awaiting-consent" });
    const decidedAt = Math.min(now - MIN, created + between(random, 1, 10) * DAY);
    if (status === "cancelled") events.push({ at: new Date(decidedAt), actor: o.requesterId, event: "CANCEL", from: "awaiting-consent", to: "cancelled" });
    if (status === "refused")
      events.push({
        at: new Date(decidedAt),
        actor: owner,
        event: "REFUSE_CONSENT",
        from: "awaiting-consent",
        to: "refused",
        reason: "Avtalet täcker inte åtkomsten.",
      });
    if (["active", "review-due", "revoked"].includes(status)) {
      if (decidedAt >= now - MIN) status = "awaiting-consent";
      else {
        events.push({ at: new Date(decidedAt), actor: owner, event: "CONSENT", from: "awaiting-consent", to: "active" });
        let consent = decidedAt;
        // Reviewed every year since.
        while (consent + 365 * DAY < now - 2 * DAY && status !== "review-due") {
          const due = consent + 365 * DAY;
          events.push({ at: new Date(due), actor: null, event: "REVIEW_DUE", from: "active", to: "review-due" });
          consent = due + between(random, 1, 20) * DAY;
          if (consent >= now) {
            status = "review-due";
            break;
          }
          events.push({ at: new Date(consent), actor: owner, event: "REVIEW", from: "review-due", to: "active" });
        }
        reviewDueOn = stockholmDate(new Date(consent + 365 * DAY));
        if (status === "review-due" && events[events.length - 1]!.event !== "REVIEW_DUE") {
          const due = Math.min(now - MIN, consent + 365 * DAY);
          if (due < now - MIN) events.push({ at: new Date(due), actor: null, event: "REVIEW_DUE", from: "active", to: "review-due" });
          else status = "active";
        }
        if (status === "revoked") {
          const last = events[events.length - 1]!;
          events.push({
            at: new Date(Math.min(now - MIN, last.at.getTime() + between(random, 10, 200) * DAY)),
            actor: owner,
            event: "REVOKE_ACCESS",
            from: last.to,
            to: "revoked",
            reason: "Avtalet har upphört.",
          });
        }
      }
    }
  }
  const reference = `KS-${stockholmDate(new Date(created)).slice(0, 4)}/${int(random, 10, 999)}`;
  return {
    type: "standing-access",
    prefix: "ACC",
    system: o.system,
    requesterId: o.requesterId,
    status,
    title: `Löpande konfiguration i ${o.system.code}`,
    description: "Leverantören underhåller rapportmallar och behörighetsprofiler.",
    window: null,
    priority: null,
    affectsUsers: false,
    details: { ...base(random, o.system), justification: "Löpande förvaltning enligt avtal.", agreementReference: reference },
    context: { caseType: "standing-access", reviewDueOn },
    createdAt: new Date(created),
    submittedAt,
    cabMeetingId: null,
    referredAt: null,
    events,
    accessWindow: null,
  };
}

/**
 * Adds `count` closed planned changes of earlier years to a seeded database — history that no
 * conflict check should have to read — in one set-based statement. For the conflict benchmark.
 */
export async function addHistory(db: Db, count: number, options: { now: Date; beforeDays: number; years: number }): Promise<number> {
  const result = await rowsOf<{ n: number }>(
    db.execute(sql`
      with params as (
        select ${options.now.toISOString()}::timestamptz - make_interval(days => ${options.beforeDays}::int) as newest,
               ${options.years}::int * 365 as span_days
      ),
      sys as (select array_agg(id order by id) as ids from systems),
      admins as (select system_id, min(user_id) as user_id from system_administrators group by system_id),
      planned as (
        select g,
               (select ids[1 + ((g::bigint * 7919) % cardinality(ids))::int] from sys) as system_id,
               date_trunc('hour', p.newest - make_interval(days => ((g::bigint * 104729) % p.span_days)::int)) + interval '16 hours' as start_at,
               (2 + g % 4) as hours
        from generate_series(1, ${count}::int) g, params p
      ),
      inserted as (
        insert into cases (number, type, status, state, machine_version, version, title, description, system_id, supplier_id,
                           requester_id, window_start, window_end, details, submitted_at, created_at, updated_at)
        select 'CHG-' || extract(year from pl.start_at)::int || '-H' || lpad(pl.g::text, 6, '0'),
               'simple-change', 'closed',
               jsonb_build_object('value', 'closed', 'context', jsonb_build_object(
                 'caseType', 'simple-change',
                 'window', jsonb_build_object('start', to_char(pl.start_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                                              'end', to_char((pl.start_at + make_interval(hours => pl.hours)) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
                 'allowLongWindow', false, 'conditions', null, 'outcome', 'successful')),
               1, 9, 'Versionsuppgradering (historik)', '', pl.system_id, s.supplier_id, a.user_id,
               pl.start_at, pl.start_at + make_interval(hours => pl.hours),
               jsonb_build_object('reason', 'Historik', 'accounts', '[]'::jsonb, 'supplierPeople', '[]'::jsonb, 'bookedWithSupplier', true),
               pl.start_at - interval '10 days', pl.start_at - interval '10 days', pl.start_at + interval '2 days'
        from planned pl
        join systems s on s.id = pl.system_id
        join admins a on a.system_id = pl.system_id
        returning id, window_start, window_end
      ),
      windows as (
        insert into access_windows (case_id, state, machine_version, status, starts_at, ends_at, granted_at, closed_at, created_at, updated_at)
        select i.id,
               jsonb_build_object('value', 'closed', 'context', jsonb_build_object('caseType', 'simple-change',
                 'start', to_char(i.window_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                 'end', to_char(i.window_end at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                 'pendingExtension', null, 'closedBy', 'expired')),
               1, 'closed', i.window_start, i.window_end, i.window_start, i.window_end, i.window_start - interval '5 days', i.window_end
        from inserted i
        returning 1
      )
      select count(*)::int as n from windows
    `),
  );
  await db.execute(sql`analyze cases`);
  await db.execute(sql`analyze access_windows`);
  return result[0]?.n ?? 0;
}
