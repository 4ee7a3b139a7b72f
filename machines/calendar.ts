/**
 * Swedish working-day calendar (Europe/Stockholm) for change lead times.
 *
 * A working day is Monday–Friday that is neither a Swedish public holiday ("allmän helgdag")
 * nor one of the de facto non-working eves midsommarafton, julafton and nyårsafton.
 * Holidays come from `date-holidays` (country SE), cached per year. A case submitted on date D
 * may start no earlier than the N-th working day after D; D itself never counts.
 *
 * All dates are "YYYY-MM-DD" calendar-date strings; functions throw RangeError on invalid input.
 */
import Holidays from "date-holidays";

import { plausibleYear } from "./time";

export const LEAD_TIME_WORKING_DAYS = { "simple-change": 3, "advanced-change": 10 } as const;
export type LeadTimeType = keyof typeof LEAD_TIME_WORKING_DAYS;

const TIME_ZONE = "Europe/Stockholm";
const DAY_MS = 86_400_000;

/**
 * The spec's list of non-working eves. For SE, date-holidays types "bank" as exactly these three
 * (checked for 1990–2100), while skärtorsdagen, påskafton, pingstafton and annandag pingst are
 * "observance" and trettondagsafton, valborgsmässoafton, allhelgonaafton are "optional" (half
 * days) — all working days here. Should a future data update add another "bank" day, it is
 * deliberately ignored: the spec's list is authoritative.
 */
const NON_WORKING_EVES = new Set(["midsommarafton", "julafton", "nyårsafton"]);

const holidays = new Holidays("SE", { languages: "sv", timezone: TIME_ZONE, types: ["public", "bank"] });
const holidayCache = new Map<number, ReadonlyMap<string, string>>();

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
function utcMs(date: string): number {
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

const stockholmParts = new Intl.DateTimeFormat("en-US", {
  timeZone: TIME_ZONE,
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** Wall-clock fields of an instant in Stockholm. */
function wallClock(instant: Date): Record<"year" | "month" | "day" | "hour" | "minute" | "second", number> {
  if (Number.isNaN(instant.getTime())) throw new RangeError("Invalid Date");
  const parts = stockholmParts.formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute"), second: get("second") };
}

/** The calendar date in Europe/Stockholm of an instant. */
export function stockholmDate(instant: Date): string {
  const { year, month, day } = wallClock(instant);
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Stockholm's UTC offset (ms) at an instant, e.g. 3_600_000 in winter. */
function offsetMs(instant: Date): number {
  const w = wallClock(instant);
  const wallAsUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wallAsUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * Midnights already computed, by date. `offsetMs` goes through Intl's formatToParts, which is
 * slow enough to dominate a page that asks for the same few days many times (the schedule grid
 * asks per row and column); the answer for a date never changes within a process.
 */
const midnights = new Map<string, number>();

/** The instant of 00:00 Europe/Stockholm on a date (DST switches happen at 02:00/03:00, never at midnight). */
export function stockholmMidnight(date: string): Date {
  let ms = midnights.get(date);
  if (ms === undefined) {
    const wallMidnight = utcMs(date);
    const guess = wallMidnight - offsetMs(new Date(wallMidnight));
    ms = wallMidnight - offsetMs(new Date(guess));
    if (midnights.size >= 10_000) midnights.clear();
    midnights.set(date, ms);
  }
  return new Date(ms);
}

/** Date → Swedish name of the non-working holidays and eves of a year (weekends included). */
export function holidaysOf(year: number): ReadonlyMap<string, string> {
  let map = holidayCache.get(year);
  if (!map) {
    const entries = holidays
      .getHolidays(year, "sv")
      .filter((h) => h.type === "public" || (h.type === "bank" && NON_WORKING_EVES.has(h.name)))
      .map((h): [string, string] => [h.date.slice(0, 10), h.name]); // Stockholm date, not h.start (UTC)
    map = new Map(entries);
    holidayCache.set(year, map);
  }
  return map;
}

export function isWorkingDay(date: string): boolean {
  const weekday = new Date(utcMs(date)).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidaysOf(Number(date.slice(0, 4))).has(date);
}

/** The n-th working day after `date` (n ≥ 1; `date` itself never counts). */
export function addWorkingDays(date: string, n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be an integer ≥ 1, got ${n}`);
  let day = date;
  for (let found = 0; found < n; ) {
    day = addDays(day, 1);
    if (isWorkingDay(day)) found++;
  }
  return day;
}

/** Earliest allowed window start for a case of `type` submitted on `submittedDate` (Stockholm). */
export function earliestStart(type: LeadTimeType, submittedDate: string): string {
  return addWorkingDays(submittedDate, LEAD_TIME_WORKING_DAYS[type]);
}

/** Number of working days d with from < d <= to (0 if to <= from). */
export function workingDaysBetween(from: string, to: string): number {
  utcMs(to); // validate
  let count = 0;
  for (let day = addDays(from, 1); day <= to; day = addDays(day, 1)) {
    if (isWorkingDay(day)) count++;
  }
  return count;
}
