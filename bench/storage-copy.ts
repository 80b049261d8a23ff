/**
 * @module bench/storage-copy
 * `bun bench/storage-copy.ts [EVENTS]`: rows per second of `hookrelay
 * storage copy` from a SQLite file of EVENTS events (100,000 by default,
 * 1.5 kB of data each, one pending delivery each) into a fresh database on
 * the tests' throwaway PostgreSQL server, and the copying process's peak RSS
 * beside that of a copy of 1,000 events. Five rounds, alternating the two
 * sizes; the median is printed (BENCHMARKS.md, "storage copy").
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { findPostgresBin, startPostgresServer } from "../test/helpers/postgres-server";
import { tempDir } from "../test/helpers/relay";
import { copyProcess, writeBacklogFile } from "../test/helpers/storage-copy";

const ROUNDS = 5;
const DATA_CHARS = 1500;
const events = Number(process.argv[2] ?? 100_000);

const bin = findPostgresBin();
if (!bin) throw new Error("PostgreSQL is not installed (apt-get install -y postgresql)");
const server = await startPostgresServer(bin);
const tmp = tempDir();
try {
  const sizes = { small: 1000, large: events };
  const configs: Record<string, string> = {};
  for (const [name, n] of Object.entries(sizes)) {
    const dir = join(tmp.dir, name);
    await Bun.write(join(dir, ".keep"), "");
    await writeBacklogFile(join(dir, "hookrelay.db"), n, DATA_CHARS);
    configs[name] = join(dir, "hookrelay.yaml");
    writeFileSync(configs[name], `storage:\n  path: ${join(dir, "hookrelay.db")}\nendpoints: []\n`);
  }
  const results: Record<string, { rowsPerS: number; rssMb: number }[]> = { small: [], large: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 ? ["large", "small"] : ["small", "large"]) {
      const db = `copy_${name}_${round}`;
      await server.admin(`CREATE DATABASE ${db}`);
      const run = await copyProcess(configs[name]!, server.url(db));
      if (run.code !== 0) throw new Error(`the copy failed: ${run.stderr}`);
      const rows = Object.values(JSON.parse(run.stdout).tables as Record<string, number>).reduce((a, b) => a + b, 0);
      results[name]!.push({ rowsPerS: rows / (run.ms / 1000), rssMb: run.maxRss / 1e6 });
      await server.admin(`DROP DATABASE ${db}`);
    }
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [name, runs] of Object.entries(results)) {
    const n = sizes[name as keyof typeof sizes];
    console.log(
      `${name} (${n} events, ${2 * n} rows): ${Math.round(median(runs.map((r) => r.rowsPerS)))} rows/s (rounds ${runs.map((r) => Math.round(r.rowsPerS)).join(", ")}), peak RSS ${median(runs.map((r) => r.rssMb)).toFixed(0)} MB`,
    );
  }
} finally {
  tmp.remove();
  await server.stop();
}
