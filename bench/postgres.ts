/**
 * @module bench/postgres
 * hookrelay on `storage.driver: postgres` beside SQLite, and one, two and
 * three nodes on one PostgreSQL database (BENCHMARKS.md, "PostgreSQL
 * storage"). A PostgreSQL server of its own (test/helpers/postgres-server.ts,
 * then made durable: fsync and synchronous commit on, as SQLite runs
 * `synchronous=FULL` here), a fresh database per node run.
 *
 * Each round measures, in an order reversed every round:
 *   ingest — one SQLite node, one PostgreSQL node: 64 clients, 1 KB events,
 *            one endpoint whose first attempt is an hour away;
 *   drain  — one SQLite node, then 1, 2 and 3 PostgreSQL nodes on one
 *            database: EVENTS events posted to the nodes in turn by 64
 *            clients per node, each due at once, until the receiver has
 *            them all. Per node its CPU (all threads, /proc) and its
 *            attempts; the server's CPU (postmaster and backends) beside.
 * 64 clients per node, not 64 in all: one scales out for more traffic, and
 * a node's group commits take in as many events per transaction as its
 * clients keep waiting, so 64 shared by three nodes would charge the nodes
 * for a third of the load each, not for their number.
 * The scaling figure of N nodes is N × (deliveries per node-CPU-second of
 * the N nodes) / (the same of one node): what N nodes would deliver against
 * one on a machine where each node has a core to itself and PostgreSQL
 * keeps up. This machine's 2 cores cannot show it as wall-clock throughput.
 *
 * usage: bun bench/postgres.ts [ROUNDS]   (npm run build first)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findPostgresBin, type PostgresServer, startPostgresServer } from "../test/helpers/postgres-server";
import { ADMIN_TOKEN, benchConfig, type BenchEndpoints, INGEST_TOKEN } from "./config";
import type { LoadResult } from "./load";
import { BENCH_DIR, cpuSeconds, freePort, type RunningDaemon, runScript, type Server, startDaemon, startScript, treeCpuSeconds } from "./proc";
import { round } from "./stats";

export const POSTGRES_ROUNDS = 3;
/** Events per drain: several seconds of work for three nodes, so start-up and JIT warm-up weigh little. */
const EVENTS = 20_000;
/** The node counts on one database. */
const NODE_COUNTS = [1, 2, 3] as const;
const CLIENTS = 64;
const MAX_IN_FLIGHT = 63;
const INGEST_SECONDS = 6;
const WARMUP = 2;
const DRAIN_TIMEOUT_MS = 180_000;
const POLL_MS = 10;
const BACKENDS_GONE_MS = 10_000;
/** The server as durable as SQLite's `synchronous=FULL`: what the tests' server turns off for speed, back on. */
const DURABLE = ["ALTER SYSTEM SET fsync = on", "ALTER SYSTEM SET synchronous_commit = on", "ALTER SYSTEM SET full_page_writes = on", "SELECT pg_reload_conf()"];

/** One drain: `nodes` nodes (0 for the SQLite node) delivering EVENTS events. */
export interface Drain {
  readonly nodes: number;
  readonly deliveries: number;
  readonly seconds: number;
  readonly deliveriesPerSec: number;
  readonly ingestPerSec: number;
  /** Each node's share of the attempts and its CPU-µs per attempt it made. */
  readonly perNode: readonly { attempts: number; cpuUs: number }[];
  /** CPU-µs of all the nodes per delivery. */
  readonly nodeCpuUs: number;
  /** CPU-µs of the PostgreSQL server per delivery; null for SQLite. */
  readonly serverCpuUs: number | null;
  /** Transactions committed in the database per delivery; null for SQLite. */
  readonly commitsPerDelivery: number | null;
}

