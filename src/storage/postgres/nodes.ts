/**
 * @module storage/postgres/nodes
 * The nodes sharing one database: each writes its own row at every
 * heartbeat, and a listing reads those seen lately.
 */
import type { SQL } from "bun";
import type { NodeRow, NodeStore } from "../stores";
import { num } from "./rows";

export class PostgresNodes implements NodeStore {
  constructor(readonly sql: SQL) {}

  async heartbeat(n: NodeRow): Promise<void> {
    await this.sql`INSERT INTO nodes (id, hostname, version, started_at, last_seen_at, in_flight)
      VALUES (${n.id}, ${n.hostname}, ${n.version}, ${n.startedAt}, ${n.lastSeenAt}, ${n.inFlight})
      ON CONFLICT (id) DO UPDATE SET hostname = excluded.hostname, version = excluded.version,
        last_seen_at = excluded.last_seen_at, in_flight = excluded.in_flight`;
  }

  async alive(since: number, after: string | null, limit: number): Promise<NodeRow[]> {
    const rows = await this.sql`SELECT id, hostname, version, started_at, last_seen_at, in_flight FROM nodes
      WHERE last_seen_at >= ${since} AND id > ${after ?? ""} ORDER BY id LIMIT ${limit}`;
    return (rows as Record<string, unknown>[]).map((r) => ({
      id: r.id as string,
      hostname: r.hostname as string,
      version: r.version as string,
      startedAt: num(r.started_at),
      lastSeenAt: num(r.last_seen_at),
      inFlight: num(r.in_flight),
    }));
  }

  async forget(before: number): Promise<number> {
    return (await this.sql`DELETE FROM nodes WHERE last_seen_at < ${before}`).count;
  }
}
