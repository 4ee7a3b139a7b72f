import { asc, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { accessWindows, auditLog, cases, outbox } from "../../db/schema";
import { verifyAuditChain } from "~/audit/chain.server";
import { messageIdOf } from "~/outbox/delivery.server";
import { startSmtp } from "../support/smtp";
import { makeWorld, windowAhead, type World } from "../support/world";
import { createServerDatabase, startPortal, type Portal } from "./support";

/**
 * Kill -9 in the middle of work. 500 requests (case creations and transitions, eight at a time)
 * go to the portal on PostgreSQL; half-way the process is killed without warning and started
 * again, and the rest are sent. Afterwards: every request that was answered 2xx is in the
 * database with its audit row, no case is half-written, the audit chain holds, and every outbox
 * message reaches the SMTP server — a message is received a second time only if it was being
 * sent at the moment of the kill, and then with the same Message-ID, so the receiver can drop it.
 */
const TOTAL = 500;
const KILL_AFTER = 250;
const CONCURRENCY = 8;

type Sent = { caseNumber?: string; event: string; status: number | "no answer"; body?: { number: string; status: string; version: number } };

let database: Awaited<ReturnType<typeof createServerDatabase>>;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let w: World;
let portal: Portal;
const log: Sent[] = [];
let killedAt = 0;
/** When the kill happened, and the message the SMTP server had accepted but not yet confirmed then. */
let killTime = 0;
let heldMessageId = "";

beforeAll(async () => {
  database = await createServerDatabase();
  smtp = await startSmtp();
  w = await makeWorld(database.db);
}, 120_000);

afterAll(async () => {
  await portal?.kill("SIGKILL");
  await smtp?.close();
  await database?.drop();
});

let day = 1;
function change() {
  const systems = [w.systems.app.code, w.systems.dbs.code, w.systems.net.code];
  return {
    type: "simple-change",
    systemCode: systems[day % 3],
    title: `Uppdatering ${day}`,
    description: "Planerad uppdatering.",
    window: windowAhead(1 + (day++ % 40)),
    reason: "Säkerhetsrättningar",
    bookedWithSupplier: true,
    accounts: ["adm-leverantor"],
  };
}

/** One request; a dropped connection (the kill) is recorded as "no answer". */
async function send(event: string, path: string, token: string, json: unknown, caseNumber?: string): Promise<Sent> {
  const entry: Sent = { caseNumber, event, status: "no answer" };
  log.push(entry);
  try {
    const response = await fetch(`${portal.url}${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(json),
    });
    // An answer counts once it has arrived whole (the kill can cut one off after its headers).
    const body = (await response.json()) as Sent["body"];
    if (response.ok) entry.body = body;
    entry.status = response.status;
  } catch {
    // the process died under this request
  }
  return entry;
}

/**
 * A case's life as far as one chain of requests takes it: create (submitted), return for
 * information, edit, resubmit, approve. A chain stops at the first request without a 2xx.
 */
async function chain(budget: { left: number }, stopWhen: () => boolean) {
  if (budget.left <= 0 || stopWhen()) return;
  budget.left--;
  const created = await send("CREATE", "/api/v1/cases", w.tokens.requester, change());
  if (created.status !== 201 || !created.body) return;
  const number = created.body.number;
  const steps: [string, string, unknown][] = [
    ["RETURN", w.tokens.serviceCentre, { type: "RETURN", reason: "Vilka konton behövs?" }],
    ["EDIT", w.tokens.requester, { type: "EDIT", window: windowAhead(1 + (day++ % 40)) }],
    ["SUBMIT", w.tokens.requester, { type: "SUBMIT" }],
    ["APPROVE", w.tokens.serviceCentre, { type: "APPROVE", reason: "Samordnat med övriga ändringar" }],
  ];
  for (const [event, token, body] of steps) {
    if (budget.left <= 0 || stopWhen()) return;
    budget.left--;
    const sent = await send(event, `/api/v1/cases/${number}/events`, token, body, number);
    if (sent.status !== 200) return;
  }
}

async function drive(budget: { left: number }, stopWhen: () => boolean) {
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (budget.left > 0 && !stopWhen()) await chain(budget, stopWhen);
    }),
  );
}

describe("kill -9 under load", () => {
  it("keeps every answered request, half-writes nothing, and delivers every message", async () => {
    const env = { SMTP_URL: smtp.url, JOBS_INTERVAL_MS: "200" };
    portal = await startPortal({ databaseUrl: database.url, env });
    const port = Number(new URL(portal.url).port);
    const budget = { left: TOTAL };

    // The kill lands while requests are in flight: a watcher fires it once enough have answered.
    const answered = () => log.filter((e) => e.status !== "no answer").length;
    // … and while a message is in flight: the SMTP server has it, but its "250 OK" has not reached
    // the portal. That message must arrive once more after the restart, with the same Message-ID.
    const killer = (async () => {
      while (answered() < KILL_AFTER) await new Promise((r) => setTimeout(r, 5));
      await smtp.holdOne();
      heldMessageId = smtp.received.at(-1)!.messageId;
      killedAt = log.length;
      killTime = Date.now();
      await portal.kill("SIGKILL");
      smtp.releaseHeld();
    })();
    await drive(budget, () => killedAt > 0);
    await killer;
    expect(portal.child.signalCode).toBe("SIGKILL");

    portal = await startPortal({ databaseUrl: database.url, port, env });
    await drive(budget, () => false);
    const lost = log.filter((e) => e.status === "no answer").length;
    expect(log.length).toBe(TOTAL);
    expect(lost).toBeLessThanOrEqual(CONCURRENCY);

    // Every 2xx answer is in the database with its audit row.
    const db = database.db;
    const ok = log.filter((e) => typeof e.status === "number" && e.status < 300);
    const tally = new Map<string, number>();
    for (const e of log) tally.set(`${e.event} ${e.status}`, (tally.get(`${e.event} ${e.status}`) ?? 0) + 1);
    const answers = [...tally].map(([k, n]) => `${k}: ${n}`);
    expect(ok.length, answers.join(", ")).toBeGreaterThan(TOTAL * 0.9);
    // The whole database once: every case, every case's trail, every window.
    const all = await db.select().from(cases);
    const trail = await db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.caseId} is not null`)
      .orderBy(asc(auditLog.id));
    const windows = await db.select({ caseId: accessWindows.caseId }).from(accessWindows);
    const byNumber = new Map(all.map((c) => [c.number, c]));
    const missing: string[] = [];
    // Each case's transitions in order: the answer with version v is the trail's v-th transition.
    const transitions = new Map<number, typeof trail>();
    for (const a of trail) if (a.event !== null) transitions.set(a.caseId!, [...(transitions.get(a.caseId!) ?? []), a]);
    const claimed = new Set<number>();
    for (const entry of ok) {
      const c = byNumber.get(entry.body!.number);
      if (!c) {
        missing.push(`${entry.event} ${entry.body!.number}: no case`);
        continue;
      }
      const event = entry.event === "CREATE" ? "SUBMIT" : entry.event;
      const row = transitions.get(c.id)?.[entry.body!.version - 1];
      if (!row || row.event !== event || row.toState !== entry.body!.status) {
        missing.push(
          `${entry.event} ${c.number} v${entry.body!.version}: the trail's transition ${entry.body!.version} is ${row ? `${row.event} → ${row.toState}` : "missing"}`,
        );
      } else if (claimed.has(row.id)) {
        missing.push(`${entry.event} ${c.number}: two answers for one audit row`);
      } else {
        claimed.add(row.id);
      }
      if (c.version < entry.body!.version) missing.push(`${entry.event} ${c.number}: version ${c.version} < answered ${entry.body!.version}`);
    }
    expect(missing).toEqual([]);

    // Nothing half-written: each case's version counts its transitions, its status is the last
    // transition's, and an approved case has exactly one access window.
    const broken: string[] = [];
    for (const c of all) {
      const own = trail.filter((a) => a.caseId === c.id && a.event !== null);
      if (own.length !== c.version) broken.push(`${c.number}: version ${c.version}, ${own.length} audit rows`);
      if (own.at(-1)?.toState !== c.status) broken.push(`${c.number}: status ${c.status}, last audit row says ${own.at(-1)?.toState}`);
      const windowCount = windows.filter((x) => x.caseId === c.id).length;
      if (windowCount !== (c.status === "approved" ? 1 : 0)) broken.push(`${c.number}: ${c.status} with ${windowCount} windows`);
    }
    expect(broken).toEqual([]);
    expect((await verifyAuditChain(db)).ok).toBe(true);

    // The outbox drains after the restart (a message leased by the killed process is retried
    // once its lease ends, within a minute).
    const deadline = Date.now() + 100_000;
    for (;;) {
      const [{ pending }] = (await db
        .select({ pending: sql<number>`count(*)::int` })
        .from(outbox)
        .where(isNull(outbox.sentAt))) as [{ pending: number }];
      if (pending === 0) break;
      if (Date.now() > deadline) throw new Error(`${pending} outbox messages still unsent:\n${portal.output()}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const messages = await db.select().from(outbox);
    expect(messages.length).toBeGreaterThan(ok.length);
    const expected = new Map(messages.map((m) => [messageIdOf(m), m]));
    const copies = new Map<string, number[]>();
    for (const mail of smtp.received) copies.set(mail.messageId, [...(copies.get(mail.messageId) ?? []), mail.at]);
    const problems: string[] = [];
    // A message may arrive twice only if it was in flight at the kill: the one the server held,
    // or one the server accepted in the last moment before it (the portal marks a message sent
    // right after the server's answer; a second is far longer than that takes).
    const IN_FLIGHT_MS = 1_000;
    // killTime is taken just before SIGKILL is sent; the process goes on for a moment until the
    // signal lands, and the mail server (in this process) may record a message it finished then.
    const DYING_MS = 250;
    for (const [id, m] of expected) {
      const times = copies.get(id) ?? [];
      if (times.length === 0) problems.push(`${m.key}: never received`);
      if (times.length > 2) problems.push(`${m.key}: received ${times.length} times`);
      if (times.length === 2) {
        const inFlight = id === heldMessageId || (times[0]! <= killTime + DYING_MS && times[0]! >= killTime - IN_FLIGHT_MS);
        if (!inFlight) problems.push(`${m.key}: received twice, first ${killTime - times[0]!} ms before the kill`);
        if (m.attempts !== 2) problems.push(`${m.key}: received twice after ${m.attempts} attempts`);
      }
    }
    expect(copies.get(heldMessageId), "the message in flight at the kill arrives again after the restart").toHaveLength(2);
    for (const id of copies.keys()) if (!expected.has(id)) problems.push(`${id}: received but not in the outbox`);
    expect(problems).toEqual([]);
    const duplicates = [...copies.values()].filter((n) => n.length > 1).length;
    console.log(
      `kill -9 after ${killedAt} of ${TOTAL} requests: ${ok.length} answered 2xx, ${lost} without an answer, ` +
        `${all.length} cases, ${messages.length} messages delivered (${duplicates} received twice, same Message-ID)`,
    );
  }, 300_000);
});
