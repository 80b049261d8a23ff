/**
 * @module storage/stores
 * What the users of storage need from it, one interface per user, so the
 * daemon can run on SQLite (one node) or PostgreSQL (several nodes on one
 * database) alike. Every method is async: a sync-backed driver answers
 * with settled promises. Time comes in as an argument (`now`, unix ms), so
 * callers and tests decide what time it is.
 *
 * Claims are built for several nodes: every leased row has an owner (the
 * node id), an expiry and a fencing token. An outcome carries the token it
 * was leased with and is refused, not thrown, when the lease was taken over
 * meanwhile; the reaper returns expired leases to `pending`.
 */
import type { RateLimit } from "../config/types";
import type { BacklogCounts, BacklogTotals } from "../outbox/backlog";
import type { EndpointBacklog } from "../outbox/backlog-by-endpoint";
import type { ApiEndpointRow, SealedSecrets } from "../outbox/api-endpoint-store";
import type { ControlResult, PageResult, RetryTo } from "../outbox/controls";
import type { DeliveryFilter } from "../outbox/delivery-filter";
import type { StoredCreate } from "../outbox/endpoint-create-store";
import type { GroupResult } from "../outbox/event-writer";
import type { AttemptRecord } from "../outbox/outcomes";
import type { PortalSessionRow } from "../outbox/portal-session-store";
import type { AttemptRow, DeliveryRow, EventRow } from "../outbox/queries";
import type { EventCursor, FinishedStatus } from "../outbox/retention";
import type { RollupBucket } from "../outbox/rollups";
import type { ClaimedDelivery, EndpointState, EndpointStateName, NewEvent } from "../outbox/types";
import type { AttemptTally } from "../stats/tally";

/** Brings the schema up to date; a database newer than this binary is refused (SchemaTooNewError). */
export interface MigrationStore {
  migrate(): Promise<void>;
  /** Migrations applied to the database. */
  schemaVersion(): Promise<number>;
  /** Whether the database takes writes now: not a read-only one, nor a standby after a failover (/readyz). */
  writable(): Promise<boolean>;
}

export interface EventStore {
  /** Writes every group (one request's events) in one transaction; one group's id conflict undoes only that group. */
  writeGroups(groups: readonly (readonly NewEvent[])[]): Promise<GroupResult[]>;
}

/** Who holds a delivery and until when; `token` changes with every lease of the row. */
export interface Lease {
  readonly owner: string;
  readonly token: number;
  readonly expiresAt: number;
}

/** A lease a node still works under: the row, and the token it was leased with. */
export interface HeldLease {
  readonly seq: number;
  readonly token: number;
}

export interface LeasedDelivery extends ClaimedDelivery {
  readonly lease: Lease;
}

/** One endpoint's share of a claim round, with the limits that count across every node. */
export interface ClaimRequest {
  readonly endpointId: string;
  readonly fifo: boolean;
  /** The most rows this call takes (the node's free slots). */
  readonly limit: number;
  /** Unexpired leases the endpoint may have at once, over every node; null: no such bound. */
  readonly maxInFlight: number | null;
  /** Attempts the endpoint may start per period, over every node; null: no such bound. */
  readonly rateLimit: RateLimit | null;
}

/** What a claim leased, and what it learned of the rows it left. */
export interface Claim {
  readonly leased: LeasedDelivery[];
  /**
   * When the endpoint's first pending row not leased falls due (at or before
   * `now`: more were due than were taken); null when none waits; undefined
   * when the claim did not read it (ask nextDueAt). Lets a round learn the
   * next due time without a second query per endpoint.
   */
  readonly next: number | null | undefined;
}

/** One request's share of a round. */
export interface RoundClaim extends Claim {
  /** What it could take: its limit, within the slots the requests before it left (0: none were left). */
  readonly asked: number;
}

export interface ClaimStore {
  /**
   * Leases up to `limit` of the endpoint's due rows to this node, oldest due
   * first (for FIFO, the due heads of its keys), within its limits. A row is
   * never leased to two holders at once.
   */
  claim(r: ClaimRequest, now: number): Promise<Claim>;
  /**
   * A round's claims, in order: each request takes what `claim` would, but no
   * more than the `free` slots the requests before it left. One round of many
   * endpoints with a row or two each is one write on a driver that can
   * batch it (SQLite leases them all in one transaction).
   */
  claimEach(requests: readonly ClaimRequest[], free: number, now: number): Promise<RoundClaim[]>;
  /** When the endpoint's next row (for FIFO, its next head) falls due; null when none waits. */
  nextDueAt(endpointId: string, fifo: boolean): Promise<number | null>;
  /** Every endpoint with pending deliveries and when its earliest falls due. */
  dueEndpoints(): Promise<{ id: string; at: number }[]>;
  /** Returns every lease that expired at or before `now` to `pending`; answers how many. */
  reapExpired(now: number): Promise<number>;
  /** Returns every lease this node holds to `pending`, due as they were (the last step of a drain); answers how many. */
  releaseOwn(now: number): Promise<number>;
  /**
   * Extends to `now + lease` each of these leases that is still this node's
   * under its token, expired or not, so an attempt slower than the lease
   * keeps its row; one reaped or leased again meanwhile is left alone (its
   * token no longer matches). Answers how many it extended.
   */
  renew(held: readonly HeldLease[], now: number): Promise<number>;
}

