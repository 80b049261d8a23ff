/**
 * @module ui/components/chart
 * Small SVG charts drawn from the stats series: stacked bars (attempts by
 * outcome per bucket) and lines (a rate or a latency over time). Sizes are
 * SVG attributes and colours CSS classes, so the page's style policy needs
 * no inline style.
 */
import { time } from "../lib/format";

const W = 600;
const H = 140;
const PAD_BOTTOM = 16;

export interface BarPart {
  readonly value: number;
  /** CSS class of the part's colour. */
  readonly kind: string;
  readonly label: string;
}

export interface Bar {
  readonly at: string;
  readonly parts: readonly BarPart[];
}

function Axis({ first, last, top }: { first: string; last: string; top: string }) {
  return (
    <g class="axis">
      <text x="0" y={H - 3}>{first}</text>
      <text x={W} y={H - 3} text-anchor="end">{last}</text>
      <text x="2" y="10">{top}</text>
    </g>
  );
}

/** Stacked bars, one per bucket; `unit` names what a bar counts in its tooltip. */
export function BarChart({ bars, title, unit }: { bars: readonly Bar[]; title: string; unit: string }) {
  const max = Math.max(1, ...bars.map((b) => b.parts.reduce((n, p) => n + p.value, 0)));
  const w = W / Math.max(1, bars.length);
  const plot = H - PAD_BOTTOM;
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} preserveAspectRatio="none">
        {bars.map((b, i) => {
          let y = plot;
          return (
            <g key={b.at}>
              <title>{`${time(b.at)}: ${b.parts.map((p) => `${p.value} ${p.label}`).join(", ")} ${unit}`}</title>
              {b.parts.map((p) => {
                const h = (p.value / max) * (plot - 12);
                y -= h;
                return p.value > 0 ? <rect class={`bar ${p.kind}`} x={i * w + w * 0.1} y={y} width={w * 0.8} height={h} /> : null;
              })}
            </g>
          );
        })}
        <Axis first={bars[0] ? time(bars[0].at) : ""} last={bars.at(-1) ? time(bars.at(-1)!.at) : ""} top={`${max} ${unit}`} />
      </svg>
    </figure>
  );
}

export interface Line {
  readonly kind: string;
  readonly label: string;
  readonly values: readonly (number | null)[];
}

/** Lines over the same time axis; gaps where a value is null. `format` labels the top of the scale. */
export function LineChart({ at, lines, title, format, max }: { at: readonly string[]; lines: readonly Line[]; title: string; format: (v: number) => string; max?: number }) {
  const top = max ?? Math.max(1, ...lines.flatMap((l) => l.values.filter((v): v is number => v !== null)));
  const plot = H - PAD_BOTTOM;
  const x = (i: number) => (at.length <= 1 ? W / 2 : (i / (at.length - 1)) * W);
  const y = (v: number) => plot - (v / top) * (plot - 12);
  return (
    <figure class="chart">
      <figcaption>
        {title}
        {lines.map((l) => (
          <span class={`legend ${l.kind}`}>{l.label}</span>
        ))}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} preserveAspectRatio="none">
        {lines.map((l) => {
          const runs: string[][] = [[]];
          l.values.forEach((v, i) => {
            if (v === null) runs.push([]);
            else runs.at(-1)!.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
          });
          return runs.filter((r) => r.length > 0).map((r) => (r.length === 1 ? <circle class={`dot ${l.kind}`} cx={r[0]!.split(",")[0]} cy={r[0]!.split(",")[1]} r="2" /> : <polyline class={`line ${l.kind}`} points={r.join(" ")} />));
        })}
        <Axis first={at[0] ? time(at[0]) : ""} last={at.at(-1) ? time(at.at(-1)!) : ""} top={format(top)} />
      </svg>
    </figure>
  );
}
