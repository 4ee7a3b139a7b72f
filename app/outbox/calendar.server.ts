import ical, { ICalCalendarMethod, ICalEventBusyStatus, ICalEventStatus } from "ical-generator";

/**
 * The calendar entry a message about an access window carries (RFC 5546 iTIP): one UID per
 * case's window, so the approval adds it to the reader's calendar, an extension or an early end
 * updates the same entry (METHOD:REQUEST with a higher SEQUENCE) and a cancellation removes it
 * (METHOD:CANCEL). Stored in the outbox message's payload and turned into an .ics when sent.
 */
export type MailCalendar = {
  uid: string;
  method: "REQUEST" | "CANCEL";
  sequence: number;
  start: string;
  end: string;
  summary: string;
  url: string;
};

/** The UID of a case's window in calendars: stable for the case's whole life. */
export const calendarUid = (caseNumber: string, appUrl: string) => `window-${caseNumber}@${new URL(appUrl).host}`;

/** An address in "Name <address>" or bare form, as an organizer. */
function organizerOf(from: string): { name: string; email: string } {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
  return m ? { name: m[1]!.trim() || m[2]!, email: m[2]! } : { name: from.trim(), email: from.trim() };
}

/** The .ics text of a message's calendar entry; `description`: the message's facts, in its language. */
export function icsOf(entry: MailCalendar, from: string, description: string): string {
  const cancel = entry.method === "CANCEL";
  const calendar = ical({
    prodId: { company: "Sjövik kommun", product: "Leverantörsåtkomst", language: "SV" },
    method: cancel ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
  });
  calendar.createEvent({
    id: entry.uid,
    sequence: entry.sequence,
    stamp: new Date(),
    start: new Date(entry.start),
    end: new Date(entry.end),
    summary: entry.summary,
    description,
    url: entry.url,
    organizer: organizerOf(from),
    status: cancel ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    busystatus: ICalEventBusyStatus.BUSY,
  });
  return calendar.toString();
}
