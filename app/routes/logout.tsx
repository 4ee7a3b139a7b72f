import { redirect, type ActionFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { deleteSession } from "~/access/sessions.server";
import { sessionCookie, sessionToken } from "~/access/guards.server";

/** Ends the session on the server, not only in the browser. */
export async function action({ request }: ActionFunctionArgs) {
  const token = await sessionToken(request);
  if (token) await deleteSession(db(), token);
  return redirect("/", { headers: { "Set-Cookie": await sessionCookie().serialize("", { maxAge: 0 }) } });
}

export function loader() {
  return redirect("/");
}
