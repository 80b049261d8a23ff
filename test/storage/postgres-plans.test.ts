/**
 * Every statement of the PostgreSQL driver is served by an index: planned
 * with sequential scans priced out (enable_seqscan = off), none of them may
 * still read a whole table; the claim and single-walk listings sort nothing.
 */
import { SQL } from "bun";
import { afterAll, beforeAll, expect, it } from "bun:test";
import { NO_UPPER_SEQ } from "../../src/outbox/delivery-filter";
import { PG_BACKLOG_SQL } from "../../src/storage/postgres/backlog";
import { PG_CLAIM_SQL } from "../../src/storage/postgres/claims";
import { PG_STATE_SQL } from "../../src/storage/postgres/endpoint-states";
import { PG_OUTCOME_SQL } from "../../src/storage/postgres/outcomes";
import { pageSql } from "../../src/storage/postgres/pages";
import { PG_DELIVERY_COLUMNS } from "../../src/storage/postgres/queries";
import { PG_READ_ROLLUPS_SQL } from "../../src/storage/postgres/registry";
import { PG_RETENTION_SQL } from "../../src/storage/postgres/retention";
import { postgresStorage } from "../../src/storage/postgres/storage";
import { describePostgres } from "../helpers/postgres";

const ALL = { status: null, tenant: null, endpointId: null, endpointIds: null, eventType: null, fromSeq: 0, toSeq: NO_UPPER_SEQ } as const;

describePostgres("PostgreSQL query plans", (db) => {
  let sql: SQL;
  let conn: Awaited<ReturnType<SQL["reserve"]>>;
  beforeAll(async () => {
    const storage = postgresStorage({ url: db.url, pool: 1, nodeId: "n", leaseMs: 1 });
    await storage.migrations.migrate();
    await storage.close();
    sql = new SQL(db.url, { max: 1 });
    conn = await sql.reserve();
    await conn`SET enable_seqscan = off`;
  });
  afterAll(async () => {
    conn.release();
    await sql.close();
  });

  async function plan(text: string, params: unknown[]): Promise<string> {
    const rows = await conn.unsafe(`EXPLAIN ${text}`, params);
    return (rows as { "QUERY PLAN": string }[]).map((r) => r["QUERY PLAN"]).join("\n");
  }

  const whole = /Seq Scan on (deliveries|events|attempts|endpoint_state|attempt_rollups)\b/;

  it("claims through the due and FIFO indexes, without a sort or a scan", async () => {
    for (const text of [PG_CLAIM_SQL.due, PG_CLAIM_SQL.fifo]) {
      const p = await plan(text, ["e", 0, 10, "n", 1]);
      expect(p).not.toMatch(whole);
      expect(p).toMatch(text === PG_CLAIM_SQL.due ? /Index Scan using deliveries_due/ : /deliveries_fifo/);
      expect(p).toContain("LockRows");
    }
    expect(await plan(PG_CLAIM_SQL.due, ["e", 0, 10, "n", 1])).not.toMatch(/\bSort\b/);
  });

  it("finds due times, due endpoints, leases to reap and an endpoint's leases by index", async () => {
    const cases: [string, unknown[], RegExp][] = [
      [PG_CLAIM_SQL.nextDue, ["e"], /deliveries_due/],
      [PG_CLAIM_SQL.fifoNextDue, ["e"], /deliveries_fifo/],
      [PG_CLAIM_SQL.dueEndpoints, [], /deliveries_due/],
      [PG_CLAIM_SQL.reap, [0], /deliveries_leases/],
      [PG_CLAIM_SQL.inFlight, ["e", 0, 1], /Index Scan using deliveries_(endpoint_status|leases)/],
      [PG_CLAIM_SQL.fifoInFlight, ["e", 0, 1], /deliveries_fifo/],
      [PG_CLAIM_SQL.lockEndpoint, ["e"], /endpoint_state/],
    ];
    for (const [text, params, index] of cases) {
      const p = await plan(text, params);
      expect(p).not.toMatch(whole);
      expect(p).toMatch(index);
    }
  });

  it("records outcomes and moves an endpoint's rows by key and index", async () => {
    const finish = { seq: 1, token: 1, status: "delivered", n: 1, next_attempt_at: null, status_code: 200, error: null, finished_at: 0 };
    expect(await plan(PG_OUTCOME_SQL.finish, [JSON.stringify([finish])])).toMatch(/Index Scan using deliveries_/);
    for (const [text, params] of [
      [PG_STATE_SQL.hold, [0, "e"]],
      [PG_STATE_SQL.release, [0, "e"]],
      [PG_STATE_SQL.cancelBacklog, [0, "e"]],
      [PG_STATE_SQL.backlog, ["e"]],
    ] as [string, unknown[]][]) {
      expect(await plan(text, params)).not.toMatch(whole);
    }
  });

  it("pages admin listings by the (endpoint_id, status, seq), type and primary key indexes", async () => {
    const filters = [
      ALL,
      { ...ALL, status: "failed" as const },
      { ...ALL, endpointId: "e" },
      { ...ALL, endpointId: "e", status: "pending" as const },
      { ...ALL, endpointIds: ["e", "f"] },
      { ...ALL, eventType: "t" },
    ];
    for (const f of filters) {
      const q = pageSql(PG_DELIVERY_COLUMNS, "DESC", f, 50);
      const p = await plan(q.text, q.values);
      expect(p).not.toMatch(whole);
      // One walk: in seq order off its index. Several: each a bounded walk, then a sort of their few rows.
      if (f.endpointId === null && f.endpointIds === null && f.status === null) expect(p).not.toMatch(/\bSort\b/);
      else expect(p).toMatch(/Limit[^\n]*\n\s*->\s+Index (Only )?Scan (Backward )?using deliveries_endpoint_status/);
    }
  });

  it("counts backlogs, prunes and reads rollups by index", async () => {
    const cases: [string, unknown[]][] = [
      [PG_BACKLOG_SQL.counts, ["e"]],
      [PG_BACKLOG_SQL.totals, []],
      [PG_BACKLOG_SQL.oldestPending, []],
      [PG_BACKLOG_SQL.oldestWaiting, ["e"]],
      [PG_BACKLOG_SQL.byEndpoint, []],
      [PG_RETENTION_SQL.deliveries, ["delivered", 0, 500]],
      [PG_RETENTION_SQL.oldEvents, [0, 500]],
      [PG_RETENTION_SQL.rollups, [0, 500]],
      [PG_READ_ROLLUPS_SQL, ["e", 0, 60, 1]],
    ];
    for (const [text, params] of cases) expect(await plan(text, params)).not.toMatch(whole);
  });
});
