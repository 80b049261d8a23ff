/**
 * @module bench/floor
 * The floor under CPU per delivered event: what this design's irreducible
 * parts cost on this machine, each counted as bench/cpu.ts counts the
 * daemon (every thread, user and system, from /proc). One event is one
 * HTTP request in (bench/bare-server.ts under the same 64 closed-loop
 * clients, its CPU per answered request), one signed HTTP request out
 * (bench/bare-fetch.ts to the same receiver, 63 at a time like the
 * daemon's max_in_flight, its CPU per request) and its rows (bench/raw-sqlite.ts:
 * the event and delivery rows under an fsynced commit, the attempt row and
 * the delivered mark under a relaxed one, 40 events a transaction as the
 * daemon's outcome flushes hold). A relay can cost less than their sum only
 * by not doing one of them.
 */
import { join } from "node:path";
import { CLIENTS, EVENTS, MAX_IN_FLIGHT } from "./cpu";
import type { LoadResult } from "./load";
import { cpuSeconds, runScript, type Server, startScript } from "./proc";
import { round } from "./stats";

/** Long enough for tens of thousands of requests or rows, so start-up weighs little. */
const SECONDS = 3;
/** Rows per transaction: the daemon's outcome flushes hold 38 attempts on average (BENCHMARKS.md). */
const BATCH = 40;

export interface CpuFloor {
  /** µs of CPU per request of each part, and their sum. */
  readonly bareServerUs: number;
  readonly bareFetchUs: number;
  readonly rawSqliteUs: number;
  readonly floorUs: number;
}

/** One measurement of each part; `work` holds the SQLite file. */
export async function cpuFloor(receiver: Server, work: string): Promise<CpuFloor> {
  const bare = await startScript("bare-server.ts");
  let bareServerUs: number;
  try {
    const from = cpuSeconds(bare.pid);
    const load = await runScript<LoadResult>("load.ts", { url: bare.url, token: "", mode: "closed", concurrency: CLIENTS, seconds: 120, warmup: 0, total: EVENTS });
    if (load.ok !== EVENTS) throw new Error(`bare server answered ${load.ok} of ${EVENTS} requests`);
    bareServerUs = round(((cpuSeconds(bare.pid) - from) * 1e6) / load.ok, 1);
  } finally {
    await bare.stop();
  }
  const fetched = await runScript<{ errors: number; cpuUsPerRequest: number }>("bare-fetch.ts", { url: `${receiver.url}/hook`, concurrency: MAX_IN_FLIGHT, seconds: SECONDS, warmup: 0 });
  if (fetched.errors > 0) throw new Error(`bare fetch had ${fetched.errors} errors`);
  const rows = await runScript<{ cpuUsPerEvent: number }>("raw-sqlite.ts", { path: join(work, `floor-${process.hrtime.bigint()}.db`), seconds: SECONDS, batch: BATCH, outcomes: true });
  return {
    bareServerUs,
    bareFetchUs: fetched.cpuUsPerRequest,
    rawSqliteUs: rows.cpuUsPerEvent,
    floorUs: round(bareServerUs + fetched.cpuUsPerRequest + rows.cpuUsPerEvent, 1),
  };
}
