import { and, eq, inArray, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { accessWindows, auditLog, cases, outbox } from "../db/schema";
import type { Database } from "../db/client";
import { deliverDue, DELIVERY_CONCURRENCY, smtpTransport } from "~/outbox/delivery.server";
import { endConsents, expireWindows, markReviewsDue, runJobs, startJobs, warnEndingWindows } from "~/jobs/scheduler.server";
import { enqueue } from "~/outbox/enqueue.server";
import { renderMail } from "~/outbox/templates.server";
import { addDays, stockholmDate, stockholmMidnight } from "../machines/calendar";
import { applyEvent, createCase } from "~/cases/commands.server";
import { useTestDatabase } from "./support/database";
import { startSmtp } from "./support/smtp";
import { makeWorld, windowAhead, type World } from "./support/world";

const db = useTestDatabase();
let w: World;
let day = 30;

beforeAll(async () => {
  w = await makeWorld(db());
});

/** An approved change whose window operations has opened; returns its number and window. */
async function openWindow() {
  const c = await createCase(db(), w.people.requester, {
    type: "simple-change",
    systemCode: w.systems.app.code,
    title: `Arbete ${day}`,
    window: windowAhead(day++),
    reason: "Uppgradering",
    bookedWithSupplier: true,
  });
  await applyEvent(db(), w.people.serviceCentre, c.number, { type: "APPROVE" });
  const start = new Date(c.window!.start);
  await applyEvent(db(), w.people.operations, c.number, { type: "GRANT" }, new Date(start.getTime() + 60_000));
  return { number: c.number, start, end: new Date(c.window!.end) };
}

const expiries = async (number: string) => {
  const [c] = await db().select().from(cases).where(eq(cases.number, number));
  return db()
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.caseId, c!.id), eq(auditLog.event, "EXPIRE")));
};

describe("expiry enforced by the server", () => {
  it("closes a window whose end has passed, once, and tells operations to revoke and restore monitoring", async () => {
    const { number, end } = await openWindow();
    expect(await expireWindows(db(), new Date(end.getTime() - 60_000))).toBe(0);
    const later = new Date(end.getTime() + 5 * 60_000);
    expect(await expireWindows(db(), later)).toBeGreaterThanOrEqual(1);
    expect(await expireWindows(db(), later)).toBe(0);
    const [c] = await db().select().from(cases).where(eq(cases.number, number));
    expect(c?.status).toBe("window-closed");
    const [win] = await db().select().from(accessWindows).where(eq(accessWindows.caseId, c!.id));
    expect(win?.status).toBe("closed");
    const rows = await expiries(number);
    expect(rows).toHaveLength(1);
    // The event names itself in each reader's language (the timeline, the mail); no stored English sentence.
    expect(rows[0]).toMatchObject({ actorUserId: null, actorLabel: "system", reason: null });
    const messages = await db().select().from(outbox).where(eq(outbox.template, "window.expired"));
    const toOperations = messages.find((m) => m.recipient === w.ops.mailbox && (m.payload as { number: string }).number === number);
    expect(toOperations).toBeDefined();
    const mail = renderMail({ ...toOperations!, lang: "sv" });
    expect(mail.text).toContain("har löpt ut och stängts av systemet");
    expect(mail.text).not.toMatch(/expired|window/i);
  });

  it("catches up after downtime: every overdue window closes in one run, each exactly once even when two instances run at once", async () => {
    const windows = [await openWindow(), await openWindow(), await openWindow()];
    const muchLater = new Date(Math.max(...windows.map((x) => x.end.getTime())) + 3600_000);
    // Two instances on one database run their scheduler at the same moment.
    await Promise.all([runJobs(db(), null, muchLater), runJobs(db(), null, muchLater)]);
    for (const x of windows) expect(await expiries(x.number)).toHaveLength(1);
  });

  it("also ends a window that was never opened, so the case moves on", async () => {
    const c = await createCase(db(), w.people.requester, {
      type: "simple-change",
      systemCode: w.systems.dbs.code,
      title: "Aldrig öppnat",
      window: windowAhead(day++),
      reason: "x",
      bookedWithSupplier: true,
    });
    await applyEvent(db(), w.people.serviceCentre, c.number, { type: "APPROVE" });
    await expireWindows(db(), new Date(Date.parse(c.window!.end) + 60_000));
    const [row] = await db().select().from(cases).where(eq(cases.number, c.number));
    expect(row?.status).toBe("window-closed");
  });
});

