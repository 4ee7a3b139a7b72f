import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import { eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { systems, webhookDeliveries, webhookSubscribers } from "../../db/schema";
import { accountDn, addMembers } from "~/connectors/directory.server";
import { newWebhookSecret, WEBHOOK_EVENTS } from "~/connectors/webhooks.server";
import { startAlertmanager, startSlapd, type Alertmanager, type Slapd } from "../support/connectors";
import { makeWorld, windowAhead, type World } from "../support/world";
import { createServerDatabase, startPortal, type Portal } from "./support";

/**
 * The built portal with both connectors and a webhook subscriber, killed with SIGKILL while a
 * delivery is at the receiver unanswered and others are committed but not yet sent. After the
 * restart: every event reaches the receiver, each event's id is new exactly once (the one that was
 * in flight arrives a second time with the same id), every signature verifies — and the restart's
 * reconciliation has removed the account someone left in the admin group.
 */
const CASES = 12;

let database: Awaited<ReturnType<typeof createServerDatabase>>;
let w: World;
let slapd: Slapd;
let am: Alertmanager;
let portal: Portal | undefined;
let receiver: Server;
let receiverUrl = "";
const received: { id: string; timestamp: string; signature: string; body: string }[] = [];
/** The receiver holds the answer to the request with this ordinal (1-based) until the portal is gone. */
let holdAt = 0;
let held: (() => void) | null = null;
let heldId = "";
let heldArrived!: () => void;
const arrived = new Promise<void>((resolve) => (heldArrived = resolve));

beforeAll(async () => {
  database = await createServerDatabase();
  [slapd, am] = await Promise.all([startSlapd(), startAlertmanager()]);
  w = await makeWorld(database.db);
  const group = await slapd.addGroup("gis-admins");
  await database.db.update(systems).set({ directoryGroupDn: group }).where(eq(systems.id, w.systems.app.id));
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const id = String(req.headers["webhook-id"]);
      received.push({ id, timestamp: String(req.headers["webhook-timestamp"]), signature: String(req.headers["webhook-signature"]), body });
      if (received.length === holdAt) {
        heldId = id;
        held = () => res.destroy();
        heldArrived();
        return;
      }
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;
}, 120_000);

afterAll(async () => {
  await portal?.kill("SIGKILL");
  held?.();
  await new Promise<void>((r) => receiver?.close(() => r()));
  await Promise.all([slapd?.close(), am?.close()]);
  await database?.drop();
});

const connectorEnv = () => ({
  JOBS_INTERVAL_MS: "300",
  LDAP_URL: slapd.config.url,
  LDAP_BIND_DN: slapd.config.bindDn,
  LDAP_BIND_PASSWORD: slapd.config.bindPassword,
  LDAP_USER_BASE_DN: slapd.config.userBaseDn,
  ALERTMANAGER_URL: am.config.url,
});

async function post(path: string, token: string, json: unknown) {
  const response = await fetch(`${portal!.url}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(json),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { number: string };
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 120_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("connectors across a kill -9", () => {
  it("delivers each webhook event exactly once by its id, and the restart reconciles the directory", async () => {
    const secret = newWebhookSecret();
    await database.db.insert(webhookSubscribers).values({ name: "Ärendesystemet", url: receiverUrl, secret, events: [...WEBHOOK_EVENTS] });
    // The first rounds answer; the 7th request is held at the receiver, unanswered, and then the process dies.
    holdAt = 7;
    portal = await startPortal({ databaseUrl: database.url, env: connectorEnv() });
    for (let i = 0; i < CASES; i++) {
      const c = await post("/api/v1/cases", w.tokens.requester, {
        type: "simple-change",
        systemCode: w.systems.app.code,
        title: `Patchning ${i}`,
        window: windowAhead(1 + i),
        reason: "Säkerhetsrättningar",
        bookedWithSupplier: true,
        accounts: [`ext-${i}`],
      });
      await post(`/api/v1/cases/${c.number}/events`, w.tokens.serviceCentre, { type: "APPROVE" });
    }
    await arrived;
    await portal.kill("SIGKILL");
    held!();
    const undelivered = await database.db.select().from(webhookDeliveries).where(isNull(webhookDeliveries.deliveredAt));
    // Killed between commit and delivery: some committed events had not been sent yet.
    expect(undelivered.length).toBeGreaterThan(1);

    // Meanwhile someone leaves an account in the admin group, with no window to entitle it.
    const [app] = await database.db.select().from(systems).where(eq(systems.id, w.systems.app.id));
    await addMembers(slapd.config, app!.directoryGroupDn!, ["ext-orphan"]);
    expect(slapd.members(app!.directoryGroupDn!)).toEqual([accountDn(slapd.config, "ext-orphan")]);

    portal = await startPortal({ databaseUrl: database.url, env: connectorEnv() });
    await until("the reconciliation's report", () => portal!.output().includes("removed from"));
    expect(slapd.members(app!.directoryGroupDn!)).toEqual([]);
    // The held delivery's lease (60 s) runs out and it is sent again.
    await until(
      "every delivery",
      async () => (await database.db.select().from(webhookDeliveries).where(isNull(webhookDeliveries.deliveredAt))).length === 0,
      180_000,
    );

    const rows = await database.db.select().from(webhookDeliveries);
    // Per case: submitted, approved, window scheduled.
    expect(rows).toHaveLength(CASES * 3);
    const ids = received.map((r) => r.id);
    expect(new Set(ids)).toEqual(new Set(rows.map((r) => r.key)));
    const twice = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
    expect(twice).toEqual([heldId]);
    expect(ids.filter((id) => id === heldId)).toHaveLength(2);
    for (const r of received) {
      const expected = createHmac("sha256", Buffer.from(secret.slice(6), "base64"))
        .update(`${r.id}.${r.timestamp}.${r.body}`)
        .digest("base64");
      expect(r.signature).toBe(`v1,${expected}`);
    }
  }, 300_000);
});
