import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { makeUser } from "./support/factories";
import { reproposalProblems } from "../machines/rules";
import { isoToStockholmLocal } from "../machines/time";
import { cabComments, cabMeetingRules, cabMeetings, cabVotes, cases, outbox, type CabMeeting, type User } from "../db/schema";
import { MEETINGS_AHEAD_WEEKS, upcomingMeetings } from "~/cab/meetings.server";
import { runDuties } from "~/jobs/scheduler.server";
import { adjustMinutes, attendanceOf, closeMeeting, openMeeting } from "~/cab/session.server";
import { addMeeting, addRule, agendaOf, comment, deactivateRule, vote } from "~/cab/agenda.server";
import { applyEvent, createCase } from "~/cases/commands.server";
import { getCaseView } from "~/cases/views.server";
import { WorkflowError } from "~/cases/errors";
import { call, signIn } from "./support/app";
import { holdMeeting, putOnAgenda } from "./support/cab";
import { useTestDatabase } from "./support/database";
import { makeWorld, windowAhead, type World } from "./support/world";

/**
 * The change advisory board through the built app (`npm run build` first): the agenda of a
 * meeting, members' votes and comments, the chair's decisions, the minutes and the scheduling of
 * meetings, plus the agenda functions themselves.
 */
const db = useTestDatabase();
let w: World;
let cabCookie: string;
let chairCookie: string;
let first: CabMeeting;
let second: CabMeeting;

beforeAll(async () => {
  w = await makeWorld(db());
  // Every Tuesday at 13:00 (Stockholm); the meetings of the coming weeks are created from it.
  await db().insert(cabMeetingRules).values({ weekday: 2, time: "13:00", location: "Rum Ängen" });
  const upcoming = await upcomingMeetings(db());
  expect(upcoming.length).toBeGreaterThan(1);
  [first, second] = [upcoming[0]!, upcoming[1]!];
  cabCookie = await signIn(db(), w.people.cab);
  chairCookie = await signIn(db(), w.people.serviceCentre);
});

let day = 0;
/** An advanced change on APP (each on its own working day, so they do not conflict), referred to the board. */
async function referred(overrides: Record<string, unknown> = {}): Promise<string> {
  const created = await createCase(db(), w.people.requester, {
    type: "advanced-change",
    systemCode: w.systems.app.code,
    title: `Uppgradera databasmotorn ${++day}`,
    window: windowAhead(day * 2),
    reason: "Leverantörens version går ur support.",
    bookedWithSupplier: true,
    affectedSystems: [w.systems.dbs.code],
    risk: "Tjänsten kan vara nere i 30 minuter.",
    testPlan: "Uppgraderingen provas i testmiljön först.",
    rollbackPlan: "Återställ ögonblicksbilden av servern.",
    ...overrides,
  });
  await applyEvent(db(), w.people.serviceCentre, created.number, { type: "REFER_TO_CAB" });
  return created.number;
}

/** The first meeting in session: its chair (the service centre) opened it with a member and a substitute present. */
const holdFirst = () => holdMeeting(db(), first.id, w.people.serviceCentre, [w.people.cab]);

const page = async (path: string, cookie: string) => {
  const response = await call(path, { cookie });
  expect(response.status, path).toBe(200);
  return response.text();
};
const post = (path: string, form: Record<string, string>, cookie: string) => call(path, { cookie, form });

/** The card of one agenda item on the meeting page. */
function card(html: string, number: string): string {
  const at = html.indexOf(`id="item-${number}"`);
  expect(at, number).toBeGreaterThanOrEqual(0);
  const start = html.lastIndexOf("<article", at);
  return html.slice(start, html.indexOf("</article>", start));
}

/** The values of the checked vote radios in some HTML. */
const checkedVotes = (html: string) =>
  [...html.matchAll(/<input[^>]*name="vote"[^>]*>/g)]
    .map((m) => m[0])
    .filter((tag) => / checked=""/.test(tag))
    .map((tag) => /value="([^"]+)"/.exec(tag)![1]);

const meetingPath = (m: { id: number }) => `/cab/meetings/${m.id}`;

