/**
 * Time in Europe/Stockholm, where the portal's days begin and end: calendar dates, midnights,
 * the UTC offset, and the wall-clock values of forms (a `datetime-local` value has no zone). One
 * home for all of it, in the browser and on the server alike: no library, the platform's time-zone
 * data through Intl. (Working days and holidays: ./calendar.ts.)
 */
import { remembered } from "./remembered";
import { TIME_ZONE } from "./vocabulary";

export { TIME_ZONE };

/**
 * The years a date or time typed into the portal may have. PostgreSQL cannot store every instant
 * JavaScript can make (year 0, years before 100 are misread, "+010000-…"), so anything outside
 * these is refused as malformed rather than failing in the database.
 */
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 2999;
export const plausibleYear = (year: number) => Number.isInteger(year) && year >= FIRST_YEAR && year <= LAST_YEAR;

export const DAY_MS = 86_400_000;

const parts = new Intl.DateTimeFormat("en-GB", {
  timeZone: TIME_ZONE,
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

type WallClock = Record<"year" | "month" | "day" | "hour" | "minute" | "second", number>;

/** Wall-clock fields of an instant in Stockholm, as Intl gives them. */
function intlWallClock(instant: Date): WallClock {
  const p = Object.fromEntries(parts.formatToParts(instant).map((x) => [x.type, x.value]));
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour), minute: Number(p.minute), second: Number(p.second) };
}

/** Milliseconds Stockholm's wall clock is ahead of UTC at the instant `ms` (whole seconds), by Intl. */
function intlOffsetMs(ms: number): number {
  const w = intlWallClock(new Date(ms));
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0–99 as 1900–1999.
  return new Date(Date.UTC(2000, w.month - 1, w.day, w.hour, w.minute, w.second)).setUTCFullYear(w.year) - Math.floor(ms / 1000) * 1000;
}

const HOUR_MS = 3_600_000;
/**
 * Stockholm's offset for each UTC hour already asked about, or null for an hour in which it
 * changes. Intl's formatToParts is slow enough to dominate a page or a report that converts
 * thousands of instants; the offset changes only on the hour (since 1900), so one Intl call at
 * each end of an hour, checked equal, answers every instant in it.
 */
const hourOffset = remembered(
  100_000,
  (hour: number) => hour,
  (hour: number) => {
    const [first, last] = [intlOffsetMs(hour * HOUR_MS), intlOffsetMs((hour + 1) * HOUR_MS - 1000)];
    return first === last ? first : null;
  },
);

/** Wall-clock fields of an instant in Stockholm. */
function wallClock(instant: Date): WallClock {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError("Invalid Date");
  const offset = hourOffset(Math.floor(ms / HOUR_MS));
  if (offset === null) return intlWallClock(instant);
  const w = new Date(ms + offset);
  return {
    year: w.getUTCFullYear(),
    month: w.getUTCMonth() + 1,
    day: w.getUTCDate(),
    hour: w.getUTCHours(),
    minute: w.getUTCMinutes(),
    second: w.getUTCSeconds(),
  };
}

/** Minutes Stockholm is ahead of UTC at an instant (60 in winter, 120 in summer). */
export function stockholmOffsetMinutes(instant: Date): number {
  const w = wallClock(instant);
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0–99 as 1900–1999.
  const asUtc = new Date(Date.UTC(2000, w.month - 1, w.day, w.hour, w.minute, w.second)).setUTCFullYear(w.year);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
}

/** Strict "YYYY-MM-DD" that is a real calendar date of the years 1000–9999 (arithmetic may step past the typed range). */
function isCalendarDate(s: string): boolean {
  if (!/^[1-9]\d{3}-\d{2}-\d{2}$/.test(s)) return false;
  const ms = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === s;
}

/** A date typed by a person: a real calendar date in a year the portal plans in (FIRST_YEAR–LAST_YEAR). */
export function isIsoDate(s: string): boolean {
  return isCalendarDate(s) && plausibleYear(Number(s.slice(0, 4)));
}

