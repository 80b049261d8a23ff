/**
 * @module daemon
 * Assembles the running relay from its parts — database, endpoints, scheduler,
 * ingest, HTTP API — and owns the three things that span them: start, reload
 * and drain. `cli/serve.ts` adds signals and the config file around it; tests
 * start it in-process.
 */
import type { Database } from "bun:sqlite";
import { hostname } from "node:os";
import { adminRoutes } from "./admin/routes";
import { type Clock, systemClock } from "./clock";
import type { Config } from "./config/types";
import { Checkpointer } from "./db/checkpointer";
import { StorageHealth } from "./db/health";
import { SchemaTooNewError } from "./db/migrate";
import { openDatabase, StorageOpenError } from "./db/open";
import { send } from "./delivery/send";
import { Targets } from "./delivery/targets";
import { createApp } from "./http/app";
import { healthRoutes } from "./http/health";
import { openapiRoutes } from "./http/openapi";
import { uiRoutes } from "./http/ui";
import { Ingest } from "./ingest/accept";
import { GroupCommitter } from "./ingest/committer";
import { createIdGenerator } from "./ingest/ids";
import { ingestRoutes } from "./ingest/routes";
import type { Logger } from "./log";
import { createMetrics, type Metrics } from "./metrics/metrics";
import { metricsRoutes } from "./metrics/routes";
import { createAddressPolicy } from "./net/policy";
import { dnsLookup, type Lookup } from "./net/resolve";
import { Claims } from "./outbox/claims";
import { createAnnouncements } from "./scheduler/announcements";
import { ApiEndpoints } from "./endpoints/api-endpoints";
import { EndpointRegistry } from "./endpoints/registry";
import { followRegistry } from "./endpoints/registry-follower";
import { PortalSessions } from "./portal/sessions";
import { randomId } from "./random-id";
import { loadKeys } from "./sealing/keys";
import { Sealer } from "./sealing/sealer";
import { startJobs } from "./scheduler/jobs";
import { startLeaseRenewal } from "./scheduler/lease-renewal";
import { startNodeHeartbeat } from "./scheduler/node-heartbeat";
import { Scheduler } from "./scheduler/scheduler";
import { postgresStorage } from "./storage/postgres/storage";
import { Reachability } from "./storage/reachability";
import { sqliteStorage } from "./storage/sqlite/storage";
import { redactUrl, scrubUrl } from "./storage/url";
import { VERSION } from "./version";

export interface DaemonOptions {
  readonly config: Config;
  readonly log: Logger;
  readonly clock?: Clock;
  /** Name resolution for endpoint hosts (tests substitute their own). */
  readonly lookup?: Lookup;
}

export interface Daemon {
  /** Base URL the API listens on, e.g. http://127.0.0.1:8787. */
  readonly url: string;
  /** The SQLite database; null on PostgreSQL. */
  readonly db: Database | null;
  /** The relay's metrics: reload outcome and housekeeping failures are reported through it. */
  readonly metrics: Metrics;
  /** Applies a new, already validated config. Listen address and storage path need a restart. */
  reload(config: Config): Promise<void>;
  /** Drains: refuse new events, let deliveries in flight finish within the grace period, cut the rest short, close. */
  stop(): Promise<void>;
}

/**
 * The checkpoint thread's entry point, resolved from this file at the top of
 * src/. In the compiled binary every module's import.meta.url is the root of
 * the embedded files, where the thread's entry sits under db/ (it is an entry
 * point of `npm run build` of its own), so this one spelling names the file
 * both from source and compiled.
 */
const CHECKPOINT_THREAD_ENTRY = new URL("./db/checkpoint-thread.ts", import.meta.url).href;

/** Portal sessions, create answers and nodes are forgotten this long after they stop mattering. */
const FORGET_AFTER_MS = 86_400_000;

/**
 * How often a node on PostgreSQL checks the database for due rows, and for
 * other nodes' endpoint changes, it heard nothing of: a wake-up from another
 * node is lost with a dropped connection.
 */
const POLL_BACKSTOP_MS = 5_000;

/** How long a drain waits for requests already being answered, at most (and never past the grace). */
const REQUEST_DRAIN_MS = 2_000;

