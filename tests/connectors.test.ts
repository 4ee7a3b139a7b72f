import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { accessWindows, auditLog, cases, connectorSteps, outbox, systems } from "../db/schema";
import { applyEvent, createCase } from "~/cases/commands.server";
import { accountDn, addMembers } from "~/connectors/directory.server";
import { reconcileDirectory } from "~/connectors/reconcile.server";
import { configureConnectors, connectorStates, runConnectorSteps, stepBackoffMs } from "~/connectors/steps.server";
import { operationsBoard } from "~/cases/windows.server";
import { nextDutyAt, runDuties } from "~/jobs/scheduler.server";
import { startAlertmanager, startSlapd, type Alertmanager, type Slapd } from "./support/connectors";
import { useTestDatabase } from "./support/database";
import { call, signIn } from "./support/app";
import { makeUser } from "./support/factories";
import { makeWorld, windowAhead, type World } from "./support/world";

/**
 * The connectors against a real OpenLDAP and a real Alertmanager (tests/support/connectors.ts):
 * a window's opening puts its accounts in the system's admin group and silences the system; its
 * end — by expiry, by operations, by the supplier — takes both away within one round of the
 * duties, and a directory that is down at that moment is retried until the member is gone.
 */
const db = useTestDatabase();
let w: World;
let slapd: Slapd;
let am: Alertmanager;
let group: string;
let day = 40;

beforeAll(async () => {
  [slapd, am] = await Promise.all([startSlapd(), startAlertmanager()]);
  w = await makeWorld(db());
  group = await slapd.addGroup(`admins-${w.tag.toLowerCase()}`);
  await db().update(systems).set({ directoryGroupDn: group, monitoringSilence: "system" }).where(eq(systems.id, w.systems.app.id));
  configureConnectors({ directory: slapd.config, monitoring: am.config });
}, 60_000);

afterAll(async () => {
  configureConnectors({});
  await Promise.all([slapd?.close(), am?.close()]);
});

let n = 0;
/** An approved change on APP with its accounts; returns its number and window, not yet opened. */
async function approved(accounts: string[], hours = 4) {
  const c = await createCase(db(), w.people.requester, {
    type: "simple-change",
    systemCode: w.systems.app.code,
    title: `Uppgradering ${++n}`,
    window: windowAhead(day++, hours),
    reason: "Uppgradering",
    bookedWithSupplier: true,
    accounts,
  });
  await applyEvent(db(), w.people.serviceCentre, c.number, { type: "APPROVE" });
  return { number: c.number, start: new Date(c.window!.start), end: new Date(c.window!.end) };
}

async function windowOf(number: string) {
  const [row] = await db()
    .select({ w: accessWindows })
    .from(accessWindows)
    .innerJoin(cases, eq(cases.id, accessWindows.caseId))
    .where(eq(cases.number, number));
  return row!.w;
}

const silenceOf = async (id: string | null) => (await am.silences()).find((s) => s.id === id);
const member = (account: string) => accountDn(slapd.config, account);