describe("the agenda", () => {
  it("lists a referred change on its meeting with content, risk, plans, affected systems and conflicts", async () => {
    const number = await referred();
    // Another change in the same window on the system APP depends on: a conflict.
    const [row] = await db().select().from(cases).where(eq(cases.number, number));
    const other = await createCase(db(), w.people.requester, {
      type: "simple-change",
      systemCode: w.systems.dbs.code,
      title: "Byt certifikat",
      window: { start: row!.windowStart!.toISOString(), end: row!.windowEnd!.toISOString() },
      reason: "Certifikatet går ut.",
      bookedWithSupplier: true,
    });
    expect(row!.cabMeetingId).toBe(first.id);

    const agenda = await agendaOf(db(), first.id);
    const item = agenda!.items.find((i) => i.number === number)!;
    expect(item).toMatchObject({
      title: `Uppgradera databasmotorn ${day}`,
      system: { code: w.systems.app.code },
      supplier: { id: w.supplier.id },
      requester: { id: w.people.requester.id, name: w.people.requester.name },
      details: { risk: "Tjänsten kan vara nere i 30 minuter.", rollbackPlan: "Återställ ögonblicksbilden av servern.", affectedSystems: [w.systems.dbs.code] },
      votes: { counts: { approve: 0, reject: 0, abstain: 0 }, members: [] },
      comments: [],
    });
    expect(item.conflicts.map((c) => c.number)).toEqual([other.number]);
    expect((await agendaOf(db(), second.id))!.items.map((i) => i.number)).not.toContain(number);

    const html = await page(meetingPath(first), cabCookie);
    const mine = card(html, number);
    expect(mine).toContain(`href="/cases/${number}"`);
    expect(mine).toContain("Tjänsten kan vara nere i 30 minuter.");
    expect(mine).toContain("Uppgraderingen provas i testmiljön först.");
    expect(mine).toContain("Återställ ögonblicksbilden av servern.");
    expect(mine).toContain("Leverantörens version går ur support.");
    expect(mine).toContain(w.systems.dbs.code);
    expect(mine).toContain(`href="/cases/${other.number}"`);
    expect(html).toContain(`href="/cab/meetings/${first.id}/minutes"`);
    // A member votes and comments; only the chair decides.
    expect(mine).toContain('name="intent" value="vote"');
    expect(mine).toContain('name="intent" value="comment"');
    expect(mine).not.toContain('name="intent" value="approve"');

    // The chair comments; the decisions wait for the meeting to be in session.
    const chair = card(await page(meetingPath(first), chairCookie), number);
    expect(chair).toContain('name="intent" value="comment"');
    for (const intent of ["approve", "approveWithConditions", "defer", "reject", "vote"]) expect(chair).not.toContain(`name="intent" value="${intent}"`);
    expect(chair).toContain("Rådets beslut registreras av ordföranden när mötet pågår.");

    // /cab lists the meeting with its agenda size.
    const overview = await page("/cab", cabCookie);
    expect(overview).toContain(`href="/cab/meetings/${first.id}"`);
    const rowHtml = overview.slice(overview.indexOf(`id="meeting-${first.id}"`), overview.indexOf("</tr>", overview.indexOf(`id="meeting-${first.id}"`)));
    expect(rowHtml).toMatch(new RegExp(`<td[^>]*>${agenda!.items.length}</td>`));
  });

  it("flags a late item: referred less than two days before the meeting, or its window starts before it", async () => {
    const number = await referred();
    // Referred in good time (a week before the meeting), window after it: not late.
    await db()
      .update(cases)
      .set({ referredAt: new Date(first.startsAt.getTime() - 7 * 86_400_000) })
      .where(eq(cases.number, number));
    expect((await agendaOf(db(), first.id))!.items.find((i) => i.number === number)!.late).toBe(false);
    await db()
      .update(cases)
      .set({ windowStart: new Date(first.startsAt.getTime() - 3600_000) })
      .where(eq(cases.number, number));
    expect((await agendaOf(db(), first.id))!.items.find((i) => i.number === number)!.late).toBe(true);
    expect(card(await page(meetingPath(first), cabCookie), number)).toContain("badge--attention");
    await db()
      .update(cases)
      .set({ windowStart: null, referredAt: new Date(first.startsAt.getTime() - 3600_000) })
      .where(eq(cases.number, number));
    expect((await agendaOf(db(), first.id))!.items.find((i) => i.number === number)!.late).toBe(true);
  });

  it("lists changes waiting for the board without a meeting on /cab", async () => {
    const number = await referred();
    await db().update(cases).set({ cabMeetingId: null }).where(eq(cases.number, number));
    const html = await page("/cab", chairCookie);
    const section = html.slice(html.indexOf('id="cab-unscheduled"'), html.indexOf("</section>", html.indexOf('id="cab-unscheduled"')));
    expect(section).toContain(`href="/cases/${number}"`);
  });
});

