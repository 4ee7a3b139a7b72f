import type { Translator } from "~/i18n";

/**
 * What a report's row and series are called, in the reader's language: one rule for the page, its
 * charts and the CSV files (app/reports/figures.server.ts makes the figures).
 */
type FigureShape = { key: string };

const MONTHLY = ["monthly", "outcomes", "emergencies"];
const BY_TYPE = ["success", "leadTime"];
const BY_EVENT = ["cab", "windows"];

export function rowLabel(t: Translator, figure: FigureShape, label: string): string {
  if (MONTHLY.includes(figure.key)) {
    const [y, m] = label.split("-").map(Number) as [number, number];
    return new Intl.DateTimeFormat(t.lang === "sv" ? "sv-SE" : "en-GB", { month: "short", year: "numeric", timeZone: "UTC" }).format(Date.UTC(y, m - 1, 15));
  }
  if (BY_TYPE.includes(figure.key)) return label === "all" ? t.t("report.row.all") : t.textOr(`type.${label}`, label);
  if (BY_EVENT.includes(figure.key)) return t.textOr(`report.event.${label}`, label);
  if (figure.key === "sla") return t.t("report.priority", { priority: label });
  return label;
}

export const seriesLabel = (t: Translator, series: string): string => t.textOr(`report.series.${series}`, series);

/** How each figure is drawn: the series its bars show, stacked (parts of one whole) or side by side; shares run to 100. */
export const CHARTS: Record<string, { series: string[]; stacked: boolean; percent?: boolean }> = {
  monthly: { series: ["simple-change", "advanced-change", "emergency", "standing-access"], stacked: true },
  outcomes: { series: ["successful", "failed", "rolled-back"], stacked: true },
  success: { series: ["rate"], stacked: false, percent: true },
  emergencies: { series: ["share"], stacked: false, percent: true },
  leadTime: { series: ["met", "late"], stacked: true },
  cab: { series: ["decisions"], stacked: false },
  windows: { series: ["count"], stacked: false },
  extensions: { series: ["requested", "approved", "refused"], stacked: false },
  sla: { series: ["responseShare", "resolutionShare"], stacked: false, percent: true },
  systems: { series: ["cases", "conflicts"], stacked: false },
};
