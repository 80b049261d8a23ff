/**
 * @module storage/postgres/migrate
 * Numbered migrations for PostgreSQL, run under a session advisory lock so
 * that of several nodes starting at once one migrates and the others wait,
 * then find nothing left to do. The applied count is the one row of
 * hookrelay_schema; a database newer than the binary is refused, as on SQLite.
 */
import type { SQL } from "bun";
import { SchemaTooNewError } from "../../db/migrate";
import m001 from "./migrations/001_init.sql" with { type: "text" };
import m002 from "./migrations/002_nodes.sql" with { type: "text" };
import m003 from "./migrations/003_housekeeping_lease.sql" with { type: "text" };
import m004 from "./migrations/004_registry_feed.sql" with { type: "text" };
import m005 from "./migrations/005_deliveries_autovacuum.sql" with { type: "text" };

const MIGRATIONS: readonly string[] = [m001, m002, m003, m004, m005];

/** The schema version this binary migrates a PostgreSQL database to. */
export const LATEST_PG_SCHEMA = MIGRATIONS.length;

/** The advisory lock key of migrations: any constant no other user of the database takes. */
export const MIGRATION_LOCK = 0x686f6f6b; // "hook"

export async function schemaVersion(sql: SQL): Promise<number> {
  const [table] = await sql`SELECT to_regclass('hookrelay_schema') IS NOT NULL AS present`;
  if (!table.present) return 0;
  const [row] = await sql`SELECT version FROM hookrelay_schema`;
  return row ? Number(row.version) : 0;
}

/** False on a standby and on a database or role set to default_transaction_read_only. */
export async function writable(sql: SQL): Promise<boolean> {
  const [row] = await sql`SELECT current_setting('transaction_read_only') = 'off' AS writable`;
  return row.writable === true;
}

export async function migrate(sql: SQL): Promise<void> {
  const conn = await sql.reserve();
  try {
    await conn`SELECT pg_advisory_lock(${MIGRATION_LOCK})`;
    try {
      const current = await schemaVersion(conn);
      if (current > MIGRATIONS.length) {
        throw new SchemaTooNewError(
          `the database has schema version ${current}, newer than this hookrelay understands (${MIGRATIONS.length}); run a newer hookrelay`,
        );
      }
      for (let v = current; v < MIGRATIONS.length; v++) await conn.begin((tx) => applyMigration(tx, v));
    } finally {
      await conn`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`;
    }
  } finally {
    conn.release();
  }
}

/** Applies migration `v` (0-based) and records it, inside the caller's transaction. */
export async function applyMigration(tx: SQL, v: number): Promise<void> {
  await tx.unsafe(MIGRATIONS[v]!);
  await tx`CREATE TABLE IF NOT EXISTS hookrelay_schema (version integer NOT NULL)`;
  await tx`DELETE FROM hookrelay_schema`;
  await tx`INSERT INTO hookrelay_schema (version) VALUES (${v + 1})`;
}