describe("votes and comments", () => {
  it("records one vote per member, change and meeting; voting again changes it", async () => {
    const number = await referred();
    expect((await post(meetingPath(first), { intent: "vote", number, vote: "approve" }, cabCookie)).status).toBe(302);
    const changed = await post(meetingPath(first), { intent: "vote", number, vote: "reject" }, cabCookie);
    expect(changed.status).toBe(302);
    expect(changed.headers.get("Location")).toBe(`/cab/meetings/${first.id}?notice=vote&case=${number}`);

    const [c] = await db().select().from(cases).where(eq(cases.number, number));
    const rows = await db().select().from(cabVotes).where(eq(cabVotes.caseId, c!.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ meetingId: first.id, userId: w.people.cab.id, vote: "reject" });

    const item = (await agendaOf(db(), first.id))!.items.find((i) => i.number === number)!;
    expect(item.votes.counts).toEqual({ approve: 0, reject: 1, abstain: 0 });
    expect(item.votes.members).toEqual([expect.objectContaining({ userId: w.people.cab.id, name: w.people.cab.name, vote: "reject" })]);
    // The member's current vote is pre-selected.
    const mine = card(await page(meetingPath(first), cabCookie), number);
    expect(checkedVotes(mine)).toEqual(["reject"]);

    // No choice: 422 at the field of that item's form.
    const bare = await post(meetingPath(first), { intent: "vote", number }, cabCookie);
    expect(bare.status).toBe(422);
    expect(card(await bare.text(), number)).toContain('aria-invalid="true"');
  });

  it("refuses votes from anyone but members, and on changes not on the meeting's agenda", async () => {
    const number = await referred();
    await expect(vote(db(), w.people.serviceCentre, first.id, number, "approve")).rejects.toMatchObject({ status: 403 });
    expect((await post(meetingPath(first), { intent: "vote", number, vote: "approve" }, chairCookie)).status).toBe(403);
    await expect(vote(db(), w.people.cab, second.id, number, "approve")).rejects.toMatchObject({ status: 409 });
    await expect(vote(db(), w.people.cab, first.id, number, "maybe")).rejects.toMatchObject({ status: 422 });
  });

  it("does not let a member vote on or comment a change they requested", async () => {
    // Only requesters create cases, so the rule is shown by making a member the change's requester.
    const member: User = await makeUser(db(), { organisationId: w.unit.id, role: "cab", name: "Ledamot och beställare" });
    const number = await referred();
    await db().update(cases).set({ requesterId: member.id }).where(eq(cases.number, number));

    const refused = await vote(db(), member, first.id, number, "approve").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowError);
    expect((refused as WorkflowError).status).toBe(403);
    await expect(comment(db(), member, first.id, number, "Jag tycker till.")).rejects.toMatchObject({ status: 403 });

    const cookie = await signIn(db(), member);
    const mine = card(await page(meetingPath(first), cookie), number);
    expect(mine).not.toContain('name="intent" value="vote"');
    expect(mine).not.toContain('name="intent" value="comment"');
    expect((await post(meetingPath(first), { intent: "vote", number, vote: "approve" }, cookie)).status).toBe(403);
    const [c] = await db().select().from(cases).where(eq(cases.number, number));
    expect(await db().select().from(cabVotes).where(eq(cabVotes.caseId, c!.id))).toHaveLength(0);
  });

  it("shows comments with their author; an empty comment is refused at its field", async () => {
    const number = await referred();
    expect((await post(meetingPath(first), { intent: "comment", number, body: "Finns det en plan för kommunikation?" }, cabCookie)).status).toBe(302);
    const mine = card(await page(meetingPath(first), chairCookie), number);
    expect(mine).toContain("Finns det en plan för kommunikation?");
    expect(mine).toContain(w.people.cab.name);

    const empty = await post(meetingPath(first), { intent: "comment", number, body: "  " }, cabCookie);
    expect(empty.status).toBe(422);
    expect(card(await empty.text(), number)).toContain('aria-invalid="true"');
    const [c] = await db().select().from(cases).where(eq(cases.number, number));
    expect(await db().select().from(cabComments).where(eq(cabComments.caseId, c!.id))).toHaveLength(1);
  });
});