export interface PostgresRound {
  readonly ingest: { sqlite: number; postgres: number; ratio: number };
  readonly sqlite: Drain;
  readonly postgres: readonly Drain[];
  readonly endToEndRatio: number;
  /** Per node count, N × deliveries per node-CPU-second against one node's. */
  readonly scaling: readonly number[];
}

export interface PostgresFigures {
  readonly version: string;
  readonly events: number;
  readonly ingest: { sqlite: number; postgres: number; ratio: number };
  readonly endToEnd: { sqlite: number; postgres: number; ratio: number };
  /** Per node count, the medians over the rounds. */
  readonly nodes: readonly {
    nodes: number;
    deliveriesPerSec: number;
    nodeCpuUs: number;
    perNodeCpuUs: number[];
    serverCpuUs: number;
    commitsPerDelivery: number;
    scaling: number;
  }[];
  readonly rounds: readonly PostgresRound[];
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

class Bench {
  private seq = 0;

  constructor(
    private readonly binary: string,
    private readonly receiver: Server,
    private readonly work: string,
    private readonly server: PostgresServer,
    private readonly postmaster: number,
    private readonly stats: Bun.SQL,
  ) {}

  /** A fresh database, or a fresh folder for SQLite (`count` 0), and `max(count, 1)` nodes started on it at once. */
  private async start(count: number, firstAttempt: string): Promise<{ nodes: RunningDaemon[]; database: string | null }> {
    const dir = join(this.work, `pg-${++this.seq}`);
    mkdirSync(dir);
    const database = count === 0 ? null : `bench_${this.seq}`;
    if (database) await this.server.admin(`CREATE DATABASE ${database}`);
    const endpoints: BenchEndpoints = { count: 1, url: `${this.receiver.url}/hook`, firstAttempt, maxInFlight: MAX_IN_FLIGHT };
    const options = database ? { postgres: this.server.url(database) } : {};
    const nodes = await Promise.all(
      Array.from({ length: Math.max(count, 1) }, (_, i) => {
        const port = freePort();
        const config = join(dir, `node-${i}.yaml`);
        writeFileSync(config, benchConfig(port, join(dir, "hookrelay.db"), endpoints, options));
        return startDaemon(this.binary, config, port, join(dir, `node-${i}.log`));
      }),
    );
    return { nodes, database };
  }

  /**
   * Stops the nodes and drops their database; answers the transactions
   * committed in it, read once its backends have gone (each reports its
   * statistics as it exits), or null for SQLite.
   */
  private async stop(nodes: readonly RunningDaemon[], database: string | null): Promise<number | null> {
    await Promise.all(nodes.map((n) => n.stop()));
    if (!database) return null;
    const deadline = performance.now() + BACKENDS_GONE_MS;
    while (Number((await this.stats`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ${database}`)[0].n) > 0) {
      if (performance.now() > deadline) throw new Error(`backends of ${database} still connected ${BACKENDS_GONE_MS} ms after their nodes stopped`);
      await Bun.sleep(POLL_MS);
    }
    const [row] = await this.stats`SELECT xact_commit::float8 AS n FROM pg_stat_database WHERE datname = ${database}`;
    await this.server.admin(`DROP DATABASE ${database} WITH (FORCE)`);
    return (row as { n: number }).n;
  }

  /** Durable ingest of one node, SQLite (`postgres` false) or PostgreSQL. */
  async ingest(postgres: boolean): Promise<number> {
    const { nodes, database } = await this.start(postgres ? 1 : 0, "1h");
    try {
      const r = await runScript<LoadResult>("load.ts", { url: `${nodes[0]!.url}/v1/events`, token: INGEST_TOKEN, mode: "closed", concurrency: CLIENTS, seconds: INGEST_SECONDS, warmup: WARMUP });
      if (r.errors > 0) log(`ingest on ${postgres ? "postgres" : "sqlite"}: ${r.errors} of ${r.requests} requests failed`);
      return r.rps;
    } finally {
      await this.stop(nodes, database);
    }
  }