/** Opens storage, applies the config, starts delivering and listening. */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const { log } = options;
  const clock = options.clock ?? systemClock;
  let config = options.config;
  let policy = createAddressPolicy(config.network.allow);
  let draining = false;
  const startedAt = clock.now();
  const nodeId = randomId("node_", 16);

  // SQLite: a file of this node's own. PostgreSQL: a database other nodes may share.
  const db = config.storage.driver === "sqlite" ? openDatabase(config.storage.path, { sync: config.storage.sync }) : null;
  const storage = db
    ? sqliteStorage(db, { nodeId, leaseMs: config.storage.leaseMs })
    : postgresStorage({ url: config.storage.url!.reveal(), pool: config.storage.pool, nodeId, leaseMs: config.storage.leaseMs });
  let checkpointerStarting: Promise<Checkpointer> | null = null;
  const closeAfterRefusal = async () => {
    await (await checkpointerStarting)?.close();
    await storage.close();
  };
  /** Runs a start-up step that may refuse to start (a newer schema, a taken id, secrets no key opens), closing what is open if it does. */
  const orClose = async <T>(step: () => T | Promise<T>): Promise<T> => {
    try {
      return await step();
    } catch (err) {
      void closeAfterRefusal();
      throw err;
    }
  };
  await orClose(async () => {
    try {
      await storage.migrations.migrate();
    } catch (err) {
      if (db || err instanceof SchemaTooNewError) throw err;
      const url = config.storage.url!.reveal();
      throw new StorageOpenError(`cannot reach the database ${redactUrl(url)}: ${scrubUrl(err instanceof Error ? err.message : String(err), url)}`);
    }
  });
  if (db) {
    // The thread starts while the rest is assembled; it is awaited before the first request is served.
    checkpointerStarting = Checkpointer.start(CHECKPOINT_THREAD_ENTRY, db, config.storage.path, config.storage.sync);
    // This node is the file's only user: whatever is in flight was an earlier run's. Elsewhere the reaper
    // returns such rows once their lease expires, as it cannot tell a dead node from a slow one.
    const requeued = new Claims(db).requeueInFlight();
    if (requeued > 0) log.warn("requeued deliveries left in flight by an earlier stop", { count: requeued });
  }
  const health = db
    ? new StorageHealth(db)
    : new Reachability(async () => ((await storage.migrations.writable()) ? null : "the database takes no writes (read-only)"));

  // Read before the registry loads: the follower applies whatever other nodes write from here on.
  const feed = storage.registryFeed;
  const followFrom = feed && (await feed.head());

  // `ingest` and `scheduler` exist before any transition or dead letter can be announced.
  let ingest: Ingest;
  let scheduler: Scheduler;
  const announcements = createAnnouncements((type, data) => ingest.emit(type, data, null), log);
  const endpoints = new EndpointRegistry(
    {
      store: storage.endpointStates,
      onTransition: announcements.transition,
      onReleased: (id) => scheduler.noteDue(id, clock.now()),
    },
    await storage.endpointStates.loadAll(),
  );
  const keys = await orClose(() => loadKeys(config.storage.encryptionKeys, config.storage.path));
  const apiEndpoints = new ApiEndpoints({
    registry: endpoints,
    store: storage.apiEndpoints,
    creates: storage.endpointCreates,
    sealer: new Sealer(keys.keys),
    settings: () => ({
      defaults: config.endpointDefaults,
      concurrency: config.delivery.concurrency,
      maxPerTenant: config.endpointApi.maxPerTenant,
      requireHttps: config.endpointApi.requireHttps,
      policy,
    }),
  });
  const sessions = new PortalSessions(storage.portalSessions);
  const targets = new Targets(options.lookup ?? dnsLookup, () => clock.now());
  const metrics = createMetrics({
    endpoints,
    backlog: storage.backlog,
    clock,
    version: VERSION,
    node: { id: nodeId, hostname: hostname() },
    housekeeper: () => heartbeat.holdsHousekeeping(),
  });
  scheduler = new Scheduler(
    {
      claims: storage.claims,
      outcomes: storage.outcomes,
      endpoints,
      health,
      send: (req) => send(req, { resolve: (url) => targets.resolve(url, policy) }),
      clock,
      log,
      random: Math.random,
      observer: metrics.observer,
      onDeadLetter: announcements.deadLetter,
      ...(db ? {} : { resyncMs: POLL_BACKSTOP_MS, sharedCounters: true }),
    },
    config.delivery.concurrency,
  );
  const committer = new GroupCommitter(storage.events, health, (groups) => scheduler.noteStored(groups));
  ingest = new Ingest({
    committer,
    endpoints,
    clock,
    newId: createIdGenerator(),
    random: Math.random,
    onIngested: (count) => metrics.eventsIngested(count),
  });
  // API endpoints first: a config that takes one of their ids is refused, naming it.
  await orClose(async () => {
    await apiEndpoints.load(clock.now());
    reportOrphans(await endpoints.apply(config.endpoints, clock.now()), log);
  });
  // Loading the endpoints read every row of api_endpoints through SQLite's
  // page cache and parsed each into temporaries. Both are let go now, before
  // serving: with 100,000 endpoints the process otherwise kept ~285 MB for
  // seconds and settled near 250; after this, ~233 MB from the start.
  if (endpoints.count("api") > 0) {
    db?.run("PRAGMA shrink_memory");
    Bun.gc(true);
  }
  const stopListening = await storage.signals.listen((ids) => {
    if (ids === null) return scheduler.rescan();
    for (const id of ids) scheduler.noteDue(id, clock.now());
  });
  const follower =
    feed &&
    (await followRegistry(
      {
        feed,
        registry: endpoints,
        applyApi: (row, now) => apiEndpoints.follow(row, now),
        clock,
        log,
        failed: () => metrics.jobFailed("registry_follow"),
        backstopMs: POLL_BACKSTOP_MS,
      },
      followFrom ?? 0,
    ));
  scheduler.configure(config.delivery.concurrency);
  const auth = { tokens: () => config.auth, session: (token: string) => sessions.resolve(token, clock.now()) };
  let publicUrl = "";

  const app = createApp({
    log,
    routes: [
      healthRoutes({
        notReadyReason: () => (draining ? "shutting down" : health.problem()),
      }),
      ingestRoutes({
        ingest,
        auth,
        maxBodyBytes: () => config.server.maxBodyBytes,
        draining: () => draining,
      }),
      ...adminRoutes({
        endpoints,
        apiEndpoints,
        sessions,
        queries: storage.queries,
        controls: storage.controls,
        backlog: storage.backlog,
        endpointStates: storage.endpointStates,
        rollups: storage.rollups,
        nodes: storage.nodes,
        ingest,
        clock,
        noteDue: (id) => scheduler.noteDue(id, clock.now()),
        inFlight: () => scheduler.inFlight,
        publicUrl: () => config.server.publicUrl ?? publicUrl,
        auth,
        maxBodyBytes: () => config.server.maxBodyBytes,
      }),
      metricsRoutes(metrics),
      uiRoutes({ enabled: () => config.server.ui, frameAncestors: () => config.server.uiFrameAncestors }),
      openapiRoutes(() => app.routes, VERSION),
    ],
  });
  const checkpointer = await checkpointerStarting;
  const heartbeat = await startNodeHeartbeat({
    nodes: storage.nodes,
    housekeeping: storage.housekeeping,
    node: () => ({ id: nodeId, hostname: hostname(), version: VERSION, startedAt, inFlight: scheduler.inFlight }),
    clock,
    log,
    failed: () => metrics.jobFailed("node_heartbeat"),
  });
  // On SQLite no other process reaps this node's leases, so they need no renewing.
  const renewal = db
    ? null
    : startLeaseRenewal({
        renew: (held, now) => storage.claims.renew(held, now),
        held: () => scheduler.held(),
        leaseMs: config.storage.leaseMs,
        clock,
        log,
        failed: () => metrics.jobFailed("lease_renewal"),
      });
  const jobs = startJobs({
    retention: storage.retention,
    checkpoint: checkpointer && (() => checkpointer.checkpoint()),
    // On SQLite the start-up requeue did the reaper's work: no other node holds leases there.
    reap: db
      ? null
      : async (now) => {
          const reaped = await storage.claims.reapExpired(now);
          if (reaped > 0) scheduler.rescan();
          return reaped;
        },
    storage: () => config.storage,
    forgetEnded: async (now) => (await storage.portalSessions.pruneEnded(now - FORGET_AFTER_MS)) + (await storage.endpointCreates.prune(now - FORGET_AFTER_MS)),
    housekeeper: () => heartbeat.holdsHousekeeping(),
    clock,
    log,
    failed: (job) => metrics.jobFailed(job),
  });
  // Bun's own cap sits far above ours: bodies are measured by http/body.ts, which answers 413 in our error shape.
  const server = Bun.serve({
    hostname: config.server.host,
    port: config.server.port,
    maxRequestBodySize: 1 << 30,
    fetch: (request) => app.handle(request),
  });
  const url = `http://${server.hostname?.includes(":") ? `[${server.hostname}]` : server.hostname}:${server.port}`;
  publicUrl = reachableUrl(server.hostname ?? "127.0.0.1", server.port ?? 0);
  log.info("hookrelay listening", {
    url,
    endpoints: config.endpoints.length,
    api_endpoints: endpoints.count("api"),
    database: db ? config.storage.path : redactUrl(config.storage.url!.reveal()),
    node: nodeId,
    ...(keys.keyFile ? { key_file: keys.keyFile } : {}),
  });

  return {
    url,
    db,
    metrics,
    async reload(next) {
      if (next.server.host !== config.server.host || next.server.port !== config.server.port) {
        log.warn("server.listen changed; restart hookrelay to listen on the new address");
      }
      if (next.storage.path !== config.storage.path) log.warn("storage.path changed; restart hookrelay to use the new database");
      if (next.storage.driver !== config.storage.driver || next.storage.url?.reveal() !== config.storage.url?.reveal()) {
        log.warn("storage.driver or storage.url changed; restart hookrelay to use the new database");
      }
      // The pool is opened and the leases are taken and renewed with the values of the start.
      if (next.storage.pool !== config.storage.pool || next.storage.leaseMs !== config.storage.leaseMs) {
        log.warn("storage.pool or storage.lease changed; restart hookrelay to apply them");
      }
      if (!sameKeys(next.storage.encryptionKeys, config.storage.encryptionKeys)) {
        log.warn("storage encryption keys changed; restart hookrelay to seal secrets under the new key");
      }
      // First, as it may refuse the config (an id the endpoint API owns) before anything changed.
      const orphans = await endpoints.apply(next.endpoints, clock.now());
      const defaultsChanged = JSON.stringify(next.endpointDefaults) !== JSON.stringify(config.endpointDefaults);
      config = next;
      policy = createAddressPolicy(next.network.allow);
      log.configure(next.log.level, next.log.format);
      // Endpoints from the API inherit defaults: like the file's, so a change of them reaches them too.
      if (defaultsChanged) await apiEndpoints.load(clock.now());
      reportOrphans(orphans, log);
      scheduler.configure(next.delivery.concurrency);
      metrics.configReloaded(true);
    },
    async stop() {
      draining = true;
      const graceMs = config.server.shutdownGraceMs;
      log.info("draining: refusing new events, finishing deliveries in flight", { grace_ms: graceMs });
      // The grace counts from here, and nothing below waits past it for a receiver or a client.
      const deliveries = scheduler.stop(graceMs);
      const requestsDeadline = clock.now() + Math.min(REQUEST_DRAIN_MS, graceMs);
      const requests = (async () => {
        while (server.pendingRequests > 0 && clock.now() < requestsDeadline) await Bun.sleep(10);
      })();
      await jobs.stop();
      await heartbeat.stop();
      await stopListening();
      await follower?.stop();
      await checkpointer?.close();
      await Promise.all([requests, deliveries]);
      // After the drain: attempts finishing within the grace keep their leases to the end.
      await renewal?.stop();
      await committer.flushNow();
      // Closes the connections of requests still unanswered: their clients got no 202, so nothing is lost.
      server.stop(true);
      await storage.close();
      log.info("stopped");
    },
  };
}

/** The daemon's own address as a browser reaches it: a wildcard listen is reached on this host. */
function reachableUrl(hostname: string, port: number): string {
  const host = hostname === "0.0.0.0" || hostname === "::" ? "127.0.0.1" : hostname;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

function sameKeys(a: readonly { reveal(): string }[], b: readonly { reveal(): string }[]): boolean {
  return a.length === b.length && a.every((k, i) => k.reveal() === b[i]!.reveal());
}

function reportOrphans(ids: readonly string[], log: Logger): void {
  for (const id of ids) log.warn("endpoint removed from the config still has deliveries; they are held until it returns", { endpoint_id: id });
}
