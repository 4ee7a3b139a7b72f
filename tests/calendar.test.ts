import fc from "fast-check";
import { describe, expect, it } from "vitest";

import {
  LEAD_TIME_WORKING_DAYS,
  addWorkingDays,
  earliestStart,
  holidaysOf,
  isIsoDate,
  isWorkingDay,
  stockholmDate,
  stockholmMidnight,
  workingDaysBetween,
  type LeadTimeType,
} from "../machines/calendar";
import { isoToStockholmLocal, stockholmOffsetMinutes } from "../machines/time";

/**
 * Independent, hand-written list of Swedish non-working days (public holidays + midsommarafton,
 * julafton, nyårsafton). Easter Sundays: 2024-03-31, 2025-04-20, 2026-04-05, 2027-03-28, 2028-04-16;
 * långfredagen = Easter − 2, annandag påsk = Easter + 1, Kristi himmelsfärd = Easter + 39 (Thursday),
 * pingstdagen = Easter + 49 (Sunday).
 */
const EXPECTED: Record<number, Record<string, string>> = {
  2024: {
    "2024-01-01": "nyårsdagen",
    "2024-01-06": "trettondedag jul",
    "2024-03-29": "långfredagen",
    "2024-03-31": "påskdagen",
    "2024-04-01": "annandag påsk",
    "2024-05-01": "första maj",
    "2024-05-09": "Kristi himmelsfärdsdag",
    "2024-05-19": "pingstdagen",
    "2024-06-06": "nationaldagen",
    "2024-06-21": "midsommarafton",
    "2024-06-22": "midsommardagen",
    "2024-11-02": "alla helgons dag",
    "2024-12-24": "julafton",
    "2024-12-25": "juldagen",
    "2024-12-26": "annandag jul",
    "2024-12-31": "nyårsafton",
  },
  2025: {
    "2025-01-01": "nyårsdagen",
    "2025-01-06": "trettondedag jul",
    "2025-04-18": "långfredagen",
    "2025-04-20": "påskdagen",
    "2025-04-21": "annandag påsk",
    "2025-05-01": "första maj",
    "2025-05-29": "Kristi himmelsfärdsdag",
    "2025-06-06": "nationaldagen",
    "2025-06-08": "pingstdagen",
    "2025-06-20": "midsommarafton",
    "2025-06-21": "midsommardagen",
    "2025-11-01": "alla helgons dag",
    "2025-12-24": "julafton",
    "2025-12-25": "juldagen",
    "2025-12-26": "annandag jul",
    "2025-12-31": "nyårsafton",
  },
  2026: {
    "2026-01-01": "nyårsdagen",
    "2026-01-06": "trettondedag jul",
    "2026-04-03": "långfredagen",
    "2026-04-05": "påskdagen",
    "2026-04-06": "annandag påsk",
    "2026-05-01": "första maj",
    "2026-05-14": "Kristi himmelsfärdsdag",
    "2026-05-24": "pingstdagen",
    "2026-06-06": "nationaldagen",
    "2026-06-19": "midsommarafton",
    "2026-06-20": "midsommardagen",
    "2026-10-31": "alla helgons dag",
    "2026-12-24": "julafton",
    "2026-12-25": "juldagen",
    "2026-12-26": "annandag jul",
    "2026-12-31": "nyårsafton",
  },
  2027: {
    "2027-01-01": "nyårsdagen",
    "2027-01-06": "trettondedag jul",
    "2027-03-26": "långfredagen",
    "2027-03-28": "påskdagen",
    "2027-03-29": "annandag påsk",
    "2027-05-01": "första maj",
    "2027-05-06": "Kristi himmelsfärdsdag",
    "2027-05-16": "pingstdagen",
    "2027-06-06": "nationaldagen",
    "2027-06-25": "midsommarafton",
    "2027-06-26": "midsommardagen",
    "2027-11-06": "alla helgons dag",
    "2027-12-24": "julafton",
    "2027-12-25": "juldagen",
    "2027-12-26": "annandag jul",
    "2027-12-31": "nyårsafton",
  },
  2028: {
    "2028-01-01": "nyårsdagen",
    "2028-01-06": "trettondedag jul",
    "2028-04-14": "långfredagen",
    "2028-04-16": "påskdagen",
    "2028-04-17": "annandag påsk",
    "2028-05-01": "första maj",
    "2028-05-25": "Kristi himmelsfärdsdag",
    "2028-06-04": "pingstdagen",
    "2028-06-06": "nationaldagen",
    "2028-06-23": "midsommarafton",
    "2028-06-24": "midsommardagen",
    "2028-11-04": "alla helgons dag",
    "2028-12-24": "julafton",
    "2028-12-25": "juldagen",
    "2028-12-26": "annandag jul",
    "2028-12-31": "nyårsafton",
  },
};