  /** EVENTS events through `count` PostgreSQL nodes on one database (0: one SQLite node), until all are delivered. */
  async drain(count: number): Promise<Drain> {
    const { nodes, database } = await this.start(count, "0s");
    let measured: Omit<Drain, "commitsPerDelivery">;
    try {
      measured = await this.deliver(nodes, database !== null);
    } catch (err) {
      await this.stop(nodes, database);
      throw err;
    }
    // The transactions of the nodes' start (migrations, the first claims) are counted too: a few dozen beside tens of thousands.
    const commits = await this.stop(nodes, database);
    return { ...measured, commitsPerDelivery: commits === null ? null : round(commits / measured.deliveries, 2) };
  }

  private async deliver(nodes: readonly RunningDaemon[], postgres: boolean): Promise<Omit<Drain, "commitsPerDelivery">> {
    await fetch(`${this.receiver.url}/__reset`, { method: "POST", body: "{}" });
    const serverFrom = treeCpuSeconds(this.postmaster);
    const nodeFrom = nodes.map((n) => cpuSeconds(n.pid));
    const from = performance.now();
    const ingest = await runScript<LoadResult>("load.ts", {
      url: `${nodes[0]!.url}/v1/events`,
      urls: nodes.map((n) => `${n.url}/v1/events`),
      token: INGEST_TOKEN,
      mode: "closed",
      concurrency: CLIENTS * nodes.length,
      seconds: DRAIN_TIMEOUT_MS / 1000,
      warmup: 0,
      total: EVENTS,
    });
    if (ingest.ok !== EVENTS) throw new Error(`${ingest.ok} of ${EVENTS} events were accepted (${JSON.stringify(ingest.statuses)})`);
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    let delivered = 0;
    while ((delivered = await this.delivered()) < EVENTS) {
      if (performance.now() > deadline) throw new Error(`${delivered} of ${EVENTS} events delivered after ${DRAIN_TIMEOUT_MS} ms`);
      await Bun.sleep(POLL_MS);
    }
    const seconds = (performance.now() - from) / 1000;
    const nodeCpu = nodes.map((n, i) => cpuSeconds(n.pid) - nodeFrom[i]!);
    const serverCpu = treeCpuSeconds(this.postmaster) - serverFrom;
    const attempts = await Promise.all(nodes.map(attemptsOf));
    const us = (cpu: number, per: number) => round((cpu * 1e6) / per, 1);
    return {
      nodes: postgres ? nodes.length : 0,
      deliveries: delivered,
      seconds: round(seconds),
      deliveriesPerSec: Math.round(delivered / seconds),
      ingestPerSec: ingest.rps,
      perNode: nodes.map((_, i) => ({ attempts: attempts[i]!, cpuUs: us(nodeCpu[i]!, attempts[i]!) })),
      nodeCpuUs: us(nodeCpu.reduce((a, b) => a + b, 0), delivered),
      serverCpuUs: postgres ? us(serverCpu, delivered) : null,
    };
  }

  private async delivered(): Promise<number> {
    return ((await (await fetch(`${this.receiver.url}/__stats`)).json()) as { count: number }).count;
  }
}

/** The attempts a node has made, from its /metrics. */
async function attemptsOf(node: RunningDaemon): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith("hookrelay_attempts_total{"))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
}

/** Reversed every other round, so neither end of the list always runs on a machine the others warmed. */
const inTurn = <T>(items: readonly T[], i: number): T[] => (i % 2 === 0 ? [...items] : [...items].reverse());

