/**
 * Paging as every paged list does it (the case list, the service centre's queue, the people
 * list, the outbox): the page the address asks for, where it lands among the items — past the
 * last page is the last page (an old link, a hand-edited address) — and the links either side.
 */

/** The page the address's `page` asks for: a whole number from 1; anything else is the first page. */
export function askedPage(params: URLSearchParams): number {
  const value = (params.get("page") ?? "").trim();
  return /^\d{1,6}$/.test(value) ? Math.max(Number(value), 1) : 1;
}

/** The address's search text `q`, trimmed and at most 100 characters. */
export function askedSearch(params: URLSearchParams): string {
  return (params.get("q") ?? "").trim().slice(0, 100);
}

/** The address of page `page` of a list at `path` filtered by `filters`, leaving out what is empty and page 1. */
export function pageAddress(path: string, filters: Record<string, string>, page: number): string {
  const search = new URLSearchParams(
    Object.entries({ ...filters, ...(page > 1 ? { page: String(page) } : {}) }).filter(([, value]) => value !== ""),
  ).toString();
  return search ? `${path}?${search}` : path;
}

export type Paging = { page: number; pages: number; offset: number };

/** Where page `requested` lands among `total` items shown `size` at a time; an empty list has one (empty) page. */
export function pageOf(total: number, requested: number, size: number): Paging {
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Number.isSafeInteger(requested) && requested >= 1 ? Math.min(requested, pages) : 1;
  return { page, pages, offset: (page - 1) * size };
}

/** The addresses of the previous and next page (null at either end); `at(n)` is page n's address. */
export function pagerLinks(page: number, pages: number, at: (n: number) => string): { previous: string | null; next: string | null } {
  return { previous: page > 1 ? at(page - 1) : null, next: page < pages ? at(page + 1) : null };
}
