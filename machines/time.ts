/**
 * Wall-clock time in Europe/Stockholm for forms (a `datetime-local` value has no zone), in the
 * browser and on the server alike: no library, the platform's time-zone data through Intl.
 */
export const TIME_ZONE = "Europe/Stockholm";

/**
 * The years a date or time typed into the portal may have. PostgreSQL cannot store every instant
 * JavaScript can make (year 0, years before 100 are misread, "+010000-…"), so anything outside
 * these is refused as malformed rather than failing in the database.
 */
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 2999;
export const plausibleYear = (year: number) => Number.isInteger(year) && year >= FIRST_YEAR && year <= LAST_YEAR;

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

/** Minutes Stockholm is ahead of UTC at an instant (60 in winter, 120 in summer). */
export function stockholmOffsetMinutes(instant: Date): number {
  const p = Object.fromEntries(parts.formatToParts(instant).map((x) => [x.type, x.value]));
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0–99 as 1900–1999.
  const asUtc = new Date(Date.UTC(2000, Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second))).setUTCFullYear(Number(p.year));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
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
  const p = Object.fromEntries(parts.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}
