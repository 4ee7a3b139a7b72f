import type { OutboxMessage } from "../../db/schema";
import { isLang, type MessageKey } from "~/i18n";
import { translatorFor } from "~/i18n/i18n.server";

/**
 * The e-mail for an outbox message, in the recipient's language: a subject and a plain-text body
 * from the translation layer (`mail.<template>.subject` / `.body`), with the case link.
 */
export function renderMail(message: Pick<OutboxMessage, "template" | "lang" | "payload">): { subject: string; text: string } {
  const { t, formatDateTime } = translatorFor(isLang(message.lang) ? message.lang : "sv");
  const p = message.payload as Record<string, unknown>;
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(p)) if (value !== null && value !== undefined) params[key] = String(value);
  if (typeof p.expiresAt === "string") params.expiresAt = formatDateTime(p.expiresAt);
  if (typeof p.end === "string") params.end = formatDateTime(p.end);
  if (typeof p.at === "string") params.atText = formatDateTime(p.at);
  if (typeof p.change === "string") params.changeText = t(`security.change.${p.change}` as MessageKey);
  const subject = t(`mail.${message.template}.subject` as MessageKey, params);
  const body = t(`mail.${message.template}.body` as MessageKey, params);
  const reason = typeof p.reason === "string" && p.reason ? `\n\n${t("mail.reason", { reason: p.reason })}` : "";
  const link = typeof p.url === "string" && message.template !== "invitation" ? `\n\n${t("mail.link", { url: p.url })}` : "";
  return { subject, text: `${body}${reason}${link}\n\n-- \n${t("mail.signature")}\n` };
}
