import { useId } from 'react';
import { formatNumber } from '../lib/format';

export interface Series {
  name: string;
  /** A CSS colour or var(). */
  color: string;
  values: number[];
}

export interface ChartProps {
  title: string;
  labels: string[];
  series: Series[];
  /** bars: stacked bars per label; line: one polyline per series. */
  kind?: 'bars' | 'line';
  unit?: string;
  height?: number;
}

const WIDTH = 600;
const PAD = { top: 10, right: 10, bottom: 24, left: 44 };

/** A "nice" axis maximum: 1, 2 or 5 times a power of ten, at least `max`. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

function legendValue(kind: 'bars' | 'line', values: number[]): string {
  const sum = values.reduce((a, b) => a + b, 0);
  if (kind === 'bars') return formatNumber(sum);
  return formatNumber(values.length ? Math.round(sum / values.length) : 0);
}

/**
 * A small dependency-free SVG chart. Screen readers get the numbers as a table; the SVG is the
 * picture of the same data.
 */
export function Chart({
  title,
  labels,
  series,
  kind = 'bars',
  unit = '',
  height = 180,
}: ChartProps) {
  const id = useId();
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const totals = labels.map((_, i) =>
    kind === 'bars'
      ? series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0)
      : Math.max(0, ...series.map((s) => s.values[i] ?? 0)),
  );
  const max = niceMax(Math.max(0, ...totals));
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const slot = labels.length ? plotW / labels.length : plotW;
  const barW = Math.max(1, Math.min(slot * 0.7, 48));
  const labelEvery = Math.max(1, Math.ceil(labels.length / 8));
  const empty = totals.every((t) => t === 0);

  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-labelledby={`${id}-title`}
        preserveAspectRatio="none"
        data-testid="chart-svg"
      >
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line
              x1={PAD.left}
              x2={WIDTH - PAD.right}
              y1={y(max * f)}
              y2={y(max * f)}
              className="chart-grid"
            />
            <text x={PAD.left - 6} y={y(max * f) + 4} textAnchor="end" className="chart-axis">
              {formatNumber(max * f)}
            </text>
          </g>
        ))}
        {kind === 'bars' &&
          labels.map((label, i) => {
            let base = 0;
            return (
              <g key={label}>
                {series.map((s) => {
                  const v = s.values[i] ?? 0;
                  const top = y(base + v);
                  const rect = (
                    <rect
                      key={s.name}
                      x={PAD.left + i * slot + (slot - barW) / 2}
                      y={top}
                      width={barW}
                      height={Math.max(0, y(base) - top)}
                      fill={s.color}
                    >
                      <title>{`${label} · ${s.name}: ${formatNumber(v)}${unit}`}</title>
                    </rect>
                  );
                  base += v;
                  return rect;
                })}
              </g>
            );
          })}
        {kind === 'line' &&
          series.map((s) => (
            <polyline
              key={s.name}
              fill="none"
              stroke={s.color}
              strokeWidth={2}
              vectorEffect="non-scaling-stroke"
              points={s.values.map((v, i) => `${PAD.left + i * slot + slot / 2},${y(v)}`).join(' ')}
            />
          ))}
        {labels.map((label, i) =>
          i % labelEvery === 0 ? (
            <text
              key={label}
              x={PAD.left + i * slot + slot / 2}
              y={height - 6}
              textAnchor="middle"
              className="chart-axis"
            >
              {label}
            </text>
          ) : null,
        )}
      </svg>
      {empty && <p className="chart-empty">No data in this period yet.</p>}
      <ul className="legend">
        {series.map((s) => (
          <li key={s.name}>
            <span className="swatch" style={{ background: s.color }} aria-hidden="true" />
            {s.name}: {legendValue(kind, s.values)}
            {kind === 'line' ? `${unit} average` : ''}
          </li>
        ))}
      </ul>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Period</th>
            {series.map((s) => (
              <th scope="col" key={s.name}>
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((label, i) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              {series.map((s) => (
                <td key={s.name}>
                  {formatNumber(s.values[i] ?? 0)}
                  {unit}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
