/**
 * @module bench/write-path
 * What one delivered event costs the SQLite driver the daemon runs on, with
 * no HTTP: EVENTS events, BATCH a commit, each taken through ingest, its
 * lease and its delivered outcome, either leased by a claim after its commit
 * or leased at ingest (EventStore.writeGroupsLeased), in alternating rounds.
 * Per event: the process's CPU (all threads, from /proc), and the WAL's
 * growth per phase (checkpoints are off, so it only grows): the bytes, in
 * whole pages of 4 KB and a 24-byte frame header each, that the kernel
 * writes for it. Prints one JSON line.
 *
 * usage: bun bench/write-path.ts [EVENTS] [ROUNDS]
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate } from "../src/db/migrate";
import { openDatabase } from "../src/db/open";
import type { NewEvent } from "../src/outbox/types";
import { sqliteStorage } from "../src/storage/sqlite/storage";
import type { LeasedAttempt, LeasedDelivery, Storage } from "../src/storage/stores";
import { eventBody } from "./event";
import { cpuSeconds } from "./proc";
import { round } from "./stats";

const EVENTS = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 3);
/** Events a commit: about what the daemon's group commits and outcome flushes hold under the bench's load. */
const BATCH = 40;
/** The headers a Standard Webhooks delivery sends, as an attempt row stores them. */
const HEADERS = JSON.stringify({
  "content-type": "application/json",
  "user-agent": "hookrelay/0.1.0",
  "webhook-id": "evt_00000000000000000000000000",
  "webhook-timestamp": "1700000000",
  "webhook-signature": `v1,${"x".repeat(44)}`,
});
const data = JSON.stringify((JSON.parse(eventBody(0)) as { data: unknown }).data);

type Mode = "claim" | "ingest-lease";

interface Phases {
  ingest: number;
  lease: number;
  outcome: number;
}

interface Run {
  readonly cpuUs: number;
  readonly walBytes: Phases;
}

function events(from: number, status: "pending" | "in_flight", now: number): NewEvent[][] {
  return Array.from({ length: BATCH }, (_, i) => [
    {
      id: `evt_${String(from + i).padStart(26, "0")}`,
      type: "bench.event",
      tenant: null,
      dataJson: data,
      orderingKey: null,
      occurredAt: null,
      createdAt: now,
      deliveries: [{ endpointId: "ep0", fifoKey: null, status, nextAttemptAt: now }],
    },
  ]);
}

function deliveredAttempt(d: LeasedDelivery, now: number): LeasedAttempt {
  return {
    seq: d.seq,
    endpointId: d.endpointId,
    token: d.lease.token,
    n: 1,
    startedAt: now,
    durationMs: 1,
    statusCode: 200,
    error: null,
    requestHeaders: HEADERS,
    responseExcerpt: null,
    status: "delivered",
    nextAttemptAt: null,
    finishedAt: now,
    verdict: "success",
  };
}

async function run(mode: Mode): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "hookrelay-wal-"));
  const path = join(dir, "hookrelay.db");
  const db = openDatabase(path, { sync: "full" });
  migrate(db);
  db.run("PRAGMA wal_checkpoint(TRUNCATE)");
  db.run("PRAGMA wal_autocheckpoint = 0");
  const s: Storage = sqliteStorage(db, { nodeId: "bench", leaseMs: 60_000 });
  const wal = () => statSync(`${path}-wal`).size;
  const bytes: Phases = { ingest: 0, lease: 0, outcome: 0 };
  const phase = async <T>(name: keyof Phases, work: () => Promise<T>): Promise<T> => {
    const before = wal();
    const result = await work();
    bytes[name] += wal() - before;
    return result;
  };
  const cpuFrom = cpuSeconds(process.pid);
  for (let n = 0; n < EVENTS; n += BATCH) {
    const now = Date.now();
    let leased: LeasedDelivery[];
    if (mode === "claim") {
      await phase("ingest", () => s.events.writeGroups(events(n, "pending", now)));
      leased = (await phase("lease", () => s.claims.claim({ endpointId: "ep0", fifo: false, limit: BATCH, maxInFlight: null, rateLimit: null }, now))).leased;
    } else {
      leased = (await phase("ingest", () => s.events.writeGroupsLeased!(events(n, "in_flight", now), now))).leased;
    }
    if (leased.length !== BATCH) throw new Error(`${leased.length} of ${BATCH} leased`);
    await phase("outcome", () => s.outcomes.record(leased.map((d) => deliveredAttempt(d, now)), null));
  }
  const cpuUs = round(((cpuSeconds(process.pid) - cpuFrom) * 1e6) / EVENTS, 1);
  await s.close();
  rmSync(dir, { recursive: true, force: true });
  return { cpuUs, walBytes: perEvent(bytes) };
}

function perEvent(b: Phases): Phases & { total: number } {
  return {
    ingest: round(b.ingest / EVENTS, 0),
    lease: round(b.lease / EVENTS, 0),
    outcome: round(b.outcome / EVENTS, 0),
    total: round((b.ingest + b.lease + b.outcome) / EVENTS, 0),
  };
}

const rounds: { claim: Run; ingestLease: Run; ratio: number }[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const claim = await run("claim");
  const ingestLease = await run("ingest-lease");
  rounds.push({ claim, ingestLease, ratio: round(ingestLease.cpuUs / claim.cpuUs, 3) });
}
const ratios = rounds.map((r) => r.ratio).sort((a, b) => a - b);
console.log(JSON.stringify({ events: EVENTS, batch: BATCH, medianRatio: ratios[Math.floor(ratios.length / 2)], rounds }));
