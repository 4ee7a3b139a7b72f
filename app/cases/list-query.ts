import { CASE_STATUSES, CASE_TYPES } from "../../machines/vocabulary";
import { isIsoDate } from "../../machines/calendar";
import type { CaseFilters } from "./lists.server";

/**
 * The case list's query (/cases and its CSV, /cases.csv): the filters as the list understands
 * them — anything malformed in the address is dropped or clamped — and the address for a page.
 */
export const SORTS = ["updated", "window", "number"] as const;
export const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE = 100_000;

type Sort = (typeof SORTS)[number];

/** The filters as the page understands them: anything malformed in the query is dropped or clamped. */
export type ListQuery = {
  status: string;
  type: string;
  system: string;
  q: string;
  from: string;
  to: string;
  sort: Sort;
  page: number;
  pageSize: number;
};

const oneOf = <T extends string>(list: readonly T[], value: string): T | "" => ((list as readonly string[]).includes(value) ? (value as T) : "");

export function readQuery(params: URLSearchParams, system: string): ListQuery {
  const get = (name: string) => (params.get(name) ?? "").trim();
  const date = (name: string) => {
    const value = get(name);
    return isIsoDate(value) ? value : "";
  };
  const whole = (name: string, fallback: number, min: number, max: number) => {
    const value = get(name);
    return /^\d{1,7}$/.test(value) ? Math.min(Math.max(Number(value), min), max) : fallback;
  };
  let from = date("from");
  let to = date("to");
  if (from && to && from > to) [from, to] = [to, from];
  return {
    status: oneOf(CASE_STATUSES, get("status")),
    type: oneOf(CASE_TYPES, get("type")),
    system,
    q: get("q").slice(0, 100),
    from,
    to,
    sort: oneOf(SORTS, get("sort")) || "updated",
    page: whole("page", 1, 1, MAX_PAGE),
    pageSize: whole("pageSize", DEFAULT_PAGE_SIZE, 1, 100),
  };
}

/** The query string for `query` at `page`, leaving out what is empty or default. */
export function searchFor(query: ListQuery, page: number): string {
  const params = new URLSearchParams();
  for (const name of ["status", "type", "system", "q", "from", "to"] as const) if (query[name]) params.set(name, query[name]);
  if (query.sort !== "updated") params.set("sort", query.sort);
  if (query.pageSize !== DEFAULT_PAGE_SIZE) params.set("pageSize", String(query.pageSize));
  if (page > 1) params.set("page", String(page));
  const search = params.toString();
  return search ? `?${search}` : "";
}

/** The list's filters for `listCases`. */
export function filtersOf(query: ListQuery): CaseFilters {
  return {
    status: query.status || undefined,
    type: query.type || undefined,
    system: query.system || undefined,
    q: query.q || undefined,
    from: query.from || undefined,
    to: query.to || undefined,
    sort: query.sort,
    pageSize: query.pageSize,
  };
}
