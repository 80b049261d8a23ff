/**
 * @module scheduler/endpoints
 * The live set of endpoints: each configured endpoint prepared for delivery,
 * paired with its durable state. Every state change (disable, enable, config
 * apply) writes the state and moves deliveries between `pending` and `held`
 * in one transaction, then reports the transition so it can be announced.
 */
import type { EndpointConfig } from "../config/types";
import type { RunInTransaction } from "../db/transaction";
import { type PreparedEndpoint, prepareEndpoint } from "../delivery/endpoint";
import type { EndpointStore } from "../outbox/endpoint-store";
import type { EndpointState } from "../outbox/types";

export const REASON_CONFIG = "disabled in the config (enabled: false)";
export const REASON_OPERATOR = "disabled by an operator";

export interface LiveEndpoint {
  readonly prepared: PreparedEndpoint;
  readonly state: EndpointState;
}

export type Transition =
  | { readonly kind: "disabled"; readonly id: string; readonly state: Readonly<EndpointState> }
  | { readonly kind: "enabled"; readonly id: string };

export interface EndpointsDeps {
  readonly store: EndpointStore;
  readonly tx: RunInTransaction;
  readonly onTransition: (t: Transition) => void;
}

export class Endpoints {
  readonly #deps: EndpointsDeps;
  #live = new Map<string, LiveEndpoint>();
  #configs: readonly EndpointConfig[] = [];
  /** States of every endpoint id ever seen, configured or not. */
  readonly #states: Map<string, EndpointState>;

  constructor(deps: EndpointsDeps) {
    this.#deps = deps;
    this.#states = deps.store.loadAll();
  }

  /** Replaces the configured set (start-up or reload); answers the ids no longer configured that still have a backlog. */
  apply(configs: readonly EndpointConfig[], now: number): string[] {
    const prepared = configs.map(prepareEndpoint);
    const transitions: Transition[] = [];
    const orphans: string[] = [];
    this.#deps.tx(() => {
      const next = new Map<string, LiveEndpoint>();
      for (const p of prepared) {
        const state = this.#stateOf(p.config.id);
        const hash = configHash(p.config);
        const t = this.#reconcile(p.config, state, hash, now);
        if (t) transitions.push(t);
        // Only an edited endpoint can have just switched to FIFO; skip the backlog walk otherwise.
        if (p.config.ordering === "fifo" && state.configHash !== hash) this.#deps.store.assignFifoKeys(p.config.id);
        state.configHash = hash;
        // Held because the endpoint had been removed: it is back, so they resume.
        if (state.state === "active") this.#deps.store.releaseHeld(p.config.id, now);
        this.#deps.store.save(p.config.id, state);
        next.set(p.config.id, { prepared: p, state });
      }
      for (const id of this.#states.keys()) {
        if (next.has(id)) continue;
        this.#deps.store.holdPending(id, now);
        if (this.#deps.store.hasBacklog(id)) orphans.push(id);
      }
      this.#live = next;
      this.#configs = configs;
    });
    transitions.forEach(this.#deps.onTransition);
    return orphans;
  }

  /** The configured endpoint with this id. */
  get(id: string): LiveEndpoint | undefined {
    return this.#live.get(id);
  }

  /** Every configured endpoint, in config order. */
  all(): IterableIterator<LiveEndpoint> {
    return this.#live.values();
  }

  /** Every configured endpoint's config, in config order (fan-out reads this on every ingest). */
  configs(): readonly EndpointConfig[] {
    return this.#configs;
  }

  /** Stored state of any endpoint id ever seen (for endpoints removed from the config). */
  storedState(id: string): EndpointState | undefined {
    return this.#states.get(id);
  }

  /** Ids ever seen that are not configured now. */
  removedIds(): string[] {
    return [...this.#states.keys()].filter((id) => !this.#live.has(id));
  }

  /** Disables the endpoint and holds its pending deliveries; false when it was not active. Call inside a transaction when other writes go with it. */
  disable(id: string, kind: "disabled" | "auto_disabled", reason: string, now: number): boolean {
    const live = this.#live.get(id);
    if (!live || live.state.state !== "active") return false;
    this.#deps.tx(() => {
      live.state.state = kind;
      live.state.disabledReason = reason;
      this.#deps.store.save(id, live.state);
      this.#deps.store.holdPending(id, now);
    });
    this.#deps.onTransition({ kind: "disabled", id, state: { ...live.state } });
    return true;
  }

  /** Enables the endpoint, resets its failure counters and releases held deliveries; false when already active. */
  enable(id: string, now: number): boolean {
    const live = this.#live.get(id);
    if (!live || live.state.state === "active") return false;
    this.#deps.tx(() => {
      resetToActive(live.state);
      this.#deps.store.save(id, live.state);
      this.#deps.store.releaseHeld(id, now);
    });
    this.#deps.onTransition({ kind: "enabled", id });
    return true;
  }

  /** Persists counters changed by recorded attempts (call inside the recording transaction). */
  saveCounters(id: string): void {
    const live = this.#live.get(id);
    if (live) this.#deps.store.save(id, live.state);
  }

  #stateOf(id: string): EndpointState {
    let s = this.#states.get(id);
    if (!s) {
      s = { state: "active", disabledReason: null, consecutiveFailures: 0, failingSince: null, lastSuccessAt: null, configHash: null };
      this.#states.set(id, s);
    }
    return s;
  }

  /** Brings the stored state in line with the config's `enabled` and edits. */
  #reconcile(config: EndpointConfig, state: EndpointState, hash: string, now: number): Transition | null {
    if (!config.enabled) {
      if (state.state === "disabled" && state.disabledReason === REASON_CONFIG) return null;
      state.state = "disabled";
      state.disabledReason = REASON_CONFIG;
      this.#deps.store.holdPending(config.id, now);
      return { kind: "disabled", id: config.id, state: { ...state } };
    }
    const configReenabled = state.state === "disabled" && state.disabledReason === REASON_CONFIG;
    // An operator who edits an auto-disabled endpoint (a fixed URL, say) means it to run again.
    const editedAfterAutoDisable = state.state === "auto_disabled" && state.configHash !== null && state.configHash !== hash;
    if (!configReenabled && !editedAfterAutoDisable) return null;
    resetToActive(state);
    return { kind: "enabled", id: config.id };
  }
}

function resetToActive(s: EndpointState): void {
  s.state = "active";
  s.disabledReason = null;
  s.consecutiveFailures = 0;
  s.failingSince = null;
}

/** Identifies an endpoint's settings; secrets render as "[secret]", so none reach the database. */
function configHash(config: EndpointConfig): string {
  return new Bun.CryptoHasher("sha256").update(JSON.stringify(config)).digest("hex");
}
