import { eq } from "drizzle-orm";

import type { Db } from "../../db/client";
import { auditLog, caseComments, cases, type Case, type User } from "../../db/schema";
import { inScope, scopeOf } from "~/access/scope.server";
import { WorkflowError } from "./errors";
import { queueCommentMessages } from "./messages.server";
import { rolesOf, type Holder } from "~/access/roles";

/**
 * The thread on a case (DESIGN: "Trail and messages"). Whoever may see a case may write on it,
 * except the administrator, who runs the portal and takes no part in its cases. A comment is
 * *internal* (the municipality's: never shown or sent to the supplier) or *shared* with the
 * supplier; a supplier's own comment is always shared. Each comment is in the trail, where the
 * case's timeline shows it, and is mailed to the case's participants.
 */
export const COMMENT_MAX = 4000;

/** Whether the person takes part in cases' threads (and files): everyone but the administrator (unless they hold another role too). */
export const takesPart = (user: Holder) => rolesOf(user).some((role) => role !== "admin");

/** What the person may mark: a supplier shares whatever it writes or files; others choose. */
export const sharedAs = (user: Pick<User, "role">, asked: boolean) => user.role === "supplier" || asked;

/**
 * The case the person writes on or files to, locked: in their scope (404 otherwise, as for a case
 * that does not exist) and theirs to take part in (403).
 */
export async function caseToTakePartIn(tx: Db, user: User, number: string): Promise<Case> {
  if (number.includes("\0")) throw new WorkflowError(404, "No such case.");
  const [c] = await tx.select().from(cases).where(eq(cases.number, number)).for("update");
  if (!c || !inScope(await scopeOf(tx, user), c)) throw new WorkflowError(404, "No such case.");
  if (!takesPart(user)) throw new WorkflowError(403, "The administrator takes no part in cases.");
  return c;
}

/**
 * Adds a comment. Refusals: 403 (the administrator), 404 (no such case in scope), 422 (empty or
 * longer than COMMENT_MAX, at the field `body`). Returns the comment's id.
 */
export async function addComment(db: Db, user: User, number: string, input: { body: string; shared: boolean }, now = new Date()): Promise<number> {
  const body = input.body.trim();
  if (!body) throw new WorkflowError(422, "Write the comment.", { body: { key: "validation.required" } });
  if (body.length > COMMENT_MAX)
    throw new WorkflowError(422, "The comment is too long.", { body: { key: "validation.tooLong", params: { max: COMMENT_MAX } } });
  return db.transaction(async (tx) => {
    const c = await caseToTakePartIn(tx, user, number);
    const shared = sharedAs(user, input.shared);
    const [row] = await tx.insert(caseComments).values({ caseId: c.id, authorId: user.id, body, shared, at: now }).returning({ id: caseComments.id });
    const [entry] = await tx
      .insert(auditLog)
      .values({
        at: now,
        action: "case.comment",
        actorUserId: user.id,
        caseId: c.id,
        event: "COMMENTED",
        fromState: c.status,
        toState: c.status,
        reason: body,
        detail: { commentId: row!.id, shared },
      })
      .returning({ id: auditLog.id });
    await queueCommentMessages(tx, c, { auditId: entry!.id, author: user, body, shared });
    return row!.id;
  });
}
