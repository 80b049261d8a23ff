/**
 * @module db/migrate
 * Append-only, numbered migrations embedded in the binary as text. The applied
 * count lives in PRAGMA user_version; a database from a newer hookrelay is
 * refused rather than guessed at. A shipped migration is never edited: add one.
 */
import type { Database } from "bun:sqlite";
import m001 from "./migrations/001_init.sql" with { type: "text" };
import m002 from "./migrations/002_admin_indexes.sql" with { type: "text" };
import m003 from "./migrations/003_retention_indexes.sql" with { type: "text" };
import m004 from "./migrations/004_lighter_ingest.sql" with { type: "text" };
import m005 from "./migrations/005_status_by_endpoint.sql" with { type: "text" };
import m006 from "./migrations/006_attempt_rollups.sql" with { type: "text" };
import m007 from "./migrations/007_endpoint_api.sql" with { type: "text" };
import m008 from "./migrations/008_fifo_heads.sql" with { type: "text" };

const MIGRATIONS: readonly string[] = [m001, m002, m003, m004, m005, m006, m007, m008];

/** The schema version this binary migrates to. */
export const LATEST_SCHEMA = MIGRATIONS.length;

export class SchemaTooNewError extends Error {
  override readonly name = "SchemaTooNewError";
}

/** Brings the schema up to date, each migration in its own transaction. */
export function migrate(db: Database): void {
  const current = schemaVersion(db);
  if (current > MIGRATIONS.length) {
    throw new SchemaTooNewError(
      `the database has schema version ${current}, newer than this hookrelay understands (${MIGRATIONS.length}); run a newer hookrelay`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.run(MIGRATIONS[v]!);
      db.run(`PRAGMA user_version = ${v + 1}`);
    }).immediate();
  }
}

/** The number of migrations applied to this database. */
export function schemaVersion(db: Database): number {
  return (db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
}
