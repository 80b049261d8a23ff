/**
 * @module endpoints/registry
 * The one registry of endpoints that ingest, the scheduler, the admin API and
 * the metrics ask. It has two sources: the config file (replaced as a whole
 * by every load) and the endpoint API (one endpoint at a time); apart from
 * `source`, nothing downstream tells them apart. Each endpoint is paired with
 * its durable state; every state change (disable, enable, config apply)
 * writes the state and moves deliveries between `pending` and `held`
 * (EndpointStateStore), then reports the transition so it can be announced.
 * The failure counters it holds are written by the outcomes alone, except
 * that an enable ends the streak (saveReset): on a shared database this
 * node's counters miss the other nodes' attempts, and writing them back
 * would undo what those counted.
 * A disable moves both in one step; elsewhere the rows move first and the
 * state after, each its own write.
 *
 * On a database several nodes share, a follower (registry-follower.ts)
 * applies the other nodes' writes as they commit (followApi, followDeleted,
 * followState): in memory as a local write would change it, and the
 * deliveries moved again, which is harmless as every move is idempotent, and
 * catches the rows this node's ingest added before it learned of the
 * change. Only the node that made a transition announces it.
 *
 * Fan-out asks the match index (match-index.ts), never every endpoint; the
 * delivery path's prepared form of an endpoint is built on first use and kept
 * for the endpoints that deliver (prepared-cache.ts); listings page through
 * ids kept sorted. So the cost of an event, a round or a page follows the work
 * at hand, not the number of endpoints registered.
 */
import type { EndpointConfig } from "../config/types";
import type { PreparedEndpoint } from "../delivery/endpoint";
import type { EndpointState } from "../outbox/types";
import type { EndpointStateStore } from "../storage/stores";
import { LocalWrites } from "./local-writes";
import { MatchIndex } from "./match-index";
import { PreparedCache } from "./prepared-cache";
import { SortedIds } from "./sorted-ids";

export const REASON_CONFIG = "disabled in the config (enabled: false)";
/** The same switch on an endpoint created over the API, which has no config entry. */
export const REASON_API_SETTING = "disabled over the API (enabled: false)";
export const REASON_OPERATOR = "disabled by an operator";

/** Prepared endpoints kept at most: far more than deliver at once, a bounded share of memory. */
const PREPARED_CAPACITY = 10_000;

export type EndpointSource = "config" | "api";

/** What only endpoints created over the API have. */
export interface ApiDetails {
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface RegisteredEndpoint {
  readonly config: EndpointConfig;
  readonly source: EndpointSource;
  /** Its durable state: changed in place, written by the registry. */
  readonly state: EndpointState;
  /** When it was created and last changed over the API; null for endpoints from the config file. */
  readonly createdAt: number | null;
  readonly updatedAt: number | null;
}

export type Transition =
  | { readonly kind: "disabled"; readonly id: string; readonly state: Readonly<EndpointState> }
  | { readonly kind: "enabled"; readonly id: string };

export interface RegistryDeps {
  readonly store: EndpointStateStore;
  readonly onTransition: (t: Transition) => void;
  /** Held deliveries of the endpoint were made due now (it was enabled, or came back to the config). */
  readonly onReleased: (id: string) => void;
}

/** A config that declares ids the endpoint API owns (or owned: ids are never reused). */
export class EndpointIdTakenError extends Error {
  override readonly name = "EndpointIdTakenError";

