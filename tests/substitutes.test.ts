import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { outbox, substitutions, systemAdministrators, systems } from "../db/schema";
import { applyEvent, createCase } from "~/cases/commands.server";
import { getCaseView } from "~/cases/views.server";
import { endSubstitution, nameSubstitute } from "~/access/substitutes.server";
import { renderMail } from "~/outbox/templates.server";
import { addDays, stockholmDate } from "../machines/calendar";
import { call, signIn } from "./support/app";
import { useTestDatabase } from "./support/database";
import { refusal } from "./support/refusal";
import { makeUser } from "./support/factories";
import { makeWorld, windowAhead, type World } from "./support/world";

/**
 * Substitutes (app/access/substitutes.server.ts): the absent person's work is the substitute's for
 * the period, marked "on behalf of" in the trail and the messages, with the person's segregation
 * of duties.
 */
const db = useTestDatabase();
let w: World;
const today = () => stockholmDate(new Date());

let day = 0;
const change = () =>
  createCase(db(), w.people.requester, {
    type: "simple-change",
    systemCode: w.systems.dbs.code,
    title: `Patch ${++day}`,
    window: windowAhead(day),
    reason: "Underhåll",
    bookedWithSupplier: true,
    risk: "Liten",
    testPlan: "Provas",
    rollbackPlan: "Ögonblicksbild",
  });

beforeAll(async () => {
  w = await makeWorld(db());
});

describe("a substitute for a period", () => {
  it("sees and acts on the absent person's cases, marked on behalf of them in the trail and the mail, until it ends", async () => {
    const stand = w.people.stranger; // a requester who administers no system
    const c = await change();
    const cookie = await signIn(db(), stand);
    expect((await call(`/cases/${c.number}`, { cookie })).status).toBe(404);

    const id = await nameSubstitute(db(), w.people.requester, { substituteId: stand.id, startsOn: today(), endsOn: addDays(today(), 14) });
    expect((await call(`/cases/${c.number}`, { cookie })).status).toBe(200);
    expect((await call("/settings", { cookie })).status).toBe(200);
    expect(await (await call("/settings", { cookie })).text()).toContain(w.people.requester.name);

    await applyEvent(db(), stand, c.number, { type: "CANCEL", reason: "Behövs inte" });
    const view = await getCaseView(db(), w.people.requester, c.number);
    expect(view.audit.at(-1)).toMatchObject({ event: "CANCEL", actor: stand.name, onBehalfOf: w.people.requester.name });
    expect(await (await call(`/cases/${c.number}`, { cookie })).text()).toContain(`${stand.name} för ${w.people.requester.name}`);
    const [mail] = (await db().select().from(outbox).where(eq(outbox.template, "case.cancelled"))).filter(
      (m) => (m.payload as { number: string }).number === c.number,
    );
    expect(renderMail(mail!).text).toContain(`${stand.name} gjorde det här som ersättare för ${w.people.requester.name}.`);

    // The person's own steps are not marked.
    const own = await change();
    await applyEvent(db(), w.people.requester, own.number, { type: "CANCEL", reason: "Själv" });
    expect((await getCaseView(db(), w.people.requester, own.number)).audit.at(-1)?.onBehalfOf).toBeNull();

    await endSubstitution(db(), w.people.requester, id);
    expect((await call(`/cases/${c.number}`, { cookie })).status).toBe(404);
  });

  it("carries the absent person's segregation of duties: no consent on the case the person requested", async () => {
    // Someone who administers and owns systems; DB is theirs to consent to.
    const both = await makeUser(db(), { organisationId: w.unit.id, role: "requester", extraRoles: ["system-owner"], name: `Ägare och förvaltare ${w.tag}` });
    await db().update(systems).set({ ownerUserId: both.id }).where(eq(systems.id, w.systems.dbs.id));
    await db().insert(systemAdministrators).values({ systemId: w.systems.net.id, userId: both.id });
    const standing = async () =>
      (
        await createCase(db(), w.people.requester, {
          type: "standing-access",
          systemCode: w.systems.dbs.code,
          title: `Läsbehörighet ${++day}`,
          justification: "Felsökning",
          agreementReference: "AVT-9",
          supplierPeople: ["Per Persson"],
          accounts: ["lev-las"],
        })
      ).number;
    const before = await standing();
    expect(await refusal(applyEvent(db(), both, before, { type: "CONSENT" }))).toBeNull();

    await nameSubstitute(db(), w.people.requester, { substituteId: both.id, startsOn: today(), endsOn: today() });
    const during = await standing();
    // Standing in for its requester, the owner does not consent to it: a person never decides on their own request.
    expect(await refusal(applyEvent(db(), both, during, { type: "CONSENT" }))).toMatchObject({ status: 403 });
  });

  it("is a colleague with the same role, for a period from today of at most a year, told at the field", async () => {
    const me = w.people.colleague;
    const bad = (substituteId: number | undefined, startsOn: string, endsOn: string) => refusal(nameSubstitute(db(), me, { substituteId, startsOn, endsOn }));
    expect(await bad(me.id, today(), today())).toMatchObject({ status: 422, fields: { substituteId: { key: "substitute.notColleague" } } });
    expect(await bad(w.people.consultant.id, today(), today())).toMatchObject({ fields: { substituteId: { key: "substitute.notColleague" } } });
    expect(await bad(w.people.stranger.id, addDays(today(), -1), today())).toMatchObject({ fields: { startsOn: { key: "substitute.past" } } });
    expect(await bad(w.people.stranger.id, today(), addDays(today(), 400))).toMatchObject({ fields: { endsOn: { key: "substitute.tooLong" } } });
    expect(
      await refusal(nameSubstitute(db(), w.people.serviceCentre, { substituteId: w.people.stranger.id, startsOn: today(), endsOn: today() })),
    ).toMatchObject({
      status: 403,
    });

    const cookie = await signIn(db(), me);
    const form = await call("/settings", {
      cookie,
      form: { intent: "name-substitute", substituteId: String(w.people.stranger.id), startsOn: today(), endsOn: "2020-01-01" },
    });
    expect(form.status).toBe(422);
    expect(await form.text()).toContain("Slutdatumet kan inte vara före startdatumet.");
    const ok = await call("/settings", {
      cookie,
      form: { intent: "name-substitute", substituteId: String(w.people.stranger.id), startsOn: today(), endsOn: today() },
    });
    expect(ok.status).toBe(302);
    expect(await db().select().from(substitutions).where(eq(substitutions.personId, me.id))).toHaveLength(1);
  });
});
