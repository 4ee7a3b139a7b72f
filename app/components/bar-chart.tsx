import { useT } from "~/i18n";
import { CHARTS, rowLabel, seriesLabel } from "~/reports/labels";

type FigureData = { key: string; series: string[]; rows: { label: string; values: number[] }[] };

/**
 * A report's figure as horizontal bars, drawn on the server (SVG, no script): one row per label,
 * its series stacked or side by side, with a legend. The table beside it carries the same
 * numbers for screen readers and for print, so the drawing itself is hidden from them.
 */
export function BarChart({ figure }: { figure: FigureData }) {
  const translator = useT();
  const chart = CHARTS[figure.key]!;
  const index = chart.series.map((s) => figure.series.indexOf(s));
  const valuesOf = (row: { values: number[] }) => index.map((i) => row.values[i] ?? 0);
  const max = chart.percent ? 100 : Math.max(1, ...figure.rows.map((r) => (chart.stacked ? valuesOf(r).reduce((a, b) => a + b, 0) : Math.max(...valuesOf(r)))));
  const shown = (n: number) => (chart.percent ? `${n} %` : String(n));
  return (
    <div className="chart" aria-hidden="true">
      {chart.series.length > 1 ? (
        <ul className="chart__legend">
          {chart.series.map((s, i) => (
            <li key={s}>
              <svg viewBox="0 0 10 10" className="chart__swatch">
                <rect width="10" height="10" className={`chart__s${i}`} />
              </svg>
              {seriesLabel(translator, s)}
            </li>
          ))}
        </ul>
      ) : null}
      {figure.rows.map((row) => {
        const values = valuesOf(row);
        const height = chart.stacked ? 10 : 10 * values.length;
        let x = 0;
        return (
          <div className="chart__row" key={row.label}>
            <span className="chart__label">{rowLabel(translator, figure, row.label)}</span>
            <svg viewBox={`0 0 100 ${height}`} preserveAspectRatio="none" className="chart__bars" style={{ height: `${height / 10}rem` }}>
              {values.map((v, i) => {
                const width = (100 * v) / max;
                const rect = chart.stacked ? (
                  <rect key={i} x={x} y={0} width={width} height={10} className={`chart__s${i}`} />
                ) : (
                  <rect key={i} x={0} y={i * 10 + 1} width={width} height={8} className={`chart__s${i}`} />
                );
                x += width;
                return rect;
              })}
            </svg>
            <span className="chart__value">{chart.stacked ? shown(values.reduce((a, b) => a + b, 0)) : values.map(shown).join(" / ")}</span>
          </div>
        );
      })}
    </div>
  );
}
