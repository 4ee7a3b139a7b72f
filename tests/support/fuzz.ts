import { sql } from "drizzle-orm";
import fc from "fast-check";

import { rows, type Db } from "../../db/client";
import { appHandler, ORIGIN } from "./app";

/**
 * Fuzzing support: a sender that can put anything on the wire (raw bodies, any content type,
 * any method), a cheap fingerprint of every application table, and generators of hostile input.
 */

// Sending --------------------------------------------------------------------------------------

export type Body =
  | { kind: "none" }
  | { kind: "form"; fields: [string, string][] }
  | { kind: "multipart"; fields: [string, string][] }
  | { kind: "json"; value: unknown }
  | { kind: "raw"; text: string; type: string | null };

export type FuzzRequest = {
  method: string;
  /** Path and query, already encoded. */
  path: string;
  body: Body;
  cookie?: string;
  token?: string;
  headers?: Record<string, string>;
};

/** Sends one request through the built app, as the server would (same handler as tests/support/app.ts). */
export async function send(request: FuzzRequest): Promise<Response> {
  const headers = new Headers();
  // A header value is bytes without NUL, CR or LF: a client cannot send anything else.
  for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name, value.replace(/[\0\r\n]|[^\u0000-\u00ff]/g, ""));
  if (request.cookie) headers.set("Cookie", request.cookie);
  if (request.token) headers.set("Authorization", `Bearer ${request.token}`);
  const method = request.method.toUpperCase();
  let body: BodyInit | undefined;
  if (method !== "GET" && method !== "HEAD") {
    const b = request.body;
    if (b.kind === "form") {
      body = new URLSearchParams(b.fields.map(([k, v]) => [wellFormed(k), wellFormed(v)])).toString();
      headers.set("Content-Type", "application/x-www-form-urlencoded");
    } else if (b.kind === "multipart") {
      const data = new FormData();
      for (const [k, v] of b.fields) data.append(wellFormed(k), wellFormed(v));
      body = data;
    } else if (b.kind === "json") {
      body = JSON.stringify(b.value) ?? "";
      headers.set("Content-Type", "application/json");
    } else if (b.kind === "raw") {
      body = b.text;
      if (b.type !== null) headers.set("Content-Type", b.type);
    }
  }
  const built = new Request(`${ORIGIN}${request.path}`, { method, headers, body });
  return (await appHandler())(built, { ip: "198.51.100.7" });
}

