/**
 * @module scheduler/announcements
 * hookrelay's own events — `hookrelay.endpoint.disabled`,
 * `hookrelay.endpoint.enabled`, `hookrelay.delivery.failed` — built from the
 * state changes that cause them and sent through the normal pipeline, so a
 * subscribed endpoint gets them signed and retried like any other event.
 */
import type { Logger } from "../log";
import { deliveryId } from "../outbox/types";
import type { Transition } from "../endpoints/registry";
import type { DeadLetter } from "./record";

/** Stores an event of hookrelay's own for every endpoint subscribed to it. */
export type Emit = (type: string, data: Record<string, unknown>) => Promise<unknown>;

export interface Announcements {
  transition(t: Transition): void;
  deadLetter(d: DeadLetter): void;
}

/** Announces through `emit`; a failure to store one is logged, never thrown into the caller's work. */
export function createAnnouncements(emit: Emit, log: Logger): Announcements {
  const announce = (type: string, data: Record<string, unknown>) => {
    emit(type, data).catch((err) => log.error("could not store an operational event", { type, error: String(err) }));
  };
  return {
    transition(t) {
      if (t.kind === "enabled") {
        log.info("endpoint enabled", { endpoint_id: t.id });
        announce("hookrelay.endpoint.enabled", { endpoint_id: t.id });
        return;
      }
      log.warn("endpoint disabled", { endpoint_id: t.id, state: t.state.state, reason: t.state.disabledReason });
      announce("hookrelay.endpoint.disabled", {
        endpoint_id: t.id,
        reason: t.state.disabledReason,
        consecutive_failures: t.state.consecutiveFailures,
        failing_since: t.state.failingSince === null ? null : new Date(t.state.failingSince).toISOString(),
      });
    },
    deadLetter(d) {
      announce("hookrelay.delivery.failed", {
        delivery_id: deliveryId(d.delivery.seq),
        event_id: d.delivery.eventId,
        event_type: d.delivery.eventType,
        endpoint_id: d.delivery.endpointId,
        attempts: d.attempts,
        last_status_code: d.lastStatusCode,
        last_error: d.lastError,
      });
    },
  };
}