async function measureRound(bench: Bench, i: number): Promise<PostgresRound> {
  const ingest = new Map<boolean, number>();
  for (const postgres of inTurn([false, true], i)) ingest.set(postgres, await bench.ingest(postgres));
  const drains = new Map<number, Drain>();
  for (const count of inTurn([0, ...NODE_COUNTS], i)) drains.set(count, await bench.drain(count));
  const sqlite = drains.get(0)!;
  const postgres = NODE_COUNTS.map((n) => drains.get(n)!);
  const one = postgres[0]!;
  const r: PostgresRound = {
    ingest: { sqlite: ingest.get(false)!, postgres: ingest.get(true)!, ratio: round(ingest.get(true)! / ingest.get(false)!, 3) },
    sqlite,
    postgres,
    endToEndRatio: round(one.deliveriesPerSec / sqlite.deliveriesPerSec, 3),
    scaling: postgres.map((d) => round((d.nodes * one.nodeCpuUs) / d.nodeCpuUs, 3)),
  };
  log(
    `postgres round ${i + 1}: ingest ${r.ingest.postgres}/s beside sqlite ${r.ingest.sqlite}/s (${r.ingest.ratio}); end to end ${one.deliveriesPerSec}/s beside ${sqlite.deliveriesPerSec}/s (${r.endToEndRatio}); ` +
      postgres.map((d, k) => `${d.nodes} node(s) ${d.deliveriesPerSec}/s, nodes ${d.nodeCpuUs} us + server ${d.serverCpuUs} us per delivery, scaling ${r.scaling[k]}`).join("; "),
  );
  return r;
}

/** The PostgreSQL figures, or null (said on stderr) when PostgreSQL is not installed. */
export async function postgresFigures(binary: string, receiver: Server, work: string, rounds = POSTGRES_ROUNDS): Promise<PostgresFigures | null> {
  const bin = findPostgresBin();
  if (!bin) {
    log("PostgreSQL figures: skipped, PostgreSQL is not installed (apt-get install -y postgresql)");
    return null;
  }
  const server = await startPostgresServer(bin);
  const stats = new Bun.SQL(server.url("postgres"), { max: 1 });
  try {
    for (const statement of DURABLE) await server.admin(statement);
    const postmaster = Number(readFileSync(join(server.dir, "data", "postmaster.pid"), "utf8").split("\n")[0]);
    const bench = new Bench(binary, receiver, work, server, postmaster, stats);
    const list: PostgresRound[] = [];
    for (let i = 0; i < rounds; i++) list.push(await measureRound(bench, i));
    const pick = (f: (r: PostgresRound) => number) => median(list.map(f));
    return {
      version: server.version,
      events: EVENTS,
      ingest: { sqlite: pick((r) => r.ingest.sqlite), postgres: pick((r) => r.ingest.postgres), ratio: pick((r) => r.ingest.ratio) },
      endToEnd: { sqlite: pick((r) => r.sqlite.deliveriesPerSec), postgres: pick((r) => r.postgres[0]!.deliveriesPerSec), ratio: pick((r) => r.endToEndRatio) },
      nodes: NODE_COUNTS.map((nodes, k) => ({
        nodes,
        deliveriesPerSec: pick((r) => r.postgres[k]!.deliveriesPerSec),
        nodeCpuUs: pick((r) => r.postgres[k]!.nodeCpuUs),
        perNodeCpuUs: Array.from({ length: nodes }, (_, n) => pick((r) => r.postgres[k]!.perNode[n]!.cpuUs)),
        serverCpuUs: pick((r) => r.postgres[k]!.serverCpuUs!),
        commitsPerDelivery: pick((r) => r.postgres[k]!.commitsPerDelivery!),
        scaling: pick((r) => r.scaling[k]!),
      })),
      rounds: list,
    };
  } finally {
    await stats.close();
    await server.stop();
  }
}

if (import.meta.main) {
  const work = mkdtempSync(join(tmpdir(), "hookrelay-pg-bench-"));
  const receiver = await startScript("receiver.ts");
  try {
    const figures = await postgresFigures(join(BENCH_DIR, "..", "dist", "hookrelay"), receiver, work, Number(process.argv[2] ?? POSTGRES_ROUNDS));
    console.log(JSON.stringify(figures));
  } finally {
    await receiver.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
