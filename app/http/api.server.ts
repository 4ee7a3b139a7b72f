import { BODY_LIMITS, BodyTooLarge, readBody } from "~/http/body.server";
import type { FieldErrors } from "~/ui/forms";
import { translatorFor } from "~/i18n/i18n.server";
import { WorkflowError } from "~/cases/errors";

/**
 * JSON API plumbing: bodies are read with a size limit and parsed strictly; every failure is a
 * 4xx JSON answer with a clear message (never a 5xx for bad input). Field messages are in the
 * caller's language (Accept-Language), English by default.
 */
export const MAX_BODY_BYTES = BODY_LIMITS.api;

export function apiError(status: number, error: string, fieldErrors?: Record<string, string>): Response {
  return Response.json(fieldErrors ? { error, fieldErrors } : { error }, { status });
}

export async function readJson(request: Request): Promise<unknown> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw apiError(415, "Send the body as JSON (Content-Type: application/json).");
  }
  let text: string;
  try {
    text = new TextDecoder().decode(await readBody(request, MAX_BODY_BYTES));
  } catch (error) {
    if (error instanceof BodyTooLarge) throw apiError(413, `The body is larger than ${MAX_BODY_BYTES} bytes.`);
    throw apiError(400, "The body could not be read.");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw apiError(400, "The body is not valid JSON.");
  }
  if (unstorable(text)) throw apiError(400, "The body contains a NUL character (\\u0000) or an unpaired surrogate (\\ud800–\\udfff), which cannot be stored.");
  return value;
}

/**
 * Whether valid JSON text has an escape PostgreSQL cannot store (in text or in jsonb): \u0000, or a
 * \ud800–\udfff that is not half of a surrogate pair. Only escapes can make these: text decoded
 * from UTF-8 holds no lone surrogate, and a raw NUL is not valid JSON.
 */
function unstorable(text: string): boolean {
  const unitAt = (i: number) => (text[i] === "\\" && text[i + 1] === "u" ? Number.parseInt(text.slice(i + 2, i + 6), 16) : undefined);
  for (let i = text.indexOf("\\"); i !== -1; i = text.indexOf("\\", i)) {
    const unit = unitAt(i);
    if (unit === undefined) {
      i += 2; // an escaped character such as \\ or \"
      continue;
    }
    i += 6;
    if (unit === 0 || (unit >= 0xdc00 && unit <= 0xdfff)) return true; // NUL, or a low half with no high half before it
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = unitAt(i);
      if (next === undefined || next < 0xdc00 || next > 0xdfff) return true;
      i += 6;
    }
  }
  return false;
}

function apiLang(request: Request) {
  return (request.headers.get("Accept-Language") ?? "").toLowerCase().startsWith("sv") ? "sv" : "en";
}

export function translateFieldErrors(request: Request, errors: FieldErrors | undefined): Record<string, string> | undefined {
  if (!errors) return undefined;
  const { t } = translatorFor(apiLang(request));
  return Object.fromEntries(Object.entries(errors).map(([field, msg]) => [field, msg ? t(msg) : "invalid"]));
}

/** Runs an API handler, turning workflow errors into their JSON answers. */
export async function api(request: Request, handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (error) {
    if (error instanceof Response) return error;
    if (error instanceof WorkflowError) {
      return apiError(error.status, error.error, translateFieldErrors(request, error.fieldErrors));
    }
    throw error;
  }
}
