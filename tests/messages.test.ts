import ICAL from "ical.js";
import { eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { outbox, systems } from "../db/schema";
import { applyEvent, createCase } from "~/cases/commands.server";
import { formatSpan } from "~/cases/status.server";
import { deliverDue, smtpTransport } from "~/outbox/delivery.server";
import { renderMail } from "~/outbox/templates.server";
import { useTestDatabase } from "./support/database";
import { startSmtp, type Received } from "./support/smtp";
import { makeWorld, windowAhead, type World } from "./support/world";

/**
 * Messages worth reading, as delivered to a real SMTP server: the confirmation names the case, the
 * system, the window in Swedish time, the accounts, how to log in, the conditions and the contact,
 * and links to the case; the requester's and the supplier's carry a calendar entry (parsed with
 * ical.js) whose UID stays the window's, so an extension updates it and a cancellation removes it.
 */
const db = useTestDatabase();
let w: World;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let transport: ReturnType<typeof smtpTransport>;
let day = 1;

beforeAll(async () => {
  w = await makeWorld(db());
  await db().update(systems).set({ loginInstructions: "Via jump.sjovik.se med ert leverantörskonto." }).where(eq(systems.id, w.systems.app.id));
  smtp = await startSmtp();
  transport = smtpTransport(smtp.url, "Leverantörsåtkomst <no-reply@sjovik.se>");
});

afterAll(async () => {
  transport?.close();
  await smtp?.close();
});

/** Delivers what is queued, and returns what arrived for `number`, to `to`, from `since` on. */
async function delivered(number: string, to: string, since: number, now = new Date(Date.now() + 7 * 24 * 3600_000)) {
  await deliverDue(db(), transport, now);
  return smtp.received.filter((r) => r.at >= since && r.to.includes(to) && r.subject.includes(number));
}

/** The message's calendar attachment (application/ics, base64) as ical.js reads it. */
function calendarOf(mail: Received) {
  // Up to the boundary's dashes (the test server's soft-break unfolding may eat a padding "=" and its line break).
  const part = /Content-Type: application\/ics; name=invite\.ics[\s\S]*?\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)/.exec(mail.raw);
  if (!part) return null;
  const component = new ICAL.Component(ICAL.parse(Buffer.from(part[1]!.replace(/\s+/g, ""), "base64").toString("utf8")));
  const event = component.getFirstSubcomponent("vevent")!;
  return {
    method: String(component.getFirstPropertyValue("method")),
    uid: String(event.getFirstPropertyValue("uid")),
    sequence: Number(event.getFirstPropertyValue("sequence") ?? 0),
    status: String(event.getFirstPropertyValue("status")),
    start: (event.getFirstPropertyValue("dtstart") as ICAL.Time).toJSDate().toISOString(),
    end: (event.getFirstPropertyValue("dtend") as ICAL.Time).toJSDate().toISOString(),
  };
}

/** The calendar entry with the lowest sequence among messages (the approval's). */
const firstEntry = (mails: Received[]) =>
  mails
    .map(calendarOf)
    .filter((e) => e !== null)
    .sort((a, b) => a.sequence - b.sequence)[0]!;

/** The plain-text body, decoded from quoted-printable. */
const bodyOf = (mail: Received) => {
  const text =
    /Content-Type: text\/plain; charset=utf-8\r?\nContent-Transfer-Encoding: quoted-printable\r?\n\r?\n([\s\S]*?)\r?\n--/.exec(mail.raw)?.[1] ?? mail.raw;
  return Buffer.from(
    text.replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    "latin1",
  ).toString("utf8");
};

async function approvedChange(title: string, conditions?: string) {
  const window = windowAhead(day++);
  const c = await createCase(db(), w.people.requester, {
    type: "simple-change",
    systemCode: w.systems.app.code,
    title,
    window,
    reason: "Uppgradering",
    bookedWithSupplier: true,
    accounts: ["adm-lev-1", "adm-lev-2"],
  });
  await applyEvent(db(), w.people.serviceCentre, c.number, { type: "APPROVE", ...(conditions ? { reason: conditions } : {}) });
  return { number: c.number, window };
}

