import type { OutboxMessage } from "../../db/schema";
import { interpolate, isLang } from "~/i18n";
import { mailTextsFor, translatorFor } from "~/i18n/i18n.server";
import { isMailTemplate, type MailKey } from "~/i18n/mail.sv";

/**
 * The e-mail for an outbox message, in the recipient's language: a subject and a plain-text body
 * from the mail texts (`mail.<template>.subject` / `.body`, app/i18n/mail.sv.ts), with the case link.
 */
export function renderMail(message: Pick<OutboxMessage, "template" | "lang" | "payload">): { subject: string; text: string } {
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
  const subject = interpolate(texts[`mail.${template}.subject`], params);
  const body = interpolate(texts[`mail.${template}.body`], params);
  const reason = typeof p.reason === "string" && p.reason ? `\n\n${interpolate(texts["mail.reason"], { reason: p.reason })}` : "";
  const link = typeof p.url === "string" && template !== "invitation" ? `\n\n${interpolate(texts["mail.link"], { url: p.url })}` : "";
  return { subject, text: `${body}${reason}${link}\n\n-- \n${texts["mail.signature"]}\n` };
}

function isMailKey(key: string): key is MailKey {
  return Object.prototype.hasOwnProperty.call(mailTextsFor("sv"), key);
}
