import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { fileTypeFromBuffer } from "file-type";
import { create as contentDisposition } from "content-disposition";

import type { Db } from "../../db/client";
import { auditLog, caseAttachments, cases, type User } from "../../db/schema";
import { inScope, scopeOf } from "~/access/scope.server";
import { audienceOf, seesShared } from "~/access/redaction";
import { WorkflowError } from "./errors";
import { caseToTakePartIn, sharedAs } from "./comments.server";

/**
 * Files on a case: test records, screenshots, a supplier's documents. Each is kept in the
 * database (the same backup as the case), at most ATTACHMENT_MAX bytes, and is what its content
 * says it is: the type is sniffed from the bytes and must be one the portal accepts, whatever the
 * name or the browser claimed; the name is sanitised and its extension made to match. Internal
 * or shared with the supplier, as a comment (a supplier's are always shared). Every upload and
 * every download is in the trail.
 */
export const ATTACHMENT_MAX = 10 * 1024 * 1024;

/** The types the portal keeps, by what the content is (file-type's answer), and the extension each gets. */
const ACCEPTED: Record<string, string> = {
  "application/pdf": "pdf",
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/gif": "gif",
  "image/webp": "webp",
  "application/zip": "zip",
  "application/gzip": "gz",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
  "application/vnd.oasis.opendocument.text": "odt",
  "application/vnd.oasis.opendocument.spreadsheet": "ods",
};
export const TEXT_TYPE = "text/plain";
/** A text file keeps its own extension if it is one of these (a log, a CSV, a configuration); otherwise it gets .txt. */
const TEXT_EXTENSIONS = ["txt", "csv", "log", "md", "json", "xml", "yaml", "yml", "conf", "cfg", "ini", "sql", "ps1", "sh"];

/** What the content is: an accepted type and its extension, or null (an executable, an unknown binary). */
export async function sniff(bytes: Uint8Array): Promise<{ contentType: string; ext: string | null } | null> {
  const found = await fileTypeFromBuffer(bytes);
  if (found) return ACCEPTED[found.mime] ? { contentType: found.mime, ext: ACCEPTED[found.mime]! } : null;
  return isText(bytes) ? { contentType: TEXT_TYPE, ext: null } : null;
}

/** UTF-8 text without NUL or other control characters than tab and line breaks. */
function isText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/**
 * A file name safe to store and to offer for download: no folder, no control or reserved
 * characters, no leading dots, at most 100 characters, its extension the content's.
 */
export function sanitiseName(raw: string, ext: string | null): string {
  const name = (raw.normalize("NFC").split(/[\\/]/).pop() ?? "")
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, "")
    .replace(/\s+/g, " ")
    .replace(/^[.\s]+|[.\s]+$/g, "");
  const dot = name.lastIndexOf(".");
  const own = dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
  const fits = ext === null ? TEXT_EXTENSIONS.includes(own) : own === ext || (ext === "jpg" && own === "jpeg");
  // A name that claims another type keeps all of itself and gets the content's ("report.pdf" of a PNG: "report.pdf.png").
  let stem = (fits ? name.slice(0, dot) : name).slice(0, 90).replace(/[.\s]+$/g, "") || "fil";
  if (WINDOWS_RESERVED.test(stem)) stem = `_${stem}`;
  return `${stem}.${fits ? own : (ext ?? "txt")}`;
}

export type AttachmentView = { id: number; name: string; contentType: string; size: number; shared: boolean; by: string; at: string };

/**
 * Keeps a file on a case. Refusals: 403 (the administrator), 404 (no such case in scope), 422 at
 * the field `file` (no file, empty, larger than ATTACHMENT_MAX, a type the portal does not keep).
 */
export async function addAttachment(
  db: Db,
  user: User,
  number: string,
  input: { name: string; bytes: Uint8Array; shared: boolean },
  now = new Date(),
): Promise<AttachmentView> {
  if (!input.bytes.byteLength) throw new WorkflowError(422, "Choose a file.", { file: { key: "attachment.empty" } });
  if (input.bytes.byteLength > ATTACHMENT_MAX)
    throw new WorkflowError(422, "The file is larger than 10 MB.", { file: { key: "attachment.tooLarge", params: { max: ATTACHMENT_MAX / 1024 / 1024 } } });
  const type = await sniff(input.bytes);
  if (!type) throw new WorkflowError(422, "The portal does not keep files of this type.", { file: { key: "attachment.type" } });
  const name = sanitiseName(input.name, type.ext);
  return db.transaction(async (tx) => {
    const c = await caseToTakePartIn(tx, user, number);
    const shared = sharedAs(user, input.shared);
    const [row] = await tx
      .insert(caseAttachments)
      .values({
        caseId: c.id,
        uploaderId: user.id,
        name,
        contentType: type.contentType,
        size: input.bytes.byteLength,
        sha256: createHash("sha256").update(input.bytes).digest("hex"),
        content: input.bytes,
        shared,
        at: now,
      })
      .returning({ id: caseAttachments.id });
    await tx.insert(auditLog).values({
      at: now,
      action: "case.attachment",
      actorUserId: user.id,
      caseId: c.id,
      event: "ATTACHMENT_ADDED",
      fromState: c.status,
      toState: c.status,
      reason: name,
      detail: { attachmentId: row!.id, shared, size: input.bytes.byteLength, contentType: type.contentType },
    });
    return { id: row!.id, name, contentType: type.contentType, size: input.bytes.byteLength, shared, by: user.name, at: now.toISOString() };
  });
}

/**
 * A file to download, for whoever sees the case and, for the supplier, only a shared one (404
 * otherwise, as for a file that does not exist). The download is in the trail. The answer is an
 * attachment, never rendered by the browser: its sniffed type, `nosniff`, a sandbox policy.
 */
export async function downloadAttachment(db: Db, user: User, number: string, id: number): Promise<Response> {
  if (number.includes("\0")) throw new WorkflowError(404, "No such file.");
  const file = await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ c: cases, a: caseAttachments })
      .from(caseAttachments)
      .innerJoin(cases, eq(cases.id, caseAttachments.caseId))
      .where(and(eq(cases.number, number), eq(caseAttachments.id, id)));
    if (!row || !inScope(await scopeOf(tx, user), row.c) || !seesShared(audienceOf(user), row.a.shared)) throw new WorkflowError(404, "No such file.");
    await tx.insert(auditLog).values({
      action: "case.attachment",
      actorUserId: user.id,
      caseId: row.c.id,
      event: "ATTACHMENT_DOWNLOADED",
      fromState: row.c.status,
      toState: row.c.status,
      reason: row.a.name,
      detail: { attachmentId: row.a.id, shared: row.a.shared },
    });
    return row.a;
  });
  return new Response(file.content as Uint8Array<ArrayBuffer>, {
    headers: {
      "Content-Type": file.contentType === TEXT_TYPE ? "text/plain; charset=utf-8" : file.contentType,
      "Content-Length": String(file.size),
      "Content-Disposition": contentDisposition(file.name, { type: "attachment" }),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": "private, no-store",
    },
  });
}