describe("confirmation and change messages", () => {
  it("the approval names the case, the system, the window in Swedish time, the accounts, the login, the contact and the link, with a calendar entry", async () => {
    await db().update(outbox).set({ sentAt: new Date() }).where(isNull(outbox.sentAt));
    const since = Date.now();
    const { number, window } = await approvedChange("Byte av certifikat");
    const [toSupplier] = await delivered(number, w.supplier.mailbox, since);
    expect(toSupplier).toBeDefined();
    const body = bodyOf(toSupplier!);
    expect(body).toContain(`${number} Byte av certifikat`);
    expect(body).toContain(`System: ${w.systems.app.name} (${w.systems.app.code})`);
    expect(body).toContain(`Tid: ${formatSpan(window.start, window.end, "sv")} (svensk tid)`);
    expect(body).toContain("Konton: adm-lev-1, adm-lev-2");
    expect(body).toContain("Så loggar du in: Via jump.sjovik.se med ert leverantörskonto.");
    expect(body).toContain(`Kontakt i kommunen: ${w.people.requester.name} <${w.people.requester.email}>`);
    expect(body).toContain(`/cases/${number}`);

    const entry = calendarOf(toSupplier!);
    expect(entry).toMatchObject({
      method: "REQUEST",
      sequence: 0,
      status: "CONFIRMED",
      start: new Date(window.start).toISOString(),
      end: new Date(window.end).toISOString(),
    });
    expect(entry!.uid).toContain(number);
    // The requester's carries the same entry; operations' mailbox gets the facts but no invitation.
    const [toRequester] = await delivered(number, w.people.requester.email, since);
    expect(calendarOf(toRequester!)?.uid).toBe(entry!.uid);
    const [toOps] = await delivered(number, w.ops.mailbox, since);
    expect(bodyOf(toOps!)).toContain("Konton: adm-lev-1, adm-lev-2");
    expect(calendarOf(toOps!)).toBeNull();
  });

  it("an extension updates the same calendar entry with a higher sequence and the new end; a cancellation removes it", async () => {
    const { number, window } = await approvedChange("Omindexering");
    const start = new Date(window.start);
    const during = new Date(start.getTime() + 60_000);
    await applyEvent(db(), w.people.operations, number, { type: "GRANT" }, during);
    const later = new Date(new Date(window.end).getTime() + 3600_000).toISOString();
    await applyEvent(db(), w.people.consultant, number, { type: "REQUEST_EXTENSION", end: later, reason: "Indexet är större än väntat" }, during);
    await delivered(number, w.supplier.mailbox, 0); // what was queued so far arrives before `since`
    const since = Date.now();
    await applyEvent(db(), w.people.serviceCentre, number, { type: "APPROVE_EXTENSION" }, during);
    const [extended] = await delivered(number, w.supplier.mailbox, since);
    // The approval's entry (messages go several at once, so not necessarily first).
    const approved = firstEntry(await delivered(number, w.supplier.mailbox, 0));
    const update = calendarOf(extended!)!;
    expect(update).toMatchObject({ method: "REQUEST", uid: approved.uid, end: later, start: start.toISOString() });
    expect(update.sequence).toBeGreaterThan(approved.sequence);
    expect(bodyOf(extended!)).toContain(`Tid: ${formatSpan(window.start, later, "sv")}`);

    const other = await approvedChange("Inte längre behövd");
    const first = firstEntry(await delivered(other.number, w.supplier.mailbox, 0));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const cancelledSince = Date.now();
    await applyEvent(db(), w.people.requester, other.number, { type: "CANCEL", reason: "Leverantören hann före" });
    const [cancelled] = await delivered(other.number, w.supplier.mailbox, cancelledSince);
    const removal = calendarOf(cancelled!)!;
    expect(removal).toMatchObject({ method: "CANCEL", uid: first.uid, status: "CANCELLED" });
    expect(removal.sequence).toBeGreaterThan(first.sequence);
    expect(removal.uid).not.toBe(approved.uid);
  });

  it("every case message names the system, the window and the accounts, in the recipient's language", async () => {
    const returned = await createCase(db(), w.people.requester, {
      type: "simple-change",
      systemCode: w.systems.app.code,
      title: "Returneras",
      window: windowAhead(day++),
      reason: "Uppgradering",
      bookedWithSupplier: true,
      accounts: ["adm-lev-3"],
    });
    await applyEvent(db(), w.people.serviceCentre, returned.number, { type: "RETURN", reason: "Ange vilka tjänster som startas om." });
    const rejected = await approvedChange("Avslås inte, men stängs");
    await applyEvent(db(), w.people.operations, rejected.number, { type: "GRANT" }, new Date(new Date(rejected.window.start).getTime() + 60_000));
    await applyEvent(db(), w.people.consultant, rejected.number, { type: "END" }, new Date(new Date(rejected.window.start).getTime() + 120_000));
    const rows = (await db().select().from(outbox)).filter((m) => [returned.number, rejected.number].includes((m.payload as { number: string }).number));
    const templates = new Set(rows.map((m) => m.template));
    expect([...templates].sort()).toEqual(["case.approved", "case.returned", "case.submitted", "window.closed", "window.opened"]);
    for (const m of rows) {
      const sv = renderMail(m).text;
      expect(sv, m.template).toContain(`System: ${w.systems.app.name}`);
      expect(sv, m.template).toMatch(/Tid: .* \(svensk tid\)/);
      expect(sv, m.template).toMatch(/Konton: adm-lev/);
      expect(renderMail({ ...m, lang: "en" }).text, m.template).toMatch(/When: .* \(Swedish time\)/);
    }
    // The early end updates the calendar entry to the real end.
    const closed = rows.find((m) => m.template === "window.closed" && m.recipient === w.people.requester.email);
    expect((closed!.payload as { calendar: { end: string; method: string } }).calendar).toMatchObject({
      method: "REQUEST",
      end: new Date(new Date(rejected.window.start).getTime() + 120_000).toISOString(),
    });
  });
});
