/**
 * @module stats/answer
 * Rollup buckets → the stats answer of contract §10: totals, success rate,
 * latency percentiles from the summed histogram, results by kind, and a
 * series with one point per bucket (empty buckets included, so a chart's
 * time axis has no gaps). Pure.
 */
import type { RollupBucket } from "../outbox/rollups";
import { LATENCY_BUCKETS, latencyQuantile } from "./latency";
import type { StatsWindow, WindowRange } from "./window";

export interface SeriesPoint {
  at: string;
  attempts: number;
  failures: number;
  p50_ms: number | null;
  p95_ms: number | null;
}

export interface StatsFigures {
  window: StatsWindow;
  step_seconds: number;
  from: string;
  to: string;
  attempts: number;
  delivered: number;
  failed: number;
  success_rate: number | null;
  latency_ms: { p50: number | null; p95: number | null; p99: number | null };
  by_result: { success: number; http_error: number; timeout: number; network: number; blocked: number };
  series: SeriesPoint[];
}

const histogram = (b: RollupBucket) => Array.from({ length: LATENCY_BUCKETS }, (_, i) => b[`lat${i}`] ?? 0);

/** The answer for `window` from the buckets Rollups.read gave for `range`. */
export function statsAnswer(window: StatsWindow, range: WindowRange, rows: readonly RollupBucket[]): StatsFigures {
  const minute = 60_000;
  const byBucket = new Map(rows.map((r) => [r.bucket, r]));
  const total = new Array<number>(LATENCY_BUCKETS).fill(0);
  const by_result = { success: 0, http_error: 0, timeout: 0, network: 0, blocked: 0 };
  let attempts = 0;
  let delivered = 0;
  let failed = 0;
  let maxMs = 0;
  const series: SeriesPoint[] = [];
  for (let i = 0; i < range.buckets; i++) {
    const bucket = range.firstBucket + i;
    const at = new Date(bucket * range.stepMinutes * minute).toISOString();
    const r = byBucket.get(bucket);
    if (!r) {
      series.push({ at, attempts: 0, failures: 0, p50_ms: null, p95_ms: null });
      continue;
    }
    const h = histogram(r);
    for (let j = 0; j < LATENCY_BUCKETS; j++) total[j]! += h[j]!;
    for (const k of Object.keys(by_result) as (keyof typeof by_result)[]) by_result[k] += r[k];
    attempts += r.attempts;
    delivered += r.delivered;
    failed += r.failed;
    maxMs = Math.max(maxMs, r.latency_max_ms);
    series.push({
      at,
      attempts: r.attempts,
      failures: r.attempts - r.success,
      p50_ms: latencyQuantile(h, 0.5, r.latency_max_ms),
      p95_ms: latencyQuantile(h, 0.95, r.latency_max_ms),
    });
  }
  return {
    window,
    step_seconds: range.stepMinutes * 60,
    from: new Date(range.fromMinute * minute).toISOString(),
    to: new Date(range.toMinute * minute).toISOString(),
    attempts,
    delivered,
    failed,
    success_rate: attempts === 0 ? null : by_result.success / attempts,
    latency_ms: { p50: latencyQuantile(total, 0.5, maxMs), p95: latencyQuantile(total, 0.95, maxMs), p99: latencyQuantile(total, 0.99, maxMs) },
    by_result,
    series,
  };
}
