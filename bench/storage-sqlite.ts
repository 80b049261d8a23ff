/**
 * @module bench/storage-sqlite
 * What the storage interfaces cost on SQLite: the claim-and-record cycle of
 * a delivery through the outbox classes the daemon calls today (Claims.due,
 * Claims.lease, Outcomes.record in a transaction) beside the same cycle
 * through the SQLite driver's ClaimStore and OutcomeStore, which wrap them
 * and add the lease bookkeeping and the failure counters. Rounds of each
 * alternate on two files of the same backlog; answers the median
 * microseconds per delivery of each and their ratio.
 * Args (JSON on argv[2]): {dir, deliveries, batch, rounds}.
 */
import type { Database } from "bun:sqlite";
import { join } from "node:path";
import { migrate } from "../src/db/migrate";
import { openDatabase } from "../src/db/open";
import { relaxedSync } from "../src/db/relaxed-sync";
import { Claims } from "../src/outbox/claims";
import { EventWriter } from "../src/outbox/event-writer";
import { type AttemptRecord, Outcomes } from "../src/outbox/outcomes";
import type { ClaimedDelivery } from "../src/outbox/types";
import { sqliteStorage } from "../src/storage/sqlite/storage";
import type { LeasedDelivery } from "../src/storage/stores";

const { dir, deliveries, batch, rounds } = JSON.parse(process.argv[2]!) as { dir: string; deliveries: number; batch: number; rounds: number };
const NOW = 1_700_000_000_000;

function seeded(name: string): Database {
  const db = openDatabase(join(dir, name), { sync: "full" });
  migrate(db);
  const writer = new EventWriter(db);
  const events = Array.from({ length: deliveries }, (_, i) => [
    { id: `evt_${i}`, type: "t", tenant: null, dataJson: `{"n":${i}}`, orderingKey: null, occurredAt: null, createdAt: NOW, deliveries: [{ endpointId: "e", fifoKey: null, status: "pending" as const, nextAttemptAt: NOW }] },
  ]);
  for (let i = 0; i < events.length; i += 1_000) writer.writeGroups(events.slice(i, i + 1_000));
  return db;
}

/** The outcome of a delivery's first attempt, delivered. */
function outcome(d: ClaimedDelivery): AttemptRecord {
  return { seq: d.seq, n: 1, startedAt: NOW, durationMs: 5, statusCode: 200, error: null, requestHeaders: "{}", responseExcerpt: null, status: "delivered", nextAttemptAt: null, finishedAt: NOW + 5 };
}

function direct(db: Database): () => Promise<number> {
  const claims = new Claims(db);
  const outcomes = new Outcomes(db);
  const record = db.transaction((rows: readonly ClaimedDelivery[]) => rows.forEach((d) => outcomes.record(outcome(d))));
  // As the daemon committed outcomes before the interfaces: without an fsync.
  const relaxed = relaxedSync(db);
  return async () => {
    const rows = claims.lease(claims.due({ endpointId: "e", fifo: false, limit: batch }, NOW).rows, NOW);
    relaxed(() => record.immediate(rows));
    return rows.length;
  };
}

function throughInterfaces(db: Database): () => Promise<number> {
  const storage = sqliteStorage(db, { nodeId: "bench", leaseMs: 120_000 });
  return async () => {
    const rows: LeasedDelivery[] = (await storage.claims.claim({ endpointId: "e", fifo: false, limit: batch, maxInFlight: null, rateLimit: null }, NOW)).leased;
    await storage.outcomes.record(rows.map((d) => ({ ...outcome(d), endpointId: d.endpointId, token: d.lease.token, verdict: "success" as const })), null);
    return rows.length;
  };
}

/** Microseconds per delivery of one round of `cycles` claims of a batch, each recorded. */
async function round(cycle: () => Promise<number>, cycles: number): Promise<number> {
  const started = performance.now();
  let done = 0;
  for (let i = 0; i < cycles; i++) {
    const n = await cycle();
    if (n !== batch) throw new Error(`a claim took ${n} rows, not ${batch}`);
    done += n;
  }
  return ((performance.now() - started) * 1000) / done;
}

// Every round takes the same number of full batches from a backlog that holds them all.
const perRound = Math.floor(deliveries / rounds / batch);
const a = direct(seeded("direct.db"));
const b = throughInterfaces(seeded("interfaces.db"));
const directUs: number[] = [];
const interfaceUs: number[] = [];
for (let r = 0; r < rounds; r++) {
  directUs.push(await round(a, perRound));
  interfaceUs.push(await round(b, perRound));
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const ratios = directUs.map((d, i) => interfaceUs[i]! / d);
const r2 = (x: number) => Math.round(x * 100) / 100;
console.log(JSON.stringify({ batch, rounds, perRound: perRound * batch, directUs: r2(median(directUs)), interfacesUs: r2(median(interfaceUs)), ratio: r2(median(ratios)), directRounds: directUs.map(r2), interfaceRounds: interfaceUs.map(r2) }));
