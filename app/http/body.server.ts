/**
 * Request bodies, read with a limit. Every route that reads a body names how large it may be
 * (`BODY_LIMITS`): a declared `Content-Length` above the limit is answered 413 before a byte is
 * read, and a body without one (chunked) is read only until it passes the limit, then dropped
 * and answered 413. Nothing larger than the limit is ever held in memory.
 *
 * A form post that is not a form is the client's mistake, not ours: 415 when the body is not a
 * form at all, 400 when it does not parse. NUL characters are dropped from names and values:
 * PostgreSQL cannot store them in text (nor `\u0000` in jsonb), and no field of the portal has a
 * use for them.
 */
export const BODY_LIMITS = {
  /** Sign-in, the second factor's assertion, language, WebAuthn options, sign-out. */
  signIn: 8 * 1024,
  /** Settings and invitations: a registration response with its attestation. */
  credentials: 32 * 1024,
  /** Every other form. */
  form: 64 * 1024,
  /** The request forms, with their long texts (about 40,000 characters at most, percent-encoded). */
  caseForm: 512 * 1024,
  /** JSON API bodies. */
  api: 64 * 1024,
  /**
   * A file on a case (multipart): its 10 MB and the form around it, with room to spare, so a file
   * a little too large is told so at its field rather than answered 413.
   */
  attachment: 12 * 1024 * 1024,
} as const;

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes.`);
  }
}

/** The body's bytes, at most `limit` of them; throws BodyTooLarge past that. */
export async function readBody(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = request.headers.get("Content-Length");
  if (declared !== null && Number(declared) > limit) throw new BodyTooLarge(limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge(limit);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

const text = (status: number, message: string) => new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

export async function readFormData(request: Request, limit: number = BODY_LIMITS.form): Promise<FormData> {
  const type = (request.headers.get("Content-Type") ?? "").toLowerCase();
  const urlencoded = type.startsWith("application/x-www-form-urlencoded");
  if (!urlencoded && !type.startsWith("multipart/form-data")) {
    throw text(415, "Send the form as application/x-www-form-urlencoded or multipart/form-data.");
  }
  let bytes: Uint8Array;
  try {
    bytes = await readBody(request, limit);
  } catch (error) {
    if (error instanceof BodyTooLarge) throw text(413, error.message);
    throw text(400, "The form could not be read.");
  }
  let form: FormData;
  try {
    if (urlencoded) {
      form = new FormData();
      for (const [name, value] of new URLSearchParams(new TextDecoder().decode(bytes))) form.append(name, value);
    } else {
      form = await new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { "Content-Type": request.headers.get("Content-Type")! } }).formData();
    }
  } catch {
    throw text(400, "The form could not be read.");
  }
  const clean = new FormData();
  for (const [name, value] of form) clean.append(name.replaceAll("\0", ""), typeof value === "string" ? value.replaceAll("\0", "") : value);
  return clean;
}
