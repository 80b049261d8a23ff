/**
 * @module outbox/api-endpoint-ids
 * Which of some endpoint ids the endpoint API has (or had: a deleted API
 * endpoint keeps its row, and its id is never used again), for `hookrelay
 * check`. Read-only: it runs on a connection opened with
 * openDatabaseReadOnly, and on a database of any schema version: one from
 * before the endpoint API has no API endpoints.
 */
import type { Database } from "bun:sqlite";

/** One primary-key lookup per id asked about (a JSON list): never a walk of every API endpoint. */
export const API_IDS_SQL = "SELECT id FROM api_endpoints WHERE id IN (SELECT value FROM json_each(?))";

/** The ids among `ids` that belong or belonged to endpoints created over the API. */
export function apiEndpointIdsAmong(db: Database, ids: readonly string[]): Set<string> {
  if (ids.length === 0) return new Set();
  const table = db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'api_endpoints'").get();
  if (table?.n !== 1) return new Set();
  const rows = db.query<{ id: string }, [string]>(API_IDS_SQL).all(JSON.stringify(ids));
  return new Set(rows.map((r) => r.id));
}
