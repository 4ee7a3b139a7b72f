import { redirect, type ActionFunctionArgs } from "@remix-run/node";

import { isLang } from "~/i18n";
import { langCookie } from "~/i18n/i18n.server";
import { safeRedirect } from "~/utils/misc";

/** Switches the interface language and returns to the page the visitor was on. */
export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const lang = form.get("lang");
  if (!isLang(lang)) throw new Response("Unknown language", { status: 400 });
  return redirect(safeRedirect(form.get("redirectTo")), {
    headers: { "Set-Cookie": await langCookie.serialize(lang) },
  });
}

export function loader() {
  return redirect("/");
}
