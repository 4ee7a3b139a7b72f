import type { MessageKey, Msg } from "~/i18n";

/**
 * A translation key with parameters packed into one string ("case.window.tooEarly?date=2026-12-28"),
 * for validators (zod refinements, react-hook-form) whose messages are plain strings. Kept apart
 * from the dictionaries so the browser bundle does not carry them.
 */
export function packMsg(key: MessageKey, params?: Record<string, string | number>): string {
  return params ? `${key}?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}` : key;
}

export function unpackMsg(message: string | undefined): Msg | undefined {
  if (!message) return undefined;
  const [key = "", query] = message.split("?", 2);
  return query ? { key: key as MessageKey, params: Object.fromEntries(new URLSearchParams(query)) } : { key: key as MessageKey };
}