  constructor(readonly ids: readonly string[]) {
    const list = ids.map((id) => `"${id}"`).join(", ");
    super(`the config declares endpoint id${ids.length === 1 ? "" : "s"} ${list}, already taken by the endpoint API; rename ${ids.length === 1 ? "it" : "them"} in the config`);
  }
}

export class EndpointRegistry {
  readonly #deps: RegistryDeps;
  readonly #live = new Map<string, RegisteredEndpoint>();
  readonly #index = new MatchIndex();
  readonly #prepared = new PreparedCache(PREPARED_CAPACITY);
  /** Live ids of each source, and ids removed from the config, sorted for listings. */
  readonly #ids = { config: new SortedIds(), api: new SortedIds(), removed: new SortedIds() };
  /** Every endpoint id seen with each tenant, deleted ones included: a tenant's history spans them. */
  readonly #byTenant = new Map<string, Set<string>>();
  /** Ids of deleted API endpoints: they stay taken. */
  readonly #deleted = new Set<string>();
  /**
   * Stored states of ids seen but not registered now (removed from the
   * config, deleted over the API); a registered endpoint's state is in its
   * entry. Kept apart so 100,000 endpoints do not hold two maps' entries each.
   */
  readonly #unregistered: Map<string, EndpointState>;
  /** This node's writes in progress, for the follower (local-writes.ts). */
  readonly writes = new LocalWrites();

  /** `stored`: every endpoint state in storage (EndpointStateStore.loadAll), taken over by the registry. */
  constructor(deps: RegistryDeps, stored: Map<string, EndpointState>) {
    this.#deps = deps;
    this.#unregistered = stored;
  }

