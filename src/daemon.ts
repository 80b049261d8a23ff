/**
 * @module daemon
 * Assembles the running relay from its parts — database, endpoints, scheduler,
 * ingest, HTTP API — and owns the three things that span them: start, reload
 * and drain. `cli/serve.ts` adds signals and the config file around it; tests
 * start it in-process.
 */
import type { Database } from "bun:sqlite";
import { adminRoutes } from "./admin/routes";
import { type Clock, systemClock } from "./clock";
import type { Config } from "./config/types";
import { Checkpointer } from "./db/checkpointer";
import { StorageHealth } from "./db/health";
import { migrate } from "./db/migrate";
import { openDatabase } from "./db/open";
import { relaxedSync } from "./db/relaxed-sync";
import { transactionRunner } from "./db/transaction";
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
import { Backlog } from "./outbox/backlog";
import { Claims } from "./outbox/claims";
import { Controls } from "./outbox/controls";
import { EndpointStore } from "./outbox/endpoint-store";
import { EventWriter } from "./outbox/event-writer";
import { Outcomes } from "./outbox/outcomes";
import { Queries } from "./outbox/queries";
import { Retention } from "./outbox/retention";
import { Rollups } from "./outbox/rollups";
import { createAnnouncements } from "./scheduler/announcements";
import { Endpoints } from "./scheduler/endpoints";
import { startJobs } from "./scheduler/jobs";
import { Scheduler } from "./scheduler/scheduler";
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
  readonly db: Database;
  /** The relay's metrics: reload outcome and housekeeping failures are reported through it. */
  readonly metrics: Metrics;
  /** Applies a new, already validated config. Listen address and storage path need a restart. */
  reload(config: Config): void;
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

/** How long a drain waits for requests already being answered, at most (and never past the grace). */
const REQUEST_DRAIN_MS = 2_000;

/** Opens storage, applies the config, starts delivering and listening. */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const { log } = options;
  const clock = options.clock ?? systemClock;
  let config = options.config;
  let policy = createAddressPolicy(config.network.allow);
  let draining = false;

  const db = openDatabase(config.storage.path, { sync: config.storage.sync });
  migrate(db);
  const tx = transactionRunner(db);
  const relaxed = relaxedSync(db);
  // The thread starts while the rest is assembled; it is awaited before the first request is served.
  const checkpointerStarting = Checkpointer.start(CHECKPOINT_THREAD_ENTRY, db, config.storage.path, config.storage.sync);
  const health = new StorageHealth(db);
  const claims = new Claims(db);
  const requeued = claims.requeueInFlight();
  if (requeued > 0) log.warn("requeued deliveries left in flight by an earlier stop", { count: requeued });

  // `ingest` exists before any transition or dead letter can be announced.
  let ingest: Ingest;
  const announcements = createAnnouncements((type, data) => ingest.emit(type, data, null), log);
  const endpoints = new Endpoints({ store: new EndpointStore(db), tx, onTransition: announcements.transition });
  const targets = new Targets(options.lookup ?? dnsLookup, () => clock.now());
  const backlog = new Backlog(db);
  const rollups = new Rollups(db);
  const metrics = createMetrics({ endpoints, backlog, clock, version: VERSION });
  const scheduler = new Scheduler(
    {
      claims,
      outcomes: new Outcomes(db),
      rollups,
      endpoints,
      outcomeTx: (work) => relaxed(() => tx(work)),
      health,
      send: (req) => send(req, { resolve: (url) => targets.resolve(url, policy) }),
      clock,
      log,
      random: Math.random,
      observer: metrics.observer,
      onDeadLetter: announcements.deadLetter,
    },
    config.delivery.concurrency,
  );
  const committer = new GroupCommitter(new EventWriter(db), health, (at) => {
    if (at !== null) scheduler.wakeAt(at);
  });
  ingest = new Ingest({
    committer,
    endpoints,
    clock,
    newId: createIdGenerator(),
    random: Math.random,
    onIngested: (count) => metrics.eventsIngested(count),
  });
  reportOrphans(endpoints.apply(config.endpoints, clock.now()), log);
  scheduler.configure(config.delivery.concurrency);

  const app = createApp({
    log,
    routes: [
      healthRoutes({
        notReadyReason: () => (draining ? "shutting down" : health.problem()),
      }),
      ingestRoutes({
        ingest,
        tokens: () => config.auth,
        maxBodyBytes: () => config.server.maxBodyBytes,
        draining: () => draining,
      }),
      ...adminRoutes({
        endpoints,
        queries: new Queries(db),
        controls: new Controls(db, tx),
        backlog,
        rollups,
        ingest,
        clock,
        wake: () => scheduler.wake(),
        tokens: () => config.auth,
        maxBodyBytes: () => config.server.maxBodyBytes,
      }),
      metricsRoutes(metrics),
      uiRoutes({ enabled: () => config.server.ui, frameAncestors: () => config.server.uiFrameAncestors }),
      openapiRoutes(() => app.routes, VERSION),
    ],
  });
  const checkpointer = await checkpointerStarting;
  const jobs = startJobs({
    retention: new Retention(db),
    checkpoint: () => checkpointer.checkpoint(),
    storage: () => config.storage,
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
  log.info("hookrelay listening", { url, endpoints: config.endpoints.length, database: config.storage.path });

  return {
    url,
    db,
    metrics,
    reload(next) {
      if (next.server.host !== config.server.host || next.server.port !== config.server.port) {
        log.warn("server.listen changed; restart hookrelay to listen on the new address");
      }
      if (next.storage.path !== config.storage.path) log.warn("storage.path changed; restart hookrelay to use the new database");
      config = next;
      policy = createAddressPolicy(next.network.allow);
      log.configure(next.log.level, next.log.format);
      reportOrphans(endpoints.apply(next.endpoints, clock.now()), log);
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
      await checkpointer.close();
      await Promise.all([requests, deliveries]);
      committer.flushNow();
      // Closes the connections of requests still unanswered: their clients got no 202, so nothing is lost.
      server.stop(true);
      db.close();
      log.info("stopped");
    },
  };
}

function reportOrphans(ids: readonly string[], log: Logger): void {
  for (const id of ids) log.warn("endpoint removed from the config still has deliveries; they are held until it returns", { endpoint_id: id });
}
