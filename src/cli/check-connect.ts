/**
 * @module cli/check-connect
 * `hookrelay check --connect`: whether the configured database answers, in
 * one sentence. SQLite: the file opens read-only; PostgreSQL: `SELECT 1`
 * and the schema version. Neither writes or migrates anything, and the
 * PostgreSQL URL is shown with its password hidden.
 */
import { SQL } from "bun";
import { existsSync } from "node:fs";
import type { Config } from "../config/types";
import { LATEST_SCHEMA, schemaVersion } from "../db/migrate";
import { openDatabaseReadOnly } from "../db/open";
import { LATEST_PG_SCHEMA, schemaVersion as pgSchemaVersion } from "../storage/postgres/migrate";
import { redactUrl, scrubUrl } from "../storage/url";

/** How long a connection may take before the database counts as not answering. */
const CONNECT_TIMEOUT_S = 10;

export type ConnectReport = { readonly ok: boolean; readonly sentence: string };

export async function checkConnect(config: Config): Promise<ConnectReport> {
  return config.storage.driver === "postgres" ? postgres(config.storage.url!.reveal()) : sqlite(config.storage.path);
}

function sqlite(path: string): ConnectReport {
  if (!existsSync(path)) return { ok: false, sentence: `the database ${path} does not exist yet (serve creates it at its first start)` };
  try {
    const db = openDatabaseReadOnly(path);
    try {
      return judged(`sqlite ${path} opens read-only`, schemaVersion(db), LATEST_SCHEMA);
    } finally {
      db.close();
    }
  } catch (err) {
    return { ok: false, sentence: `cannot open the database ${path}: ${describe(err)}` };
  }
}

async function postgres(url: string): Promise<ConnectReport> {
  const shown = redactUrl(url);
  const sql = new SQL(url, { max: 1, connectionTimeout: CONNECT_TIMEOUT_S });
  try {
    try {
      await sql`SELECT 1`;
    } catch (err) {
      return { ok: false, sentence: `cannot reach the database ${shown}: ${scrubUrl(describe(err), url)}` };
    }
    // Reached, and yet serve could not migrate or run: most often a role without rights on hookrelay's tables.
    try {
      return judged(`postgres ${shown} answers`, await pgSchemaVersion(sql), LATEST_PG_SCHEMA);
    } catch (err) {
      return { ok: false, sentence: `the database ${shown} answers but its hookrelay schema cannot be read: ${scrubUrl(describe(err), url)}` };
    }
  } finally {
    await sql.close().catch(() => {});
  }
}

/** A schema newer than this binary fails the check, as serve would refuse to start on it. */
function judged(reached: string, found: number, latest: number): ConnectReport {
  if (found > latest) {
    return { ok: false, sentence: `the database ${reached}, but has schema version ${found}, newer than this hookrelay understands (${latest}); run a newer hookrelay` };
  }
  const schema =
    found === 0 ? `no schema yet (serve migrates it to version ${latest})` : found === latest ? `schema version ${found}, current` : `schema version ${found} (serve migrates it to ${latest})`;
  return { ok: true, sentence: `database ok: ${reached}, ${schema}` };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
