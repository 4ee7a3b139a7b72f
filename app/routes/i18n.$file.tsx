import type { LoaderFunctionArgs } from "@remix-run/node";

import { dictionaryByFile } from "~/i18n/i18n.server";

/**
 * `/i18n/<lang>.<hash>.js`: a language's dictionary for the browser (app/i18n/i18n.server.ts).
 * Its URL names its content, so it is cached for a year and never revalidated; a URL of an
 * earlier build is gone (404), and the page that named it is itself stale.
 */
export function loader({ params }: LoaderFunctionArgs) {
  const asset = dictionaryByFile(params.file ?? "");
  if (!asset) return new Response("No such dictionary.", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(asset.body, {
    headers: {
      "Content-Type": "text/javascript; charset=utf-8",
      "Cache-Control": "public, max-age=31536000, immutable",
    },
  });
}
