/**
 * @module stats/window
 * The windows the stats API answers for, and how each is cut into the
 * buckets of its series: 60 of a minute for the last hour, 288 of five
 * minutes for the day, 168 of an hour for the week. Buckets are aligned to
 * their size, so the window runs from the start of its oldest bucket to the
 * end of the current one. Pure.
 */

export const STATS_WINDOWS = ["1h", "24h", "7d"] as const;
export type StatsWindow = (typeof STATS_WINDOWS)[number];

const SHAPES: Record<StatsWindow, { readonly buckets: number; readonly stepMinutes: number }> = {
  "1h": { buckets: 60, stepMinutes: 1 },
  "24h": { buckets: 288, stepMinutes: 5 },
  "7d": { buckets: 168, stepMinutes: 60 },
};

/** Rollups older than the longest window (and its partial oldest bucket) are never read again. */
export const ROLLUP_RETENTION_MINUTES = 7 * 24 * 60 + 60;

export interface WindowRange {
  readonly stepMinutes: number;
  /** First minute included. */
  readonly fromMinute: number;
  /** First minute excluded. */
  readonly toMinute: number;
  /** Index (minute / step) of the oldest bucket. */
  readonly firstBucket: number;
  readonly buckets: number;
}

/** The minutes `window` covers at `now` (unix ms). */
export function windowRange(window: StatsWindow, now: number): WindowRange {
  const { buckets, stepMinutes } = SHAPES[window];
  const current = Math.floor(now / 60_000 / stepMinutes);
  const firstBucket = current - buckets + 1;
  return { stepMinutes, fromMinute: firstBucket * stepMinutes, toMinute: (current + 1) * stepMinutes, firstBucket, buckets };
}
