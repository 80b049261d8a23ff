/**
 * @module scheduler/record
 * What one finished attempt changes: classify it, update the endpoint's
 * failure counters, decide the delivery's new state (held when its endpoint
 * cannot receive; failed when out of attempts, even if the same attempt
 * disabled the endpoint) and whether the endpoint must be disabled, and
 * report metrics and logs, adding the attempt to the flush's tally for the
 * stats rollups; and what an attempt cut short by a drain changes. The
 * scheduler stores a flush's attempts together (OutcomeStore) and acts on
 * what was stored.
 */
import { classify, GONE_REASON, type ResultLabel } from "../delivery/classify";
import type { PreparedEndpoint } from "../delivery/endpoint";
import type { SendResult } from "../delivery/send";
import type { DisableAfter } from "../config/types";
import type { Logger } from "../log";
import { type ClaimedDelivery, deliveryId } from "../outbox/types";
import type { AttemptTally } from "../stats/tally";
import type { LeasedAttempt, LeasedDelivery } from "../storage/stores";
import type { EndpointRegistry } from "../endpoints/registry";

export interface DeliveryObserver {
  attempt(endpointId: string, label: ResultLabel, seconds: number): void;
  finished(endpointId: string, outcome: "delivered" | "failed"): void;
}

/** A delivery that reached the dead-letter queue, to be announced. */
export interface DeadLetter {
  readonly delivery: ClaimedDelivery;
  readonly attempts: number;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
}

/** One attempt as it was sent, with what it was built from. */
export interface Started {
  readonly delivery: LeasedDelivery;
  readonly prepared: PreparedEndpoint;
  readonly startedAt: number;
  readonly headers: Record<string, string>;
}

/** One attempt as it finished. */
export interface Completion extends Started {
  readonly finishedAt: number;
  readonly sent: SendResult;
}

export interface RecordDeps {
  readonly endpoints: EndpointRegistry;
  /** Failure streaks are judged on the counters storage counts over every node, after recording (SchedulerDeps.sharedCounters). */
  readonly sharedCounters?: boolean;
  readonly log: Logger;
  readonly random: () => number;
  readonly observer: DeliveryObserver;
}

/** A finished attempt as it is to be stored, and what the scheduler does once it is. */
export interface Judged {
  readonly attempt: LeasedAttempt;
  /** The delivery just failed for good, to be announced. */
  readonly deadLetter: DeadLetter | null;
  /** When the delivery's next attempt is due, if it stays pending. */
  readonly retryAt: number | null;
  /** Why the endpoint is to be disabled, or null. */
  readonly disable: string | null;
  /** The endpoint's rule, to judge again on counters storage counted over every node; null when it is not registered. */
  readonly disableAfter: DisableAfter | null;
}

