/**
 * @module outbox/backlog-by-endpoint
 * Unfinished and dead deliveries counted per endpoint id, for `hookrelay check`
 * to name the backlog of endpoints that are no longer configured. Read-only:
 * it runs on a connection opened with openDatabaseReadOnly.
 */
import type { Database } from "bun:sqlite";

export interface EndpointBacklog {
  readonly endpoint_id: string;
  /** Waiting or being attempted (`in_flight` rows return to pending at the next start). */
  readonly pending: number;
  readonly held: number;
  readonly failed: number;
}

/** Counts for every endpoint id with at least one pending, in-flight, held or failed delivery. */
export function backlogByEndpoint(db: Database): EndpointBacklog[] {
  // Walks deliveries_status for these four statuses only, never the delivered history.
  return db
    .query<EndpointBacklog, []>(
      `SELECT endpoint_id,
              SUM(status IN ('pending', 'in_flight')) AS pending,
              SUM(status = 'held') AS held,
              SUM(status = 'failed') AS failed
       FROM deliveries
       WHERE status IN ('pending', 'in_flight', 'held', 'failed')
       GROUP BY endpoint_id
       ORDER BY endpoint_id`,
    )
    .all();
}
