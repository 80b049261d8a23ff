/**
 * @module test/storage/claims
 * One read per endpoint and round: the due rows, oldest due first and up to
 * the limit, and from the first row not taken, when the endpoint is due next
 * (at or before now when more are due than were asked for; none when no
 * pending row is left).
 */
import { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { migrate } from "../../src/db/migrate";
import { Claims } from "../../src/outbox/claims";

const NOW = 1_000_000;

let db: Database;
let claims: Claims;

/** A pending delivery of its own event for `endpoint`, due at `at`. */
function pending(endpoint: string, at: number, status = "pending"): void {
  const id = `evt_${endpoint}_${at}_${status}`;
  db.run("INSERT INTO events (id, type, data, created_at) VALUES (?, 't', '{}', 0)", [id]);
  db.run("INSERT INTO deliveries (event_id, endpoint_id, event_type, status, next_attempt_at, created_at, updated_at) VALUES (?, ?, 't', ?, ?, 0, 0)", [
    id,
    endpoint,
    status,
    at,
  ]);
}

beforeEach(() => {
  db = new Database(":memory:", { strict: true });
  migrate(db);
  claims = new Claims(db);
});
afterEach(() => db.close());

const read = (endpoint: string, limit: number) => {
  const due = claims.due({ endpointId: endpoint, fifo: false, limit }, NOW);
  return { ids: due.rows.map((r) => r.eventId), next: due.next };
};

describe("reading an endpoint's due rows", () => {
  it("answers the due rows oldest first and when the first one not yet due is due", () => {
    pending("a", NOW + 500);
    pending("a", NOW - 10);
    pending("a", NOW);
    pending("a", NOW + 100);
    pending("b", NOW - 20);
    expect(read("a", 5)).toEqual({ ids: [`evt_a_${NOW - 10}_pending`, `evt_a_${NOW}_pending`], next: NOW + 100 });
  });

  it("says more are due when the limit leaves due rows behind", () => {
    pending("a", NOW - 3);
    pending("a", NOW - 2);
    pending("a", NOW - 1);
    expect(read("a", 2)).toEqual({ ids: [`evt_a_${NOW - 3}_pending`, `evt_a_${NOW - 2}_pending`], next: NOW - 1 });
  });

  it("says none waits when every pending row was read, whatever else the endpoint has", () => {
    pending("a", NOW - 1);
    pending("a", NOW - 5, "in_flight");
    pending("a", NOW - 5, "held");
    expect(read("a", 3)).toEqual({ ids: [`evt_a_${NOW - 1}_pending`], next: null });
    expect(read("c", 3)).toEqual({ ids: [], next: null });
  });

  it("leases only rows still pending", () => {
    pending("a", NOW - 1);
    const { rows } = claims.due({ endpointId: "a", fifo: false, limit: 1 }, NOW);
    expect(claims.lease(rows, NOW)).toHaveLength(1);
    expect(claims.lease(rows, NOW)).toHaveLength(0);
  });
});
