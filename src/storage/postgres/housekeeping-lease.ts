/**
 * @module storage/postgres/housekeeping-lease
 * The housekeeping lease as one row of node_leases, taken or renewed in one
 * statement: the upsert locks the row, so of nodes racing for an expired
 * lease the first takes it and the others, once the lock is theirs, see the
 * new owner's unexpired row and change nothing.
 */
import type { SQL } from "bun";
import type { HousekeepingLease } from "../stores";

const NAME = "housekeeping";

export class PostgresHousekeepingLease implements HousekeepingLease {
  constructor(
    readonly sql: SQL,
    readonly nodeId: string,
  ) {}

  async acquire(now: number, ttlMs: number): Promise<boolean> {
    const rows = await this.sql`INSERT INTO node_leases (name, owner, expires_at) VALUES (${NAME}, ${this.nodeId}, ${now + ttlMs})
      ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
      WHERE node_leases.owner = EXCLUDED.owner OR node_leases.expires_at <= ${now}
      RETURNING owner`;
    return rows.length === 1;
  }

  async release(): Promise<void> {
    await this.sql`DELETE FROM node_leases WHERE name = ${NAME} AND owner = ${this.nodeId}`;
  }
}