const YEARS = Object.keys(EXPECTED).map(Number);
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const dayOfYear = (list: Record<string, string>, name: string) => Object.entries(list).find(([, n]) => n === name)?.[0] ?? "missing";

describe("holiday list (independent)", () => {
  it.each(YEARS)("%i: the hand-written list is self-consistent", (year) => {
    const list = EXPECTED[year]!;
    const midsommarafton = dayOfYear(list, "midsommarafton");
    expect(weekday(midsommarafton)).toBe(5);
    expect(midsommarafton >= `${year}-06-19` && midsommarafton <= `${year}-06-25`).toBe(true);
    expect(weekday(dayOfYear(list, "midsommardagen"))).toBe(6);
    const allaHelgon = dayOfYear(list, "alla helgons dag");
    expect(weekday(allaHelgon)).toBe(6);
    expect(allaHelgon >= `${year}-10-31` && allaHelgon <= `${year}-11-06`).toBe(true);
    expect(weekday(dayOfYear(list, "påskdagen"))).toBe(0);
    expect(weekday(dayOfYear(list, "pingstdagen"))).toBe(0);
    expect(weekday(dayOfYear(list, "långfredagen"))).toBe(5);
    expect(weekday(dayOfYear(list, "annandag påsk"))).toBe(1);
    expect(weekday(dayOfYear(list, "Kristi himmelsfärdsdag"))).toBe(4);
  });

  it.each(YEARS)("%i: holidaysOf matches the list exactly (dates and Swedish names)", (year) => {
    expect(Object.fromEntries(holidaysOf(year))).toEqual(EXPECTED[year]);
  });

  it.each(YEARS)("%i: full-year scan — a weekday is a working day iff it is not in the list", (year) => {
    const list = EXPECTED[year]!;
    for (let day = `${year}-01-01`; day <= `${year}-12-31`; day = nextDay(day)) {
      const wd = weekday(day);
      const expected = wd !== 0 && wd !== 6 && !(day in list);
      expect(isWorkingDay(day), day).toBe(expected);
    }
  });

  it("treats the other eves and old holidays as working days", () => {
    expect(isWorkingDay("2026-01-05")).toBe(true); // trettondagsafton (Mon)
    expect(isWorkingDay("2026-04-02")).toBe(true); // skärtorsdagen (Thu)
    expect(isWorkingDay("2026-04-30")).toBe(true); // valborgsmässoafton (Thu)
    expect(isWorkingDay("2026-05-15")).toBe(true); // klämdag after Kristi himmelsfärd (Fri)
    expect(isWorkingDay("2026-05-25")).toBe(true); // annandag pingst, no holiday since 2005 (Mon)
    expect(isWorkingDay("2026-10-30")).toBe(true); // allhelgonaafton (Fri)
  });

  it("caches per year", () => {
    expect(holidaysOf(2026)).toBe(holidaysOf(2026));
  });
});

