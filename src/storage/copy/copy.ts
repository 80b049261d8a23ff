/**
 * @module storage/copy/copy
 * `storage copy`: a stopped daemon's SQLite database into an empty
 * PostgreSQL database, table by table in bounded batches, in one PostgreSQL
 * transaction (target.ts says why). Ids, seqs, statuses, attempts, due
 * times, endpoint states and counters, sealed secrets, portal sessions and
 * rollups arrive as they were; only rows in flight become pending again.
 * Memory stays at a batch or two whatever the size of the database: each
 * table is one COPY, fed a batch at a time as PostgreSQL takes them.
 */
import { SQL } from "bun";
import { redactUrl, scrubUrl } from "../url";
import { CopyRefused } from "./refused";
import { batches, highestSerial, openSource } from "./source";
import { COPIED_TABLES } from "./tables";
import { copyTable, intoEmptyDatabase, moveSequencePast } from "./target";

/** How long connecting may take before the database counts as not answering. */
const CONNECT_TIMEOUT_S = 10;

/** A copy that started and was rolled back, in one sentence; the URL's secrets are taken out. */
export class CopyFailed extends Error {
  override readonly name = "CopyFailed";
}

export interface CopiedRows {
  readonly table: string;
  readonly rows: number;
}

/** Told after each batch is sent: the table and how many of its rows are on their way so far. */
export type CopyProgress = (table: string, rows: number) => void;

/** Copies the database at `sourcePath` into the PostgreSQL database at `url`; answers the rows of each table. */
export async function copySqliteToPostgres(sourcePath: string, url: string, progress: CopyProgress = () => {}): Promise<CopiedRows[]> {
  const shown = redactUrl(url);
  const db = openSource(sourcePath);
  const sql = new SQL(url, { max: 1, connectionTimeout: CONNECT_TIMEOUT_S });
  let copying: string | null = null;
  try {
    return await intoEmptyDatabase(sql, shown, async (tx) => {
      const copied: CopiedRows[] = [];
      for (const t of COPIED_TABLES) {
        copying = t.name;
        const rows = await copyTable(tx, t, batches(db, t), (n) => progress(t.name, n));
        await moveSequencePast(tx, t, highestSerial(db, t));
        copied.push({ table: t.name, rows });
      }
      copying = null;
      return copied;
    });
  } catch (err) {
    if (err instanceof CopyRefused) throw err;
    const where = copying === null ? "" : ` (copying ${copying})`;
    throw new CopyFailed(`cannot copy into ${shown}: ${scrubUrl(describe(err), url)}${where}; nothing was written`);
  } finally {
    await sql.close().catch(() => {});
    db.close(true);
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
