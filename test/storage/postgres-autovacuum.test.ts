/**
 * The hot queue table carries its own autovacuum thresholds (migration 005),
 * as PostgreSQL itself reads them back.
 */
import { SQL } from "bun";
import { afterAll, beforeAll, expect, it } from "bun:test";
import { postgresStorage } from "../../src/storage/postgres/storage";
import { describePostgres } from "../helpers/postgres";

describePostgres("PostgreSQL autovacuum of deliveries", (db) => {
  let sql: SQL;
  beforeAll(async () => {
    const storage = postgresStorage({ url: db.url, pool: 1, nodeId: "n", leaseMs: 1 });
    await storage.migrations.migrate();
    await storage.close();
    sql = new SQL(db.url, { max: 1 });
  });
  afterAll(() => sql.close());

  it("vacuums deliveries past 1,000 dead or inserted rows plus 1% of the table, at ten times the shared cost limit", async () => {
    const [row] = await sql`SELECT reloptions FROM pg_class WHERE oid = 'deliveries'::regclass`;
    expect([...row.reloptions].sort()).toEqual([
      "autovacuum_vacuum_cost_limit=2000",
      "autovacuum_vacuum_insert_scale_factor=0.01",
      "autovacuum_vacuum_insert_threshold=1000",
      "autovacuum_vacuum_scale_factor=0.01",
      "autovacuum_vacuum_threshold=1000",
    ]);
  });
});