describe("earliestStart / addWorkingDays", () => {
  it("spec example: submitted Monday 2026-12-21", () => {
    // 22 (1), 23 (2), 24–27 off, 28 (3) | 29 (4), 30 (5), 31–Jan 3 off, 4 (6), 5 (7), 6 off, 7 (8), 8 (9), 11 (10)
    expect(earliestStart("simple-change", "2026-12-21")).toBe("2026-12-28");
    expect(earliestStart("advanced-change", "2026-12-21")).toBe("2027-01-11");
  });

  it("Easter", () => {
    // 2026: Wed 1 Apr → Thu 2 (1, skärtorsdagen works), Fri 3–Mon 6 off, Tue 7 (2), Wed 8 (3)
    expect(earliestStart("simple-change", "2026-04-01")).toBe("2026-04-08");
    // … Thu 9 (4), Fri 10 (5), Mon 13 (6), 14 (7), 15 (8), 16 (9), Fri 17 (10)
    expect(earliestStart("advanced-change", "2026-04-01")).toBe("2026-04-17");
    // 2025: Mon 14 Apr → 15, 16, 17 (3); Fri 18–Mon 21 off; 22 … 25 (4–7), 28, 29, Wed 30 (8–10)
    expect(earliestStart("simple-change", "2025-04-14")).toBe("2025-04-17");
    expect(earliestStart("advanced-change", "2025-04-14")).toBe("2025-04-30");
  });

  it("Ascension", () => {
    // Tue 12 May 2026 → Wed 13 (1), Thu 14 off, Fri 15 (2), Mon 18 (3)
    expect(earliestStart("simple-change", "2026-05-12")).toBe("2026-05-18");
  });

  it("Midsummer", () => {
    // Wed 17 Jun 2026 → Thu 18 (1), Fri 19 midsommarafton off, Mon 22 (2), Tue 23 (3)
    expect(earliestStart("simple-change", "2026-06-17")).toBe("2026-06-23");
  });

  it("Christmas and New Year", () => {
    // Tue 30 Dec 2025 → 31 and 1 Jan off, Fri 2 (1), Mon 5 (2), Tue 6 off, Wed 7 (3)
    expect(earliestStart("simple-change", "2025-12-30")).toBe("2026-01-07");
    // Submitted on a holiday (Sat 26 Dec 2026) → Mon 28, Tue 29, Wed 30
    expect(earliestStart("simple-change", "2026-12-26")).toBe("2026-12-30");
    // Wed 22 Dec 2027 → Thu 23 (1), Fri 24 off, Mon 27 (2), Tue 28 (3)
    expect(earliestStart("simple-change", "2027-12-22")).toBe("2027-12-28");
    // … 29 (4), 30 (5), Fri 31 off, Mon 3 Jan (6), 4 (7), 5 (8), Thu 6 off, Fri 7 (9), Mon 10 (10)
    expect(earliestStart("advanced-change", "2027-12-22")).toBe("2028-01-10");
  });

  it("uses the Stockholm date of the submission, whatever the hour", () => {
    // 23:30 UTC on Sunday 20 Dec is 00:30 Monday 21 Dec in Stockholm
    expect(earliestStart("simple-change", stockholmDate(new Date("2026-12-20T23:30:00Z")))).toBe("2026-12-28");
    // 22:59 UTC on Monday 21 Dec is still Monday 23:59 in Stockholm
    expect(earliestStart("simple-change", stockholmDate(new Date("2026-12-21T22:59:00Z")))).toBe("2026-12-28");
  });

  it("rejects bad input", () => {
    expect(() => addWorkingDays("2026-12-21", 0)).toThrow(RangeError);
    expect(() => addWorkingDays("2026-12-21", 1.5)).toThrow(RangeError);
    expect(() => isWorkingDay("2026-02-30")).toThrow(RangeError);
    expect(LEAD_TIME_WORKING_DAYS).toEqual({ "simple-change": 3, "advanced-change": 10 });
  });
});

