/**
 * @module scheduler/backoff
 * When the next attempt fires. Pure: time and randomness come in as arguments.
 * Jitter is only ever added, so a receiver is never retried earlier than the
 * documented timetable promises.
 */
import type { RetryPolicy } from "../config/types";

export interface BackoffInput {
  readonly policy: RetryPolicy;
  /** Attempts made so far, including the one that just failed. */
  readonly attemptsMade: number;
  readonly createdAt: number;
  /** When the last attempt ended (or the creation time, for the first attempt). */
  readonly from: number;
  readonly jitter: number;
  /** A number in [0, 1). */
  readonly random: number;
  /** The receiver's Retry-After as a delay in ms, if it sent one we understood. */
  readonly retryAfterMs?: number | null;
}

/** The time of the next attempt, or null when the timetable (or `max_age`) is exhausted. */
export function nextAttemptAt(input: BackoffInput): number | null {
  const { policy, attemptsMade } = input;
  const base = policy.delaysMs[attemptsMade];
  if (base === undefined) return null;
  let delay = base * (1 + input.jitter * input.random);
  if (input.retryAfterMs != null) delay = Math.max(delay, Math.min(input.retryAfterMs, longestDelay(policy)));
  const at = Math.round(input.from + delay);
  if (policy.maxAgeMs !== null && at > input.createdAt + policy.maxAgeMs) return null;
  return at;
}

/** Every remaining attempt's time if each one fails, without jitter (for `deliveries show`). */
export function upcomingAttempts(policy: RetryPolicy, attemptsMade: number, nextAt: number | null, createdAt: number): number[] {
  if (nextAt === null) return [];
  const times = [nextAt];
  let at = nextAt;
  for (let n = attemptsMade + 1; n < policy.delaysMs.length; n++) {
    at += policy.delaysMs[n]!;
    if (policy.maxAgeMs !== null && at > createdAt + policy.maxAgeMs) break;
    times.push(at);
  }
  return times;
}

/** The longest wait the timetable has; Retry-After may not push an attempt further than this. */
export function longestDelay(policy: RetryPolicy): number {
  return Math.max(0, ...policy.delaysMs);
}
