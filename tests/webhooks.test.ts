import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { webhookDeliveries, webhookSubscribers } from "../db/schema";
import { applyEvent, createCase } from "~/cases/commands.server";
import { deliverWebhooks, newWebhookSecret, webhookBackoffMs } from "~/connectors/webhooks.server";
import { useTestDatabase } from "./support/database";
import { makeWorld, windowAhead, type World } from "./support/world";

/**
 * Signed webhooks to a real HTTP receiver on loopback: each event a subscriber asked for arrives,
 * signed (Standard Webhooks: HMAC-SHA256 over id, timestamp and body), with the same id on every
 * retry; what it did not ask for does not.
 */
const db = useTestDatabase();
let w: World;
type Hit = { headers: IncomingHttpHeaders; body: string };
const hits: Hit[] = [];
let failNext = 0;
let server: ReturnType<typeof createServer>;
let url = "";

beforeAll(async () => {
  w = await makeWorld(db());
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      hits.push({ headers: req.headers, body });
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end("busy");
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** What a receiver does with its secret: recompute the signature over "id.timestamp.body". */
function verifies(secret: string, hit: Hit): boolean {
  const id = String(hit.headers["webhook-id"]);
  const timestamp = String(hit.headers["webhook-timestamp"]);
  const expected = createHmac("sha256", Buffer.from(secret.slice(6), "base64"))
    .update(`${id}.${timestamp}.${hit.body}`)
    .digest("base64");
  return String(hit.headers["webhook-signature"]).split(" ").includes(`v1,${expected}`);
}

describe("signed webhooks", () => {
  it("delivers the events asked for, signed, once each, retrying a failure with the same id", async () => {
    const secret = newWebhookSecret();
    const [subscriber] = await db()
      .insert(webhookSubscribers)
      .values({ name: "Ärendesystemet", url, secret, events: ["case.submitted", "case.approved", "window.opened", "window.expired"] })
      .returning();
    try {
      const c = await createCase(db(), w.people.requester, {
        type: "simple-change",
        systemCode: w.systems.app.code,
        title: "Patchning",
        window: windowAhead(12),
        reason: "Säkerhetsuppdatering",
        bookedWithSupplier: true,
      });
      await applyEvent(db(), w.people.serviceCentre, c.number, { type: "APPROVE" });
      const start = new Date(c.window!.start);
      await applyEvent(db(), w.people.operations, c.number, { type: "GRANT" }, new Date(start.getTime() + 60_000));
      const queued = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.subscriberId, subscriber!.id));
      // window.scheduled was not asked for.
      expect(queued.map((d) => d.event).sort()).toEqual(["case.approved", "case.submitted", "window.opened"]);

      failNext = 1;
      const first = await deliverWebhooks(db());
      expect(first).toEqual({ delivered: 2, failedDeliveries: 1 });
      const second = await deliverWebhooks(db(), new Date(Date.now() + webhookBackoffMs(1) + 1_000));
      expect(second).toEqual({ delivered: 1, failedDeliveries: 0 });
      expect(await deliverWebhooks(db(), new Date(Date.now() + 3_600_000))).toEqual({ delivered: 0, failedDeliveries: 0 });

      const ours = hits.filter((h) => JSON.parse(h.body).data.case.number === c.number);
      expect(ours).toHaveLength(4);
      for (const hit of ours) {
        expect(verifies(secret, hit)).toBe(true);
        expect(hit.headers["idempotency-key"]).toBe(hit.headers["webhook-id"]);
      }
      // The failed one was retried with the same id: three distinct events.
      const ids = new Set(ours.map((h) => h.headers["webhook-id"]));
      expect(ids.size).toBe(3);
      const opened = JSON.parse(ours.find((h) => JSON.parse(h.body).type === "window.opened")!.body);
      expect(opened.data).toMatchObject({
        case: { number: c.number, status: "window-open" },
        window: { status: "open" },
        system: { code: w.systems.app.code },
      });
      // A tampered body does not verify.
      expect(verifies(secret, { ...ours[0]!, body: ours[0]!.body.replace("Patchning", "Patchnin9") })).toBe(false);
      const log = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.subscriberId, subscriber!.id));
      expect(log.every((d) => d.deliveredAt !== null && d.responseStatus === 204)).toBe(true);
      expect(log.find((d) => d.attempts === 2)?.event).toBeTruthy();
    } finally {
      await db().delete(webhookSubscribers).where(eq(webhookSubscribers.id, subscriber!.id));
    }
  });

  it("a transition that is rolled back queues nothing", async () => {
    const [subscriber] = await db()
      .insert(webhookSubscribers)
      .values({ name: "Övervakning", url, secret: newWebhookSecret(), events: ["case.approved"] })
      .returning();
    try {
      const c = await createCase(db(), w.people.requester, {
        type: "simple-change",
        systemCode: w.systems.app.code,
        title: "Omstart",
        window: windowAhead(13),
        reason: "Omstart",
        bookedWithSupplier: true,
      });
      // The requester may not approve their own case: refused, nothing queued.
      await expect(applyEvent(db(), w.people.requester, c.number, { type: "APPROVE" })).rejects.toThrow();
      expect(await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.subscriberId, subscriber!.id))).toEqual([]);
    } finally {
      await db().delete(webhookSubscribers).where(eq(webhookSubscribers.id, subscriber!.id));
    }
  });
});
