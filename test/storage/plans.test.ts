import { describe, expect, it } from "bun:test";
import { join } from "node:path";
import { migrate } from "../../src/db/migrate";
import { openDatabase } from "../../src/db/open";
import { API_IDS_SQL } from "../../src/outbox/api-endpoint-ids";
import { CLAIM_SQL } from "../../src/outbox/claims";
import { FIFO_HEADS_SQL, newRowMark } from "../../src/outbox/fifo-heads";
import { OLD_ROLLUPS_SQL } from "../../src/outbox/retention";
import { READ_ROLLUPS_SQL, UPSERT_ROLLUP_SQL } from "../../src/outbox/rollups";
import { tempDir } from "../helpers/relay";

function plan(sql: string, params: unknown = { endpoint: "e", now: 0, limit: 1 }): string {
  const tmp = tempDir();
  const db = openDatabase(join(tmp.dir, "plan.db"), { sync: "full" });
  migrate(db);
  const rows = db.query(`EXPLAIN QUERY PLAN ${sql}`).all(...((Array.isArray(params) ? params : [params]) as never[])) as { detail: string }[];
  db.close();
  tmp.remove();
  return rows.map((r) => r.detail).join("\n");
}

describe("query plans on the claim path", () => {
  it("claims due rows, and the one after them, through the partial due index, in order, without a sort", () => {
    const p = plan(CLAIM_SQL.due);
    expect(p).toContain("SEARCH d USING INDEX deliveries_due (endpoint_id=?)");
    expect(p).toContain("SEARCH e USING INDEX sqlite_autoindex_events_1 (id=?)");
    expect(p).not.toContain("TEMP B-TREE");
    expect(p).not.toMatch(/SCAN d\b/);
  });

  it("claims FIFO heads, and the one after them, with one seek on the partial head index, as the unordered claim", () => {
    const p = plan(CLAIM_SQL.fifoDue);
    expect(p).toContain("SEARCH d USING INDEX deliveries_fifo_due (endpoint_id=?)");
    expect(p).toContain("SEARCH e USING INDEX sqlite_autoindex_events_1 (id=?)");
    expect(p).not.toContain("TEMP B-TREE");
    expect(p).not.toMatch(/SCAN d\b/);
  });

  it("keeps the FIFO head marks with seeks, each walk in index order: a key's marks, its next waiting row, one key at a time", () => {
    const marksOfKey = /SEARCH deliveries USING (COVERING )?INDEX deliveries_fifo_marks \(endpoint_id=\? AND fifo_key=\? AND fifo_head>\?\)/;
    expect(plan(FIFO_HEADS_SQL.marks, ["e", "k"])).toMatch(marksOfKey);
    const walks = [
      [plan(FIFO_HEADS_SQL.after, ["e", "k", 0]), "SEARCH deliveries USING INDEX deliveries_fifo_key (endpoint_id=? AND fifo_key=? AND seq>?)"],
      [plan(FIFO_HEADS_SQL.nextLeftKey, ["e", ""]), "SEARCH deliveries USING INDEX deliveries_fifo_marks (endpoint_id=? AND fifo_key>?)"],
      [plan(FIFO_HEADS_SQL.nextWaitingKey, ["", ""]), "SEARCH deliveries USING COVERING INDEX deliveries_fifo_marks ((endpoint_id,fifo_key)>(?,?))"],
    ] as const;
    for (const [p, seek] of walks) {
      expect(p).toContain(seek);
      expect(p).not.toContain("TEMP B-TREE");
    }
    // At ingest, a FIFO row's key is looked up the same way.
    expect(plan(`SELECT ${newRowMark("?1", "?2", "?3")}`, ["e", "k", "pending"])).toMatch(marksOfKey);
  });

  it("finds the endpoints with pending rows by skipping through the due index, one seek each", () => {
    const p = plan(CLAIM_SQL.dueEndpoints);
    expect(p).toContain("deliveries_due");
    expect(p).not.toMatch(/SCAN deliveries\b(?! USING)/);
    expect(p).toMatch(/SEARCH deliveries USING COVERING INDEX deliveries_due \(endpoint_id>\?\)/);
  });

  it("leases a round's rows by their seqs, one rowid seek each, without scanning deliveries", () => {
    const p = plan(CLAIM_SQL.lease, [0, "[1,2]"]);
    expect(p).toContain("SEARCH deliveries USING INTEGER PRIMARY KEY (rowid=?)");
    expect(p).not.toMatch(/SCAN deliveries\b/);
  });

  it("requeues in-flight rows endpoint by endpoint through the (endpoint_id, status) index", () => {
    const p = plan(CLAIM_SQL.requeue);
    expect(p).toMatch(/USING (COVERING )?INDEX deliveries_endpoint_status \(endpoint_id=\? AND status=\?\)/);
    expect(p).not.toMatch(/SCAN deliveries\b/);
  });
});

describe("query plans of the stats rollups", () => {
  it("reads one scope's window through the primary key, upserts by it, and prunes through the minute index", () => {
    const read = plan(READ_ROLLUPS_SQL, ["e", 0, 60, 1]);
    expect(read).toContain("SEARCH attempt_rollups USING PRIMARY KEY (endpoint_id=? AND minute>? AND minute<?)");
    expect(read).not.toMatch(/SCAN attempt_rollups\b/);
    const prune = plan(OLD_ROLLUPS_SQL, [0, 500]);
    expect(prune).toContain("SEARCH attempt_rollups USING PRIMARY KEY (endpoint_id=? AND minute=?)");
    expect(prune).toContain("USING COVERING INDEX attempt_rollups_minute (minute<?)");
    expect(prune).not.toContain("TEMP B-TREE");
    expect(plan(UPSERT_ROLLUP_SQL, new Array(23).fill(0))).not.toMatch(/SCAN/);
  });
});

describe("query plans of check", () => {
  it("looks up the config's endpoint ids among API endpoints by primary key", () => {
    const p = plan(API_IDS_SQL, ['["a", "b"]']);
    expect(p).toMatch(/SEARCH api_endpoints USING (COVERING )?(PRIMARY KEY|INDEX sqlite_autoindex_api_endpoints_1) \(id=\?\)/);
    expect(p).not.toMatch(/SCAN api_endpoints\b/);
  });
});
