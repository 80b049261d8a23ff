/**
 * @module bench/wal-bytes
 * What one delivered event writes to the WAL, through the SQLite driver the
 * daemon runs on, with no HTTP: EVENTS events, BATCH a commit, each taken
 * through its ingest commit, its claim and its delivered outcome.
 * Checkpoints are off, so the WAL only grows; its growth per phase, divided
 * by the events, is what the kernel writes for each (whole pages of 4 KB,
 * each with a 24-byte frame header). Run twice: with the attempt row's
 * request headers as a Standard Webhooks delivery sends them, and with an
 * empty object in their place, to tell what storing them costs. Prints one
 * JSON line.
 *
 * usage: bun bench/wal-bytes.ts [EVENTS]
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate } from "../src/db/migrate";
import { openDatabase } from "../src/db/open";
import type { NewEvent } from "../src/outbox/types";
import { sqliteStorage } from "../src/storage/sqlite/storage";
import type { LeasedAttempt, LeasedDelivery } from "../src/storage/stores";
import { eventBody } from "./event";
import { round } from "./stats";

const EVENTS = Number(process.argv[2] ?? 10_000);
/** Events a commit: about what the daemon's group commits and outcome flushes hold under the bench's load. */
const BATCH = 40;
/** The headers a Standard Webhooks delivery sends, as an attempt row stores them (215 bytes of JSON). */
const HEADERS_SENT = JSON.stringify({
  "content-type": "application/json",
  "user-agent": "hookrelay/0.1.0",
  "webhook-id": "evt_00000000000000000000000000",
  "webhook-timestamp": "1700000000",
  "webhook-signature": `v1,${"x".repeat(44)}`,
});
const data = JSON.stringify((JSON.parse(eventBody(0)) as { data: unknown }).data);

interface Phases {
  ingest: number;
  lease: number;
  outcome: number;
}

function events(from: number, now: number): NewEvent[][] {
  return Array.from({ length: BATCH }, (_, i) => [
    {
      id: `evt_${String(from + i).padStart(26, "0")}`,
      type: "bench.event",
      tenant: null,
      dataJson: data,
      orderingKey: null,
      occurredAt: null,
      createdAt: now,
      deliveries: [{ endpointId: "ep0", fifoKey: null, status: "pending", nextAttemptAt: now }],
    },
  ]);
}

function deliveredAttempt(d: LeasedDelivery, now: number, requestHeaders: string): LeasedAttempt {
  return {
    seq: d.seq,
    endpointId: d.endpointId,
    token: d.lease.token,
    n: 1,
    startedAt: now,
    durationMs: 1,
    statusCode: 200,
    error: null,
    requestHeaders,
    responseExcerpt: null,
    status: "delivered",
    nextAttemptAt: null,
    finishedAt: now,
    verdict: "success",
  };
}

/** WAL bytes per event of each phase, and their sum. */
async function run(requestHeaders: string): Promise<Phases & { total: number }> {
  const dir = mkdtempSync(join(tmpdir(), "hookrelay-wal-"));
  const path = join(dir, "hookrelay.db");
  const db = openDatabase(path, { sync: "full" });
  migrate(db);
  db.run("PRAGMA wal_checkpoint(TRUNCATE)");
  db.run("PRAGMA wal_autocheckpoint = 0");
  const s = sqliteStorage(db, { nodeId: "bench", leaseMs: 60_000 });
  const wal = () => statSync(`${path}-wal`).size;
  const bytes: Phases = { ingest: 0, lease: 0, outcome: 0 };
  const phase = async <T>(name: keyof Phases, work: () => Promise<T>): Promise<T> => {
    const before = wal();
    const result = await work();
    bytes[name] += wal() - before;
    return result;
  };
  for (let n = 0; n < EVENTS; n += BATCH) {
    const now = Date.now();
    await phase("ingest", () => s.events.writeGroups(events(n, now)));
    const { leased } = await phase("lease", () => s.claims.claim({ endpointId: "ep0", fifo: false, limit: BATCH, maxInFlight: null, rateLimit: null }, now));
    if (leased.length !== BATCH) throw new Error(`${leased.length} of ${BATCH} leased`);
    await phase("outcome", () => s.outcomes.record(leased.map((d) => deliveredAttempt(d, now, requestHeaders)), null));
  }
  await s.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    ingest: round(bytes.ingest / EVENTS, 0),
    lease: round(bytes.lease / EVENTS, 0),
    outcome: round(bytes.outcome / EVENTS, 0),
    total: round((bytes.ingest + bytes.lease + bytes.outcome) / EVENTS, 0),
  };
}

const sent = await run(HEADERS_SENT);
const empty = await run("{}");
console.log(JSON.stringify({ events: EVENTS, batch: BATCH, walBytesPerEvent: { headersSent: sent, headersEmpty: empty } }));
