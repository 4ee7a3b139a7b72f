import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../../db/client";
import { api, apiError, readJson } from "~/http/api.server";
import { requireUser } from "~/access/guards.server";
import { fieldErrorsOf } from "~/ui/forms";
import { invalid } from "~/cases/errors";
import { commentInput } from "~/cases/schemas";
import { isComment } from "~/access/redaction";
import { addComment } from "~/cases/comments.server";
import { getCaseView, type CaseView } from "~/cases/views.server";

/**
 * A case's thread. GET: the comments the caller may see (a supplier: the shared ones), oldest
 * first. POST `{body, shared?}`: 201 with the comment, or 403 (the administrator) / 404 / 422.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return api(request, async () => Response.json({ items: commentsOf(await getCaseView(db(), user, String(params.number).slice(0, 40))) }));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (request.method !== "POST") return apiError(405, "Use POST to comment.");
  const number = String(params.number).slice(0, 40);
  return api(request, async () => {
    const parsed = commentInput.safeParse(await readJson(request));
    if (!parsed.success) invalid(fieldErrorsOf(parsed.error) as never);
    const id = await addComment(db(), user, number, parsed.data);
    return Response.json(commentsOf(await getCaseView(db(), user, number)).at(-1) ?? { id }, { status: 201 });
  });
}

/** The thread is the trail's comments: one rule (app/access/redaction.ts) says who sees which. */
const commentsOf = (view: CaseView) => view.audit.filter(isComment).map((a) => ({ at: a.at, author: a.actor, body: a.reason, shared: a.shared }));