/** Milliseconds of 00:00 UTC of a date string; used only for calendar arithmetic. */
export function utcMs(date: string): number {
  if (!isCalendarDate(date)) throw new RangeError(`Not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  return Date.parse(`${date}T00:00:00Z`);
}

/**
 * The calendar date `days` after (or before) `date`. The last date a person may type
 * (LAST_YEAR-12-31) still has a day after it: a range "to 2999-12-31" ends at 3000-01-01 00:00.
 */
export function addDays(date: string, days: number): string {
  return new Date(utcMs(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The calendar date in Europe/Stockholm of an instant. */
export function stockholmDate(instant: Date): string {
  const { year, month, day } = wallClock(instant);
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/**
 * Midnights already computed, by date. The offset goes through Intl's formatToParts, which is
 * slow enough to dominate a page that asks for the same few days many times (the schedule grid
 * asks per row and column); the answer for a date never changes within a process.
 */
const midnights = new Map<string, number>();

/** The instant of 00:00 Europe/Stockholm on a date (DST switches happen at 02:00/03:00, never at midnight). */
export function stockholmMidnight(date: string): Date {
  let ms = midnights.get(date);
  if (ms === undefined) {
    const wallMidnight = utcMs(date);
    const guess = wallMidnight - stockholmOffsetMinutes(new Date(wallMidnight)) * 60_000;
    ms = wallMidnight - stockholmOffsetMinutes(new Date(guess)) * 60_000;
    if (midnights.size >= 10_000) midnights.clear();
    midnights.set(date, ms);
  }
  return new Date(ms);
}

/** "2026-12-28T08:00" in Stockholm → ISO 8601 with its offset ("2026-12-28T08:00:00+01:00"); undefined if malformed. */
export function stockholmLocalToIso(local: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return undefined;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  if (!plausibleYear(y)) return undefined;
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  let offset = stockholmOffsetMinutes(new Date(guess - 60 * 60000));
  offset = stockholmOffsetMinutes(new Date(guess - offset * 60000));
  const instant = new Date(guess - offset * 60000);
  if (Number.isNaN(instant.getTime())) return undefined;
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return `${local}:00${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** An instant as a `datetime-local` value in Stockholm. */
export function isoToStockholmLocal(iso: string | Date): string {
  const w = wallClock(new Date(iso));
  const two = (n: number) => String(n).padStart(2, "0");
  return `${String(w.year).padStart(4, "0")}-${two(w.month)}-${two(w.day)}T${two(w.hour)}:${two(w.minute)}`;
}

/** How far ahead a recurring freeze's occurrences exist (the scheduler's duties keep it so). */
export const FREEZE_HORIZON_DAYS = 730;

/** The nth occurrence (0: the first) of a recurring freeze, at the same Stockholm wall-clock times; undefined for a day that year lacks (29 Feb). */
function nth(first: { start: Date; end: Date }, repeats: "weekly" | "yearly", n: number): { start: Date; end: Date } | undefined {
  const shift = (instant: Date) => {
    const local = isoToStockholmLocal(instant);
    const [date, time] = [local.slice(0, 10), local.slice(11)];
    if (repeats === "weekly") return stockholmLocalToIso(`${addDays(date, 7 * n)}T${time}`);
    const moved = `${String(Number(date.slice(0, 4)) + n).padStart(4, "0")}${date.slice(4)}`;
    return isIsoDate(moved) ? stockholmLocalToIso(`${moved}T${time}`) : undefined;
  };
  const start = shift(first.start);
  const end = shift(first.end);
  return start && end ? { start: new Date(start), end: new Date(end) } : undefined;
}

/**
 * The occurrences of a recurring freeze after its first, starting no later than `until` (a date,
 * inclusive) and before `horizon`.
 */
export function laterOccurrences(
  first: { start: Date; end: Date },
  repeats: "weekly" | "yearly",
  until: Date | null,
  horizon: Date,
): { start: Date; end: Date }[] {
  const out: { start: Date; end: Date }[] = [];
  const last = Math.min(horizon.getTime(), until?.getTime() ?? Infinity);
  // A weekly step or a yearly one is never shorter than six days: the loop ends by the horizon.
  for (let n = 1; first.start.getTime() + n * 6 * 86_400_000 < last; n++) {
    const next = nth(first, repeats, n);
    if (!next) continue; // 29 February, in a year without one
    if (next.start.getTime() >= last) break;
    out.push(next);
  }
  return out;
}

/** How many weeks ahead the dated meetings of the CAB's recurring rules exist (the scheduler's duties keep it so). */
export const MEETINGS_AHEAD_WEEKS = 8;

/** ISO weekday of a date (YYYY-MM-DD): 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  return ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

type MeetingRule = { id: number; weekday: number; time: string; durationMinutes: number; location: string };

/**
 * The dated meetings a recurring CAB rule (ISO weekday 1–7, Stockholm "HH:MM") gives after `now`
 * within the next `weeks` weeks, as rows of the meetings table.
 */
export function meetingsOfRule(rule: MeetingRule, now: Date, weeks = MEETINGS_AHEAD_WEEKS) {
  const [h = 0, m = 0] = rule.time.split(":").map(Number);
  const out: { startsAt: Date; durationMinutes: number; location: string; ruleId: number }[] = [];
  const today = stockholmDate(now);
  for (let offset = 0; offset < weeks * 7; offset++) {
    const date = addDays(today, offset);
    if (isoWeekday(date) !== rule.weekday) continue;
    const startsAt = new Date(stockholmMidnight(date).getTime() + (h * 60 + m) * 60_000);
    if (startsAt > now) out.push({ startsAt, durationMinutes: rule.durationMinutes, location: rule.location, ruleId: rule.id });
  }
  return out;
}
