/**
 * @module storage/postgres/backlog
 * Backlog counts for the admin API, metrics and `check`: each a range of
 * (endpoint_id, status, seq) or of a partial index that holds only rows of
 * that status, so the cost is the backlog's, never the history's.
 */
import type { SQL } from "bun";
import type { BacklogCounts, BacklogTotals } from "../../outbox/backlog";
import type { EndpointBacklog } from "../../outbox/backlog-by-endpoint";
import type { BacklogStore } from "../stores";
import { PG_WITH_ENDPOINT_IDS } from "./pages";
import { numOrNull } from "./rows";

const count = (statuses: string) => `(SELECT count(*) FROM deliveries WHERE endpoint_id = endpoint_ids.id AND status IN (${statuses}))`;
const oldest = (status: string) => `(SELECT created_at FROM deliveries WHERE endpoint_id = $1 AND status = '${status}' ORDER BY seq LIMIT 1)`;

export const PG_BACKLOG_SQL = {
  counts: "SELECT status, count(*) AS n FROM deliveries WHERE endpoint_id = $1 AND status IN ('pending', 'held', 'failed', 'in_flight') GROUP BY status",
  totals: `SELECT (SELECT count(*) FROM deliveries WHERE status = 'pending') AS pending,
    (SELECT count(*) FROM deliveries WHERE status = 'held') AS held,
    (SELECT count(*) FROM deliveries WHERE status IN ('delivered', 'failed', 'cancelled') AND status = 'failed') AS failed`,
  oldestPending: "SELECT created_at FROM deliveries WHERE seq = (SELECT MIN(seq) FROM deliveries WHERE status = 'pending')",
  oldestWaiting: `SELECT LEAST(${oldest("pending")}, ${oldest("in_flight")}) AS at`,
  byEndpoint: `${PG_WITH_ENDPOINT_IDS}
    SELECT * FROM (
      SELECT id AS endpoint_id, ${count("'pending', 'in_flight'")} AS pending, ${count("'held'")} AS held, ${count("'failed'")} AS failed
      FROM endpoint_ids WHERE id IS NOT NULL
    ) counted
    WHERE pending + held + failed > 0 ORDER BY endpoint_id`,
} as const;

export class PostgresBacklog implements BacklogStore {
  constructor(readonly sql: SQL) {}

  async counts(endpointId: string): Promise<BacklogCounts> {
    const n = new Map<string, number>();
    for (const r of await this.sql.unsafe(PG_BACKLOG_SQL.counts, [endpointId])) n.set(r.status, Number(r.n));
    return { pending: n.get("pending") ?? 0, held: n.get("held") ?? 0, failed: n.get("failed") ?? 0, inFlight: n.get("in_flight") ?? 0 };
  }

  async oldestPendingSince(): Promise<number | null> {
    const [row] = await this.sql.unsafe(PG_BACKLOG_SQL.oldestPending);
    return numOrNull(row?.created_at);
  }

  async totals(): Promise<BacklogTotals> {
    const [row] = await this.sql.unsafe(PG_BACKLOG_SQL.totals);
    return { pending: Number(row.pending), held: Number(row.held), failed: Number(row.failed) };
  }

  async oldestWaitingSince(endpointId: string): Promise<number | null> {
    const [row] = await this.sql.unsafe(PG_BACKLOG_SQL.oldestWaiting, [endpointId]);
    return numOrNull(row.at);
  }

  async byEndpoint(): Promise<EndpointBacklog[]> {
    const rows = await this.sql.unsafe(PG_BACKLOG_SQL.byEndpoint);
    return (rows as Record<string, unknown>[]).map((r) => ({
      endpoint_id: r.endpoint_id as string,
      pending: Number(r.pending),
      held: Number(r.held),
      failed: Number(r.failed),
    }));
  }
}
