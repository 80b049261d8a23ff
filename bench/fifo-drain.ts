/**
 * @module bench/fifo-drain
 * The drain of a held backlog, FIFO beside unordered: `rows` deliveries held
 * for one disabled endpoint (written with bench/backlog.ts; for FIFO, over
 * `keys` ordering keys in turn), then `POST /v1/endpoints/ep0/enable`, timed
 * until the receiver has had every row. One endpoint, max_in_flight 32.
 * Rounds alternate unordered, then FIFO, each on a fresh copy of its
 * database; the figure is the round with the median ratio.
 *
 * usage: bun bench/fifo-drain.ts '{"binary": "dist/hookrelay", "dir": ..., "rows": 50000, "keys": 1000, "rounds": 3}'
 */
import { Database } from "bun:sqlite";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ADMIN_TOKEN, benchConfig } from "./config";
import { freePort, runScript, type Server, startDaemon, startScript } from "./proc";
import { round } from "./stats";

interface Options {
  readonly binary: string;
  readonly dir: string;
  readonly rows: number;
  readonly keys: number;
  readonly rounds: number;
}

export interface DrainRound {
  readonly unordered: number;
  readonly fifo: number;
  readonly ratio: number;
}

export interface DrainFigure {
  readonly rows: number;
  readonly keys: number;
  readonly maxInFlight: number;
  /** Deliveries per second of the median round. */
  readonly unorderedPerSec: number;
  readonly fifoPerSec: number;
  readonly ratio: number;
  readonly rounds: readonly DrainRound[];
}

const MAX_IN_FLIGHT = 32;
/** A drain that delivers nothing for this long has stalled. */
const STALL_MS = 30_000;
const POLL_MS = 20;

/** The daemon on `dir`/hookrelay.db, its one endpoint delivering to `receiver`. */
async function daemonIn(binary: string, dir: string, ordering: "fifo" | undefined, receiver: Server) {
  const port = freePort();
  const configPath = join(dir, "hookrelay.yaml");
  const endpoints = { count: 1, url: `${receiver.url}/hook`, firstAttempt: "0s", maxInFlight: MAX_IN_FLIGHT, ordering };
  writeFileSync(configPath, benchConfig(port, join(dir, "hookrelay.db"), endpoints));
  return startDaemon(binary, configPath, port, join(dir, "daemon.log"));
}

/**
 * The hash the daemon stores of the endpoint's config, read from a start on
 * an empty file. A backlog stored with it starts as an unchanged endpoint; with
 * none, the start treats it as edited and walks the whole backlog once (the
 * tenant and FIFO checks of an edit) inside its start-up transaction.
 */
export async function configHashOf(binary: string, dir: string, ordering: "fifo" | undefined, receiver: Server): Promise<string> {
  mkdirSync(dir, { recursive: true });
  await (await daemonIn(binary, dir, ordering, receiver)).stop();
  const db = new Database(join(dir, "hookrelay.db"), { readonly: true });
  const row = db.query("SELECT config_hash FROM endpoint_state WHERE endpoint_id = 'ep0'").get() as { config_hash: string };
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return row.config_hash;
}

/** Deliveries per second draining a copy of `template` once its endpoint is enabled. */
export async function drainOnce(binary: string, template: string, dir: string, ordering: "fifo" | undefined, rows: number, receiver: Server): Promise<number> {
  mkdirSync(dir, { recursive: true });
  copyFileSync(template, join(dir, "hookrelay.db"));
  const d = await daemonIn(binary, dir, ordering, receiver);
  try {
    await fetch(`${receiver.url}/__reset`, { method: "POST", body: JSON.stringify({ latency: false }) });
    const started = performance.now();
    const enabled = await fetch(`${d.url}/v1/endpoints/ep0/enable`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    if (enabled.status !== 200) throw new Error(`enable answered ${enabled.status}: ${await enabled.text()}`);
    let count = 0;
    let progressAt = performance.now();
    while (count < rows) {
      await Bun.sleep(POLL_MS);
      const now = (await (await fetch(`${receiver.url}/__stats`)).json()) as { count: number };
      if (now.count > count) progressAt = performance.now();
      else if (performance.now() - progressAt > STALL_MS) throw new Error(`drain stalled at ${count} of ${rows} deliveries`);
      count = now.count;
    }
    return round(rows / ((performance.now() - started) / 1000), 0);
  } finally {
    await d.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The held backlog a drain starts from, built once per ordering and copied for each round. */
export async function buildHeld(path: string, rows: number, keys: number | undefined, configHash: string): Promise<void> {
  await runScript("backlog.ts", { mode: "build", path, endpoint: "ep0", count: rows, held: true, keys, configHash });
}

export async function fifoDrain(o: Options): Promise<DrainFigure> {
  const unorderedDb = join(o.dir, "unordered.db");
  const fifoDb = join(o.dir, "fifo.db");
  const receiver = await startScript("receiver.ts");
  const rounds: DrainRound[] = [];
  try {
    await buildHeld(unorderedDb, o.rows, undefined, await configHashOf(o.binary, join(o.dir, "hash-unordered"), undefined, receiver));
    await buildHeld(fifoDb, o.rows, o.keys, await configHashOf(o.binary, join(o.dir, "hash-fifo"), "fifo", receiver));
    for (let i = 0; i < o.rounds; i++) {
      const unordered = await drainOnce(o.binary, unorderedDb, join(o.dir, `unordered-${i}`), undefined, o.rows, receiver);
      const fifo = await drainOnce(o.binary, fifoDb, join(o.dir, `fifo-${i}`), "fifo", o.rows, receiver);
      rounds.push({ unordered, fifo, ratio: round(fifo / unordered, 3) });
      process.stderr.write(`[fifo-drain] round ${i + 1}: unordered ${unordered}/s, fifo ${fifo}/s\n`);
    }
  } finally {
    await receiver.stop();
    rmSync(unorderedDb, { force: true });
    rmSync(fifoDb, { force: true });
  }
  const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)]!;
  return { rows: o.rows, keys: o.keys, maxInFlight: MAX_IN_FLIGHT, unorderedPerSec: median.unordered, fifoPerSec: median.fifo, ratio: median.ratio, rounds };
}

if (import.meta.main) {
  const options = JSON.parse(process.argv[2] ?? "{}") as Options;
  console.log(JSON.stringify(await fifoDrain(options)));
}
