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

import { remembered } from "./remembered";
import { addDays, DAY_MS, TIME_ZONE, utcMs } from "./time";

/** The date helpers live in ./time.ts; the calendar passes them on for its callers. */
export { addDays, isIsoDate, stockholmDate, stockholmMidnight } from "./time";

export const LEAD_TIME_WORKING_DAYS = { "simple-change": 3, "advanced-change": 10 } as const;
export type LeadTimeType = keyof typeof LEAD_TIME_WORKING_DAYS;

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
  for (let found = 0; found < n;) {
    day = addDays(day, 1);
    if (isWorkingDay(day)) found++;
  }
  return day;
}

/**
 * Earliest allowed window start for a case of `type` submitted on `submittedDate` (Stockholm).
 * Remembered: a list or a report asks it for every case, and most cases share their dates.
 */
export const earliestStart = remembered(
  20_000,
  (type: LeadTimeType, submittedDate: string) => `${type} ${submittedDate}`,
  (type: LeadTimeType, submittedDate: string): string => addWorkingDays(submittedDate, LEAD_TIME_WORKING_DAYS[type]),
);

/**
 * Per year, the working days from 1 January through each day of it (index: the day of the year,
 * from 0). Made once per year, so counting the working days between two dates costs a lookup per
 * year they span rather than a holiday check per day (the service centre's queue counts one per
 * case, some a year or more ahead).
 */
const runningCounts = new Map<number, Uint16Array>();

function runningCountOf(year: number): Uint16Array {
  let counts = runningCounts.get(year);
  if (!counts) {
    const first = Date.UTC(year, 0, 1);
    counts = new Uint16Array(Math.round((Date.UTC(year + 1, 0, 1) - first) / DAY_MS));
    let n = 0;
    for (let i = 0; i < counts.length; i++) {
      if (isWorkingDay(new Date(first + i * DAY_MS).toISOString().slice(0, 10))) n++;
      counts[i] = n;
    }
    runningCounts.set(year, counts);
  }
  return counts;
}

/** The working days from 1 January of the date's year through the date. */
function workingDaysThrough(date: string, year: number): number {
  return runningCountOf(year)[Math.round((utcMs(date) - Date.UTC(year, 0, 1)) / DAY_MS)]!;
}

/** Number of working days d with from < d <= to (0 if to <= from). */
export function workingDaysBetween(from: string, to: string): number {
  utcMs(from); // validate both
  utcMs(to);
  if (to <= from) return 0;
  const [fromYear, toYear] = [Number(from.slice(0, 4)), Number(to.slice(0, 4))];
  let count = workingDaysThrough(to, toYear) - workingDaysThrough(from, fromYear);
  for (let year = fromYear; year < toYear; year++) count += runningCountOf(year).at(-1)!;
  return count;
}
