/**
 * The service levels of an incident (seeds 001/003, decision 021): a response target and a
 * resolution target per priority. Priorities 1–2 run around the clock; 3–4 count only the service
 * desk's hours (weekdays, Swedish holidays off, 08–18 by default). The clock starts at the first
 * submission and pauses while the case waits on the requester (returned for completion, or its
 * outcome not yet reported). Pure: the server gives the trail and the moment.
 */
import { isWorkingDay } from "./calendar";
import type { Priority } from "./priority";
import { remembered } from "./remembered";
import { addDays, stockholmDate, stockholmLocalToIso } from "./time";

export type SlaClock = "response" | "resolution";
/** A target: so many hours, counted around the clock or in the service desk's hours. */
export type SlaTarget = { hours: number; aroundTheClock: boolean };

/** The service desk's day, in Stockholm wall-clock hours ("08:00"–"18:00"). */
export type DeskHours = { open: string; close: string };
export const DEFAULT_DESK_HOURS: DeskHours = { open: "08:00", close: "18:00" };

const deskDayHours = (desk: DeskHours) => (minutes(desk.close) - minutes(desk.open)) / 60;
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The targets: a working day is one service-desk day (10 hours by default). */
export function slaTargets(desk: DeskHours = DEFAULT_DESK_HOURS): Record<Priority, Record<SlaClock, SlaTarget>> {
  const days = (n: number): SlaTarget => ({ hours: n * deskDayHours(desk), aroundTheClock: false });
  return {
    1: { response: { hours: 0.25, aroundTheClock: true }, resolution: { hours: 4, aroundTheClock: true } },
    2: { response: { hours: 1, aroundTheClock: true }, resolution: { hours: 8, aroundTheClock: true } },
    3: { response: days(3), resolution: days(10) },
    4: { response: days(5), resolution: days(20) },
  };
}

/** The service centre's first answer: it took the case up, decided it or asked for more. */
export const RESPONSE_EVENTS = ["START_REVIEW", "APPROVE", "RETURN", "REJECT"] as const;
/** Where the incident is resolved (or no longer one). */
export const RESOLVED_STATUSES = ["outcome-reported", "closed", "rejected", "cancelled"] as const;
/** Where the case waits on the requester: the clock stands still. */
export const PAUSED_STATUSES = ["returned", "window-closed"] as const;
/** The service centre is warned when this share of a target is left. */
export const WARN_SHARE = 0.25;

export type TrailStep = { at: string; event: string; to: string | null };

export type ClockState = {
  clock: SlaClock;
  target: SlaTarget;
  /** running, paused (waiting on the requester), met (stopped in time), breached (running or stopped late). */
  state: "running" | "paused" | "met" | "breached";
  /** When the target is (or was) reached at the current pace; null while paused. */
  dueAt: string | null;
  /** Counted milliseconds left (negative once breached). */
  leftMs: number;
  /** Within the warning share of the target, not yet breached. */
  warn: boolean;
  /** Answered (response) or resolved (resolution): the clock no longer runs. */
  stopped: boolean;
};

const HOUR = 3_600_000;

/** Desk days already worked out, by date and hours: a clock that runs for months asks for each of its days. */
/** The service desk's open hours on a date, as instants; null on weekends and holidays. */
const deskDay = remembered(
  20_000,
  (date: string, desk: DeskHours) => `${date} ${desk.open} ${desk.close}`,
  (date: string, desk: DeskHours): [number, number] | null =>
    isWorkingDay(date) ? [Date.parse(stockholmLocalToIso(`${date}T${desk.open}`)!), Date.parse(stockholmLocalToIso(`${date}T${desk.close}`)!)] : null,
);

/** Counted milliseconds between two instants. */
function countedMs(from: number, to: number, target: SlaTarget, desk: DeskHours): number {
  if (to <= from) return 0;
  if (target.aroundTheClock) return to - from;
  let total = 0;
  for (let date = stockholmDate(new Date(from)); Date.parse(`${date}T00:00:00Z`) - 86_400_000 <= to; date = addDays(date, 1)) {
    const day = deskDay(date, desk);
    if (day) total += Math.max(0, Math.min(to, day[1]) - Math.max(from, day[0]));
  }
  return total;
}

/** The instant `ms` counted milliseconds after `from`. */
function advance(from: number, ms: number, target: SlaTarget, desk: DeskHours): number {
  if (target.aroundTheClock) return from + ms;
  let left = ms;
  for (let date = stockholmDate(new Date(from)); ; date = addDays(date, 1)) {
    const day = deskDay(date, desk);
    if (!day) continue;
    const start = Math.max(from, day[0]);
    const available = Math.max(0, day[1] - start);
    if (available >= left && day[1] > start) return start + left;
    left -= available;
  }
}

/** An incident's two clocks at `now`, from its trail (oldest first); null before it was submitted. */
export function slaOf(priority: Priority, trail: readonly TrailStep[], now: Date, desk: DeskHours = DEFAULT_DESK_HOURS): Record<SlaClock, ClockState> | null {
  const submitted = trail.find((s) => s.event === "SUBMIT");
  if (!submitted) return null;
  // The intervals the clock runs: from the first submission, less the time waiting on the requester.
  const open: [number, number | null][] = [];
  let runningSince: number | null = Date.parse(submitted.at);
  for (const step of trail) {
    const at = Date.parse(step.at);
    if (at < Date.parse(submitted.at) || !step.to) continue;
    const paused = (PAUSED_STATUSES as readonly string[]).includes(step.to);
    if (paused && runningSince !== null) {
      open.push([runningSince, at]);
      runningSince = null;
    } else if (!paused && runningSince === null) runningSince = at;
  }
  if (runningSince !== null) open.push([runningSince, null]);

  const responded = trail.find((s) => (RESPONSE_EVENTS as readonly string[]).includes(s.event) && Date.parse(s.at) >= Date.parse(submitted.at));
  const resolved = trail.find((s) => s.to && (RESOLVED_STATUSES as readonly string[]).includes(s.to));
  const targets = slaTargets(desk)[priority];
  const clock = (name: SlaClock, stoppedAt: string | undefined): ClockState => {
    const target = targets[name];
    const budget = target.hours * HOUR;
    const stop = stoppedAt ? Date.parse(stoppedAt) : now.getTime();
    let elapsed = 0;
    let dueAt: number | null = null;
    let left = budget;
    for (const [from, to] of open) {
      if (from >= stop) break;
      const end = Math.min(to ?? stop, stop);
      const counted = countedMs(from, end, target, desk);
      if (dueAt === null && counted >= left) dueAt = advance(from, left, target, desk);
      left -= Math.min(left, counted);
      elapsed += counted;
    }
    const stillRunning = !stoppedAt && open.at(-1)?.[1] === null;
    // Not reached yet and still running: the due moment at the current pace, from now on.
    if (dueAt === null && stillRunning) dueAt = advance(now.getTime(), budget - elapsed, target, desk);
    const leftMs = budget - elapsed;
    const breached = leftMs < 0 || (dueAt !== null && dueAt < stop);
    const state = stoppedAt ? (breached ? "breached" : "met") : breached ? "breached" : stillRunning ? "running" : "paused";
    return {
      clock: name,
      target,
      state,
      dueAt: dueAt === null ? null : new Date(dueAt).toISOString(),
      leftMs,
      warn: state === "running" && leftMs <= budget * WARN_SHARE,
      stopped: Boolean(stoppedAt),
    };
  };
  return { response: clock("response", responded?.at), resolution: clock("resolution", resolved?.at) };
}