describe("the chair's decisions and the minutes", () => {
  // Referred while the first meeting is still planned (a referral goes to a planned meeting).
  const toDecide: string[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) toDecide.push(await referred());
  });

  it("defers a change to the next meeting: it leaves this agenda, joins that one and is in this meeting's minutes", async () => {
    const number = toDecide[0]!;
    // The meeting is planned, not held: the chair's decision is refused, with the reason at the item.
    const early = await post(meetingPath(first), { intent: "defer", number, meetingId: String(second.id) }, chairCookie);
    expect(early.status).toBe(409);
    expect(card(await early.text(), number)).toContain("Rådets beslut fattas bara på ett möte som pågår");
    await holdFirst();
    const response = await post(
      meetingPath(first),
      { intent: "defer", number, meetingId: String(second.id), reason: "Vi behöver leverantörens testrapport." },
      chairCookie,
    );
    expect(response.status).toBe(302);

    expect((await agendaOf(db(), first.id))!.items.map((i) => i.number)).not.toContain(number);
    expect((await agendaOf(db(), second.id))!.items.map((i) => i.number)).toContain(number);
    expect(card(await page(meetingPath(second), cabCookie), number)).toContain(`href="/cases/${number}"`);
    expect(await page(meetingPath(first), cabCookie)).not.toContain(`id="item-${number}"`);

    const decided = (await agendaOf(db(), first.id))!.decided.find((d) => d.number === number);
    expect(decided).toMatchObject({ event: "CAB_DEFER", reason: "Vi behöver leverantörens testrapport.", deferredTo: { id: second.id } });
    expect((await agendaOf(db(), second.id))!.decided.map((d) => d.number)).not.toContain(number);

    const minutes = await page(`/cab/meetings/${first.id}/minutes`, cabCookie);
    const decidedSection = minutes.slice(minutes.indexOf('id="minutes-decided"'), minutes.indexOf("</section>", minutes.indexOf('id="minutes-decided"')));
    expect(decidedSection).toContain(number);
    expect(decidedSection).toContain("Vi behöver leverantörens testrapport.");
    expect(decidedSection).toContain(`href="/cab/meetings/${second.id}"`);
    const later = await page(`/cab/meetings/${second.id}/minutes`, cabCookie);
    expect(later.slice(later.indexOf('id="minutes-pending"'))).toContain(number);
  });

  it("lets the requester propose a new window after the deferral: lead time from the first submission, after the next meeting, once", async () => {
    const number = toDecide[0]!; // deferred to the second meeting above
    const requesterCookie = await signIn(db(), w.people.requester);
    const casePage = await page(`/cases/${number}`, requesterCookie);
    expect(casePage).toContain("Föreslå ett nytt fönster");
    expect(casePage).toContain("ledtiden räknas från när ärendet först skickades in");
    // Not the service centre's to propose; a window tomorrow is too early (the lead time counts from the submission).
    await expect(applyEvent(db(), w.people.serviceCentre, number, { type: "PROPOSE_WINDOW", window: windowAhead(30) })).rejects.toMatchObject({ status: 403 });
    const tomorrow = new Date(Date.now() + 86_400_000);
    const early = await post(
      `/cases/${number}`,
      { intent: "PROPOSE_WINDOW", start: isoToStockholmLocal(tomorrow), end: isoToStockholmLocal(new Date(tomorrow.getTime() + 3600_000)) },
      requesterCookie,
    );
    expect(early.status).toBe(422);
    expect(await early.text()).toMatch(/<input(?=[^>]*aria-invalid="true")[^>]*name="start"/);
    // A window after the next meeting and the lead time: the case keeps waiting for that meeting, with the new window.
    const later = windowAhead(30);
    const proposed = await post(
      `/cases/${number}`,
      { intent: "PROPOSE_WINDOW", start: isoToStockholmLocal(later.start), end: isoToStockholmLocal(later.end), reason: "Efter testrapporten" },
      requesterCookie,
    );
    expect(proposed.status).toBe(302);
    const view = await getCaseView(db(), w.people.requester, number);
    expect(view).toMatchObject({ status: "awaiting-cab", window: later });
    expect(view.allowedEvents).not.toContain("PROPOSE_WINDOW");
    expect((await agendaOf(db(), second.id))!.items.find((i) => i.number === number)?.window).toEqual(later);
    // Once per deferral.
    await expect(applyEvent(db(), w.people.requester, number, { type: "PROPOSE_WINDOW", window: windowAhead(31) })).rejects.toMatchObject({ status: 409 });
    // A change never deferred has nothing to re-propose.
    await expect(applyEvent(db(), w.people.requester, toDecide[2]!, { type: "PROPOSE_WINDOW", window: windowAhead(31) })).rejects.toMatchObject({
      status: 409,
    });
  });

  it("refuses a proposed window that starts before the meeting that is to decide it", () => {
    const facts = { submittedAt: "2027-01-04T09:00:00Z", meetingStartsAt: "2027-02-02T12:00:00Z", now: "2027-01-20T09:00:00Z" };
    expect(reproposalProblems("advanced-change", { start: "2027-02-02T08:00:00Z", end: "2027-02-02T10:00:00Z" }, facts)).toEqual({
      "window.start": { key: "case.repropose.beforeMeeting", params: { date: facts.meetingStartsAt } },
    });
    expect(reproposalProblems("advanced-change", { start: "2027-02-03T08:00:00Z", end: "2027-02-03T10:00:00Z" }, facts)).toEqual({});
    // Ten working days from 4 January 2027 (6 January is a holiday): not before 19 January.
    expect(
      reproposalProblems("advanced-change", { start: "2027-01-15T08:00:00Z", end: "2027-01-15T10:00:00Z" }, { ...facts, meetingStartsAt: null }),
    ).toMatchObject({
      "window.start": { key: "case.window.tooEarly" },
    });
  });

  it("approves with conditions: the change is approved and the minutes carry the conditions and the votes", async () => {
    const number = toDecide[1]!;
    expect((await post(meetingPath(first), { intent: "vote", number, vote: "approve" }, cabCookie)).status).toBe(302);
    await holdFirst();
    await holdFirst();

    // Conditions are required: 422 at that item's conditions field, nothing changes.
    const bare = await post(meetingPath(first), { intent: "approveWithConditions", number, conditions: "" }, chairCookie);
    expect(bare.status).toBe(422);
    const failed = card(await bare.text(), number);
    expect(failed).toContain('aria-invalid="true"');
    expect((await getCaseView(db(), w.people.serviceCentre, number)).status).toBe("awaiting-cab");

    const ok = await post(meetingPath(first), { intent: "approveWithConditions", number, conditions: "Driften ska vara i beredskap." }, chairCookie);
    expect(ok.status).toBe(302);
    const view = await getCaseView(db(), w.people.serviceCentre, number);
    expect(view.status).toBe("approved");
    expect(view.audit.at(-1)).toMatchObject({ event: "CAB_APPROVE_WITH_CONDITIONS", actor: w.people.serviceCentre.name });

    const decided = (await agendaOf(db(), first.id))!.decided.find((d) => d.number === number);
    expect(decided).toMatchObject({
      event: "CAB_APPROVE_WITH_CONDITIONS",
      conditions: "Driften ska vara i beredskap.",
      votes: { counts: { approve: 1, reject: 0, abstain: 0 } },
    });
    const minutes = await page(`/cab/meetings/${first.id}/minutes`, chairCookie);
    expect(minutes).toContain("Driften ska vara i beredskap.");
    // Voted while the meeting was in session: not an advance vote.
    expect(minutes).toContain(`${w.people.cab.name} (Godkänn)`);
    expect(minutes).toContain("@media print");
  });

  it("rejects only with a reason, and refuses decisions from members", async () => {
    const number = toDecide[2]!;
    await holdFirst();
    const bare = await post(meetingPath(first), { intent: "reject", number }, chairCookie);
    expect(bare.status).toBe(422);
    expect(card(await bare.text(), number)).toContain('aria-invalid="true"');
    expect((await post(meetingPath(first), { intent: "approve", number }, cabCookie)).status).toBe(403);
    // Not on that meeting's agenda.
    expect((await post(meetingPath(second), { intent: "approve", number }, chairCookie)).status).toBe(409);
    expect((await post(meetingPath(first), { intent: "reject", number, reason: "Risken är för stor." }, chairCookie)).status).toBe(302);
    expect((await getCaseView(db(), w.people.serviceCentre, number)).status).toBe("rejected");
  });
});