/** Judges one finished attempt. */
export function judgeCompletion(c: Completion, deps: RecordDeps, tally: AttemptTally): Judged {
  const { delivery: d, sent } = c;
  const endpointId = d.endpointId;
  const live = deps.endpoints.get(endpointId);
  // A reload may have changed the timetable: it applies from the next attempt on.
  const config = live?.config ?? c.prepared.config;
  const state = live?.state ?? deps.endpoints.storedState(endpointId);
  const n = d.attempts + 1;
  const decision = classify({
    result: sent.result,
    attemptsMade: n,
    policy: config.retry,
    jitter: config.jitter,
    disableAfter: config.disableAfter,
    counters: state ?? { consecutiveFailures: 0, failingSince: null },
    createdAt: d.createdAt,
    startedAt: c.startedAt,
    now: c.finishedAt,
    random: deps.random(),
  });
  if (state) {
    state.consecutiveFailures = decision.counters.consecutiveFailures;
    state.failingSince = decision.counters.failingSince;
    if (decision.delivery.status === "delivered") state.lastSuccessAt = c.finishedAt;
  }
  const verdict = decision.delivery;
  const retired = isRetired(c, deps);
  // This node's counters see only its own attempts where others attempt too: there only a 410 is judged here.
  const disable = !live || (deps.sharedCounters && decision.disable !== GONE_REASON) ? null : decision.disable;
  // Exhausted wins over held: a delivery out of attempts is dead even if this attempt also disabled the endpoint.
  const hold = verdict.status === "pending" && (!live || live.state.state !== "active" || disable !== null);
  const status = verdict.status === "pending" && retired ? "cancelled" : hold ? "held" : verdict.status;
  const nextAttemptAt = status === "pending" && verdict.status === "pending" ? verdict.nextAttemptAt : null;
  const attempt: LeasedAttempt = {
    seq: d.seq,
    endpointId,
    token: d.lease.token,
    verdict: decision.label === "success" ? "success" : "failure",
    n,
    startedAt: c.startedAt,
    durationMs: c.finishedAt - c.startedAt,
    statusCode: sent.statusCode,
    error: sent.error,
    requestHeaders: JSON.stringify(c.headers),
    responseExcerpt: sent.responseExcerpt,
    status,
    nextAttemptAt,
    finishedAt: c.finishedAt,
  };
  const disableAfter = live ? config.disableAfter : null;
  const durationMs = c.finishedAt - c.startedAt;
  tally.add(endpointId, config.tenant, c.finishedAt, decision.label, durationMs, status === "delivered" || status === "failed" ? status : null);
  deps.observer.attempt(endpointId, decision.label, durationMs / 1000);
  const fields = { event_id: d.eventId, delivery_id: deliveryId(d.seq), endpoint_id: endpointId, attempt: n };
  if (status === "delivered") {
    deps.observer.finished(endpointId, "delivered");
    deps.log.debug("delivered", { ...fields, status_code: sent.statusCode });
  } else if (status === "failed") {
    deps.observer.finished(endpointId, "failed");
    deps.log.warn("delivery failed: timetable exhausted", { ...fields, error: sent.error });
    return { attempt, deadLetter: { delivery: d, attempts: n, lastStatusCode: sent.statusCode, lastError: sent.error }, retryAt: null, disable, disableAfter };
  } else {
    const next = nextAttemptAt === null ? {} : { next_attempt_at: new Date(nextAttemptAt).toISOString() };
    deps.log.info(`attempt failed; delivery ${status}`, { ...fields, error: sent.error, ...next });
  }
  return { attempt, deadLetter: null, retryAt: nextAttemptAt, disable, disableAfter };
}

/**
 * An endpoint deleted over the API, or given another tenant than this
 * event's, while an attempt ran takes no more attempts of it: its backlog
 * was cancelled, and so is this delivery.
 */
function isRetired(a: Pick<Started, "delivery" | "prepared">, deps: Pick<RecordDeps, "endpoints">): boolean {
  const live = deps.endpoints.get(a.delivery.endpointId);
  return deps.endpoints.isDeleted(a.delivery.endpointId) || (live !== undefined && live.config.tenant !== a.prepared.config.tenant);
}

/**
 * An attempt a drain cut short at the end of `server.shutdown_grace`, as it
 * is to be stored. The receiver was not given its full timeout, so this is no
 * verdict on it: the endpoint's failure counters do not move and the delivery
 * goes back to `pending`, due at once, even if this was its timetable's last
 * attempt. It still counts as an attempt made, as the receiver may have acted on it.
 */
export function cutShortAttempt(a: Started, now: number, graceMs: number, deps: Pick<RecordDeps, "log" | "endpoints">): LeasedAttempt {
  const d = a.delivery;
  const n = d.attempts + 1;
  const retired = isRetired(a, deps);
  deps.log.warn(`attempt cut short by shutdown; delivery ${retired ? "cancelled" : "pending"}`, {
    event_id: d.eventId,
    delivery_id: deliveryId(d.seq),
    endpoint_id: d.endpointId,
    attempt: n,
  });
  return {
    seq: d.seq,
    endpointId: d.endpointId,
    token: d.lease.token,
    verdict: null,
    n,
    startedAt: a.startedAt,
    durationMs: now - a.startedAt,
    statusCode: null,
    error: retired
      ? `the attempt was cut short by shutdown after server.shutdown_grace (${graceMs} ms); its endpoint is gone, so it is not made again`
      : `the attempt was cut short by shutdown after server.shutdown_grace (${graceMs} ms) and is made again at the next start`,
    requestHeaders: JSON.stringify(a.headers),
    responseExcerpt: null,
    status: retired ? "cancelled" : "pending",
    nextAttemptAt: retired ? null : now,
    finishedAt: now,
  };
}