describe("a window that opens and closes itself", () => {
  it("opening adds the accounts to the group and silences the system; expiry takes both away in the same round", async () => {
    const { number, start, end } = await approved(["ext-anna", "ext-bo"]);
    await applyEvent(db(), w.people.operations, number, { type: "GRANT" }, new Date(start.getTime() + 60_000));
    expect(slapd.members(group)).toEqual([]);
    expect(await runConnectorSteps(db(), new Date(start.getTime() + 61_000))).toEqual({ stepsDone: 2, stepsFailed: 0 });
    expect(slapd.members(group).sort()).toEqual([member("ext-anna"), member("ext-bo")]);
    const open = await windowOf(number);
    // The duties wake for the end (not up to an interval later): it is the next thing due, or something earlier is.
    expect((await nextDutyAt(db(), new Date(end.getTime() - 1)))!.getTime()).toBeLessThanOrEqual(end.getTime());
    const silence = await silenceOf(open.silenceId);
    expect(silence?.status.state).toBe("active");
    expect(silence?.matchers).toEqual([{ name: "system", value: w.systems.app.code, isRegex: false, isEqual: true }]);
    expect(silence?.comment).toContain(number);
    expect(new Date(silence!.endsAt).getTime()).toBe(end.getTime());

    // One round of the duties just after the end: expired, removed, silence expired.
    const round = await runDuties(db(), new Date(end.getTime() + 1_000));
    expect(round.expired).toBeGreaterThanOrEqual(1);
    expect(slapd.members(group)).toEqual([]);
    expect((await silenceOf(open.silenceId))?.status.state).toBe("expired");
    const [c] = await db().select().from(cases).where(eq(cases.number, number));
    const trail = await db().select().from(auditLog).where(eq(auditLog.caseId, c!.id));
    expect(trail.map((r) => r.event)).toEqual(
      expect.arrayContaining(["GRANT", "DIRECTORY_GRANT", "MONITORING_GRANT", "EXPIRE", "DIRECTORY_REVOKE", "MONITORING_REVOKE"]),
    );
    const revoke = trail.find((r) => r.event === "DIRECTORY_REVOKE");
    expect(revoke?.detail).toMatchObject({ result: { group, removed: [member("ext-anna"), member("ext-bo")] } });
  });

  it("an extension moves the silence's end and leaves the directory alone", async () => {
    const { number, start, end } = await approved(["ext-cia"]);
    const t = (ms: number) => new Date(start.getTime() + ms);
    await applyEvent(db(), w.people.operations, number, { type: "GRANT" }, t(60_000));
    await runConnectorSteps(db(), t(61_000));
    const later = new Date(end.getTime() + 2 * 3600_000).toISOString();
    await applyEvent(db(), w.people.consultant, number, { type: "REQUEST_EXTENSION", end: later, reason: "Migreringen tar längre tid" }, t(120_000));
    await applyEvent(db(), w.people.serviceCentre, number, { type: "APPROVE_EXTENSION", reason: "Ok" }, t(180_000));
    await runConnectorSteps(db(), t(181_000));
    const extended = await windowOf(number);
    const silence = await silenceOf(extended.silenceId);
    expect(silence?.status.state).toBe("active");
    expect(silence?.endsAt && new Date(silence.endsAt).toISOString()).toBe(later);
    expect(slapd.members(group)).toEqual([member("ext-cia")]);
    // The supplier ends early: gone at once.
    await applyEvent(db(), w.people.consultant, number, { type: "END" }, t(240_000));
    await runConnectorSteps(db(), t(241_000));
    expect(slapd.members(group)).toEqual([]);
    expect((await silenceOf(extended.silenceId))?.status.state).toBe("expired");
  });

  it("a directory that is down at the close: 'closing failed', operations alerted and the window red on its board, then removed on the retry", async () => {
    const { number, start } = await approved(["ext-dan"]);
    const t = (ms: number) => new Date(start.getTime() + ms);
    await applyEvent(db(), w.people.operations, number, { type: "GRANT" }, t(60_000));
    await runConnectorSteps(db(), t(61_000));
    expect(slapd.members(group)).toEqual([member("ext-dan")]);

    await slapd.stop();
    try {
      await applyEvent(db(), w.people.operations, number, { type: "REVOKE", reason: "Klart" }, t(120_000));
      const failed = await runConnectorSteps(db(), t(121_000));
      expect(failed.stepsFailed).toBe(1);
      const closed = await windowOf(number);
      expect(closed.status).toBe("closed");
      const state = (await connectorStates(db(), [closed.id])).get(closed.id);
      expect(state?.problem).toBe("closing-failed");
      expect(state?.steps.find((s) => s.status === "failed")?.lastError).toBeTruthy();
      const alerts = await db()
        .select()
        .from(outbox)
        .where(and(eq(outbox.template, "connector.failed"), like(outbox.key, `${number}:%`)));
      expect(alerts.map((a) => a.recipient)).toEqual([w.ops.mailbox]);
      // Not before its back-off: nothing is tried again.
      expect(await runConnectorSteps(db(), t(122_000))).toEqual({ stepsDone: 0, stepsFailed: 0 });
      const board = await operationsBoard(db(), w.people.operations, t(123_000));
      expect(board.failing.map((f) => f.caseNumber)).toContain(number);
    } finally {
      await slapd.start();
    }
    const retried = await runConnectorSteps(db(), t(121_000 + stepBackoffMs(1)));
    expect(retried.stepsDone).toBe(1);
    expect(slapd.members(group)).toEqual([]);
    const closed = await windowOf(number);
    expect((await connectorStates(db(), [closed.id])).get(closed.id)?.problem).toBeNull();
    const board = await operationsBoard(db(), w.people.operations, new Date(start.getTime() + 200_000));
    expect(board.failing.map((f) => f.caseNumber)).not.toContain(number);
    const recovered = await db()
      .select()
      .from(outbox)
      .where(and(eq(outbox.template, "connector.recovered"), like(outbox.key, `${number}:%`)));
    expect(recovered).toHaveLength(1);
  });

  it("a system set to open automatically opens at its start and grants the access without operations", async () => {
    await db().update(systems).set({ openAutomatically: true }).where(eq(systems.id, w.systems.app.id));
    try {
      const { number, start } = await approved(["ext-eva"]);
      expect((await runDuties(db(), new Date(start.getTime() - 60_000))).opened).toBe(0);
      const round = await runDuties(db(), new Date(start.getTime() + 1_000));
      expect(round.opened).toBe(1);
      expect((await windowOf(number)).status).toBe("open");
      expect(slapd.members(group)).toEqual([member("ext-eva")]);
      await applyEvent(db(), w.people.operations, number, { type: "REVOKE", reason: "Klart" }, new Date(start.getTime() + 60_000));
      await runConnectorSteps(db(), new Date(start.getTime() + 61_000));
      expect(slapd.members(group)).toEqual([]);
    } finally {
      await db().update(systems).set({ openAutomatically: false }).where(eq(systems.id, w.systems.app.id));
    }
  });

  it("reconciliation removes an account left in the group without an open window, and keeps the ones that have one", async () => {
    const { number, start } = await approved(["ext-fia"]);
    await applyEvent(db(), w.people.operations, number, { type: "GRANT" }, new Date(start.getTime() + 60_000));
    await runConnectorSteps(db(), new Date(start.getTime() + 61_000));
    await addMembers(slapd.config, group, ["ext-orphan"]);
    expect(slapd.members(group).sort()).toEqual([member("ext-fia"), member("ext-orphan")]);
    const { reconciled, errors } = await reconcileDirectory(db());
    expect(errors).toEqual([]);
    expect(reconciled).toEqual([{ group, removed: [member("ext-orphan")] }]);
    expect(slapd.members(group)).toEqual([member("ext-fia")]);
    const reports = await db().select().from(outbox).where(eq(outbox.template, "connector.reconciled"));
    expect(reports.some((r) => r.recipient === w.ops.mailbox && String(r.payload.removed).includes("ext-orphan"))).toBe(true);
    await applyEvent(db(), w.people.operations, number, { type: "REVOKE", reason: "Klart" }, new Date(start.getTime() + 120_000));
    await runConnectorSteps(db(), new Date(start.getTime() + 121_000));
  });

  it("without connectors configured a window plans no steps: the manual work stays as it was", async () => {
    configureConnectors({});
    try {
      const { number, start } = await approved(["ext-gun"]);
      await applyEvent(db(), w.people.operations, number, { type: "GRANT" }, new Date(start.getTime() + 60_000));
      const open = await windowOf(number);
      expect(await db().select().from(connectorSteps).where(eq(connectorSteps.windowId, open.id))).toEqual([]);
      await applyEvent(db(), w.people.operations, number, { type: "REVOKE", reason: "Klart" }, new Date(start.getTime() + 120_000));
      expect(await db().select().from(connectorSteps).where(eq(connectorSteps.windowId, open.id))).toEqual([]);
    } finally {
      configureConnectors({ directory: slapd.config, monitoring: am.config });
    }
  });
});