describe("the meeting held: opened with a quorum, closed, minutes adjusted", () => {
  it("refuses to open without a quorum or days ahead, lets only its chair decide and close, then a member present adjusts", async () => {
    const member2 = await makeUser(db(), { organisationId: w.unit.id, role: "cab", name: "Maja Ledamot" });
    const otherCentre = await makeUser(db(), { organisationId: w.centre.id, role: "service-centre", name: "Sara Handläggare" });
    const chair = w.people.serviceCentre;
    const [meeting] = await db()
      .insert(cabMeetings)
      .values({ startsAt: new Date(Date.now() + 3 * 24 * 3600_000), location: "Rum Extra" })
      .returning();
    const id = meeting!.id;
    const refusal = async (work: Promise<unknown>) => {
      const error = await work.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WorkflowError);
      const { status, fieldErrors } = error as WorkflowError;
      return { status, key: Object.values(fieldErrors ?? {})[0]?.key };
    };
    const present = { members: [w.people.cab.id, member2.id] };

    // Three days ahead: not yet.
    expect(await refusal(openMeeting(db(), chair, id, present))).toEqual({ status: 409, key: "cab.session.tooEarly" });
    await db()
      .update(cabMeetings)
      .set({ startsAt: new Date(Date.now() + 15 * 60_000) })
      .where(eq(cabMeetings.id, id));
    // The chair and one member: no quorum (the chair and two are needed).
    expect(await refusal(openMeeting(db(), chair, id, { members: [w.people.cab.id] }))).toEqual({ status: 422, key: "cab.session.noQuorum" });
    // Only the board's members can be marked present; only the service centre chairs.
    expect((await refusal(openMeeting(db(), chair, id, { members: [w.people.requester.id, w.people.cab.id] }))).status).toBe(422);
    expect((await refusal(openMeeting(db(), w.people.cab, id, present))).status).toBe(403);
    await openMeeting(db(), chair, id, { members: [w.people.cab.id], substitutes: [{ name: "Ersättare Nils Berg", forId: member2.id }] });
    expect((await refusal(openMeeting(db(), chair, id, present))).key).toBe("cab.session.notScheduled");

    const number = await referred();
    await putOnAgenda(db(), number, id);
    // Another handläggare is not this meeting's chair.
    expect(await refusal(applyEvent(db(), otherCentre, number, { type: "CAB_REJECT", reason: "Nej" }))).toEqual({ status: 403, key: "cab.session.notChair" });
    expect(await refusal(closeMeeting(db(), otherCentre, id))).toEqual({ status: 403, key: "cab.session.notChair" });
    // Minutes are adjusted only after the meeting.
    expect(await refusal(adjustMinutes(db(), w.people.cab, id))).toEqual({ status: 409, key: "cab.session.notClosed" });

    // In session only members present vote (the absent member's substitute is there, not the member).
    expect(await refusal(vote(db(), member2, id, number, "approve"))).toEqual({ status: 403, key: "cab.session.voteNotPresent" });
    await vote(db(), w.people.cab, id, number, "approve");

    await closeMeeting(db(), chair, id);
    expect(await refusal(applyEvent(db(), chair, number, { type: "CAB_REJECT", reason: "Nej" }))).toEqual({ status: 409, key: "cab.session.notInSession" });
    expect(await refusal(vote(db(), w.people.cab, id, number, "reject"))).toEqual({ status: 409, key: "cab.session.votingClosed" });
    expect((await getCaseView(db(), chair, number)).status).toBe("awaiting-cab");

    // Not the chair, and not someone who was absent; a member present adjusts, and then it is locked.
    expect(await refusal(adjustMinutes(db(), member2, id))).toEqual({ status: 403, key: "cab.session.notPresent" });
    await adjustMinutes(db(), w.people.cab, id);
    expect(await refusal(adjustMinutes(db(), w.people.cab, id))).toEqual({ status: 409, key: "cab.session.locked" });

    const attendance = await attendanceOf(db(), id);
    expect(attendance).toEqual([
      { name: w.people.cab.name, kind: "member", userId: w.people.cab.id, substituteFor: null },
      { name: "Ersättare Nils Berg", kind: "substitute", userId: null, substituteFor: "Maja Ledamot" },
    ]);
  });
});

describe("the board's quorum, set by the administrator", () => {
  it("is checked when a meeting opens, kept by a meeting once opened, in its minutes and their CSV", async () => {
    const admin = await makeUser(db(), { organisationId: w.unit.id, role: "admin", name: "Anna Admin" });
    const adminCookie = await signIn(db(), admin);
    // Out of range, or not a number: said at the field.
    const wrong = await post("/admin/cab", { quorum: "0" }, adminCookie);
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain("Ange ett heltal från 1 till 20.");
    expect((await post("/admin/cab", { quorum: "3" }, adminCookie)).status).toBe(302);
    expect(await page("/admin/cab", adminCookie)).toMatch(/name="quorum"[^>]*value="3"|value="3"[^>]*name="quorum"/);
    const member2 = await makeUser(db(), { organisationId: w.unit.id, role: "cab", name: "Kim Ledamot" });
    const [meeting] = await db()
      .insert(cabMeetings)
      .values({ startsAt: new Date(Date.now() + 20 * 60_000), location: "Rum Kvorum" })
      .returning();
    // Two present (a member and a substitute) no longer make the quorum.
    await expect(
      openMeeting(db(), w.people.serviceCentre, meeting!.id, { members: [w.people.cab.id], substitutes: [{ name: "Ersättare Eva Ek" }] }),
    ).rejects.toMatchObject({ status: 422, fieldErrors: { members: { key: "cab.session.noQuorum", params: { count: 3, present: 2 } } } });
    await openMeeting(db(), w.people.serviceCentre, meeting!.id, { members: [w.people.cab.id, member2.id], substitutes: [{ name: "Ersättare Eva Ek" }] });
    // A later change does not rewrite the meeting held.
    expect((await post("/admin/cab", { quorum: "2" }, adminCookie)).status).toBe(302);
    const minutes = await page(`/cab/meetings/${meeting!.id}/minutes`, cabCookie);
    expect(minutes).toContain("ordföranden och 3 ledamöter");
    expect(minutes).toContain(`href="/cab/meetings/${meeting!.id}/minutes.csv"`);
    const csv = await call(`/cab/meetings/${meeting!.id}/minutes.csv`, { cookie: cabCookie });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename="protokoll-cab-\d{4}-\d{2}-\d{2}\.csv"$/);
    const text = await csv.text();
    expect(text).toContain("Beslutförhet,ordföranden och 3 ledamöter");
    expect(text).toContain("Kim Ledamot");
    expect(text).toContain("Ärende,Rubrik,System,Beslut");
    // The first meeting's decisions, one row each, as the page lists them.
    const decided = (await agendaOf(db(), first.id))!.decided;
    expect(decided.length).toBeGreaterThan(0);
    const firstCsv = await (await call(`/cab/meetings/${first.id}/minutes.csv`, { cookie: cabCookie })).text();
    for (const d of decided) expect(firstCsv).toMatch(new RegExp(`^${d.number},[^\r\n]*${d.system.code}`, "m"));
    expect(firstCsv).toContain("Vi behöver leverantörens testrapport.");
  });
});

