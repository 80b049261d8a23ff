/**
 * @module outbox/backlog-by-endpoint
 * Unfinished and dead deliveries counted per endpoint id, for `hookrelay check`
 * to name the backlog of endpoints that are no longer configured. Read-only:
 * it runs on a connection opened with openDatabaseReadOnly.
 */
import type { Database } from "bun:sqlite";
import { WITH_ENDPOINT_IDS } from "./endpoint-ids";

export interface EndpointBacklog {
  readonly endpoint_id: string;
  /** Waiting or being attempted (`in_flight` rows return to pending at the next start). */
  readonly pending: number;
  readonly held: number;
  readonly failed: number;
}

/** Counts for every endpoint id with at least one pending, in-flight, held or failed delivery. */
export function backlogByEndpoint(db: Database): EndpointBacklog[] {
  // Each count is a range of the (endpoint_id, status) index: never the delivered history.
  const count = (statuses: string) => `(SELECT COUNT(*) FROM deliveries WHERE endpoint_id = endpoint_ids.id AND status IN (${statuses}))`;
  return db
    .query<EndpointBacklog, []>(
      `${WITH_ENDPOINT_IDS}
       SELECT * FROM (
         SELECT id AS endpoint_id, ${count("'pending', 'in_flight'")} AS pending, ${count("'held'")} AS held, ${count("'failed'")} AS failed
         FROM endpoint_ids WHERE id IS NOT NULL
       )
       WHERE pending + held + failed > 0
       ORDER BY endpoint_id`,
    )
    .all();
}