/** A string that survives URL encoding (lone surrogates become U+FFFD, as a browser would send them). */
export function wellFormed(value: string): string {
  return value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

/** `encodeURIComponent` that never throws. */
export const seg = (value: string) => encodeURIComponent(wellFormed(value));

/** A query string from pairs (repeats allowed), with its leading `?` when not empty. */
export function query(pairs: [string, string][]): string {
  const search = new URLSearchParams(pairs.map(([k, v]) => [wellFormed(k), wellFormed(v)])).toString();
  return search ? `?${search}` : "";
}

// The fingerprint ------------------------------------------------------------------------------
//
// One query, a few milliseconds: per table, count(*) and a checksum, compared before and after a
// request. Cheap enough to take around every one of a thousand requests.

/**
 * What the fingerprint leaves out. Each exclusion is something a request records even when it is
 * refused, on purpose; nothing else is left out.
 */
const EXCLUDED_TABLES = new Set([
  // Every sign-in attempt, refused ones above all, is counted here: that is the rate limit.
  "sign_in_attempts",
]);
const EXCLUDED_COLUMNS: Record<string, string[]> = {
  // Touched (at most once a minute) by every request of a signed-in session, refused or not.
  sessions: ["last_seen_at"],
  // Likewise for every request with a bearer token.
  api_tokens: ["last_used_at"],
};
const ROW_FILTERS: Record<string, string> = {
  // Security events that exist *because* something was refused: a lock-out after failed
  // passwords, a failed second factor, a cloned authenticator. Every other audit row counts.
  audit_log: "action not in ('auth.locked-out', 'auth.second-factor-failed', 'auth.counter-regression', 'auth.too-new')",
};

let fingerprintSql: string | undefined;

async function fingerprintQuery(db: Db): Promise<string> {
  if (fingerprintSql) return fingerprintSql;
  const tables = await rows<{ table_name: string }>(
    db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`),
  );
  const parts = tables
    .map((t) => t.table_name)
    .filter((name) => !EXCLUDED_TABLES.has(name))
    .map((name) => {
      const drop = EXCLUDED_COLUMNS[name]?.map((c) => ` - '${c}'`).join("") ?? "";
      const where = ROW_FILTERS[name] ? ` where ${ROW_FILTERS[name]}` : "";
      // The rows' xmin (the transaction that wrote each row version): any insert, update or delete
      // that commits changes the count or the sum (an update writes a new version, with a newer
      // xmin, even when it writes the same values back). Locking a row (FOR UPDATE) does not.
      if (!drop) return `select '${name}' as t, count(*)::int as n, coalesce(sum(xmin::text::bigint), 0)::text as h from "${name}"${where}`;
      // With a column left out the content itself is compared: an order-free sum of 64-bit hashes of
      // each row's JSON without that column.
      return `select '${name}' as t, count(*)::int as n, coalesce(sum(hashtextextended(r, 0)), 0)::text as h from (select (to_jsonb(x)${drop})::text as r from "${name}" x${where}) s`;
    });
  fingerprintSql = parts.join("\nunion all\n");
  return fingerprintSql;
}

export type Fingerprint = Record<string, string>;

/** Per application table (every base table in `public`): its row count and a checksum of its rows. */
export async function fingerprint(db: Db): Promise<Fingerprint> {
  const result = await rows<{ t: string; n: number; h: string }>(db.execute(sql.raw(await fingerprintQuery(db))));
  return Object.fromEntries(result.map((r) => [r.t, `${r.n}:${r.h}`]));
}

/** The tables whose fingerprint differs. */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  return Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
}

// Half-writes ----------------------------------------------------------------------------------

/**
 * What must hold after any request that was accepted: the database tells one story. A case's
 * status is its machine's state and its trail's last transition; its version counts its
 * transitions; a case that was approved has exactly one access window, in the state its status
 * says; a window's status is its machine's state. Returns each breach, named.
 */
export async function halfWrites(db: Db): Promise<string[]> {
  const found = await rows<{ problem: string }>(
    db.execute(sql`
      with transitions as (
        select case_id, count(*)::int as n, (array_agg(to_state order by id desc))[1] as last_to
        from audit_log
        where case_id is not null and action = 'case.transition' and event is not null and event <> 'LINKED_CHANGE' and coalesce(from_state, '') not like 'window:%'
        group by case_id
      ),
      windows as (select case_id, count(*)::int as n, min(status) as status from access_windows group by case_id)
      select c.number || ': status ' || c.status || ' but machine state ' || (c.state->>'value') as problem from cases c where c.status <> c.state->>'value'
      union all
      select c.number || ': status ' || c.status || ' but the trail ends at ' || coalesce(t.last_to, 'nothing') from cases c left join transitions t on t.case_id = c.id where t.last_to is distinct from c.status
      union all
      select c.number || ': version ' || c.version || ' but ' || coalesce(t.n, 0) || ' transitions' from cases c left join transitions t on t.case_id = c.id where c.version <> coalesce(t.n, 0)
      union all
      select c.number || ': ' || c.status || ' with ' || coalesce(w.n, 0) || ' windows' from cases c left join windows w on w.case_id = c.id
        where c.type <> 'standing-access' and c.status in ('approved', 'window-open', 'window-closed', 'outcome-reported', 'closed') and coalesce(w.n, 0) <> 1
      union all
      select c.number || ': ' || c.status || ' but its window is ' || w.status from cases c join windows w on w.case_id = c.id
        where not ((c.status = 'approved' and w.status = 'scheduled') or (c.status = 'window-open' and w.status = 'open')
          or (c.status in ('window-closed', 'outcome-reported', 'closed') and w.status = 'closed') or (c.status = 'cancelled' and w.status = 'cancelled'))
      union all
      select 'window ' || w.id || ': status ' || w.status || ' but machine state ' || (w.state->>'value') from access_windows w where w.status <> w.state->>'value'
    `),
  );
  return found.map((r) => r.problem);
}

// Refusals -------------------------------------------------------------------------------------

/**
 * Whether an answer refuses the request: a 4xx; a redirect to sign in (the guard); or a page
 * rendered again with field errors (a form's error summary or an invalid field).
 */
export function isRefusal(status: number, location: string | null, text: string): boolean {
  if (status >= 400 && status < 500) return true;
  if (status >= 300 && status < 400) return /^\/login(\?|$)/.test(location ?? "");
  if (status === 200) return text.includes('class="error-summary"') || text.includes('aria-invalid="true"');
  return false;
}

// Generators -----------------------------------------------------------------------------------

/** Strings that have broken servers before. */
export const SPECIAL_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\t\r\n",
  "null",
  "undefined",
  "true",
  "false",
  "[]",
  "{}",
  "NaN",
  "Infinity",
  "-Infinity",
  "0",
  "-0",
  "-1",
  "1",
  "2",
  "1.5",
  "1e3",
  "1e309",
  "-1e309",
  "2147483647",
  "2147483648",
  "-2147483649",
  "9007199254740993",
  "99999999999999999999",
  "0x1F",
  " 42 ",
  "٣",
  "１２",
  "<script>alert(1)</script>",
  "'; drop table cases; --",
  "' or '1'='1",
  "%00",
  "%",
  "%zz",
  "../../etc/passwd",
  "\\",
  "//evil.example/",
  "https://evil.example/",
  "javascript:alert(1)",
  "🙂",
  "👩‍👩‍👧‍👦",
  "\u202e",
  "\ud800",
  "\udfff",
  "ß",
  "İ",
  "Åäö",
  "x".repeat(201),
  "x".repeat(4001),
  "x".repeat(10_001),
  "2026-02-30",
  "2026-13-01",
  "0000-01-01",
  "9999-12-31",
  "+275760-09-13",
  "2026-12-21T25:61",
  "2026-12-21T08:00",
  "0000-01-01T00:00Z",
  "0001-01-01T00:00:00Z",
  "9999-12-31T23:59:59+14:00",
  "1970-01-01T00:00:00.000000001Z",
  "2026-12-28T08:00:00+01:00",
] as const;

/** Any string: special ones, printable unicode, arbitrary code points (including NUL). */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 30 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
);

/** Numbers of every awkward kind (NaN and ±Infinity become null in JSON). */
export const anyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, -1, 1, 2, 3, 4, 1.5, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 2 ** 53 + 2, 1e20, -1e20, 1e308, Number.MIN_VALUE, NaN, Infinity),
  fc.integer(),
  fc.double(),
);

/** Any JSON value, a little deep. */
export const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 });

/** A value of any type, for a field that wants a particular one. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: anyString },
  { weight: 2, arbitrary: anyNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(anyString, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), anyString, { maxKeys: 3 }) },
  { weight: 1, arbitrary: anyJson },
);

/** Date-like strings: real instants (ISO, with and without offsets), near misses and nonsense. */
export const dateLike: fc.Arbitrary<string> = fc.oneof(
  fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2200-01-01T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc
    .tuple(
      fc.integer({ min: 0, max: 10_000 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 0, max: 61 }),
      fc.constantFrom("Z", "+01:00", "-14:00", "+99:99", ""),
    )
    .map(
      ([y, mo, d, h, mi, z]) =>
        `${String(y).padStart(4, "0")}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}T${String(h).padStart(2, "0")}:${String(mi).padStart(2, "0")}${z}`,
    ),
  fc
    .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
    .map(([y, mo, d]) => `${String(y).padStart(4, "0")}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`),
  anyString,
);

/** An id in a form or a path: real ones (given), small numbers, huge numbers, junk. */
export function idLike(real: readonly (number | string)[] = []): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: real.length ? 3 : 0, arbitrary: real.length ? fc.constantFrom(...real.map(String)) : fc.constant("1") },
    { weight: 2, arbitrary: fc.integer({ min: -5, max: 1000 }).map(String) },
    { weight: 1, arbitrary: fc.constantFrom("0", "-1", "1.5", "1e3", "2147483648", "9007199254740993", "99999999999999999999", "NaN", "", " 1", "0x10", "١") },
    { weight: 1, arbitrary: anyString },
  );
}

/** One of `values` most of the time, else anything. */
export function mostly(values: readonly string[], weight = 3): fc.Arbitrary<string> {
  return fc.oneof({ weight, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: anyString });
}

/**
 * Form fields: for each known field, a value from its generator (sometimes left out, sometimes
 * repeated), plus now and then an unknown field.
 */
export function formFields(fields: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<[string, string][]> {
  const entries = Object.entries(fields).map(([name, arb]) =>
    fc.oneof(
      { weight: 6, arbitrary: arb.map((v) => [[name, v]] as [string, string][]) },
      { weight: 1, arbitrary: fc.constant([] as [string, string][]) },
      {
        weight: 1,
        arbitrary: fc.tuple(arb, arb).map(
          ([a, b]) =>
            [
              [name, a],
              [name, b],
            ] as [string, string][],
        ),
      },
    ),
  );
  return fc
    .tuple(
      fc.tuple(...entries),
      fc.oneof(
        { weight: 3, arbitrary: fc.constant([] as [string, string][]) },
        {
          weight: 1,
          arbitrary: fc.array(fc.tuple(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("_data", "__proto__", "constructor", "intent")), anyString), {
            minLength: 1,
            maxLength: 2,
          }),
        },
      ),
    )
    .map(([known, extra]) => [...known.flat(), ...extra]);
}

/**
 * Variants of a valid JSON object that are structured but wrong: fields of the wrong type, too
 * long, missing, unknown keys, nested objects broken, the whole thing in an array — and now and
 * then the valid object itself, so the deep checks are reached too.
 */
export function wrongly(valid: Record<string, unknown>, nested: Record<string, fc.Arbitrary<unknown>> = {}): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  const key = fc.constantFrom(...keys);
  // Text fields (and lists of text) keep their type but get a hostile string in them.
  const texts = keys.filter((k) => typeof valid[k] === "string" || (Array.isArray(valid[k]) && (valid[k] as unknown[]).every((v) => typeof v === "string")));
  const spike = (value: unknown, bad: string, how: string): unknown =>
    Array.isArray(value) ? [...value, bad] : how === "replace" ? bad : how === "append" ? `${String(value)}${bad}` : `${bad}${String(value)}`;
  const spiked = texts.length
    ? [
        {
          weight: 5,
          arbitrary: fc
            .tuple(fc.constantFrom(...texts), fc.constantFrom(...SPECIAL_STRINGS), fc.constantFrom("replace", "append", "prepend"))
            .map(([k, bad, how]) => ({ ...valid, [k]: spike(valid[k], bad, how) })),
        },
      ]
    : [];
  return fc.oneof(
    ...spiked,
    { weight: 2, arbitrary: fc.constant(valid) },
    { weight: 4, arbitrary: fc.tuple(key, anyValue).map(([k, v]) => ({ ...valid, [k]: v })) },
    { weight: 3, arbitrary: fc.dictionary(key, anyValue, { maxKeys: 4 }).map((d) => ({ ...valid, ...d })) },
    { weight: 2, arbitrary: key.map((k) => Object.fromEntries(Object.entries(valid).filter(([name]) => name !== k))) },
    { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 12 }), anyValue).map(([k, v]) => ({ ...valid, [k]: v })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("__proto__", "constructor", "prototype").map((k) => ({ ...valid, ...JSON.parse(`{"${k}": {"polluted": true}}`) })),
    },
    { weight: 1, arbitrary: fc.constant([valid]) },
    { weight: 1, arbitrary: anyValue },
    ...Object.entries(nested).map(([k, arb]) => ({ weight: 3, arbitrary: arb.map((v) => ({ ...valid, [k]: v })) })),
  );
}

/** JSON bodies as they arrive: mostly JSON, sometimes broken text, another content type, or none. */
export function jsonBody(value: fc.Arbitrary<unknown>): fc.Arbitrary<Body> {
  return fc.oneof(
    { weight: 8, arbitrary: value.map((v) => ({ kind: "json", value: v }) as Body) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          "{",
          '{"type":',
          "[1,2",
          "nul",
          '{"a":1}}',
          "\u0000",
          "",
          '"\\ud800"',
          '{"title":"\\u0000"}',
          '{"title":"\\ud800\\ud800"}',
          '{"type":"SUBMIT"\u0000}',
          "1".repeat(70_000),
          `${"[".repeat(30_000)}${"]".repeat(30_000)}`,
          `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`,
        )
        .map((text) => ({ kind: "raw", text, type: "application/json" }) as Body),
    },
    { weight: 1, arbitrary: fc.tuple(value, contentType).map(([v, type]) => ({ kind: "raw", text: JSON.stringify(v) ?? "", type }) as Body) },
    { weight: 1, arbitrary: fc.constant({ kind: "none" } as Body) },
  );
}

/** Form bodies as they arrive: mostly url-encoded, sometimes multipart, JSON, raw text or nothing. */
export function formBody(fields: fc.Arbitrary<[string, string][]>): fc.Arbitrary<Body> {
  return fc.oneof(
    { weight: 10, arbitrary: fields.map((f) => ({ kind: "form", fields: f }) as Body) },
    { weight: 2, arbitrary: fields.map((f) => ({ kind: "multipart", fields: f }) as Body) },
    { weight: 1, arbitrary: fields.map((f) => ({ kind: "json", value: Object.fromEntries(f) }) as Body) },
    { weight: 1, arbitrary: fc.tuple(anyString, contentType).map(([text, type]) => ({ kind: "raw", text, type }) as Body) },
    { weight: 1, arbitrary: fc.constant({ kind: "none" } as Body) },
  );
}

export const contentType: fc.Arbitrary<string | null> = fc.constantFrom(
  null,
  "",
  "text/plain",
  "application/xml",
  "application/json",
  "application/json; charset=utf-16",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "multipart/form-data; boundary=xyz",
  "application/vnd.api+json",
  "application/octet-stream",
  "garbage/;;;",
);