/** One finished attempt, with the lease it ran under. */
export interface LeasedAttempt extends AttemptRecord {
  readonly endpointId: string;
  readonly token: number;
  /** What the attempt says about the endpoint: a success resets its failure counters, a failure adds one; null moves neither. */
  readonly verdict: "success" | "failure" | null;
}

/** The endpoint's failure counters after an attempt, counted over every node. */
export interface EndpointCounters {
  readonly consecutiveFailures: number;
  readonly failingSince: number | null;
  readonly lastSuccessAt: number | null;
}

/** `stale`: the lease was taken over (expired and reaped, or leased again); nothing was written. */
export type OutcomeResult = { readonly recorded: true; readonly counters: EndpointCounters } | { readonly recorded: false };

export interface OutcomeStore {
  /** Records attempts and the tally's rollups in one transaction; answers each attempt's result in order. */
  record(attempts: readonly LeasedAttempt[], tally: AttemptTally | null): Promise<OutcomeResult[]>;
}

export interface EndpointStateStore {
  loadAll(): Promise<Map<string, EndpointState>>;
  /**
   * Writes the state, its reason and its config hash, never the failure
   * counters: those are the outcomes' (OutcomeStore.record), which on a
   * shared database count every node's attempts, so the counters a caller
   * holds may be behind them. A new row starts with none counted.
   */
  save(id: string, s: EndpointState): Promise<void>;
  /** As save, and ends the failing streak (no failures, no failing since), as an enable does; the last success stays. */
  saveReset(id: string, s: EndpointState): Promise<void>;
  /**
   * The failure counters as the database holds them now: on a shared
   * database every node's attempts counted, where a node's own copy is as of
   * its last flush for the endpoint. Null for an endpoint without a row.
   */
  counters(id: string): Promise<EndpointCounters | null>;
  /**
   * Moves an active endpoint (or one without a stored state) to `state` and
   * holds its pending deliveries. True for exactly one of the callers that
   * race to do it: the one whose disable it was, to announce.
   */
  disable(id: string, state: Exclude<EndpointStateName, "active">, reason: string, now: number): Promise<boolean>;
  holdPending(id: string, now: number): Promise<number>;
  releaseHeld(id: string, now: number): Promise<number>;
  hasBacklog(id: string): Promise<boolean>;
  assignFifoKeys(id: string): Promise<void>;
  cancelBacklog(id: string, now: number): Promise<number>;
  cancelOtherTenants(id: string, tenant: string | null, now: number): Promise<number>;
}

export interface RollupStore {
  read(scope: string, fromMinute: number, toMinute: number, stepMinutes: number): Promise<RollupBucket[]>;
}

export interface BacklogStore {
  counts(endpointId: string): Promise<BacklogCounts>;
  oldestPendingSince(): Promise<number | null>;
  totals(): Promise<BacklogTotals>;
  oldestWaitingSince(endpointId: string): Promise<number | null>;
  byEndpoint(): Promise<EndpointBacklog[]>;
}

export interface QueryStore {
  delivery(seq: number): Promise<DeliveryRow | null>;
  countDeliveries(filter: DeliveryFilter, cap: number): Promise<number>;
  /** Up to `limit` deliveries matching `filter`, newest first. */
  deliveries(filter: DeliveryFilter, limit: number): Promise<DeliveryRow[]>;
  event(id: string): Promise<EventRow | null>;
  eventDeliveries(eventId: string): Promise<DeliveryRow[]>;
  deliveryOf(eventId: string, endpointId: string): Promise<DeliveryRow | null>;
  attempts(seq: number): Promise<AttemptRow[]>;
  /** The lowest seq whose delivery was created at or after `time`. */
  seqAt(time: number): Promise<number>;
}

export interface ControlStore {
  retry(seq: number, now: number, retryTo: RetryTo): Promise<ControlResult>;
  cancel(seq: number, now: number): Promise<ControlResult>;
  retryPage(filter: DeliveryFilter, limit: number, now: number, retryTo: RetryTo): Promise<PageResult>;
  cancelPage(filter: DeliveryFilter, limit: number, now: number): Promise<PageResult>;
}

export interface RetentionStore {
  pruneDeliveries(status: FinishedStatus, before: number, limit: number): Promise<number>;
  pruneBareEvents(before: number, from: EventCursor | null, limit: number): Promise<{ deleted: number; next: EventCursor | null }>;
  pruneRollups(beforeMinute: number, limit: number): Promise<number>;
}

