import { and, asc, eq, gte, inArray, isNotNull, sql } from "drizzle-orm";

import type { Db } from "../../db/client";
import { PUBLIC_STATUSES } from "../../machines/vocabulary";
import { accessWindows, cases, systems } from "../../db/schema";
import { TIME_ZONE, type Lang } from "~/i18n";

/**
 * "Driftinformation": the public list of approved changes flagged as affecting users. Public
 * means only what the public may know: the system's name, the planned start and end and the
 * requester's public description — never the case number, the supplier, the risk or any other
 * internal detail. Only those columns are read.
 */
export { PUBLIC_STATUSES };
/** Changes stay listed until a week after their window ended. */
export const STATUS_DAYS_BACK = 7;
const DAY_MS = 86_400_000;

export type PublicChange = {
  /** The case's random public id (anchor and RSS guid): it reveals neither number nor id and cannot be guessed. */
  key: string;
  systemName: string;
  start: string;
  end: string;
  /** The public description, or null (the page shows a neutral text). */
  description: string | null;
  /** When it was approved (its access window was planned). */
  publishedAt: string;
};

export async function publicChanges(db: Db, now = new Date()): Promise<PublicChange[]> {
  const since = new Date(now.getTime() - STATUS_DAYS_BACK * DAY_MS);
  const rows = await db
    .select({
      publicId: cases.publicId,
      systemName: systems.name,
      start: cases.windowStart,
      end: cases.windowEnd,
      description: sql<string | null>`${cases.details} ->> 'publicDescription'`,
      approvedAt: accessWindows.createdAt,
      updatedAt: cases.updatedAt,
    })
    .from(cases)
    .innerJoin(systems, eq(systems.id, cases.systemId))
    .leftJoin(accessWindows, eq(accessWindows.caseId, cases.id))
    .where(
      and(
        eq(cases.affectsUsers, true),
        inArray(cases.type, ["simple-change", "advanced-change"]),
        inArray(cases.status, [...PUBLIC_STATUSES]),
        isNotNull(cases.windowStart),
        gte(cases.windowEnd, since),
      ),
    )
    .orderBy(asc(cases.windowStart), asc(cases.id));
  return rows.map((r) => ({
    key: r.publicId,
    systemName: r.systemName,
    start: r.start!.toISOString(),
    end: r.end!.toISOString(),
    description: r.description?.trim() ? r.description.trim() : null,
    publishedAt: (r.approvedAt ?? r.updatedAt).toISOString(),
  }));
}

/** "12 jan. 2026 09:00–13:00" (one day) or "12 jan. 2026 22:00–13 jan. 2026 02:00", Stockholm time. */
export function formatSpan(start: string | Date, end: string | Date, lang: Lang): string {
  const locale = lang === "en" ? "en-GB" : "sv-SE";
  const date = new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, year: "numeric", month: "short", day: "numeric" });
  const time = new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const a = new Date(start);
  const b = new Date(end);
  const sameDay = date.format(a) === date.format(b);
  return sameDay ? `${date.format(a)} ${time.format(a)}–${time.format(b)}` : `${date.format(a)} ${time.format(a)}–${date.format(b)} ${time.format(b)}`;
}
