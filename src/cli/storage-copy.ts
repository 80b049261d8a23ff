/**
 * @module cli/storage-copy
 * `hookrelay storage copy --to postgres://… [--config PATH] [--json]`: the
 * config's SQLite database, its daemon stopped, into an empty PostgreSQL
 * database (storage/copy/ does the copy). Prints the rows of each table;
 * on a terminal, progress on stderr as it goes. The URL is a credential:
 * it is shown only with its password hidden.
 */
import { parseArgs } from "node:util";
import { CopyFailed, type CopiedRows, copySqliteToPostgres } from "../storage/copy/copy";
import { CopyRefused } from "../storage/copy/refused";
import { isPostgresUrl, redactUrl } from "../storage/url";
import { parseOrUsage } from "./args";
import { databaseFile } from "./database-path";
import { CliError, type CliIo, type Command, UsageError } from "./io";
import { printJson, printTable } from "./output";

const USAGE = "hookrelay storage copy --to postgres://USER:PASSWORD@HOST:5432/DB [--config PATH] [--json]";

export const storage: Command = async (argv, io) => {
  const { values, positionals } = parseOrUsage(() =>
    parseArgs({ args: argv, options: { to: { type: "string" }, config: { type: "string" }, json: { type: "boolean" } }, allowPositionals: true }),
  );
  if (positionals.length !== 1 || positionals[0] !== "copy") throw new UsageError(`usage: ${USAGE}`);
  const url = values.to;
  if (url === undefined) throw new UsageError(`--to is required; usage: ${USAGE}`);
  if (!isPostgresUrl(url)) throw new UsageError("--to expects a postgres:// or postgresql:// URL");
  // A config already on postgres still names, in storage.path, the file it is moving from.
  const source = databaseFile(values.config, io).path;
  const started = performance.now();
  let tables: CopiedRows[];
  try {
    tables = await copySqliteToPostgres(source, url, io.isTTY ? terminalProgress(io) : undefined);
  } catch (err) {
    if (err instanceof CopyRefused || err instanceof CopyFailed) throw new CliError(err.message);
    throw err;
  } finally {
    if (io.isTTY) io.stderr("\r\x1b[K");
  }
  const seconds = Math.round(performance.now() - started) / 1000;
  const to = redactUrl(url);
  if (values.json) {
    printJson(io, { from: source, to, seconds, tables: Object.fromEntries(tables.map((t) => [t.table, t.rows])) });
    return 0;
  }
  printTable(io, tables, [
    { heading: "TABLE", cell: (t) => t.table },
    { heading: "ROWS", cell: (t) => t.rows },
  ]);
  const rows = tables.reduce((n, t) => n + t.rows, 0);
  io.stdout(`copied ${rows} rows from ${source} to ${to} in ${seconds} s\n`);
  return 0;
};

/** One line on stderr, rewritten in place as batches go out. */
function terminalProgress(io: CliIo) {
  return (table: string, rows: number) => io.stderr(`\r\x1b[Kcopying ${table}: ${rows} ${rows === 1 ? "row" : "rows"}`);
}