describe("warnings before the end", () => {
  it("warns the supplier and the requester 30 and 10 minutes before, once each", async () => {
    const { number, end } = await openWindow();
    await warnEndingWindows(db(), new Date(end.getTime() - 25 * 60_000));
    await warnEndingWindows(db(), new Date(end.getTime() - 20 * 60_000));
    await warnEndingWindows(db(), new Date(end.getTime() - 8 * 60_000));
    const of = async (template: string) =>
      (await db().select().from(outbox).where(eq(outbox.template, template))).filter((m) => (m.payload as { number: string }).number === number);
    const thirty = await of("window.warning30");
    const ten = await of("window.warning10");
    expect(thirty.map((m) => m.recipient).sort()).toEqual([w.people.requester.email, w.supplier.mailbox].sort());
    expect(ten).toHaveLength(2);
    expect(renderMail({ ...ten[0]!, lang: "sv" }).subject).toBe(`${number}: 8 min kvar`);
    expect(renderMail({ ...thirty[0]!, lang: "sv" }).subject).toBe(`${number}: 25 min kvar`);
  });

  it("warns a window opened with 8 minutes left once, with the 10-minute warning and the minutes really left", async () => {
    const { number, end } = await openWindow();
    await warnEndingWindows(db(), new Date(end.getTime() - 8 * 60_000));
    await warnEndingWindows(db(), new Date(end.getTime() - 7 * 60_000));
    const mine = (await db().select().from(outbox)).filter(
      (m) => (m.payload as { number: string }).number === number && m.template.startsWith("window.warning"),
    );
    expect(mine.map((m) => m.template)).toEqual(["window.warning10", "window.warning10"]);
    expect(renderMail({ ...mine[0]!, lang: "en" }).text).toContain("in 8 min.");
  });
});

describe("yearly review", () => {
  it("puts standing access up for review when its date has come", async () => {
    const c = await createCase(db(), w.people.requester, {
      type: "standing-access",
      systemCode: w.systems.app.code,
      title: "Läsbehörighet",
      justification: "Felsökning",
      agreementReference: "AVT-7",
      supplierPeople: ["Per Persson"],
      accounts: ["lev-konsult"],
    });
    await applyEvent(db(), w.people.owner, c.number, { type: "CONSENT" });
    expect(await markReviewsDue(db(), new Date())).toBe(0);
    expect(await markReviewsDue(db(), new Date(Date.now() + 367 * 24 * 3600_000))).toBeGreaterThanOrEqual(1);
    const [row] = await db().select().from(cases).where(eq(cases.number, c.number));
    expect(row?.status).toBe("review-due");
  });

  it("ends a consent the day after its last day, asks operations to remove the accounts and tells the parties", async () => {
    const c = await createCase(db(), w.people.requester, {
      type: "standing-access",
      systemCode: w.systems.app.code,
      title: "Kort samtycke",
      justification: "Felsökning",
      agreementReference: "AVT-8",
      supplierPeople: ["Per Persson"],
      accounts: ["lev-kort"],
    });
    const until = addDays(stockholmDate(new Date()), 10);
    await applyEvent(db(), w.people.owner, c.number, { type: "CONSENT", until });
    // Its last day still holds; the day after, it ends (once, however often the scheduler runs).
    expect(await endConsents(db(), stockholmMidnight(until))).toBe(0);
    const dayAfter = new Date(stockholmMidnight(addDays(until, 1)).getTime() + 60_000);
    expect(await endConsents(db(), dayAfter)).toBe(1);
    expect(await endConsents(db(), dayAfter)).toBe(0);
    const [row] = await db().select().from(cases).where(eq(cases.number, c.number));
    expect(row?.status).toBe("expired");
    expect((row!.state.context as { accountSteps: { kind: string; doneAt: string | null }[] }).accountSteps.at(-1)).toMatchObject({
      kind: "remove",
      doneAt: null,
    });
    const told = (await db().select().from(outbox)).filter((m) => (m.payload as { number: string }).number === c.number && m.template === "case.consentEnded");
    expect(told.map((m) => m.recipient).sort()).toEqual([w.ops.mailbox, w.people.owner.email, w.people.requester.email, w.supplier.mailbox].sort());
  });
});

