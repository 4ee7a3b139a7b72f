import { redirect, type ActionFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { isLang } from "~/i18n";
import { langCookie } from "~/i18n/i18n.server";
import { setUserLang } from "~/admin/people.server";
import { getUser } from "~/access/guards.server";
import { safeRedirect } from "~/http/safe-redirect";
import { BODY_LIMITS, readFormData } from "~/http/body.server";

/** Switches the interface language and returns to the page the visitor was on. */
export async function action({ request }: ActionFunctionArgs) {
  const form = await readFormData(request, BODY_LIMITS.signIn);
  const lang = form.get("lang");
  if (!isLang(lang)) throw new Response("Unknown language", { status: 400 });
  // A signed-in person's messages (e-mail) follow the language they chose here.
  const user = await getUser(request).catch(() => undefined);
  if (user && user.lang !== lang) await setUserLang(db(), user.id, lang);
  return redirect(safeRedirect(form.get("redirectTo")), {
    headers: { "Set-Cookie": await langCookie.serialize(lang) },
  });
}

export function loader() {
  return redirect("/");
}
