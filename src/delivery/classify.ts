/**
 * @module delivery/classify
 * The one decision after every attempt: delivered, retry (and when), failed
 * (dead-letter), and whether the endpoint must be disabled. Pure, and covered
 * row by row by a table test.
 */
import type { DisableAfter, RetryPolicy } from "../config/types";
import { nextAttemptAt } from "../scheduler/backoff";
import { parseRetryAfter } from "./retry-after";

/** What one attempt produced. */
export type AttemptResult =
  | { readonly kind: "response"; readonly status: number; readonly retryAfter: string | null }
  | { readonly kind: "timeout" }
  | { readonly kind: "network" }
  | { readonly kind: "blocked" };

/** The metric label for an attempt result. */
export type ResultLabel = "success" | "http_error" | "timeout" | "network" | "blocked";

export interface FailureCounters {
  readonly consecutiveFailures: number;
  readonly failingSince: number | null;
}

export interface ClassifyInput {
  readonly result: AttemptResult;
  /** Attempts made including this one. */
  readonly attemptsMade: number;
  readonly policy: RetryPolicy;
  readonly jitter: number;
  readonly disableAfter: DisableAfter;
  readonly counters: FailureCounters;
  readonly createdAt: number;
  /** When this attempt started (failing_since counts from the first failed attempt's start). */
  readonly startedAt: number;
  /** When this attempt ended. */
  readonly now: number;
  readonly random: number;
}

export type DeliveryVerdict =
  | { readonly status: "delivered" }
  | { readonly status: "pending"; readonly nextAttemptAt: number }
  | { readonly status: "failed" };

export interface Decision {
  readonly label: ResultLabel;
  readonly delivery: DeliveryVerdict;
  readonly counters: FailureCounters;
  /** Why the endpoint must be disabled now, or null. */
  readonly disable: string | null;
}

/** A 410 disables at once, whatever the counters say. */
export const GONE_REASON = "the receiver answered 410 Gone";

const RETRY_AFTER_STATUSES = new Set([429, 502, 503, 504]);

/** Decides the delivery's next state and the endpoint's fate from one attempt. */
export function classify(input: ClassifyInput): Decision {
  const { result } = input;
  if (result.kind === "response" && result.status >= 200 && result.status < 300) {
    return {
      label: "success",
      delivery: { status: "delivered" },
      counters: { consecutiveFailures: 0, failingSince: null },
      disable: null,
    };
  }
  const counters: FailureCounters = {
    consecutiveFailures: input.counters.consecutiveFailures + 1,
    failingSince: input.counters.failingSince ?? input.startedAt,
  };
  const retryAfterMs =
    result.kind === "response" && RETRY_AFTER_STATUSES.has(result.status)
      ? parseRetryAfter(result.retryAfter, input.now)
      : null;
  const next = nextAttemptAt({
    policy: input.policy,
    attemptsMade: input.attemptsMade,
    createdAt: input.createdAt,
    from: input.now,
    jitter: input.jitter,
    random: input.random,
    retryAfterMs,
  });
  return {
    label: result.kind === "response" ? "http_error" : result.kind,
    delivery: next === null ? { status: "failed" } : { status: "pending", nextAttemptAt: next },
    counters,
    disable: disableReason(result, counters, input.disableAfter, input.now),
  };
}

function disableReason(result: AttemptResult, c: FailureCounters, rule: DisableAfter, now: number): string | null {
  if (result.kind === "response" && result.status === 410) return GONE_REASON;
  return streakReason(c, rule, now);
}

/** Why a failing streak of these counters disables the endpoint under `rule`, or null. */
export function streakReason(c: FailureCounters, rule: DisableAfter, now: number): string | null {
  if (rule.kind === "count" && c.consecutiveFailures >= rule.failures) {
    return `${c.consecutiveFailures} consecutive failed attempts`;
  }
  if (rule.kind === "duration" && c.failingSince !== null && now - c.failingSince >= rule.ms) {
    return `failing with no success since ${new Date(c.failingSince).toISOString()}`;
  }
  return null;
}
