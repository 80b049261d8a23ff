/**
 * @module storage/postgres/storage
 * The PostgreSQL driver, on Bun's built-in SQL client (BENCHMARKS.md
 * "PostgreSQL client"): every store over one pool. Any number of nodes may
 * open it on one database, each with its own node id.
 */
import { SQL } from "bun";
import type { Storage, StorageOptions } from "../stores";
import { PostgresBacklog } from "./backlog";
import { PostgresClaims } from "./claims";
import { PostgresControls } from "./controls";
import { PostgresEndpointStates } from "./endpoint-states";
import { PostgresEvents } from "./events";
import { PostgresHousekeepingLease } from "./housekeeping-lease";
import { migrate, schemaVersion } from "./migrate";
import { PostgresNodes } from "./nodes";
import { PostgresOutcomes } from "./outcomes";
import { PostgresQueries } from "./queries";
import { PostgresApiEndpoints, PostgresEndpointCreates, PostgresPortalSessions, PostgresRollups } from "./registry";
import { PostgresRegistryFeed } from "./registry-feed";
import { PostgresRetention } from "./retention";
import { PostgresSignals } from "./signals";

export interface PostgresOptions extends StorageOptions {
  readonly url: string;
  /** Connections of this node's pool (storage.pool). */
  readonly pool: number;
}

export function postgresStorage(options: PostgresOptions): Storage {
  // bigint comes as text (rows.ts); connections are opened on first use.
  const sql = new SQL(options.url, { max: options.pool });
  return {
    driver: "postgres",
    nodeId: options.nodeId,
    migrations: { migrate: () => migrate(sql), schemaVersion: () => schemaVersion(sql) },
    events: new PostgresEvents(sql, options.nodeId),
    claims: new PostgresClaims(sql, options.nodeId, options.leaseMs),
    outcomes: new PostgresOutcomes(sql),
    endpointStates: new PostgresEndpointStates(sql),
    rollups: new PostgresRollups(sql),
    backlog: new PostgresBacklog(sql),
    queries: new PostgresQueries(sql),
    controls: new PostgresControls(sql),
    retention: new PostgresRetention(sql),
    apiEndpoints: new PostgresApiEndpoints(sql),
    endpointCreates: new PostgresEndpointCreates(sql),
    portalSessions: new PostgresPortalSessions(sql),
    nodes: new PostgresNodes(sql),
    housekeeping: new PostgresHousekeepingLease(sql, options.nodeId),
    signals: new PostgresSignals(sql, options.nodeId),
    registryFeed: new PostgresRegistryFeed(sql),
    close: () => sql.close(),
  };
}
