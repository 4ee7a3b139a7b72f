/** Names shared by the global setup and the per-file helper when tests run on a PostgreSQL server. */
export const TEMPLATE_PREFIX = "portal_test_template_";

/** `url` with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
