import type { MetaDescriptor } from "@remix-run/node";

import { interpolate, type MessageKey, type Params } from "~/i18n";

type Match = { id: string; data: unknown };

/** `<title>` for a page, translated with the dictionary the root loader chose. */
export function title(matches: Match[], key: MessageKey, params?: Params): MetaDescriptor[] {
  const root = matches.find((m) => m.id === "root")?.data as { messages?: Record<string, string> } | undefined;
  const messages = root?.messages;
  const page = messages ? interpolate(messages[key] ?? key, params) : key;
  const app = messages?.["app.name"] ?? "";
  return [{ title: app ? `${page} – ${app}` : page }];
}