describe("the meeting held, on its page", () => {
  it("the chair opens it with who is present, decides, closes it; a member present adjusts the minutes", async () => {
    const [meeting] = await db()
      .insert(cabMeetings)
      .values({ startsAt: new Date(Date.now() + 10 * 60_000), location: "Rum Sidan" })
      .returning();
    const path = meetingPath(meeting!);
    const number = await referred();
    await putOnAgenda(db(), number, meeting!.id);

    // Before the meeting a member may vote: an advance vote.
    expect((await post(path, { intent: "vote", number, vote: "reject" }, cabCookie)).status).toBe(302);
    // Planned: the chair is offered the opening, nobody the decisions.
    const planned = await page(path, chairCookie);
    expect(planned).toContain("Öppna mötet");
    expect(planned).not.toContain('name="intent" value="approve"');
    expect(card(planned, number)).toContain("Rådets beslut registreras av ordföranden när mötet pågår.");
    expect(await page(path, cabCookie)).not.toContain("Öppna mötet");

    // One member and no substitute: no quorum, said at the attendance, nothing opened.
    const few = await post(path, { intent: "open", member: String(w.people.cab.id) }, chairCookie);
    expect(few.status).toBe(422);
    expect(await few.text()).toContain("Rådet är inte beslutsfört");
    const opened = await call(path, {
      cookie: chairCookie,
      form: { intent: "open", member: String(w.people.cab.id), "substitute-0": "Nils Berg", "substituteFor-0": "" },
    });
    expect(opened.status).toBe(302);
    const inSession = await page(path, chairCookie);
    expect(inSession).toContain("Pågår");
    expect(inSession).toContain("Nils Berg (ersättare)");
    expect(inSession).toContain('name="intent" value="approve"');
    expect(await page(path, cabCookie)).not.toContain('name="intent" value="approve"');

    expect((await post(path, { intent: "approve", number }, chairCookie)).status).toBe(302);
    expect((await getCaseView(db(), w.people.serviceCentre, number)).status).toBe("approved");
    expect((await post(path, { intent: "close" }, chairCookie)).status).toBe(302);
    expect(await page(path, chairCookie)).not.toContain("Justera protokollet");
    expect(await page(path, cabCookie)).toContain("Justera protokollet");
    expect((await post(path, { intent: "adjust" }, chairCookie)).status).toBe(403);
    expect((await post(path, { intent: "adjust" }, cabCookie)).status).toBe(302);

    const minutes = await page(`${path}/minutes`, cabCookie);
    expect(minutes).toContain(`Ordförande</dt><dd>${w.people.serviceCentre.name}`);
    expect(minutes.slice(minutes.indexOf('id="minutes-attendance"'))).toContain(`${w.people.cab.name}, Nils Berg (ersättare)`);
    expect(minutes).toContain(`Protokollet är justerat av ${w.people.cab.name}`);
    expect(minutes.slice(minutes.indexOf('id="minutes-decided"'))).toContain(number);
    expect(minutes).toContain(`${w.people.cab.name} (Avslå, förhandsröst)`);
  });
});

