/**
 * @module bench/cpu
 * CPU per delivered event. A daemon takes EVENTS events from 64 closed-loop
 * clients, each event's first attempt due at once, and delivers every one;
 * its CPU time (all threads, user and system, from /proc) from the first
 * request to the last delivery, divided by the deliveries, is what one event
 * costs end to end: its ingest, its commit share, its signed delivery and the
 * bookkeeping. Unlike a rate, it barely moves when the machine is busy, so it
 * is the figure each change to the hot path is judged by, against the
 * baseline commit in alternating rounds. Each round also measures the floor
 * under it (bench/floor.ts): the bare parts one event cannot do without.
 *
 * usage: bun bench/cpu.ts [ROUNDS]   the baseline against dist/hookrelay (npm run build first)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { baselineBinary } from "./baseline";
import { type CpuFloor, cpuFloor } from "./floor";
import { benchConfig, INGEST_TOKEN } from "./config";
import type { LoadResult } from "./load";
import { BENCH_DIR, cpuSeconds, freePort, runScript, type Server, startDaemon, startScript } from "./proc";
import { round } from "./stats";

/**
 * The last commit before the work on CPU per event: what "half the CPU per
 * delivered event" is measured against (BENCHMARKS.md).
 */
export const CPU_BASELINE = "dcc3968ef983832bc46e34f9968607c3019a6fb0";
/** Enough events for about ten seconds of work, so start-up effects (JIT warm-up) weigh little. */
export const EVENTS = 40_000;
export const CLIENTS = 64;
export const MAX_IN_FLIGHT = 63;
/** How long the deliveries may trail the last answered request before the round is called failed. */
const DRAIN_TIMEOUT_MS = 120_000;
const POLL_MS = 10;

export interface CpuRound {
  /** Microseconds of daemon CPU per delivered event. */
  readonly cpuUs: number;
  readonly deliveries: number;
  readonly seconds: number;
  /** Events per second ingested while deliveries ran. */
  readonly ingestPerSec: number;
}

/** One round: `binary` in a fresh folder under `work`, delivering to `receiver`. */
export async function cpuPerDelivery(binary: string, receiver: Server, work: string, events = EVENTS): Promise<CpuRound> {
  const dir = mkdtempSync(join(work, "cpu-"));
  const port = freePort();
  const config = join(dir, "hookrelay.yaml");
  writeFileSync(config, benchConfig(port, join(dir, "hookrelay.db"), { count: 1, url: `${receiver.url}/hook`, firstAttempt: "0s", maxInFlight: MAX_IN_FLIGHT }));
  const d = await startDaemon(binary, config, port, join(dir, "daemon.log"));
  try {
    await fetch(`${receiver.url}/__reset`, { method: "POST", body: "{}" });
    const cpuFrom = cpuSeconds(d.pid);
    const from = performance.now();
    const ingest = await runScript<LoadResult>("load.ts", {
      url: `${d.url}/v1/events`,
      token: INGEST_TOKEN,
      mode: "closed",
      concurrency: CLIENTS,
      seconds: DRAIN_TIMEOUT_MS / 1000,
      warmup: 0,
      total: events,
    });
    if (ingest.ok !== events) throw new Error(`${ingest.ok} of ${events} events were accepted (${JSON.stringify(ingest.statuses)})`);
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    let delivered = 0;
    while ((delivered = await receiverCount(receiver)) < events) {
      if (performance.now() > deadline) throw new Error(`${delivered} of ${events} events delivered after ${DRAIN_TIMEOUT_MS} ms`);
      await Bun.sleep(POLL_MS);
    }
    const cpu = cpuSeconds(d.pid) - cpuFrom;
    return { cpuUs: round((cpu * 1e6) / delivered, 1), deliveries: delivered, seconds: round((performance.now() - from) / 1000), ingestPerSec: ingest.rps };
  } finally {
    await d.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function receiverCount(receiver: Server): Promise<number> {
  return ((await (await fetch(`${receiver.url}/__stats`)).json()) as { count: number }).count;
}

export interface CpuComparison {
  readonly baseline: string;
  readonly events: number;
  /** Median µs per delivered event of each. */
  readonly baselineUs: number;
  readonly currentUs: number;
  /** Median of the rounds' current / baseline. */
  readonly ratio: number;
  /** The floor of the round with the median floor: what this design cannot go below on this machine. */
  readonly floor: CpuFloor;
  readonly rounds: readonly { baselineUs: number; currentUs: number; ratio: number; floorUs: number }[];
}

/** The baseline and `current` in alternating rounds; null when the baseline cannot be built here. */
export async function compareCpu(current: string, receiver: Server, work: string, rounds: number): Promise<CpuComparison | null> {
  const baseline = await baselineBinary(CPU_BASELINE);
  if (baseline === null) return null;
  const list: { baselineUs: number; currentUs: number; ratio: number; floorUs: number }[] = [];
  const floors: CpuFloor[] = [];
  for (let i = 0; i < rounds; i++) {
    const b = await cpuPerDelivery(baseline, receiver, work);
    const c = await cpuPerDelivery(current, receiver, work);
    const f = await cpuFloor(receiver, work);
    floors.push(f);
    list.push({ baselineUs: b.cpuUs, currentUs: c.cpuUs, ratio: round(c.cpuUs / b.cpuUs, 3), floorUs: f.floorUs });
    process.stderr.write(
      `[bench] cpu round ${i + 1}: baseline ${b.cpuUs} us, current ${c.cpuUs} us per delivered event (${c.seconds} s, ${c.ingestPerSec} ingested/s); ` +
        `floor ${f.floorUs} us (bare server ${f.bareServerUs}, bare fetch ${f.bareFetchUs}, raw SQLite ${f.rawSqliteUs})\n`,
    );
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const floorUs = median(floors.map((f) => f.floorUs));
  return {
    baseline: CPU_BASELINE.slice(0, 7),
    events: EVENTS,
    baselineUs: median(list.map((r) => r.baselineUs)),
    currentUs: median(list.map((r) => r.currentUs)),
    ratio: median(list.map((r) => r.ratio)),
    floor: floors.find((f) => f.floorUs === floorUs)!,
    rounds: list,
  };
}

if (import.meta.main) {
  const rounds = Number(process.argv[2] ?? 5);
  const work = mkdtempSync(join(tmpdir(), "hookrelay-cpu-"));
  mkdirSync(work, { recursive: true });
  const receiver = await startScript("receiver.ts");
  try {
    const result = await compareCpu(join(BENCH_DIR, "..", "dist", "hookrelay"), receiver, work, rounds);
    console.log(JSON.stringify(result));
  } finally {
    await receiver.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
