import type { Translator } from "~/i18n";

/** Someone present at a CAB meeting, as the meeting page and the minutes name them: a substitute says so, and for whom. */
export function attendeeText(t: Translator["t"], attendee: { name: string; kind: "member" | "substitute"; substituteFor: string | null }): string {
  if (attendee.kind !== "substitute") return attendee.name;
  const role = attendee.substituteFor ? t("cab.session.substituteFor", { name: attendee.substituteFor }) : t("cab.session.substitute");
  return `${attendee.name} (${role})`;
}
