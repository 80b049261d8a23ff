/**
 * @module storage/postgres/endpoint-states
 * Endpoint states shared by every node, and the moves between pending and
 * held a change of state implies. The disable is a conditional write: of
 * nodes that race to disable one endpoint, one changes the row.
 */
import type { SQL } from "bun";
import { STREAK_RESET } from "../../outbox/endpoint-store";
import type { EndpointState, EndpointStateName } from "../../outbox/types";
import type { EndpointCounters, EndpointStateStore } from "../stores";
import { numOrNull } from "./rows";

/** A delivery's tenant is its event's (outbox/delivery-filter.ts EVENT_TENANT). */
export const PG_EVENT_TENANT = "(SELECT tenant FROM events WHERE events.id = deliveries.event_id)";

const PG_STATE_UPSERT = `INSERT INTO endpoint_state (endpoint_id, state, disabled_reason, config_hash) VALUES ($1, $2, $3, $4)
    ON CONFLICT (endpoint_id) DO UPDATE SET state = excluded.state, disabled_reason = excluded.disabled_reason, config_hash = excluded.config_hash`;

export const PG_STATE_SQL = {
  all: "SELECT endpoint_id, state, disabled_reason, consecutive_failures, failing_since, last_success_at, config_hash FROM endpoint_state",
  // The counters are left to outcomes.ts, which counts every node's attempts under the row's lock.
  save: PG_STATE_UPSERT,
  saveReset: `${PG_STATE_UPSERT}, ${STREAK_RESET}`,
  counters: "SELECT consecutive_failures, failing_since, last_success_at FROM endpoint_state WHERE endpoint_id = $1",
  disable: `INSERT INTO endpoint_state (endpoint_id, state, disabled_reason) VALUES ($1, $2, $3)
    ON CONFLICT (endpoint_id) DO UPDATE SET state = excluded.state, disabled_reason = excluded.disabled_reason
    WHERE endpoint_state.state = 'active'`,
  hold: "UPDATE deliveries SET status = 'held', updated_at = $1 WHERE endpoint_id = $2 AND status = 'pending'",
  release: "UPDATE deliveries SET status = 'pending', next_attempt_at = $1, updated_at = $1 WHERE endpoint_id = $2 AND status = 'held'",
  backlog: "SELECT EXISTS (SELECT 1 FROM deliveries WHERE endpoint_id = $1 AND status IN ('pending', 'held', 'in_flight')) AS present",
  assignFifoKeys: `UPDATE deliveries SET fifo_key = COALESCE((SELECT ordering_key FROM events WHERE id = deliveries.event_id), '')
    WHERE endpoint_id = $1 AND fifo_key IS NULL AND status IN ('pending', 'held', 'in_flight')`,
  cancelBacklog: "UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = $1 WHERE endpoint_id = $2 AND status IN ('pending', 'held')",
  cancelOtherTenants: `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = $1
    WHERE endpoint_id = $2 AND status IN ('pending', 'held') AND ${PG_EVENT_TENANT} IS DISTINCT FROM $3`,
} as const;

export class PostgresEndpointStates implements EndpointStateStore {
  constructor(readonly sql: SQL) {}

  async loadAll(): Promise<Map<string, EndpointState>> {
    const map = new Map<string, EndpointState>();
    for (const r of await this.sql.unsafe(PG_STATE_SQL.all)) {
      map.set(r.endpoint_id, {
        state: r.state,
        disabledReason: r.disabled_reason,
        consecutiveFailures: Number(r.consecutive_failures),
        failingSince: numOrNull(r.failing_since),
        lastSuccessAt: numOrNull(r.last_success_at),
        configHash: r.config_hash,
      });
    }
    return map;
  }

  async save(id: string, s: EndpointState): Promise<void> {
    await this.sql.unsafe(PG_STATE_SQL.save, [id, s.state, s.disabledReason, s.configHash]);
  }

  async saveReset(id: string, s: EndpointState): Promise<void> {
    await this.sql.unsafe(PG_STATE_SQL.saveReset, [id, s.state, s.disabledReason, s.configHash]);
  }

  async counters(id: string): Promise<EndpointCounters | null> {
    const [r] = await this.sql.unsafe(PG_STATE_SQL.counters, [id]);
    return r ? { consecutiveFailures: Number(r.consecutive_failures), failingSince: numOrNull(r.failing_since), lastSuccessAt: numOrNull(r.last_success_at) } : null;
  }

  async disable(id: string, state: Exclude<EndpointStateName, "active">, reason: string, now: number): Promise<boolean> {
    return this.sql.begin(async (tx) => {
      if ((await tx.unsafe(PG_STATE_SQL.disable, [id, state, reason])).count === 0) return false;
      await tx.unsafe(PG_STATE_SQL.hold, [now, id]);
      return true;
    });
  }

  async holdPending(id: string, now: number): Promise<number> {
    return (await this.sql.unsafe(PG_STATE_SQL.hold, [now, id])).count;
  }

  async releaseHeld(id: string, now: number): Promise<number> {
    return (await this.sql.unsafe(PG_STATE_SQL.release, [now, id])).count;
  }

  async hasBacklog(id: string): Promise<boolean> {
    const [row] = await this.sql.unsafe(PG_STATE_SQL.backlog, [id]);
    return row.present === true;
  }

  async assignFifoKeys(id: string): Promise<void> {
    await this.sql.unsafe(PG_STATE_SQL.assignFifoKeys, [id]);
  }

  async cancelBacklog(id: string, now: number): Promise<number> {
    return (await this.sql.unsafe(PG_STATE_SQL.cancelBacklog, [now, id])).count;
  }

  async cancelOtherTenants(id: string, tenant: string | null, now: number): Promise<number> {
    return (await this.sql.unsafe(PG_STATE_SQL.cancelOtherTenants, [now, id, tenant])).count;
  }
}
