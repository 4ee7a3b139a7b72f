import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { cabMeetings, sessions, systemAdministrators, users, type User } from "../db/schema";
import { applyEvent, createCase } from "~/cases/commands.server";
import { vote } from "~/cab/agenda.server";
import { updatePerson } from "~/admin/people.server";
import { putOnAgenda } from "./support/cab";
import { call, signIn } from "./support/app";
import { useTestDatabase } from "./support/database";
import { refusal } from "./support/refusal";
import { makeUser } from "./support/factories";
import { makeWorld, windowAhead, type World } from "./support/world";

/**
 * A person with several roles (app/access/roles.ts): one account, the navigation and the doors of
 * every role, and still never a decision on a case they requested themselves.
 */
const db = useTestDatabase();
let w: World;
/** A förvaltare of APP who also sits on the CAB: a small municipality's usual case. */
let both: User;
/** Someone in the service centre who also administers DB. */
let centreAndRequester: User;
let meetingId: number;

let day = 0;
const change = (by: User, systemCode: string, type: "simple-change" | "advanced-change" = "advanced-change") =>
  createCase(db(), by, {
    type,
    systemCode,
    title: `Ändring ${++day}`,
    window: windowAhead(2 * day),
    reason: "Underhåll",
    bookedWithSupplier: true,
    risk: "Kort avbrott",
    testPlan: "Provas",
    rollbackPlan: "Ögonblicksbild",
    ...(type === "advanced-change" ? { affectedSystems: [w.systems.net.code] } : {}),
  });

beforeAll(async () => {
  w = await makeWorld(db());
  both = await makeUser(db(), { organisationId: w.unit.id, role: "requester", extraRoles: ["cab"], name: `Förvaltare och ledamot ${w.tag}` });
  await db().insert(systemAdministrators).values({ systemId: w.systems.app.id, userId: both.id });
  centreAndRequester = await makeUser(db(), {
    organisationId: w.centre.id,
    role: "service-centre",
    extraRoles: ["requester"],
    name: `Servicecenter och förvaltare ${w.tag}`,
  });
  await db().insert(systemAdministrators).values({ systemId: w.systems.dbs.id, userId: centreAndRequester.id });
  const [meeting] = await db()
    .insert(cabMeetings)
    .values({ startsAt: new Date(Date.now() + 3 * 86_400_000), location: "Rum Roller" })
    .returning();
  meetingId = meeting!.id;
});

describe("one account with several roles", () => {
  it("leads to the places of every role, and opens their doors", async () => {
    const cookie = await signIn(db(), both);
    const start = await (await call("/", { cookie })).text();
    for (const path of ["/cases/new", "/templates", "/cab", "/schedule"]) expect(start, path).toContain(`href="${path}"`);
    expect(start).toContain("Systemförvaltare och Ändringsråd (CAB)");
    expect((await call("/cab", { cookie })).status).toBe(200);
    expect((await call("/cases/new", { cookie })).status).toBe(200);
    expect((await call("/service-centre", { cookie })).status).toBe(403);
    const me = await (await call("/api/v1/me", { headers: { Authorization: `Bearer ${await tokenOf(both)}` } })).json();
    expect(me).toMatchObject({ role: "requester", roles: ["requester", "cab"] });
  });

  it("requests only for the systems the person administers, though the board's role sees every case", async () => {
    const mine = await change(both, w.systems.app.code);
    expect(mine.number).toMatch(/^CHG-/);
    // As a member of the board they see a case on another system …
    const theirs = await change(w.people.requester, w.systems.dbs.code);
    expect((await call(`/cases/${theirs.number}`, { cookie: await signIn(db(), both) })).status).toBe(200);
    // … but do not request for it.
    expect(await refusal(change(both, w.systems.dbs.code))).toMatchObject({ status: 422, fields: { systemCode: { key: "case.system.notYours" } } });
  });

  it("still never decides on a case the person requested: the board's vote, the service centre's approval", async () => {
    const own = await change(both, w.systems.app.code);
    const other = await change(w.people.requester, w.systems.app.code);
    for (const number of [own.number, other.number]) {
      await applyEvent(db(), w.people.serviceCentre, number, { type: "REFER_TO_CAB" });
      await putOnAgenda(db(), number, meetingId);
    }
    expect(await refusal(vote(db(), both, meetingId, own.number, "approve"))).toMatchObject({ status: 403 });
    expect(await refusal(vote(db(), both, meetingId, other.number, "approve"))).toBeNull();

    const requested = await change(centreAndRequester, w.systems.dbs.code, "simple-change");
    expect(await refusal(applyEvent(db(), centreAndRequester, requested.number, { type: "APPROVE" }))).toMatchObject({ status: 403 });
    const byColleague = await change(w.people.requester, w.systems.dbs.code, "simple-change");
    expect(await refusal(applyEvent(db(), centreAndRequester, byColleague.number, { type: "APPROVE" }))).toBeNull();
  });

  it("is set by the administrator, ends the person's sessions, and is never a supplier's", async () => {
    const admin = await makeUser(db(), { organisationId: w.centre.id, role: "admin" });
    const person = await makeUser(db(), { organisationId: w.unit.id, role: "requester" });
    await signIn(db(), person);
    const saved = await updatePerson(db(), person.id, { name: person.name, role: "requester", extraRoles: ["cab", "cab"], organisationId: w.unit.id }, admin);
    expect(saved.ok && saved.value.extraRoles).toEqual(["cab"]);
    expect(await db().select().from(sessions).where(eq(sessions.userId, person.id))).toEqual([]);

    const supplier = await updatePerson(
      db(),
      w.people.consultant.id,
      { name: "Konsult", role: "supplier", extraRoles: ["cab"], organisationId: w.supplier.id },
      admin,
    );
    expect(supplier).toMatchObject({ ok: false, fieldErrors: { extraRoles: { key: "user.extraRolesSupplier" } } });
    // The database holds the rule too.
    await expect(
      db()
        .update(users)
        .set({ extraRoles: ["requester"] })
        .where(eq(users.id, w.people.consultant.id)),
    ).rejects.toThrow();

    // Through the form: the checkboxes are there, and a bad choice is told at its field.
    const cookie = await signIn(db(), admin);
    const form = await (await call(`/admin/users/${person.id}`, { cookie })).text();
    expect(form).toMatch(/name="extraRoles" checked="" value="cab"/);
    const refused = await call(`/admin/users/${person.id}`, {
      cookie,
      form: { intent: "save", name: person.name, role: "requester", extraRoles: "supplier", organisationId: String(w.unit.id) },
    });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("En leverantör har bara en roll");
  });
});

async function tokenOf(user: User): Promise<string> {
  const { createApiToken } = await import("~/access/api-tokens.server");
  return (await createApiToken(db(), user.id, "roller")).token;
}