describe("workingDaysBetween", () => {
  it("counts working days in (from, to]", () => {
    expect(workingDaysBetween("2026-12-21", "2026-12-28")).toBe(3);
    expect(workingDaysBetween("2026-12-21", "2027-01-11")).toBe(10);
    expect(workingDaysBetween("2026-12-23", "2026-12-27")).toBe(0);
    expect(workingDaysBetween("2026-12-21", "2026-12-21")).toBe(0);
    expect(workingDaysBetween("2026-12-28", "2026-12-21")).toBe(0);
  });
});

describe("isIsoDate", () => {
  it("accepts only real YYYY-MM-DD dates", () => {
    for (const s of ["2026-02-28", "2024-02-29", "2026-12-31"]) expect(isIsoDate(s), s).toBe(true);
    for (const s of ["2026-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-1-01", "2026-01-01T00:00", " 2026-01-01", ""]) {
      expect(isIsoDate(s), s).toBe(false);
    }
  });
});

describe("Stockholm time zone", () => {
  it.each([
    ["2026-03-28T22:59:59Z", "2026-03-28"], // 23:59:59 CET
    ["2026-03-28T23:30:00Z", "2026-03-29"], // 00:30 CET, the night DST starts
    ["2026-03-29T01:00:00Z", "2026-03-29"], // 03:00 CEST, just after the switch
    ["2026-03-29T21:59:59Z", "2026-03-29"], // 23:59:59 CEST
    ["2026-03-29T22:00:00Z", "2026-03-30"], // 00:00 CEST
    ["2026-06-30T21:59:59Z", "2026-06-30"],
    ["2026-06-30T22:30:00Z", "2026-07-01"], // 00:30 CEST
    ["2026-10-24T21:59:59Z", "2026-10-24"],
    ["2026-10-24T22:00:00Z", "2026-10-25"], // 00:00 CEST, the night DST ends
    ["2026-10-25T22:59:59Z", "2026-10-25"], // 23:59:59 CET
    ["2026-10-25T23:00:00Z", "2026-10-26"], // 00:00 CET
    ["2026-12-31T23:00:00Z", "2027-01-01"],
  ])("stockholmDate(%s) = %s", (instant, date) => {
    expect(stockholmDate(new Date(instant))).toBe(date);
  });

  it.each([
    ["2026-03-29", "2026-03-28T23:00:00.000Z"],
    ["2026-03-30", "2026-03-29T22:00:00.000Z"],
    ["2026-07-01", "2026-06-30T22:00:00.000Z"],
    ["2026-10-25", "2026-10-24T22:00:00.000Z"],
    ["2026-10-26", "2026-10-25T23:00:00.000Z"],
    ["2027-01-01", "2026-12-31T23:00:00.000Z"],
  ])("stockholmMidnight(%s) = %s", (date, instant) => {
    expect(stockholmMidnight(date).toISOString()).toBe(instant);
  });
});

