/**
 * @module test/admin/query-plans
 * Every statement the admin API, the metrics scrape and the claim loop
 * prepare is served by an index: none scans a table.
 */
import { Database } from "bun:sqlite";
import { describe, expect, it } from "bun:test";
import { migrate } from "../../src/db/migrate";
import { transactionRunner } from "../../src/db/transaction";
import { Backlog } from "../../src/outbox/backlog";
import { Claims } from "../../src/outbox/claims";
import { Controls } from "../../src/outbox/controls";
import { EndpointStore } from "../../src/outbox/endpoint-store";
import type { DeliveryFilter } from "../../src/outbox/delivery-filter";
import { Queries } from "../../src/outbox/queries";

/** A database that remembers the SQL of every statement prepared through it. */
function recording(db: Database): { db: Database; sql: string[] } {
  const sql: string[] = [];
  const proxy = new Proxy(db, {
    get(target, key) {
      if (key === "prepare" || key === "query") {
        return (text: string) => {
          sql.push(text);
          return target.prepare(text);
        };
      }
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: proxy, sql };
}

function plan(db: Database, sql: string): string {
  return db
    .prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .all()
    .map((r) => (r as { detail: string }).detail)
    .join(" | ");
}

describe("query plans", () => {
  it("lists, counts, retries, cancels and claims without scanning deliveries", () => {
    const real = new Database(":memory:", { strict: true });
    migrate(real);
    const { db, sql } = recording(real);
    const queries = new Queries(db);
    const controls = new Controls(db, transactionRunner(real));
    const backlog = new Backlog(db);
    new Claims(db);
    new EndpointStore(db);
    // Every combination of filters, so each lazily prepared listing and page statement exists.
    for (const status of [null, "failed"] as const) {
      for (const endpointId of [null, "ep"]) {
        for (const eventType of [null, "a.b"]) {
          for (const tenant of [null, "acme"]) {
            const f: DeliveryFilter = { status, tenant, endpointId, endpointIds: null, eventType, fromSeq: 0, toSeq: 100 };
            queries.deliveries(f, 10);
            queries.countDeliveries(f, 10);
            controls.cancelPage(f, 10, 0);
          }
        }
      }
    }
    queries.seqAt(0);
    queries.deliveryOf("evt", "ep");
    backlog.counts("ep");
    backlog.oldestWaitingSince("ep");
    backlog.totals();
    expect(sql.length).toBeGreaterThan(20);
    for (const text of sql) {
      const p = plan(real, text);
      // Scanning a CTE (the endpoint ids) is stepping through its rows, and scanning a partial index
      // that holds only one status's backlog costs that backlog (the FIFO marks: two rows at most per
      // key with a backlog); scanning a table is not allowed.
      const scansTable = /\bSCAN (deliveries|events|attempts|d|e)\b(?! USING COVERING INDEX deliveries_(due|held|fifo_marks)\b)/;
      expect({ sql: text, plan: p }).toEqual({ sql: text, plan: expect.not.stringMatching(scansTable) });
      expect({ sql: text, plan: p }).toEqual({ sql: text, plan: expect.not.stringMatching(/TEMP B-TREE FOR ORDER BY/) });
    }
    // A page for one endpoint walks that endpoint's rows only, never a whole status or event type.
    const byEndpoint = sql.filter((s) => s.includes("seq >= :from") && s.includes("endpoint_id = :endpoint"));
    // Eight filter combinations name an endpoint, each prepared for the listing, the bulk page and the count.
    expect(byEndpoint.length).toBe(24);
    for (const text of byEndpoint) {
      const searches = plan(real, text).split(" | ").filter((line) => line.startsWith("SEARCH deliveries"));
      expect(searches.length).toBeGreaterThan(0);
      for (const line of searches) expect(line).toMatch(/USING (COVERING )?INDEX deliveries_endpoint_status \(endpoint_id=\? AND status=\?/);
    }
    // A delivery's tenant is its event's, found by the event's primary key.
    const withTenant = sql.filter((s) => s.includes("SELECT tenant FROM events WHERE events.id = deliveries.event_id"));
    expect(withTenant.some((s) => s.includes("UPDATE deliveries SET status = 'cancelled'"))).toBe(true);
    expect(withTenant.length).toBeGreaterThan(16);
    for (const text of withTenant) expect(plan(real, text)).toMatch(/SEARCH events USING INDEX sqlite_autoindex_events_1 \(id=\?\)/);
    const deliveryOf = sql.find((s) => s.includes("event_id = ?") && s.includes("endpoint_id"))!;
    expect(plan(real, deliveryOf)).toContain("deliveries_event");
    // Each statement carries a LIMIT or is a single-row or aggregate lookup (or start-up's one read of every endpoint's state).
    const startUp = "SELECT * FROM endpoint_state";
    for (const text of sql.filter((s) => /^\s*SELECT/i.test(s) && s !== startUp && !/COUNT\(|MIN\(|MAX\(|EXISTS|WHERE (seq|id|delivery_seq) = \?|FROM endpoint_state WHERE endpoint_id = \?$/.test(s))) {
      expect(text).toMatch(/LIMIT/);
    }
    real.close();
  });
});
