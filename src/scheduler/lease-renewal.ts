/**
 * @module scheduler/lease-renewal
 * Keeps this node's leases alive while their attempts run, on a database
 * other nodes share. Every third of `storage.lease`, one statement extends
 * the leases of the attempts this node works on to a full lease from then,
 * so an attempt slower than the lease (an endpoint `timeout` above it) is
 * never started again by another node. Only a node that stops renewing —
 * killed, or cut off from the database — loses its leases, a lease after its
 * last renewal, and the reaper of another node hands them on; whatever the
 * cut-off node records after that is refused by the fencing token.
 * Renewals never overlap: one still waiting on the database makes the next
 * turn skip. A failure is counted, and logged once per streak.
 */
import type { Clock } from "../clock";
import type { Logger } from "../log";
import type { HeldLease } from "../storage/stores";

/** Renewals per lease: two may fail in a row (a slow database, a busy event loop) before a lease runs out. */
export const RENEWALS_PER_LEASE = 3;

export interface LeaseRenewalDeps {
  /** ClaimStore.renew. */
  readonly renew: (held: readonly HeldLease[], now: number) => Promise<number>;
  /** The leases this node works under now (Scheduler.held). */
  readonly held: () => HeldLease[];
  readonly leaseMs: number;
  readonly clock: Clock;
  readonly log: Logger;
  /** Counts a failed renewal (hookrelay_job_errors_total{job="lease_renewal"}). */
  readonly failed: () => void;
}

export interface LeaseRenewal {
  /** Stops renewing, after a renewal in progress (if any) finishes. */
  stop(): Promise<void>;
}

export function startLeaseRenewal(deps: LeaseRenewalDeps): LeaseRenewal {
  let current: Promise<void> | null = null;
  let failing = false;
  const renew = async () => {
    try {
      await deps.renew(deps.held(), deps.clock.now());
      if (failing) deps.log.info("lease renewal succeeded again");
      failing = false;
    } catch (err) {
      deps.failed();
      if (!failing) {
        deps.log.error("could not renew the leases of the attempts in flight; if this lasts a lease, other nodes attempt them again", {
          error: err instanceof Error ? err.message : String(err),
        });
      }
      failing = true;
    }
  };
  const timer = setInterval(() => {
    if (current) return;
    current = renew().finally(() => (current = null));
  }, deps.leaseMs / RENEWALS_PER_LEASE);
  return {
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}
