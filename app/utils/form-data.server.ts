/**
 * The body of a form post. `request.formData()` throws a TypeError for any other body (JSON, plain
 * text, no Content-Type, a multipart body that does not parse), which would surface as a 500:
 * that is the client's mistake, so it is answered 415 (not a form at all) or 400 (a broken one).
 *
 * NUL characters are dropped from names and values: PostgreSQL cannot store them in text (nor
 * `\u0000` in jsonb), and no field of the portal has a use for them.
 */
export async function readFormData(request: Request): Promise<FormData> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    const type = (request.headers.get("Content-Type") ?? "").toLowerCase();
    const isForm = type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
    throw new Response(isForm ? "The form could not be read." : "Send the form as application/x-www-form-urlencoded or multipart/form-data.", {
      status: isForm ? 400 : 415,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  const clean = new FormData();
  for (const [name, value] of form) clean.append(name.replaceAll("\0", ""), typeof value === "string" ? value.replaceAll("\0", "") : value);
  return clean;
}