describe("the connectors as an admin sees and sets them", () => {
  // The pages run in the built app, which reads its connectors from the environment (once, on first use).
  beforeAll(() => {
    Object.assign(process.env, {
      LDAP_URL: slapd.config.url,
      LDAP_BIND_DN: slapd.config.bindDn,
      LDAP_BIND_PASSWORD: slapd.config.bindPassword,
      LDAP_USER_BASE_DN: slapd.config.userBaseDn,
      ALERTMANAGER_URL: am.config.url,
    });
  });
  afterAll(() => {
    for (const name of ["LDAP_URL", "LDAP_BIND_DN", "LDAP_BIND_PASSWORD", "LDAP_USER_BASE_DN", "ALERTMANAGER_URL"]) delete process.env[name];
  });

  it("shows each connector's health on /admin and in an admin's /healthcheck, and none of it to anyone else", async () => {
    const admin = await makeUser(db(), { organisationId: w.unit.id, role: "admin" });
    const detail = await (await call("/healthcheck", { cookie: await signIn(db(), admin) })).json();
    expect(detail.status).toBe("ok");
    expect(detail.connectors.directory).toMatchObject({ configured: true, ok: true });
    expect(detail.connectors.monitoring).toMatchObject({ configured: true, ok: true });
    expect(detail.connectors.monitoring.detail).toMatch(/^Alertmanager /);
    const anonymous = await (await call("/healthcheck")).json();
    expect(anonymous.connectors).toBeUndefined();
    const operator = await (await call("/healthcheck", { cookie: await signIn(db(), w.people.operations) })).json();
    expect(operator.connectors).toBeUndefined();
    const page = await (await call("/admin", { cookie: await signIn(db(), admin), headers: { "Accept-Language": "sv" } })).text();
    expect(page).toMatch(/data-connector="directory" data-health="ok"/);
    expect(page).toMatch(/data-connector="monitoring" data-health="ok"/);
  });

  it("keeps a system's directory group, automatic opening and silence, and refuses a group that is not a DN at the field", async () => {
    const admin = await makeUser(db(), { organisationId: w.unit.id, role: "admin" });
    const cookie = await signIn(db(), admin);
    const [system] = await db().select().from(systems).where(eq(systems.id, w.systems.net.id));
    const form = {
      intent: "save",
      code: system!.code,
      name: system!.name,
      ownerUnitId: String(system!.ownerUnitId),
      supplierId: String(system!.supplierId),
      informationClass: system!.informationClass,
      monitoringSilence: "dependants",
      openAutomatically: "on",
    };
    const refused = await call(`/admin/systems/${system!.code}`, {
      cookie,
      form: { ...form, directoryGroupDn: "gis-admins" },
      headers: { "Accept-Language": "sv" },
    });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("Ange ett DN");
    const saved = await call(`/admin/systems/${system!.code}`, { cookie, form: { ...form, directoryGroupDn: "cn=net-admins,dc=sjovik,dc=test" } });
    expect(saved.status).toBe(302);
    const [after] = await db().select().from(systems).where(eq(systems.id, system!.id));
    expect(after).toMatchObject({ directoryGroupDn: "cn=net-admins,dc=sjovik,dc=test", openAutomatically: true, monitoringSilence: "dependants" });
  });

  it("registers a webhook subscriber, shows its secret once, and refuses a bad address or no events at the field", async () => {
    const admin = await makeUser(db(), { organisationId: w.unit.id, role: "admin" });
    const cookie = await signIn(db(), admin);
    const refused = await call("/admin/webhooks", { cookie, form: { name: "Ärenden", url: "arende.sjovik.se" }, headers: { "Accept-Language": "sv" } });
    expect(refused.status).toBe(422);
    const text = await refused.text();
    expect(text).toContain("Ange en fullständig adress");
    expect(text).toContain("Välj minst en händelse");
    const created = await call("/admin/webhooks", {
      cookie,
      form: { name: "Ärenden", url: "https://arende.sjovik.se/hooks", events: ["case.approved", "window.expired"] },
    });
    expect(created.status).toBe(302);
    const location = created.headers.get("location")!;
    expect(location).toMatch(/^\/admin\/webhooks\/\d+\?created=1$/);
    expect(await (await call(location, { cookie })).text()).toMatch(/data-secret[^>]*>whsec_/);
    expect(await (await call(location.replace(/\?.*/, ""), { cookie })).text()).not.toContain("whsec_");
  });
});
