/**
 * @module storage/postgres/nodes
 * The nodes on one database, one row each, written by its own node only.
 * Whether a node is alive is read from `last_seen_at` against the reader's
 * clock, so it assumes the nodes' clocks agree to well within the window
 * the reader asks about, as the delivery leases do.
 */
import type { SQL } from "bun";
import type { NodeBeat, NodeRow, NodeStore } from "../stores";
import { num } from "./rows";

export class PostgresNodes implements NodeStore {
  constructor(
    readonly sql: SQL,
    readonly nodeId: string,
  ) {}

  async heartbeat(b: NodeBeat, now: number): Promise<void> {
    await this.sql`INSERT INTO nodes (id, hostname, version, started_at, last_seen_at, in_flight)
      VALUES (${this.nodeId}, ${b.hostname}, ${b.version}, ${b.startedAt}, ${now}, ${b.inFlight})
      ON CONFLICT (id) DO UPDATE SET hostname = EXCLUDED.hostname, version = EXCLUDED.version,
        started_at = EXCLUDED.started_at, last_seen_at = EXCLUDED.last_seen_at, in_flight = EXCLUDED.in_flight`;
  }

  async alive(seenSince: number, after: string | null, limit: number): Promise<NodeRow[]> {
    const rows = await this.sql`SELECT id, hostname, version, started_at, last_seen_at, in_flight FROM nodes
      WHERE last_seen_at >= ${seenSince} AND id > ${after ?? ""} ORDER BY id LIMIT ${limit}`;
    return (rows as Record<string, unknown>[]).map((r) => ({
      id: String(r.id),
      hostname: String(r.hostname),
      version: String(r.version),
      startedAt: num(r.started_at),
      lastSeenAt: num(r.last_seen_at),
      inFlight: num(r.in_flight),
    }));
  }

  async leave(): Promise<void> {
    await this.sql`DELETE FROM nodes WHERE id = ${this.nodeId}`;
  }

  async prune(before: number): Promise<number> {
    return (await this.sql`DELETE FROM nodes WHERE last_seen_at < ${before}`).count;
  }
}
