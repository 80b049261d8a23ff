/**
 * @module stats/latency
 * The fixed latency buckets of the per-minute rollups and the percentiles read
 * back from them. Pure. Bounds follow the attempt-duration histogram of the
 * metrics (milliseconds here): a local receiver answers in a few ms, the
 * default timeout is 30 s. Changing them needs a migration, since each bucket
 * is a column of attempt_rollups.
 */

/** Upper bounds (inclusive, ms) of buckets 0..10; bucket 11 holds everything slower. */
export const LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 30_000] as const;

/** How many buckets a histogram has: one per bound, and the open-ended last. */
export const LATENCY_BUCKETS = LATENCY_BOUNDS_MS.length + 1;

/** The bucket an attempt of `ms` milliseconds falls in. */
export function latencyBucket(ms: number): number {
  for (let i = 0; i < LATENCY_BOUNDS_MS.length; i++) if (ms <= LATENCY_BOUNDS_MS[i]!) return i;
  return LATENCY_BOUNDS_MS.length;
}

/**
 * The `q` quantile (0..1) of a histogram, interpolated linearly inside the
 * bucket it falls in, as Prometheus' histogram_quantile does; the open-ended
 * bucket reaches up to `maxMs`, the slowest attempt seen. Null when empty.
 */
export function latencyQuantile(counts: ArrayLike<number>, q: number, maxMs: number): number | null {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i]!;
    if (n > 0 && below + n >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1]!;
      // No attempt in this bucket was slower than the slowest of all.
      const upper = Math.min(LATENCY_BOUNDS_MS[i] ?? Infinity, Math.max(maxMs, lower));
      return Math.round(lower + (upper - lower) * ((rank - below) / n));
    }
    below += n;
  }
  return maxMs;
}
