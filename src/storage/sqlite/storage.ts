/**
 * @module storage/sqlite/storage
 * The SQLite driver: every store over the sync classes the daemon runs on
 * (src/outbox, src/db), their SQL unchanged. One node: the database file
 * has one user, the process that opened it.
 */
import type { Database } from "bun:sqlite";
import { migrate, schemaVersion } from "../../db/migrate";
import { transactionRunner } from "../../db/transaction";
import { apiEndpointIdsAmong } from "../../outbox/api-endpoint-ids";
import { ApiEndpointStore } from "../../outbox/api-endpoint-store";
import { Backlog } from "../../outbox/backlog";
import { backlogByEndpoint } from "../../outbox/backlog-by-endpoint";
import { Claims } from "../../outbox/claims";
import { Controls } from "../../outbox/controls";
import { EndpointCreateStore } from "../../outbox/endpoint-create-store";
import { EndpointStore } from "../../outbox/endpoint-store";
import { EventWriter } from "../../outbox/event-writer";
import { Outcomes } from "../../outbox/outcomes";
import { PortalSessionStore } from "../../outbox/portal-session-store";
import { Queries } from "../../outbox/queries";
import { Retention } from "../../outbox/retention";
import { Rollups } from "../../outbox/rollups";
import type { Storage, StorageOptions } from "../stores";
import { SqliteClaims } from "./claims";
import { SqliteCounters } from "./counters";
import { SqliteEndpointStates } from "./endpoint-states";
import { LocalLeases } from "./leases";
import { LOCAL_HOUSEKEEPING, LocalNodes } from "./nodes";
import { SqliteOutcomes } from "./outcomes";

type Stores = Omit<Storage, "driver" | "nodeId" | "migrations" | "nodes" | "housekeeping" | "signals" | "registryFeed" | "close">;

/** One node: every write is its own, and the writer tells its scheduler itself. */
const NO_OTHER_NODES = { listen: async () => async () => {} };

/**
 * The stores of a database opened with db/open.ts. Their statements are
 * prepared on first use of a store, which must come after migrate().
 * Closing the storage closes `db`.
 */
export function sqliteStorage(db: Database, options: StorageOptions): Storage {
  let stores: Stores | null = null;
  const built = () => (stores ??= buildStores(db, options));
  return {
    driver: "sqlite",
    nodeId: options.nodeId,
    migrations: {
      migrate: async () => migrate(db),
      schemaVersion: async () => schemaVersion(db),
    },
    nodes: new LocalNodes(),
    housekeeping: LOCAL_HOUSEKEEPING,
    get events() {
      return built().events;
    },
    get claims() {
      return built().claims;
    },
    get outcomes() {
      return built().outcomes;
    },
    get endpointStates() {
      return built().endpointStates;
    },
    get rollups() {
      return built().rollups;
    },
    get backlog() {
      return built().backlog;
    },
    get queries() {
      return built().queries;
    },
    get controls() {
      return built().controls;
    },
    get retention() {
      return built().retention;
    },
    get apiEndpoints() {
      return built().apiEndpoints;
    },
    get endpointCreates() {
      return built().endpointCreates;
    },
    get portalSessions() {
      return built().portalSessions;
    },
    signals: NO_OTHER_NODES,
    registryFeed: null,
    close: async () => db.close(),
  };
}

function buildStores(db: Database, options: StorageOptions): Stores {
  const leases = new LocalLeases(options.nodeId, options.leaseMs);
  const rollups = new Rollups(db);
  const backlog = new Backlog(db);
  const queries = new Queries(db);
  const controls = new Controls(db, transactionRunner(db));
  const retention = new Retention(db);
  const api = new ApiEndpointStore(db);
  const creates = new EndpointCreateStore(db);
  const sessions = new PortalSessionStore(db);
  const writer = new EventWriter(db);
  return {
    events: { writeGroups: async (groups) => writer.writeGroups(groups) },
    claims: new SqliteClaims(db, new Claims(db), leases),
    outcomes: new SqliteOutcomes(db, new Outcomes(db), rollups, new SqliteCounters(db), leases),
    endpointStates: new SqliteEndpointStates(db, new EndpointStore(db)),
    rollups: { read: async (scope, from, to, step) => rollups.read(scope, from, to, step) },
    backlog: {
      counts: async (id) => backlog.counts(id),
      oldestPendingSince: async () => backlog.oldestPendingSince(),
      totals: async () => backlog.totals(),
      oldestWaitingSince: async (id) => backlog.oldestWaitingSince(id),
      byEndpoint: async () => backlogByEndpoint(db),
    },
    queries: {
      delivery: async (seq) => queries.delivery(seq),
      countDeliveries: async (filter, cap) => queries.countDeliveries(filter, cap),
      deliveries: async (filter, limit) => queries.deliveries(filter, limit),
      event: async (id) => queries.event(id),
      eventDeliveries: async (eventId) => queries.eventDeliveries(eventId),
      deliveryOf: async (eventId, endpointId) => queries.deliveryOf(eventId, endpointId),
      attempts: async (seq) => queries.attempts(seq),
      seqAt: async (time) => queries.seqAt(time),
    },
    controls: {
      retry: async (seq, now, retryTo) => controls.retry(seq, now, retryTo),
      cancel: async (seq, now) => controls.cancel(seq, now),
      retryPage: async (filter, limit, now, retryTo) => controls.retryPage(filter, limit, now, retryTo),
      cancelPage: async (filter, limit, now) => controls.cancelPage(filter, limit, now),
    },
    retention: {
      pruneDeliveries: async (status, before, limit) => retention.pruneDeliveries(status, before, limit),
      pruneBareEvents: async (before, from, limit) => retention.pruneBareEvents(before, from, limit),
      pruneRollups: async (beforeMinute, limit) => retention.pruneRollups(beforeMinute, limit),
    },
    apiEndpoints: {
      each: async function* () {
        yield* api.each();
      },
      get: async (id) => api.get(id),
      insert: async (id, tenant, document, secrets, now) => api.insert(id, tenant, document, secrets, now),
      updateDocument: async (id, document, now) => api.updateDocument(id, document, now),
      updateSecrets: async (id, secrets, now) => api.updateSecrets(id, secrets, now),
      markDeleted: async (id, now) => api.markDeleted(id, now),
      countLive: async (tenant) => api.countLive(tenant),
      idsAmong: async (ids) => apiEndpointIdsAmong(db, ids),
    },
    endpointCreates: {
      find: async (scope, key, notBefore) => creates.find(scope, key, notBefore),
      insert: async (scope, key, bodyHash, answer, now) => creates.insert(scope, key, bodyHash, answer, now),
      prune: async (before) => creates.prune(before),
    },
    portalSessions: {
      insert: async (row) => sessions.insert(row),
      byTokenHash: async (hash) => sessions.byTokenHash(hash),
      byId: async (id) => sessions.byId(id),
      revoke: async (id, now) => sessions.revoke(id, now),
      pruneEnded: async (before) => sessions.pruneEnded(before),
    },
  };
}
