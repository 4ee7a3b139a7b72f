/**
 * A LIKE / ILIKE pattern for "contains `text`": the text's own `%`, `_` and `\` are taken as
 * themselves (PostgreSQL's default escape character is the backslash), so a search for "100%"
 * finds "100%" and not every "100…".
 */
export function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