describe("an extra meeting", () => {
  it("is called by the chair for an advanced change at shorter notice, before its window; the change moves to it and nobody is surprised", async () => {
    const number = await referred({ window: windowAhead(45) });
    const stockholm = (at: Date) => isoToStockholmLocal(at);
    const call_ = (at: Date, extra: Record<string, string> = {}) =>
      post(
        "/cab",
        {
          intent: "extraMeeting",
          number,
          date: stockholm(at).slice(0, 10),
          time: stockholm(at).slice(11),
          location: "Rum Akut",
          reason: "Leverantören har bara den här veckan",
          ...extra,
        },
        chairCookie,
      );
    // Less than four hours' notice: refused at the time; after the change's window: at the date.
    const soon = await call_(new Date(Date.now() + 2 * 3600_000));
    expect(soon.status).toBe(422);
    expect(await soon.text()).toContain("Ledamöterna behöver minst 4 timmars varsel.");
    const late = await call_(new Date(Date.parse(windowAhead(46).start)));
    expect(late.status).toBe(422);
    expect(await late.text()).toContain("Mötet måste hållas före ändringens fönster");
    // A change not waiting for the board has no extra meeting; nor does anyone but the chair call one.
    const simple = await createCase(db(), w.people.requester, {
      type: "simple-change",
      systemCode: w.systems.net.code,
      title: "Enkel",
      window: windowAhead(47),
      reason: "x",
      bookedWithSupplier: true,
    });
    expect((await call_(new Date(Date.now() + 26 * 3600_000), { number: simple.number })).status).toBe(409);
    expect((await post("/cab", { intent: "extraMeeting", number, date: "2031-01-01", time: "10:00", reason: "x" }, cabCookie)).status).toBe(403);

    // Tomorrow at this hour: called; the change is on its agenda, not late though referred just now.
    const at = new Date(Date.now() + 26 * 3600_000);
    const called = await call_(at);
    expect(called.status).toBe(302);
    const meetingId = Number(/\/cab\/meetings\/(\d+)/.exec(called.headers.get("location") ?? "")![1]);
    const agenda = (await agendaOf(db(), meetingId))!;
    expect(agenda.meeting.extraReason).toBe("Leverantören har bara den här veckan");
    expect(agenda.items.map((i) => [i.number, i.late])).toEqual([[number, false]]);
    const meetingPage = await page(`/cab/meetings/${meetingId}`, cabCookie);
    expect(meetingPage).toContain("Extra möte");
    expect(meetingPage).toContain("Leverantören har bara den här veckan");
    // In the change's trail, and the members and the requester are told.
    const view = await getCaseView(db(), w.people.requester, number);
    expect(view.audit.at(-1)).toMatchObject({ event: "CAB_EXTRA_MEETING", reason: "Leverantören har bara den här veckan" });
    const told = await db().select().from(outbox).where(eq(outbox.template, "cab.agenda"));
    expect(told.filter((m) => (m.payload as { number: string }).number === number).map((m) => m.recipient)).toEqual(
      expect.arrayContaining([w.people.cab.email, w.people.requester.email]),
    );
    // Decided at the extra meeting: in its minutes, not in those of the meeting it was on before.
    await holdMeeting(db(), meetingId, w.people.serviceCentre, [w.people.cab]);
    expect((await post(`/cab/meetings/${meetingId}`, { intent: "approve", number, reason: "Brådskande" }, chairCookie)).status).toBe(302);
    expect((await agendaOf(db(), meetingId))!.decided.map((d) => d.number)).toEqual([number]);
    expect((await agendaOf(db(), first.id))!.decided.map((d) => d.number)).not.toContain(number);
  });
});

describe("follow-up of implemented changes", () => {
  /** A change on NET carried out (its window opened and closed) and its outcome reported now. */
  async function implemented(outcome: "successful" | "failed" | "rolled-back", title: string): Promise<string> {
    const window = windowAhead(60 + ++day);
    const made = await createCase(db(), w.people.requester, {
      type: "simple-change",
      systemCode: w.systems.net.code,
      title,
      window,
      reason: "Underhåll",
      bookedWithSupplier: true,
    });
    await applyEvent(db(), w.people.serviceCentre, made.number, { type: "APPROVE" });
    const during = new Date(Date.parse(window.start) + 60_000);
    await applyEvent(db(), w.people.operations, made.number, { type: "GRANT" }, during);
    await applyEvent(db(), w.people.operations, made.number, { type: "REVOKE" }, new Date(during.getTime() + 60_000));
    await applyEvent(db(), w.people.requester, made.number, { type: "REPORT_OUTCOME", outcome, comment: `${title}: så gick det` });
    return made.number;
  }

  it("puts the changes reported since the previous meeting on the next one, failed and rolled back first, and keeps the board's note in the minutes", async () => {
    const fine = await implemented("successful", "Lyckad patch");
    const broken = await implemented("failed", "Misslyckad uppgradering");
    const undone = await implemented("rolled-back", "Återställd ändring");
    // The next meeting after these reports: in a few minutes.
    const [meeting] = await db()
      .insert(cabMeetings)
      .values({ startsAt: new Date(Date.now() + 5 * 60_000), location: "Rum Uppföljning" })
      .returning();
    const listed = (await agendaOf(db(), meeting!.id))!.reviews.map((r) => r.number);
    expect(listed.filter((n) => [fine, broken, undone].includes(n))).toEqual([broken, undone, fine]);
    // A later meeting does not list them again.
    const [later] = await db()
      .insert(cabMeetings)
      .values({ startsAt: new Date(Date.now() + 9 * 24 * 3600_000 + 7 * 60_000), location: "Rum Senare" })
      .returning();
    expect((await agendaOf(db(), later!.id))!.reviews.map((r) => r.number)).not.toContain(broken);

    // Only in session, by the chair: the note is refused before, then recorded.
    const path = meetingPath(meeting!);
    const early = await post(path, { intent: "review", number: broken, note: "Leverantören tar fram en ny plan" }, chairCookie);
    expect(early.status).toBe(409);
    await holdMeeting(db(), meeting!.id, w.people.serviceCentre, [w.people.cab]);
    expect((await post(path, { intent: "review", number: broken, note: "x" }, cabCookie)).status).toBe(403);
    const empty = await post(path, { intent: "review", number: broken, note: " " }, chairCookie);
    expect(empty.status).toBe(422);
    expect(await empty.text()).toMatch(/<textarea(?=[^>]*aria-invalid="true")[^>]*name="note"/);
    expect((await post(path, { intent: "review", number: toDecideOutside(), note: "x" }, chairCookie)).status).toBe(409);
    expect((await post(path, { intent: "review", number: broken, note: "Leverantören tar fram en ny plan" }, chairCookie)).status).toBe(302);

    const meetingPage = await page(path, cabCookie);
    const section = meetingPage.slice(meetingPage.indexOf('id="cab-reviews"'));
    expect(section).toContain("Misslyckad uppgradering: så gick det");
    expect(section).toContain("Leverantören tar fram en ny plan");
    const minutes = await page(`${path}/minutes`, cabCookie);
    expect(minutes.slice(minutes.indexOf('id="minutes-reviews"'))).toContain("Leverantören tar fram en ny plan");
    const csv = await (await call(`${path}/minutes.csv`, { cookie: cabCookie })).text();
    expect(csv).toMatch(new RegExp(`^${broken},Misslyckad uppgradering,${w.systems.net.code},Misslyckad,[^\r\n]*Leverantören tar fram en ny plan`, "m"));
  });
});

