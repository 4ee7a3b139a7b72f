import { describe, expect, it } from "vitest";

import { slaOf, type TrailStep } from "../machines/sla";

/**
 * The incident clocks (decision 021), on plain trails: around the clock for priorities 1–2, in the
 * service desk's hours (weekdays 08–18, Swedish holidays off) for 3–4, paused while the case waits
 * on the requester.
 */
const step = (at: string, event: string, to: string): TrailStep => ({ at, event, to });
const submitted = (at: string) => [step(at, "SUBMIT", "submitted")];

describe("incident clocks", () => {
  it("priority 1 answers within 15 minutes around the clock, on a Saturday night too", () => {
    const trail = submitted("2026-12-05T02:00:00+01:00");
    const at = (iso: string) => slaOf(1, trail, new Date(iso))!;
    expect(at("2026-12-05T02:10:00+01:00").response).toMatchObject({ state: "running", dueAt: "2026-12-05T01:15:00.000Z", warn: false });
    expect(at("2026-12-05T02:12:00+01:00").response.warn).toBe(true);
    expect(at("2026-12-05T02:20:00+01:00").response).toMatchObject({ state: "breached", dueAt: "2026-12-05T01:15:00.000Z" });
    expect(at("2026-12-05T02:20:00+01:00").resolution).toMatchObject({ state: "running", dueAt: "2026-12-05T05:00:00.000Z" });
  });

  it("priority 3 answers within 3 working days of the service desk's hours: Friday 17:00 → Wednesday 17:00", () => {
    const clocks = slaOf(3, submitted("2026-12-04T17:00:00+01:00"), new Date("2026-12-05T12:00:00+01:00"))!;
    expect(clocks.response).toMatchObject({ state: "running", dueAt: "2026-12-09T16:00:00.000Z" });
    // Over the weekend nothing is counted: 1 hour of Friday is gone, 29 are left.
    expect(clocks.response.leftMs).toBe(29 * 3_600_000);
  });

  it("Christmas and New Year are not working days for priority 4", () => {
    // 5 working days from 23 Dec 18:00: 28, 29, 30 Dec, 2 and 5 Jan (24–26 and 31 Dec, 1 and 6 Jan are off).
    const clocks = slaOf(4, submitted("2026-12-23T18:00:00+01:00"), new Date("2026-12-24T10:00:00+01:00"))!;
    expect(clocks.response.dueAt).toBe("2027-01-05T17:00:00.000Z");
  });

  it("stands still while the case waits on the requester, and stops at the service centre's first answer", () => {
    const returned = [
      ...submitted("2026-12-07T09:00:00+01:00"),
      step("2026-12-07T10:00:00+01:00", "RETURN", "returned"),
      step("2026-12-09T10:00:00+01:00", "SUBMIT", "submitted"),
    ];
    // Answered by the RETURN: met, after one hour.
    expect(slaOf(3, returned, new Date("2026-12-08T12:00:00+01:00"))!.response.state).toBe("met");
    // The resolution clock paused for the two days it was back with the requester.
    expect(slaOf(3, returned.slice(0, 2), new Date("2026-12-08T12:00:00+01:00"))!.resolution).toMatchObject({ state: "paused", dueAt: null });
    const resumed = slaOf(3, returned, new Date("2026-12-09T12:00:00+01:00"))!.resolution;
    expect(resumed.state).toBe("running");
    // 100 desk hours, 1 used on Monday and 2 on Wednesday morning: 97 left.
    expect(resumed.leftMs).toBe(97 * 3_600_000);
  });

  it("a late answer stays breached; an incident resolved in time is met", () => {
    const trail = [
      ...submitted("2026-12-07T09:00:00+01:00"),
      step("2026-12-07T10:30:00+01:00", "START_REVIEW", "in-review"),
      step("2026-12-07T11:00:00+01:00", "APPROVE", "approved"),
      step("2026-12-07T14:00:00+01:00", "REPORT_OUTCOME", "outcome-reported"),
    ];
    const clocks = slaOf(2, trail, new Date("2026-12-10T12:00:00+01:00"))!;
    expect(clocks.response).toMatchObject({ state: "breached", dueAt: "2026-12-07T09:00:00.000Z" });
    expect(clocks.resolution.state).toBe("met");
  });

  it("has no clock before the case is submitted", () => {
    expect(slaOf(1, [], new Date())).toBeNull();
  });
});
