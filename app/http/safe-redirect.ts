/**
 * A redirect target taken from input, made safe: only a path on this site. Anything else
 * (absolute URLs, protocol-relative `//evil`, backslashes, control characters) becomes `fallback`.
 * Characters outside printable ASCII are percent-encoded: a `Location` header carries bytes only,
 * and "/sök?q=å" must arrive as the same address, not as a 500.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (!to || typeof to !== "string") return fallback;
  if (!to.startsWith("/") || to.startsWith("//") || to.includes("\\")) return fallback;
  if (/[\u0000-\u001f\u007f]/.test(to)) return fallback;
  try {
    return to.replace(/[^\u0021-\u007e]+/g, (run) => encodeURIComponent(run));
  } catch {
    // a lone surrogate cannot be encoded: it names no address of ours
    return fallback;
  }
}
