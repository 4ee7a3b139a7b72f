import { isoToStockholmLocal } from "../../machines/time";

/**
 * CSV for spreadsheets and archives (the audit trail, a meeting's minutes): RFC 4180 quoting, and a
 * cell a spreadsheet would take for a formula (=, +, -, @) is defused with a leading apostrophe.
 */
export function csvCell(value: unknown): string {
  const text =
    value === null || value === undefined
      ? ""
      : value instanceof Date
        ? value.toISOString()
        : typeof value === "object"
          ? JSON.stringify(value)
          : String(value);
  return /[",\r\n;]/.test(text) || /^[=+\-@]/.test(text) ? `"${text.replace(/^([=+\-@])/, "'$1").replace(/"/g, '""')}"` : text;
}

/** Rows of cells as CSV text: a byte order mark (so a spreadsheet reads UTF-8), CRLF line ends. */
export const csvText = (rows: readonly (readonly unknown[])[]): string => `\uFEFF${rows.map((row) => row.map(csvCell).join(",")).join("\r\n")}\r\n`;

/** A CSV download. */
export function csvResponse(csv: string, name: string): Response {
  return new Response(csv, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}.csv"`, "Cache-Control": "no-store" },
  });
}

/** A moment as a spreadsheet reads it: Stockholm's wall clock, "2026-12-07 14:30". */
export const csvMoment = (iso: string | null | undefined): string => (iso ? (isoToStockholmLocal(iso) ?? iso).replace("T", " ") : "");