/** A case number no meeting follows up. */
const toDecideOutside = () => "CHG-1999-00001";

describe("scheduling and access", () => {
  it("lets the service centre add a one-off meeting and a recurring one, and end the recurring one", async () => {
    const date = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    const added = await post("/cab", { intent: "addMeeting", date, time: "09:30", location: "Stadshuset" }, chairCookie);
    expect(added.status).toBe(302);
    const [meeting] = await db().select().from(cabMeetings).where(eq(cabMeetings.location, "Stadshuset"));
    expect(meeting).toBeDefined();
    expect(await page("/cab", cabCookie)).toContain(`href="/cab/meetings/${meeting!.id}"`);
    // The same time again is refused at the time field.
    const again = await post("/cab", { intent: "addMeeting", date, time: "09:30", location: "" }, chairCookie);
    expect(again.status).toBe(422);
    expect(await again.text()).toContain('aria-invalid="true"');
    await expect(addMeeting(db(), w.people.serviceCentre, { date: "2020-01-01", time: "10:00", location: "" })).rejects.toMatchObject({
      status: 422,
      fieldErrors: { date: expect.anything() },
    });
    await expect(addMeeting(db(), w.people.cab, { date, time: "11:00", location: "" })).rejects.toMatchObject({ status: 403 });

    expect((await post("/cab", { intent: "addRule", weekday: "4", time: "10:00", location: "Rum Björken" }, chairCookie)).status).toBe(302);
    const [rule] = await db().select().from(cabMeetingRules).where(eq(cabMeetingRules.location, "Rum Björken"));
    const ruled = await db()
      .select()
      .from(cabMeetings)
      .where(and(eq(cabMeetings.ruleId, rule!.id), eq(cabMeetings.status, "scheduled")));
    expect(ruled.length).toBeGreaterThan(4);
    expect((await post("/cab", { intent: "addRule", weekday: "", time: "25:00" }, chairCookie)).status).toBe(422);
    await expect(addRule(db(), w.people.serviceCentre, { weekday: 4, time: "10:00", location: "" })).rejects.toMatchObject({ status: 422 });

    expect((await post("/cab", { intent: "deactivateRule", rule: String(rule!.id) }, chairCookie)).status).toBe(302);
    const [ended] = await db().select().from(cabMeetingRules).where(eq(cabMeetingRules.id, rule!.id));
    expect(ended!.active).toBe(false);
    expect(
      await db()
        .select()
        .from(cabMeetings)
        .where(and(eq(cabMeetings.ruleId, rule!.id), eq(cabMeetings.status, "scheduled"))),
    ).toHaveLength(0);
    await expect(deactivateRule(db(), w.people.cab, rule!.id)).rejects.toMatchObject({ status: 403 });
    // Members see no scheduling forms.
    expect(await page("/cab", cabCookie)).not.toContain('value="addMeeting"');
  });

  it("lays out a recurring rule's meetings from the scheduler's duties, not from a page that reads them", async () => {
    const [rule] = await db().insert(cabMeetingRules).values({ weekday: 3, time: "08:15", location: "Rum Linden" }).returning();
    const laidOut = async () => (await db().select().from(cabMeetings).where(eq(cabMeetings.ruleId, rule!.id))).length;
    const agenda = await page("/cab", cabCookie);
    expect(agenda).not.toContain("Rum Linden");
    expect(await laidOut()).toBe(0);
    await runDuties(db());
    // A Wednesday a week for eight weeks (the first may already be past this week).
    expect(await laidOut()).toBeGreaterThanOrEqual(MEETINGS_AHEAD_WEEKS - 1);
    expect(await page("/cab", cabCookie)).toContain("Rum Linden");
    await db().update(cabMeetingRules).set({ active: false }).where(eq(cabMeetingRules.id, rule!.id));
    await db().delete(cabMeetings).where(eq(cabMeetings.ruleId, rule!.id));
  });

  it("gives 403 to suppliers and requesters, and 404 for a meeting that does not exist", async () => {
    const supplier = await signIn(db(), w.people.consultant);
    expect((await call("/cab", { cookie: supplier })).status).toBe(403);
    expect((await call(meetingPath(first), { cookie: supplier })).status).toBe(403);
    expect((await call(`/cab/meetings/${first.id}/minutes`, { cookie: supplier })).status).toBe(403);
    expect((await call("/cab", { cookie: await signIn(db(), w.people.requester) })).status).toBe(403);
    expect((await call("/cab/meetings/999999", { cookie: cabCookie })).status).toBe(404);
    expect((await call("/cab/meetings/abc", { cookie: cabCookie })).status).toBe(404);
  });
});
