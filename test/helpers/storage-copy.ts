/**
 * @module test/helpers/storage-copy
 * For the large copies of the tests and the bench: a SQLite file with a
 * backlog of many events written through the SQLite driver, and
 * `hookrelay storage copy` run as a process of its own, timed, with its
 * peak RSS.
 */
import { openDatabase } from "../../src/db/open";
import { sqliteStorage } from "../../src/storage/sqlite/storage";
import { newEvent, NOW } from "../storage/conformance/fixtures";
import { cleanEnv } from "../cli/helpers";
import { hookrelayCommand } from "./relay";

/** Endpoints the backlog is spread over. */
export const BACKLOG_ENDPOINTS = 10;
const GROUP = 1000;

/** Writes `events` events of `dataChars` characters of data each, one pending delivery each, `evt_<i>` to endpoint `ep<i % 10>`. */
export async function writeBacklogFile(path: string, events: number, dataChars: number): Promise<void> {
  const db = openDatabase(path, { sync: "normal" });
  const s = sqliteStorage(db, { nodeId: "single", leaseMs: 120_000 });
  await s.migrations.migrate();
  const data = JSON.stringify({ pad: "x".repeat(dataChars) });
  for (let from = 0; from < events; from += GROUP) {
    const groups = [];
    for (let i = from; i < Math.min(events, from + GROUP); i++) groups.push([newEvent({ id: `evt_${i}`, endpoints: [`ep${i % BACKLOG_ENDPOINTS}`], at: NOW + i, data })]);
    await s.events.writeGroups(groups);
  }
  db.close(true);
}

export interface CopyRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  /** Peak resident memory of the copying process, in bytes. */
  readonly maxRss: number;
}

/** Runs `hookrelay storage copy --to url --config config --json` and waits for it. */
export async function copyProcess(config: string, url: string): Promise<CopyRun> {
  const started = performance.now();
  const proc = Bun.spawn([...hookrelayCommand(), "storage", "copy", "--to", url, "--config", config, "--json"], { env: cleanEnv(), stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr, ms: performance.now() - started, maxRss: proc.resourceUsage()!.maxRSS };
}
