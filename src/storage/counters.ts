/**
 * @module storage/counters
 * How attempts move an endpoint's failure counters: a success resets them,
 * a failure adds one and starts the failing streak at its start if none is
 * running, an attempt without a verdict moves nothing. Drivers fold one
 * flush's attempts of an endpoint over the stored counters and write the
 * endpoint's row once, as the daemon does today.
 */
import type { EndpointCounters, LeasedAttempt } from "./stores";

export const NO_COUNTERS: EndpointCounters = { consecutiveFailures: 0, failingSince: null, lastSuccessAt: null };

export function advance(c: EndpointCounters, a: Pick<LeasedAttempt, "verdict" | "startedAt" | "finishedAt">): EndpointCounters {
  if (a.verdict === "success") return { consecutiveFailures: 0, failingSince: null, lastSuccessAt: a.finishedAt };
  if (a.verdict === "failure") return { ...c, consecutiveFailures: c.consecutiveFailures + 1, failingSince: c.failingSince ?? a.startedAt };
  return c;
}

/** The recorded attempts grouped by endpoint, endpoints in id order (the order rows are locked in), attempts in order. */
export function byEndpoint(attempts: readonly LeasedAttempt[], recorded: readonly boolean[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  attempts.forEach((a, i) => {
    if (!recorded[i]) return;
    const group = groups.get(a.endpointId);
    if (group) group.push(i);
    else groups.set(a.endpointId, [i]);
  });
  return new Map([...groups].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}
