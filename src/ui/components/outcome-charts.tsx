/** @module ui/components/outcome-charts — the charts drawn from one stats answer: attempts by outcome, success rate, latency. */
import type { Stats } from "../lib/types";
import { duration, percent } from "../lib/format";
import { BarChart, LineChart } from "./chart";

/** Attempts per bucket, successes and failures stacked. */
export function OutcomeBars({ stats, title }: { stats: Stats; title: string }) {
  const bars = stats.series.map((p) => ({
    at: p.at,
    parts: [
      { value: p.attempts - p.failures, kind: "ok", label: "succeeded" },
      { value: p.failures, kind: "bad", label: "failed" },
    ],
  }));
  return <BarChart bars={bars} title={title} unit={`attempts per ${duration(stats.step_seconds * 1000)}`} />;
}

export function SuccessRateLine({ stats }: { stats: Stats }) {
  const values = stats.series.map((p) => (p.attempts === 0 ? null : (p.attempts - p.failures) / p.attempts));
  return <LineChart title="Success rate" at={stats.series.map((p) => p.at)} lines={[{ kind: "ok", label: "success rate", values }]} format={percent} max={1} />;
}

export function LatencyLines({ stats }: { stats: Stats }) {
  return (
    <LineChart
      title="Latency"
      at={stats.series.map((p) => p.at)}
      lines={[
        { kind: "p50", label: "p50", values: stats.series.map((p) => p.p50_ms) },
        { kind: "p95", label: "p95", values: stats.series.map((p) => p.p95_ms) },
      ]}
      format={(v) => duration(v)}
    />
  );
}
