import type { useLoaderData } from "@remix-run/react";

import type { MessageKey, Translator } from "~/i18n";

/** A route's loader data as its component (and its head) sees it. */
export type RouteData<Loader> = ReturnType<typeof useLoaderData<Loader>>;

/**
 * What a route tells the document head, in its `handle` (app/root.tsx renders it): the page
 * title — a key, or a function of the route's data and the translator — and any alternate
 * representations (the status page's RSS feed). Titles are translated where the page is drawn,
 * with the same dictionary as the page, so no route needs the dictionary in its loader data.
 */
export type PageHead<Data = unknown> = {
  title: MessageKey | ((data: Data | undefined, translator: Translator) => string);
  alternates?: readonly { type: string; href: string; title: MessageKey }[];
};

export type PageHandle<Data = unknown> = { head: PageHead<Data> };

/** A page whose title is one fixed text. */
export const titled = (key: MessageKey): PageHandle => ({ head: { title: key } });

type Match = { handle?: unknown; data?: unknown };

/** The innermost route's head, if any route gave one. */
export function pageHeadOf(matches: readonly Match[]): { head: PageHead; data: unknown } | undefined {
  for (let i = matches.length - 1; i >= 0; i--) {
    const handle = matches[i]!.handle as Partial<PageHandle> | undefined;
    if (handle?.head) return { head: handle.head, data: matches[i]!.data };
  }
  return undefined;
}

/** "Page – Leverantörsåtkomst". */
export function documentTitle(translator: Translator, head: { head: PageHead; data: unknown } | undefined): string {
  const app = translator.t("app.name");
  if (!head) return app;
  const { title } = head.head;
  const page = typeof title === "function" ? title(head.data, translator) : translator.t(title);
  return `${page} – ${app}`;
}
