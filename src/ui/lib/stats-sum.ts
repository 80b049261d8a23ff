/**
 * @module ui/lib/stats-sum
 * Several endpoints' stats answers (same window) added up into one, for a
 * tenant's overview: `GET /v1/stats` is an admin route, while a tenant may
 * read each of its endpoints' stats. Counts, outcomes, backlogs and series
 * (bucket by bucket, matched by time) add up; percentiles do not, so the
 * sum has none. Pure.
 */
import type { Stats, StatsWindow } from "./types";

const STEP_SECONDS: Record<StatsWindow, number> = { "1h": 60, "24h": 300, "7d": 3600 };

export function sumStats(window: StatsWindow, parts: readonly Stats[]): Stats {
  const series = new Map<string, { attempts: number; failures: number }>();
  const by_result = { success: 0, http_error: 0, timeout: 0, network: 0, blocked: 0 };
  const backlog = { pending: 0, in_flight: 0, held: 0, failed: 0 };
  let attempts = 0;
  let delivered = 0;
  let failed = 0;
  let oldest: string | null = null;
  for (const s of parts) {
    attempts += s.attempts;
    delivered += s.delivered;
    failed += s.failed;
    for (const k of Object.keys(by_result) as (keyof typeof by_result)[]) by_result[k] += s.by_result[k];
    for (const k of Object.keys(backlog) as (keyof typeof backlog)[]) backlog[k] += s.backlog[k];
    if (s.oldest_pending_at !== null && (oldest === null || Date.parse(s.oldest_pending_at) < Date.parse(oldest))) oldest = s.oldest_pending_at;
    for (const p of s.series) {
      const sum = series.get(p.at) ?? { attempts: 0, failures: 0 };
      sum.attempts += p.attempts;
      sum.failures += p.failures;
      series.set(p.at, sum);
    }
  }
  const points = [...series].sort(([a], [b]) => Date.parse(a) - Date.parse(b)).map(([at, v]) => ({ at, ...v, p50_ms: null, p95_ms: null }));
  return {
    window,
    step_seconds: parts[0]?.step_seconds ?? STEP_SECONDS[window],
    from: parts[0]?.from ?? "",
    to: parts[0]?.to ?? "",
    attempts,
    delivered,
    failed,
    success_rate: attempts === 0 ? null : by_result.success / attempts,
    latency_ms: { p50: null, p95: null, p99: null },
    by_result,
    series: points,
    backlog,
    oldest_pending_at: oldest,
  };
}
