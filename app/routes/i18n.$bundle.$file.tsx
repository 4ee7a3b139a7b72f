import type { LoaderFunctionArgs } from "@remix-run/node";

import { textsByUrl } from "~/i18n/i18n.server";

/**
 * `/i18n/<lang>.<hash>/<name>.js`: one namespace of a language's texts for the browser, the
 * root's or a page route's (app/i18n/i18n.server.ts). Its URL names the build's texts, so it is
 * cached for a year and never revalidated; a URL of an earlier build is gone (404), and the page
 * that named it is itself stale.
 */
export function loader({ params }: LoaderFunctionArgs) {
  const asset = textsByUrl(params.bundle ?? "", params.file ?? "");
  if (!asset) return new Response("No such texts.", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(asset.body, {
    headers: {
      "Content-Type": "text/javascript; charset=utf-8",
      "Cache-Control": "public, max-age=31536000, immutable",
    },
  });
}