describe("properties (2024–2035)", () => {
  const FIRST = Date.parse("2024-01-01T00:00:00Z");
  const DAYS = (Date.parse("2035-12-31T00:00:00Z") - FIRST) / 86_400_000;
  const date = fc.integer({ min: 0, max: DAYS }).map((i) => new Date(FIRST + i * 86_400_000).toISOString().slice(0, 10));
  const n = fc.integer({ min: 1, max: 30 });
  const type = fc.constantFrom<LeadTimeType>("simple-change", "advanced-change");

  it("addWorkingDays(D, n) is a working day after D with exactly n working days in (D, result]", () => {
    fc.assert(
      fc.property(date, n, (d, k) => {
        const result = addWorkingDays(d, k);
        expect(result > d).toBe(true);
        expect(isWorkingDay(result)).toBe(true);
        expect(workingDaysBetween(d, result)).toBe(k);
      }),
    );
  });

  it("workingDaysBetween(a, b) is the number of working days d with a < d <= b, counted day by day, across years", () => {
    const byDay = (a: string, b: string) => {
      let count = 0;
      for (let t = Date.parse(`${a}T00:00:00Z`) + 86_400_000; t <= Date.parse(`${b}T00:00:00Z`); t += 86_400_000) {
        if (isWorkingDay(new Date(t).toISOString().slice(0, 10))) count++;
      }
      return count;
    };
    fc.assert(
      fc.property(date, date, (a, b) => {
        expect(workingDaysBetween(a, b)).toBe(byDay(a, b));
      }),
    );
    // The first and the last day of a year, and a leap day, at either end.
    for (const [a, b] of [
      ["2025-12-31", "2026-01-01"],
      ["2026-01-01", "2026-12-31"],
      ["2027-12-31", "2028-02-29"],
      ["2028-02-29", "2031-01-02"],
    ] as const)
      expect(workingDaysBetween(a, b), `${a}–${b}`).toBe(byDay(a, b));
  });

  it("earliestStart is monotone in the submission date", () => {
    fc.assert(
      fc.property(type, date, date, (t, a, b) => {
        const [d1, d2] = a <= b ? [a, b] : [b, a];
        expect(earliestStart(t, d1) <= earliestStart(t, d2)).toBe(true);
      }),
    );
  });

  it("addWorkingDays is strictly monotone in n", () => {
    fc.assert(
      fc.property(date, n, n, (d, a, b) => {
        const [n1, n2] = a <= b ? [a, b] : [b, a];
        const [r1, r2] = [addWorkingDays(d, n1), addWorkingDays(d, n2)];
        expect(n1 < n2 ? r1 < r2 : r1 === r2).toBe(true);
      }),
    );
  });

  it("stockholmMidnight is the first instant of its Stockholm date", () => {
    fc.assert(
      fc.property(date, (d) => {
        const midnight = stockholmMidnight(d);
        expect(stockholmDate(midnight)).toBe(d);
        expect(stockholmDate(new Date(midnight.getTime() - 1))).not.toBe(d);
      }),
    );
  });
});

describe("Stockholm's wall clock", () => {
  // The reference: Intl, asked afresh for every instant.
  const intl = new Intl.DateTimeFormat("sv-SE", {
    timeZone: "Europe/Stockholm",
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    timeZoneName: "longOffset",
  });
  const reference = (ms: number) => {
    const p = Object.fromEntries(intl.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
    const [, sign, h, m] = /GMT(?:([+-])(\d{2}):(\d{2}))?/.exec(p.timeZoneName!)!;
    return {
      offset: sign ? (sign === "-" ? -1 : 1) * (Number(h) * 60 + Number(m)) : 0,
      date: `${p.year}-${p.month}-${p.day}`,
      local: `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`,
    };
  };
  const check = (ms: number) => {
    const expected = reference(ms);
    const instant = new Date(ms);
    expect({ offset: stockholmOffsetMinutes(instant), date: stockholmDate(instant), local: isoToStockholmLocal(instant) }, instant.toISOString()).toEqual(
      expected,
    );
  };

  it("is Intl's at any instant of the years the portal plans in", () => {
    const from = Date.parse("1900-01-01T00:00:00Z");
    const to = Date.parse("2999-12-31T23:59:59Z");
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), (ms) => {
        check(ms);
      }),
      { numRuns: 2000 },
    );
  });

  it("is Intl's minute by minute around every switch to and from summer time, 2024–2030", () => {
    for (let year = 2024; year <= 2030; year++) {
      // The switches are on the last Sundays of March and October at 01:00 UTC.
      for (const month of [2, 9]) {
        const lastSunday = new Date(Date.UTC(year, month + 1, 0));
        lastSunday.setUTCDate(lastSunday.getUTCDate() - lastSunday.getUTCDay());
        const at = lastSunday.getTime() + 3_600_000;
        for (let ms = at - 2 * 3_600_000; ms <= at + 2 * 3_600_000; ms += 60_000) check(ms);
        check(at - 1);
      }
    }
  });
});