describe("delivering the outbox over SMTP", () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp({ failFirst: 1 });
  });
  afterAll(async () => {
    await smtp.close();
  });

  it("sends each message once, retries a refused one later, with a stable Message-ID, and the expiry notice reaches operations", async () => {
    // A clean slate: what earlier tests queued counts as delivered already.
    await db().update(outbox).set({ sentAt: new Date() }).where(isNull(outbox.sentAt));
    const { number, end } = await openWindow();
    await expireWindows(db(), new Date(end.getTime() + 60_000));
    const queued = await db().select().from(outbox).where(isNull(outbox.sentAt));
    expect(queued.length).toBeGreaterThan(3);

    const transport = smtpTransport(smtp.url, "Leverantörsåtkomst <no-reply@sjovik.se>");
    const now = new Date();
    const first = await deliverDue(db(), transport, now);
    expect(first).toEqual({ sent: queued.length - 1, failed: 1 }); // the server said "try again later" once
    // Too early for the retry: nothing happens.
    expect(await deliverDue(db(), transport, new Date(now.getTime() + 1000))).toEqual({ sent: 0, failed: 0 });
    // Past the back-off: the refused one goes.
    expect(await deliverDue(db(), transport, new Date(now.getTime() + 3 * 60_000))).toEqual({ sent: 1, failed: 0 });
    expect(await deliverDue(db(), transport, new Date(now.getTime() + 3600_000))).toEqual({ sent: 0, failed: 0 });

    expect(smtp.received).toHaveLength(queued.length);
    const ids = smtp.received.map((r) => r.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    const toOps = smtp.received.filter((r) => r.to.includes(w.ops.mailbox) && r.raw.includes(`/cases/${number}`));
    expect(toOps.length).toBeGreaterThanOrEqual(1);
    // Whichever one the server refused (eight go at once) took two attempts; every other one, one.
    const attempts = (
      await db()
        .select()
        .from(outbox)
        .where(
          inArray(
            outbox.id,
            queued.map((q) => q.id),
          ),
        )
    )
      .map((m) => m.attempts)
      .sort();
    expect(attempts).toEqual([...Array(queued.length - 1).fill(1), 2]);
    (transport as unknown as { close(): void }).close();
  });
});

describe("the scheduler's loops", () => {
  it("closes a window on time while the mail server sits on every message, and sends several messages at once", async () => {
    const smtp = await startSmtp({ hold: true });
    await db().update(outbox).set({ sentAt: new Date() }).where(isNull(outbox.sentAt));
    await enqueue(
      db(),
      Array.from({ length: 20 }, (_, i) => ({
        key: `slow-${i}`,
        template: "case.submitted",
        recipient: `slow-${i}@example.se`,
        payload: { number: "X", title: "Y" },
      })),
    );
    // An open window that ends in a moment (its end moved by hand, as operations.test does).
    const { number } = await openWindow();
    const [c] = await db().select().from(cases).where(eq(cases.number, number));
    const [win] = await db().select().from(accessWindows).where(eq(accessWindows.caseId, c!.id));
    const end = new Date(Date.now() + 1500);
    await db()
      .update(accessWindows)
      .set({ endsAt: end, state: { ...win!.state, context: { ...win!.state.context, end: end.toISOString() } } })
      .where(eq(accessWindows.id, win!.id));

    const jobs = startJobs({ db: db() } as Database, { intervalMs: 100, smtpUrl: smtp.url, mailFrom: "Leverantörsåtkomst <no-reply@sjovik.se>" });
    try {
      const until = async (what: string, ok: () => Promise<boolean>) => {
        for (let i = 0; i < 300 && !(await ok()); i++) await new Promise((r) => setTimeout(r, 50));
        expect(await ok(), what).toBe(true);
      };
      // The mail loop is stuck on a server that answers nothing …
      await until("the server holds messages", async () => smtp.waiting() > 0);
      // … and the window still closes, because expiry never waits for mail.
      await until("the window expired", async () => (await expiries(number)).length === 1);
      expect(smtp.received).toHaveLength(0);
      // Several messages were in flight at once, never more than the bound.
      await until("all workers are busy", async () => smtp.waiting() === DELIVERY_CONCURRENCY);
      expect(smtp.mostWaiting()).toBe(DELIVERY_CONCURRENCY);
      smtp.release();
      await until("everything is delivered", async () => (await db().select().from(outbox).where(isNull(outbox.sentAt))).length === 0);
      expect(smtp.received.filter((r) => r.to[0]!.startsWith("slow-"))).toHaveLength(20);
    } finally {
      smtp.release();
      await jobs.stop();
      await smtp.close();
    }
  });
});
