/**
 * @module storage/copy/target
 * The PostgreSQL side of `storage copy`: one transaction that checks the
 * database is empty, migrates it and takes every row, so a copy that fails
 * or is interrupted anywhere leaves the database exactly as it found it
 * (empty) and running the same command again is all a retry needs. The
 * transaction holds the migrations' advisory lock: a node started on the
 * database meanwhile waits in its migrations until the copy commits, and
 * never sees part of one.
 */
import type { SQL } from "bun";
import { applyMigration, LATEST_PG_SCHEMA, MIGRATION_LOCK, schemaVersion } from "../postgres/migrate";
import { CopyRefused } from "./refused";
import type { Batch } from "./source";
import { COPIED_TABLES, type CopiedTable, postgresCopy } from "./tables";

/**
 * Runs `body` in one transaction on an empty, freshly migrated database; it
 * commits only if `body` returns. `shown` names the database in refusals.
 */
export async function intoEmptyDatabase<T>(sql: SQL, shown: string, body: (tx: SQL) => Promise<T>): Promise<T> {
  return sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await refuseUnlessEmpty(tx, shown);
    for (let v = 0; v < LATEST_PG_SCHEMA; v++) await applyMigration(tx, v);
    const result = await body(tx);
    // Fresh statistics, so the first queries of the nodes are planned for the tables as they now are.
    await tx.unsafe(`ANALYZE ${COPIED_TABLES.map((t) => t.name).join(", ")}`);
    return result;
  });
}

async function refuseUnlessEmpty(tx: SQL, shown: string): Promise<void> {
  const version = await schemaVersion(tx);
  if (version > 0) throw new CopyRefused(`${shown} already holds a hookrelay schema (version ${version}); storage copy writes only into an empty database`);
  for (const t of COPIED_TABLES) {
    const [found] = await tx`SELECT to_regclass(${t.name}) IS NOT NULL AS present`;
    if (!found.present) continue;
    const [rows] = await tx.unsafe(`SELECT EXISTS (SELECT 1 FROM ${t.name}) AS present`);
    const what = rows.present ? `its table ${t.name} has rows` : `it has a table named ${t.name}`;
    throw new CopyRefused(`${shown} is not empty: ${what}; storage copy writes only into an empty database`);
  }
}

/**
 * Streams `t`'s batches into PostgreSQL with one COPY; answers the rows.
 * Each write waits only until the connection takes the batch, so the next
 * is read while PostgreSQL stores this one.
 */
export async function copyTable(tx: SQL, t: CopiedTable, batches: Iterable<Batch>, progress: (rows: number) => void): Promise<number> {
  const writer = tx.unsafe(postgresCopy(t)).writable().getWriter();
  let rows = 0;
  try {
    for (const batch of batches) {
      await writer.write(batch.text);
      rows += batch.rows;
      progress(rows);
    }
    await writer.close();
    return rows;
  } catch (err) {
    // The connection runs nothing else until the COPY ends; the transaction is rolled back after.
    await writer.abort(err).catch(() => {});
    throw err;
  }
}

/** Moves the sequence of `t` past `highest`, so rows written from now on never take a copied or pruned value. */
export async function moveSequencePast(tx: SQL, t: CopiedTable, highest: number): Promise<void> {
  if (!t.serial || highest < 1) return;
  await tx`SELECT setval(pg_get_serial_sequence(${t.name}, ${t.serial.column}), ${highest})`;
}
