/**
 * @module storage/sqlite/endpoint-states
 * EndpointStateStore over outbox/endpoint-store.ts, plus the disable that
 * only one caller wins.
 */
import type { Database } from "bun:sqlite";
import type { EndpointStore } from "../../outbox/endpoint-store";
import type { EndpointState, EndpointStateName } from "../../outbox/types";
import type { EndpointCounters, EndpointStateStore } from "../stores";

/** Changes a row only while the endpoint is active, so of two disables one changes nothing. */
export const DISABLE_SQL = `INSERT INTO endpoint_state (endpoint_id, state, disabled_reason) VALUES (?1, ?2, ?3)
  ON CONFLICT (endpoint_id) DO UPDATE SET state = excluded.state, disabled_reason = excluded.disabled_reason
  WHERE endpoint_state.state = 'active'`;

type DisabledState = Exclude<EndpointStateName, "active">;

export class SqliteEndpointStates implements EndpointStateStore {
  readonly #store: EndpointStore;
  readonly #disable: { immediate: (id: string, state: DisabledState, reason: string, now: number) => boolean };

  constructor(db: Database, store: EndpointStore) {
    this.#store = store;
    const disable = db.prepare(DISABLE_SQL);
    this.#disable = db.transaction((id: string, state: DisabledState, reason: string, now: number) => {
      if (disable.run(id, state, reason).changes === 0) return false;
      store.holdPending(id, now);
      return true;
    });
  }

  async loadAll(): Promise<Map<string, EndpointState>> {
    return this.#store.loadAll();
  }

  async save(id: string, s: EndpointState): Promise<void> {
    this.#store.save(id, s);
  }

  async saveReset(id: string, s: EndpointState): Promise<void> {
    this.#store.saveReset(id, s);
  }

  async counters(id: string): Promise<EndpointCounters | null> {
    return this.#store.counters(id);
  }

  async disable(id: string, state: DisabledState, reason: string, now: number): Promise<boolean> {
    return this.#disable.immediate(id, state, reason, now);
  }

  async holdPending(id: string, now: number): Promise<number> {
    return this.#store.holdPending(id, now);
  }

  async releaseHeld(id: string, now: number): Promise<number> {
    return this.#store.releaseHeld(id, now);
  }

  async hasBacklog(id: string): Promise<boolean> {
    return this.#store.hasBacklog(id);
  }

  async assignFifoKeys(id: string): Promise<void> {
    this.#store.assignFifoKeys(id);
  }

  async cancelBacklog(id: string, now: number): Promise<number> {
    return this.#store.cancelBacklog(id, now);
  }

  async cancelOtherTenants(id: string, tenant: string | null, now: number): Promise<number> {
    return this.#store.cancelOtherTenants(id, tenant, now);
  }
}
