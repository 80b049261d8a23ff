/**
 * @module storage/copy/tables
 * What `storage copy` moves from SQLite into PostgreSQL: every table of the
 * SQLite schema, column for column under the same names but for SQLite's
 * own bookkeeping (`sqliteOnly`), read in primary-key order so no read sorts. The few differences
 * between the two schemas are spelled out here, in the SQLite query.
 */

export interface CopiedTable {
  readonly name: string;
  /** The PostgreSQL columns written; the SQLite query answers each under the same name. */
  readonly columns: readonly string[];
  /** Where a column is not the SQLite column of its name: the SQLite expression that gives it. */
  readonly from?: Readonly<Record<string, string>>;
  /** The SQLite order of the rows: the table's key, which no read has to sort by. */
  readonly order: string;
  /**
   * The PostgreSQL column that a sequence fills, and the SQLite query for the
   * highest value ever handed out, which the sequence is moved past.
   */
  readonly serial?: { readonly column: string; readonly highest: string };
  /** SQLite columns not copied: what SQLite keeps for its own queries and PostgreSQL finds otherwise. */
  readonly sqliteOnly?: readonly string[];
}

export const COPIED_TABLES: readonly CopiedTable[] = [
  {
    name: "events",
    columns: ["rid", "id", "type", "tenant", "data", "ordering_key", "occurred_at", "created_at"],
    // rid is the events' insertion order, which is SQLite's rowid (retention walks it).
    from: { rid: "rowid" },
    order: "rowid",
    serial: { column: "rid", highest: "SELECT COALESCE(MAX(rowid), 0) AS n FROM events" },
  },
  {
    name: "deliveries",
    columns: [
      "seq", "event_id", "endpoint_id", "event_type", "fifo_key", "status", "attempts", "next_attempt_at",
      "last_status_code", "last_error", "created_at", "updated_at", "delivered_at",
    ],
    // A row in flight in a stopped daemon is what its start-up requeue would
    // make of it: pending at its due time, to be attempted again by a node.
    from: { status: "CASE status WHEN 'in_flight' THEN 'pending' ELSE status END" },
    order: "seq",
    // The FIFO head marks (outbox/fifo-heads.ts) index SQLite's claims; PostgreSQL's find each key's head from its rows.
    sqliteOnly: ["fifo_head"],
    // AUTOINCREMENT remembers seqs handed out and pruned since; none is handed out twice.
    serial: {
      column: "seq",
      highest: `SELECT MAX(COALESCE((SELECT MAX(seq) FROM deliveries), 0),
        COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'deliveries'), 0)) AS n`,
    },
  },
  {
    name: "attempts",
    columns: ["delivery_seq", "n", "started_at", "duration_ms", "status_code", "error", "request_headers", "response_excerpt"],
    order: "delivery_seq, n",
  },
  {
    name: "endpoint_state",
    columns: ["endpoint_id", "state", "disabled_reason", "consecutive_failures", "failing_since", "last_success_at", "config_hash"],
    order: "endpoint_id",
  },
  {
    name: "attempt_rollups",
    columns: [
      "endpoint_id", "minute", "attempts", "success", "http_error", "timeout", "network", "blocked", "delivered", "failed",
      "latency_max_ms", ...Array.from({ length: 12 }, (_, i) => `lat${i}`),
    ],
    order: "endpoint_id, minute",
  },
  {
    name: "api_endpoints",
    // Secrets stay sealed as they are: the same encryption key opens them.
    columns: ["id", "tenant", "document", "secrets", "previous_secret", "previous_expires_at", "created_at", "updated_at", "deleted_at"],
    order: "id",
  },
  {
    name: "endpoint_creates",
    columns: ["scope", "key", "body_hash", "answer", "created_at"],
    order: "scope, key",
  },
  {
    name: "portal_sessions",
    columns: ["id", "tenant", "token_hash", "read_only", "created_at", "expires_at", "revoked_at"],
    order: "id",
  },
];

/** The SQLite query that reads every row of `t`, in key order. */
export function sqliteSelect(t: CopiedTable): string {
  const columns = t.columns.map((c) => (t.from?.[c] ? `${t.from[c]} AS ${c}` : c));
  return `SELECT ${columns.join(", ")} FROM ${t.name} ORDER BY ${t.order}`;
}

/** The PostgreSQL statement that takes every row of `t`, streamed in COPY's text format. */
export function postgresCopy(t: CopiedTable): string {
  return `COPY ${t.name} (${t.columns.join(", ")}) FROM STDIN`;
}
