/**
 * @module bench/postgres-clients
 * `npm run bench:postgres`: Bun's built-in SQL client against `postgres`
 * (postgres.js) on the tests' throwaway PostgreSQL server, beside pgbench
 * (PostgreSQL's own C client, one connection per client) as the ceiling:
 * one caller's query latency, many callers' small queries on a pool of 10,
 * and claim transactions (BEGIN, SELECT … FOR UPDATE SKIP LOCKED, UPDATE …
 * RETURNING, COMMIT). Each figure is measured in alternating rounds, each
 * contestant in a process of its own, and the median round is printed
 * (BENCHMARKS.md, "PostgreSQL client").
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { findPostgresBin, type PostgresServer, startPostgresServer } from "../test/helpers/postgres-server";
import { CALLERS, CLAIM_BATCH, type ClientName, type LoadArgs, type LoadResult, POOL, type Workload } from "./postgres-client-load";
import { runScript } from "./proc";

/**
 * Alternating rounds per workload, and seconds each. One caller's latency
 * flips between two levels with the state of the machine, for every
 * contestant alike (pgbench: ~13k or ~100k queries/s in 4 s rounds run
 * minutes apart), so it takes more, shorter rounds.
 */
const TIMETABLE: Record<Workload, { rounds: number; seconds: number }> = {
  latency: { rounds: 15, seconds: 1 },
  throughput: { rounds: 5, seconds: 4 },
  claims: { rounds: 5, seconds: 4 },
};
/** Enough rows that claims, which lease rows for a second, never run dry. */
const JOBS = 100_000;
/**
 * Each claim updates ten rows, and the dead versions slow the next claims'
 * index scans (throughput fell by half over five rounds on one table), so
 * every claims run starts from the same fresh table.
 */
const FRESH_JOBS = [
  "DROP TABLE IF EXISTS jobs",
  "CREATE TABLE jobs (id int PRIMARY KEY, due_at timestamptz NOT NULL, owner int)",
  `INSERT INTO jobs SELECT g, now(), NULL FROM generate_series(1, ${JOBS}) g`,
  "CREATE INDEX jobs_due ON jobs (due_at)",
  "VACUUM ANALYZE jobs",
];
type Contestant = ClientName | "pgbench";
const CONTESTANTS: readonly Contestant[] = ["bun-sql", "postgres", "pgbench"];
const WORKLOADS: readonly Workload[] = ["latency", "throughput", "claims"];

/** The same statements as postgres-client-load.ts, as pgbench scripts. */
const PGBENCH_SCRIPTS: Record<Workload, string> = {
  latency: "\\set n random(1, 1000000)\nSELECT :n::int AS n;\n",
  throughput: "\\set n random(1, 1000000)\nSELECT :n::int AS n;\n",
  claims: `\\set me random(1, ${CALLERS})
BEGIN;
SELECT string_agg(id::text, ',') AS ids FROM (SELECT id FROM jobs WHERE due_at <= now() ORDER BY due_at LIMIT ${CLAIM_BATCH} FOR UPDATE SKIP LOCKED) due \\gset
UPDATE jobs SET due_at = now() + interval '1 second', owner = :me WHERE id = ANY(string_to_array(:ids, ',')::int[]) RETURNING id;
COMMIT;
`,
};

/** pgbench has no pool: POOL connections, each as busy as pgbench can keep it (one for latency). */
async function pgbench(bin: string, server: PostgresServer, workload: Workload, seconds: number): Promise<LoadResult> {
  const script = join(server.dir, `${workload}.pgbench`);
  writeFileSync(script, PGBENCH_SCRIPTS[workload]);
  const clients = workload === "latency" ? 1 : POOL;
  const cmd = [join(bin, "pgbench"), "-n", "-M", "prepared", "-h", "127.0.0.1", "-p", String(server.port), "-U", "postgres"];
  const proc = Bun.spawn([...cmd, "-c", String(clients), "-j", String(Math.min(clients, 2)), "-T", String(seconds), "-f", script, "bench"], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
  const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(out)?.[1]);
  if (code !== 0 || !tps) throw new Error(`pgbench failed (exit ${code}): ${out}${err}`);
  // pgbench reports a mean, not percentiles: it stands in for the median.
  return { perSecond: Math.round(tps), p50Us: Math.round(latencyMs * 1000), p99Us: NaN };
}

const bin = findPostgresBin();
if (!bin) throw new Error("PostgreSQL is not installed (apt-get install -y postgresql)");
const server = await startPostgresServer(bin);
try {
  await server.admin("CREATE DATABASE bench");
  const url = server.url("bench");
  const setup = new Bun.SQL(url, { max: 1 });

  console.log(`PostgreSQL ${server.version}, Bun ${Bun.version}, pool ${POOL}, ${CALLERS} callers; alternating rounds, the median printed`);
  for (const workload of WORKLOADS) {
    const { rounds: count, seconds } = TIMETABLE[workload];
    const rounds = new Map<Contestant, LoadResult[]>(CONTESTANTS.map((c) => [c, []]));
    for (let r = 0; r < count; r++) {
      // Rotate who goes first, so a drift of the machine favours no one.
      const order = CONTESTANTS.map((_, i) => CONTESTANTS[(i + r) % CONTESTANTS.length]!);
      for (const who of order) {
        if (workload === "claims") for (const statement of FRESH_JOBS) await setup.unsafe(statement);
        const result =
          who === "pgbench"
            ? await pgbench(bin, server, workload, seconds)
            : await runScript<LoadResult>("postgres-client-load.ts", { client: who, workload, url, seconds } satisfies LoadArgs);
        rounds.get(who)!.push(result);
      }
    }
    for (const [who, results] of rounds) {
      const median = [...results].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(results.length / 2)]!;
      const all = results.map((x) => x.perSecond).join(" / ");
      const p99 = Number.isNaN(median.p99Us) ? "—" : `${median.p99Us} µs`;
      console.log(`${workload.padEnd(10)} ${who.padEnd(8)} ${String(median.perSecond).padStart(6)}/s  p50 ${median.p50Us} µs  p99 ${p99}  (rounds ${all})`);
    }
    // The two clients ran next to each other in every round: their ratio drifts less than either figure.
    const ratios = rounds.get("bun-sql")!.map((b, i) => b.perSecond / rounds.get("postgres")![i]!.perSecond);
    const medianRatio = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!;
    console.log(`${workload.padEnd(10)} bun-sql / postgres ${medianRatio.toFixed(2)}  (rounds ${ratios.map((x) => x.toFixed(2)).join(" / ")})`);
  }
  await setup.close();
} finally {
  await server.stop();
}