  /**
   * Replaces the config file's endpoints (start-up or reload); answers the
   * ids no longer configured that still have a backlog. Refuses, changing
   * nothing, a config that declares an id of the endpoint API.
   */
  async apply(configs: readonly EndpointConfig[], now: number): Promise<string[]> {
    const taken = configs.filter((c) => this.#ownedByApi(c.id)).map((c) => c.id);
    if (taken.length > 0) throw new EndpointIdTakenError(taken);
    const transitions: Transition[] = [];
    const orphans: string[] = [];
    const next = new Set(configs.map((c) => c.id));
    for (const id of this.#ids.config.all()) if (!next.has(id)) this.#unregister(id);
    for (const config of configs) {
      this.writes.began(config.id);
      try {
        const { state, transition } = await this.#register(config, "config", null, now);
        if (transition) transitions.push(transition);
        // Held because the endpoint had been removed: it is back, so they resume.
        if (state.state === "active") await this.#release(config.id, now);
      } finally {
        this.writes.ended(config.id);
      }
    }
    this.#ids.removed = new SortedIds();
    for (const id of this.#unregistered.keys()) {
      if (this.#deleted.has(id)) continue;
      this.#ids.removed.add(id);
      await this.#deps.store.holdPending(id, now);
      if (await this.#deps.store.hasBacklog(id)) orphans.push(id);
    }
    transitions.forEach(this.#deps.onTransition);
    return orphans;
  }

  /**
   * Registers or replaces an endpoint of the endpoint API (start-up, create,
   * edit, rotation) once `persist` has stored it.
   */
  async putApi(config: EndpointConfig, details: ApiDetails, now: number, persist: () => Promise<unknown>): Promise<void> {
    this.writes.began(config.id);
    try {
      await persist();
      const { transition } = await this.#register(config, "api", details, now);
      if (transition?.kind === "enabled") await this.#release(config.id, now);
      if (transition) this.#deps.onTransition(transition);
    } finally {
      this.writes.ended(config.id);
    }
  }

  /** Registers the stored API endpoints at start-up. */
  async loadApi(entries: Iterable<{ config: EndpointConfig; details: ApiDetails }>, now: number): Promise<void> {
    const transitions: Transition[] = [];
    for (const { config, details } of entries) {
      const { transition } = await this.#register(config, "api", details, now, true);
      if (!transition) continue;
      transitions.push(transition);
      if (transition.kind === "enabled") await this.#release(config.id, now);
    }
    transitions.forEach(this.#deps.onTransition);
  }

  /**
   * Takes an API endpoint out for good once `persist` has marked it deleted:
   * its pending and held deliveries are cancelled and its id stays taken.
   * Attempts in flight finish as they started.
   */
  async deleteApi(id: string, now: number, persist: () => Promise<unknown>): Promise<void> {
    this.writes.began(id);
    try {
      await persist();
      await this.#retire(id, now);
    } finally {
      this.writes.ended(id);
    }
  }

  async #retire(id: string, now: number): Promise<void> {
    await this.#deps.store.cancelBacklog(id, now);
    this.#unregister(id);
    this.#deleted.add(id);
  }

  /**
   * Another node created or edited an API endpoint: registered as that
   * node's putApi did. Its state comes in its own change (followState),
   * and the writer has already reconciled and announced it.
   */
  async followApi(config: EndpointConfig, details: ApiDetails): Promise<void> {
    const previous = this.#live.get(config.id);
    if (previous?.source === "config" || this.#deleted.has(config.id)) return;
    const state = previous?.state ?? this.#stateOf(config.id);
    // Rows this node's ingest stored before it learned of the switch to FIFO get their keys as the writer's did.
    if (config.ordering === "fifo" && previous?.config.ordering !== "fifo") await this.#deps.store.assignFifoKeys(config.id);
    this.#place(config, "api", state, details, previous);
  }

  /** Another node deleted an API endpoint: taken out as deleteApi does, the backlog this node added meanwhile cancelled too. */
  async followDeleted(id: string, tenant: string | null, now: number): Promise<void> {
    if (this.#deleted.has(id)) return;
    await this.#retire(id, now);
    this.rememberDeleted(id, tenant);
  }

  /**
   * Another node changed an endpoint's stored state (a disable, an enable,
   * an edit's hash): taken as stored, and its deliveries moved as that
   * node moved them, to catch the ones this node's ingest added meanwhile.
   */
  async followState(id: string, stored: EndpointState, now: number): Promise<void> {
    const live = this.#live.get(id);
    const target = live?.state ?? this.#unregistered.get(id);
    if (!target) {
      this.#unregistered.set(id, { ...stored });
      return;
    }
    const wasActive = target.state === "active";
    Object.assign(target, stored);
    if (!live) return;
    if (wasActive && stored.state !== "active") await this.#deps.store.holdPending(id, now);
    else if (!wasActive && stored.state === "active") await this.#release(id, now);
  }

  /** Remembers an API endpoint deleted before this start: its id stays taken. */
  rememberDeleted(id: string, tenant: string | null): void {
    this.#deleted.add(id);
    if (tenant !== null) this.#tenantIds(tenant).add(id);
  }

  /** Every endpoint id this process has seen with `tenant`, deleted ones included, sorted. */
  idsOfTenant(tenant: string): string[] {
    return [...(this.#byTenant.get(tenant) ?? [])].sort();
  }

  /** The registered endpoint with this id. */
  get(id: string): RegisteredEndpoint | undefined {
    return this.#live.get(id);
  }

  /** Every registered endpoint. */
  all(): IterableIterator<RegisteredEndpoint> {
    return this.#live.values();
  }

  /** Registered endpoints of one source. */
  count(source: EndpointSource): number {
    return this.#ids[source].size;
  }

  /** Whether the id is in use or was (ids are one namespace, and deleted ones are never reused). */
  isTaken(id: string): boolean {
    return this.#live.has(id) || this.#deleted.has(id) || this.#unregistered.has(id);
  }

  /** API endpoints deleted so far: their ids stay taken, their history until retention. */
  deletedCount(): number {
    return this.#deleted.size;
  }

  /** Whether the id belonged to an API endpoint that was deleted. */
  isDeleted(id: string): boolean {
    return this.#deleted.has(id);
  }

  /** Endpoints of `tenant` whose `events` take `type`, in id order (filters not yet applied). */
  candidates(tenant: string | null, type: string): EndpointConfig[] {
    return this.#index.candidates(tenant, type);
  }

  /** The delivery path's form of a registered endpoint, as it signs at `now`. */
  prepared(id: string, now: number): PreparedEndpoint | undefined {
    const live = this.#live.get(id);
    return live && this.#prepared.get(live.config, now);
  }

  /** Ids after `after` in id order, for listings: registered ones of `source` (both when null), and removed ones too if asked. */
  idsAfter(after: string | null, source: EndpointSource | null, removedToo: boolean): Generator<string> {
    const lists = [source !== "api" && this.#ids.config, source !== "config" && this.#ids.api, removedToo && this.#ids.removed];
    return mergeSorted(lists.filter((l) => l !== false).map((l) => l.after(after)));
  }

  /** Stored state of any endpoint id ever seen (for endpoints removed from the config). */
  storedState(id: string): EndpointState | undefined {
    return this.#live.get(id)?.state ?? this.#unregistered.get(id);
  }

  /** Ids ever seen that no source registers now, deleted API endpoints aside. */
  removedIds(): Generator<string> {
    return this.#ids.removed.after(null);
  }

  /**
   * Disables the endpoint and holds its pending deliveries, in one step;
   * false when it was not active, or when storage says another caller
   * disabled it first (then that caller announces it).
   */
  async disable(id: string, kind: "disabled" | "auto_disabled", reason: string, now: number): Promise<boolean> {
    const live = this.#live.get(id);
    if (!live || live.state.state !== "active") return false;
    live.state.state = kind;
    live.state.disabledReason = reason;
    this.writes.began(id);
    try {
      if (!(await this.#deps.store.disable(id, kind, reason, now))) return false;
    } finally {
      this.writes.ended(id);
    }
    this.#deps.onTransition({ kind: "disabled", id, state: { ...live.state } });
    return true;
  }

  /** Enables the endpoint, resets its failure counters and releases held deliveries; false when already active. */
  async enable(id: string, now: number): Promise<boolean> {
    const live = this.#live.get(id);
    if (!live || live.state.state === "active") return false;
    resetToActive(live.state);
    this.writes.began(id);
    try {
      await this.#deps.store.saveReset(id, live.state);
      await this.#release(id, now);
    } finally {
      this.writes.ended(id);
    }
    this.#deps.onTransition({ kind: "enabled", id });
    return true;
  }

  async #release(id: string, now: number): Promise<void> {
    if ((await this.#deps.store.releaseHeld(id, now)) > 0) this.#deps.onReleased(id);
  }

  #ownedByApi(id: string): boolean {
    return this.#deleted.has(id) || this.#live.get(id)?.source === "api";
  }

  /**
   * Adds or replaces one endpoint and brings its stored state in line with
   * its `enabled` and edits. `stored` says the endpoint is as it was stored
   * (a start-up): its stored hash is taken as is, as hashing 100,000 of them
   * would cost the start-up most of a second, and its edits were judged when
   * they were made. Only `defaults:` could have changed meanwhile, which
   * re-enables nothing, and could have turned on FIFO, which is checked.
   */
  async #register(config: EndpointConfig, source: EndpointSource, api: ApiDetails | null, now: number, stored = false) {
    const previous = this.#live.get(config.id);
    const known = previous !== undefined || this.#unregistered.has(config.id);
    const state = previous?.state ?? this.#stateOf(config.id);
    const hash = stored && state.configHash !== null ? state.configHash : configHash(config);
    const transition = this.#reconcile(config, source === "config" ? REASON_CONFIG : REASON_API_SETTING, state, hash);
    if (transition?.kind === "disabled") await this.#deps.store.holdPending(config.id, now);
    const edited = state.configHash !== hash;
    // Only an edited endpoint can have just switched to FIFO; skip the backlog walk otherwise.
    if (config.ordering === "fifo" && (edited || stored)) await this.#deps.store.assignFifoKeys(config.id);
    // Likewise only an edit can give an endpoint another tenant: the earlier tenant's backlog then goes nowhere.
    if (known && edited) await this.#deps.store.cancelOtherTenants(config.id, config.tenant, now);
    state.configHash = hash;
    // An unchanged endpoint writes nothing: a start-up with 100,000 of them stays a read.
    if (transition?.kind === "enabled") await this.#deps.store.saveReset(config.id, state);
    else if (!known || edited || transition) await this.#deps.store.save(config.id, state);
    this.#place(config, source, state, api, previous);
    return { state, transition };
  }

  /** Puts an endpoint where ingest, the scheduler and listings find it, in place of `previous`. */
  #place(config: EndpointConfig, source: EndpointSource, state: EndpointState, api: ApiDetails | null, previous: RegisteredEndpoint | undefined): void {
    if (previous?.config !== config) {
      if (previous) this.#index.remove(previous.config);
      this.#index.add(config);
      this.#prepared.drop(config.id);
    }
    this.#live.set(config.id, { config, source, state, createdAt: api?.createdAt ?? null, updatedAt: api?.updatedAt ?? null });
    this.#ids[source].add(config.id);
    this.#ids.removed.delete(config.id);
    if (config.tenant !== null) this.#tenantIds(config.tenant).add(config.id);
  }

  #tenantIds(tenant: string): Set<string> {
    let ids = this.#byTenant.get(tenant);
    if (!ids) this.#byTenant.set(tenant, (ids = new Set()));
    return ids;
  }

  #unregister(id: string): void {
    const live = this.#live.get(id);
    if (!live) return;
    this.#live.delete(id);
    this.#unregistered.set(id, live.state);
    this.#index.remove(live.config);
    this.#prepared.drop(id);
    this.#ids[live.source].delete(id);
  }

  /** The stored state of an id about to be registered (taken out of #unregistered), or a fresh one. */
  #stateOf(id: string): EndpointState {
    const s = this.#unregistered.get(id);
    if (!s) return { state: "active", disabledReason: null, consecutiveFailures: 0, failingSince: null, lastSuccessAt: null, configHash: null };
    this.#unregistered.delete(id);
    return s;
  }

  /** `reason` is what `enabled: false` reads as for this endpoint's source; a disable's pending rows are the caller's to hold. */
  #reconcile(config: EndpointConfig, reason: string, state: EndpointState, hash: string): Transition | null {
    if (!config.enabled) {
      if (state.state === "disabled" && state.disabledReason === reason) return null;
      state.state = "disabled";
      state.disabledReason = reason;
      return { kind: "disabled", id: config.id, state: { ...state } };
    }
    const switchedBackOn = state.state === "disabled" && state.disabledReason === reason;
    // An operator who edits an auto-disabled endpoint (a fixed URL, say) means it to run again.
    const editedAfterAutoDisable = state.state === "auto_disabled" && state.configHash !== null && state.configHash !== hash;
    if (!switchedBackOn && !editedAfterAutoDisable) return null;
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

/** Keys left out of the hash: words for people, and keys added later, which count only when set so the hashes stored before them still match. */
const UNHASHED = new Set(["description", "metadata"]);
const HASHED_WHEN_SET = new Set(["tenant", "previousSecret"]);

/**
 * Identifies an endpoint's delivery settings, to tell an edit (which
 * re-enables an auto-disabled endpoint) from a reload that changed nothing.
 * Secrets render as "[secret]", so none reach the database.
 */
function configHash(config: EndpointConfig): string {
  // A shallow copy without the left-out keys: a replacer function would take JSON.stringify off its fast path.
  const hashed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!UNHASHED.has(key) && !(HASHED_WHEN_SET.has(key) && value === null)) hashed[key] = value;
  }
  return new Bun.CryptoHasher("sha256").update(JSON.stringify(hashed)).digest("hex");
}

/** Merges ascending id sequences into one. */
function* mergeSorted(sources: Generator<string>[]): Generator<string> {
  const heads = sources.map((g) => g.next());
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i]!;
      if (!h.done && (best === -1 || h.value < (heads[best]!.value as string))) best = i;
    }
    if (best === -1) return;
    yield heads[best]!.value as string;
    heads[best] = sources[best]!.next();
  }
}
