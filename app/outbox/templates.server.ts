import type { OutboxMessage } from "../../db/schema";
import { interpolate, isLang, type Lang } from "~/i18n";
import { formatSpan } from "~/cases/status.server";
import type { MailFacts } from "~/cases/messages.server";
import type { MailCalendar } from "./calendar.server";
import { mailTextsFor, translatorFor } from "~/i18n/i18n.server";
import { isMailTemplate, type MailKey } from "~/i18n/mail.sv";

/**
 * The e-mail for an outbox message, in the recipient's language: a subject and a plain-text body
 * from the mail texts (`mail.<template>.subject` / `.body`, app/i18n/mail.sv.ts), with the case link.
 */
export type RenderedMail = { subject: string; text: string; calendar?: { entry: MailCalendar; description: string } };

export function renderMail(message: Pick<OutboxMessage, "template" | "lang" | "payload">): RenderedMail {
  const lang = isLang(message.lang) ? message.lang : "sv";
  const texts = mailTextsFor(lang);
  const { formatDateTime } = translatorFor(lang);
  const { template } = message;
  if (!isMailTemplate(template)) throw new Error(`No mail template "${template}" (app/i18n/mail.sv.ts).`);
  const p = message.payload as Record<string, unknown>;
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(p)) if (value !== null && value !== undefined) params[key] = String(value);
  if (typeof p.expiresAt === "string") params.expiresAt = formatDateTime(p.expiresAt);
  if (typeof p.end === "string") params.end = formatDateTime(p.end);
  if (typeof p.at === "string") params.atText = formatDateTime(p.at);
  const change = `mail.change.${String(p.change)}`;
  if (typeof p.change === "string" && isMailKey(change)) params.changeText = texts[change];
  // A connector's step (app/connectors): which system it is and what it was to do, in words.
  const connector = `mail.connectorName.${String(p.connector)}`;
  const step = `mail.step.${String(p.connector)}.${String(p.action)}`;
  if (isMailKey(connector)) params.connectorText = texts[connector];
  if (isMailKey(step)) params.actionText = texts[step];
  const subject = interpolate(texts[`mail.${template}.subject`], params);
  const body = interpolate(texts[`mail.${template}.body`], params);
  const reason = typeof p.reason === "string" && p.reason ? `\n\n${interpolate(texts["mail.reason"], { reason: p.reason })}` : "";
  const link = typeof p.url === "string" && template !== "invitation" ? `\n\n${interpolate(texts["mail.link"], { url: p.url })}` : "";
  const facts = isFacts(p.facts) ? factLines(p.facts, lang) : "";
  const behalf =
    typeof p.onBehalfOf === "string" && typeof p.actedBy === "string"
      ? `\n\n${interpolate(texts["mail.onBehalfOf"], { actor: p.actedBy, person: p.onBehalfOf })}`
      : "";
  const text = `${body}${behalf}${facts ? `\n\n${facts}` : ""}${reason}${link}\n\n-- \n${texts["mail.signature"]}\n`;
  const calendar = isCalendar(p.calendar) ? { entry: p.calendar, description: `${facts}${typeof p.url === "string" ? `\n\n${p.url}` : ""}` } : undefined;
  return { subject, text, ...(calendar ? { calendar } : {}) };
}

/** The facts of a case, one per line, in the recipient's language; a fact the case lacks is left out. */
function factLines(f: MailFacts, lang: Lang): string {
  const texts = mailTextsFor(lang);
  const { formatDate } = translatorFor(lang);
  const line = (key: MailKey, params: Record<string, string>) => interpolate(texts[key], params);
  return [
    f.system ? line("mail.facts.system", { system: f.system }) : null,
    f.start && f.end ? line("mail.facts.window", { span: formatSpan(f.start, f.end, lang) }) : null,
    f.consentUntil ? line("mail.facts.consentUntil", { date: formatDate(f.consentUntil) }) : null,
    line("mail.facts.accounts", { accounts: f.accounts.length ? f.accounts.join(", ") : texts["mail.facts.noAccounts"] }),
    f.login ? line("mail.facts.login", { login: f.login }) : null,
    f.conditions ? line("mail.facts.conditions", { conditions: f.conditions }) : null,
    f.contact ? line("mail.facts.contact", { contact: f.contact }) : null,
  ]
    .filter((l): l is string => l !== null)
    .join("\n");
}

const isFacts = (value: unknown): value is MailFacts => typeof value === "object" && value !== null && Array.isArray((value as MailFacts).accounts);
const isCalendar = (value: unknown): value is MailCalendar =>
  typeof value === "object" && value !== null && typeof (value as MailCalendar).uid === "string" && typeof (value as MailCalendar).start === "string";

function isMailKey(key: string): key is MailKey {
  return Object.prototype.hasOwnProperty.call(mailTextsFor("sv"), key);
}