export interface ApiEndpointStore {
  /** Every row, deleted ones included, a page at a time. */
  each(): AsyncIterable<ApiEndpointRow>;
  get(id: string): Promise<ApiEndpointRow | null>;
  insert(id: string, tenant: string | null, document: string, secrets: readonly string[], now: number): Promise<void>;
  updateDocument(id: string, document: string, now: number): Promise<boolean>;
  updateSecrets(id: string, secrets: SealedSecrets, now: number): Promise<boolean>;
  markDeleted(id: string, now: number): Promise<boolean>;
  countLive(tenant: string | null): Promise<number>;
  /** The ids among `ids` that belong or belonged to API endpoints. */
  idsAmong(ids: readonly string[]): Promise<Set<string>>;
}

export interface EndpointCreateStore {
  find(scope: string, key: string, notBefore: number): Promise<StoredCreate | null>;
  insert(scope: string, key: string, bodyHash: string, sealedAnswer: string, now: number): Promise<void>;
  prune(before: number): Promise<number>;
}

export interface PortalSessionStore {
  insert(row: Omit<PortalSessionRow, "revoked_at">): Promise<void>;
  byTokenHash(hash: string): Promise<PortalSessionRow | null>;
  byId(id: string): Promise<PortalSessionRow | null>;
  revoke(id: string, now: number): Promise<boolean>;
  pruneEnded(before: number): Promise<number>;
}

/** A node as it last said it was alive. */
export interface NodeRow {
  readonly id: string;
  readonly hostname: string;
  readonly version: string;
  readonly startedAt: number;
  readonly lastSeenAt: number;
  /** Attempts it had running then. */
  readonly inFlight: number;
}

export interface NodeStore {
  /** Records the node as alive at its `lastSeenAt`. */
  heartbeat(node: NodeRow): Promise<void>;
  /** Up to `limit` nodes seen at or after `since`, in id order after `after`. */
  alive(since: number, after: string | null, limit: number): Promise<NodeRow[]>;
  /** Forgets nodes last seen before `before`; answers how many. */
  forget(before: number): Promise<number>;
  /** Forgets the node `id` at once: it stopped cleanly. */
  leave(id: string): Promise<void>;
}

/** The one lease that lets a node run housekeeping (retention and the like): held by one node at a time. */
export interface HousekeepingLease {
  /** Takes the lease for this node, or renews it, until `now + ttlMs`; true only when this node holds it now. Another node's lease is taken only once it expired. */
  acquire(now: number, ttlMs: number): Promise<boolean>;
  /** Gives the lease up, if this node holds it, so another node takes it without waiting for its expiry. */
  release(): Promise<void>;
}

/** Wake-ups between the nodes of one database. */
export interface DueSignals {
  /**
   * Calls `onDue` with the endpoints another node just gave due deliveries
   * (its ingest), or null when it did not say which; answers a function that
   * stops listening. A signal can be lost (a dropped connection), so callers
   * keep polling storage as a backstop.
   */
  listen(onDue: (endpointIds: readonly string[] | null) => void): Promise<() => Promise<void>>;
}

/** One row of the registry feed: an API endpoint as stored, or an endpoint's stored state. */
export type RegistryChange =
  | { readonly kind: "api"; readonly revision: number; readonly row: ApiEndpointRow }
  | { readonly kind: "state"; readonly revision: number; readonly id: string; readonly state: EndpointState };

/**
 * What the endpoint registry's tables changed, for a node to follow the
 * writes of the others. Every write of an API endpoint (its soft delete
 * too) and every change of an endpoint's state, reason or config hash
 * takes a revision, and revisions commit in order: once one is read, no
 * lower one can appear later.
 */
export interface RegistryFeed {
  /** The highest revision committed; 0 for none. */
  head(): Promise<number>;
  /** Up to `limit` rows revised after `after`, each as it is now, in revision order. */
  changes(after: number, limit: number): Promise<RegistryChange[]>;
  /**
   * Calls `onChange` whenever any node commits a change (this one too);
   * answers a function that stops listening. A wake-up can be lost with a
   * dropped connection, so callers read the feed on a timer as well.
   */
  listen(onChange: () => void): Promise<() => Promise<void>>;
}

/** Every store of one driver, over one database. */
export interface Storage {
  readonly driver: "sqlite" | "postgres";
  /** This node's id: the owner of its leases. */
  readonly nodeId: string;
  readonly migrations: MigrationStore;
  readonly events: EventStore;
  readonly claims: ClaimStore;
  readonly outcomes: OutcomeStore;
  readonly endpointStates: EndpointStateStore;
  readonly rollups: RollupStore;
  readonly backlog: BacklogStore;
  readonly queries: QueryStore;
  readonly controls: ControlStore;
  readonly retention: RetentionStore;
  readonly apiEndpoints: ApiEndpointStore;
  readonly endpointCreates: EndpointCreateStore;
  readonly portalSessions: PortalSessionStore;
  readonly nodes: NodeStore;
  readonly housekeeping: HousekeepingLease;
  readonly signals: DueSignals;
  /** Null on a driver whose database has one node: no one else writes its registry. */
  readonly registryFeed: RegistryFeed | null;
  close(): Promise<void>;
}

/** What every driver is opened with. */
export interface StorageOptions {
  readonly nodeId: string;
  /** How long a lease lasts (storage.lease). */
  readonly leaseMs: number;
}
