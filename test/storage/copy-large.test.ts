/**
 * @module test/storage/copy-large
 * A copy of 100,000 events and their deliveries (1.5 kB of data each, some
 * 160 MB of rows) stays within the memory of a copy a quarter its size: the
 * tables are streamed a batch at a time, never loaded. The copy arrives
 * whole and in seq order.
 */
import { SQL } from "bun";
import { expect, it } from "bun:test";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NO_UPPER_SEQ } from "../../src/outbox/delivery-filter";
import { postgresStorage } from "../../src/storage/postgres/storage";
import { deferCleanup } from "../helpers/cleanup";
import { describePostgres } from "../helpers/postgres";
import { tempDir } from "../helpers/relay";
import { copyProcess, writeBacklogFile } from "../helpers/storage-copy";
import { ids, request } from "./conformance/fixtures";

const defer = deferCleanup();
const LARGE = 100_000;
const SMALL = LARGE / 4;
const DATA_CHARS = 1500;
/** Far less than the data the large copy has beyond the small one (over 100 MB), which loading a table would hold. */
const MAX_GROWTH_BYTES = 64 * 1024 * 1024;

/** A config over a new file of `events` events; answers the config's path and the file's size. */
async function backlog(events: number): Promise<{ config: string; bytes: number }> {
  const tmp = tempDir();
  defer(tmp.remove);
  const path = join(tmp.dir, "hookrelay.db");
  await writeBacklogFile(path, events, DATA_CHARS);
  const config = join(tmp.dir, "hookrelay.yaml");
  writeFileSync(config, `storage:\n  path: ${path}\nendpoints: []\n`);
  return { config, bytes: statSync(path).size };
}

describePostgres("hookrelay storage copy of a large database", (pg) => {
  it("copies 100,000 deliveries within the memory of a copy of 25,000, whole and in seq order", async () => {
    const sql = new SQL(pg.url.replace(/\/[^/]+$/, "/postgres"), { max: 1 });
    const database = (name: string) => pg.url.replace(/\/[^/]+$/, `/${name}`);
    await sql.unsafe(`CREATE DATABASE ${pg.name}_small`);
    defer(async () => {
      await sql.unsafe(`DROP DATABASE ${pg.name}_small WITH (FORCE)`);
      await sql.close();
    });

    const small = await backlog(SMALL);
    const smallRun = await copyProcess(small.config, database(`${pg.name}_small`));
    expect(smallRun.stderr).toBe("");
    const large = await backlog(LARGE);
    expect(large.bytes - small.bytes).toBeGreaterThan(100 * 1024 * 1024);
    const largeRun = await copyProcess(large.config, pg.url);
    expect(largeRun.stderr).toBe("");
    expect(largeRun.code).toBe(0);
    expect(JSON.parse(largeRun.stdout).tables).toMatchObject({ events: LARGE, deliveries: LARGE, attempts: 0 });
    expect(largeRun.maxRss - smallRun.maxRss).toBeLessThan(MAX_GROWTH_BYTES);

    const to = postgresStorage({ url: pg.url, pool: 2, nodeId: "node-1", leaseMs: 120_000 });
    defer(() => to.close());
    expect(await to.backlog.totals()).toEqual({ pending: LARGE, held: 0, failed: 0 });
    expect(ids((await to.claims.claim(request("ep7", 3), Date.now())).leased)).toEqual(["evt_7", "evt_17", "evt_27"]);
    const [last] = await to.queries.deliveries({ status: null, tenant: null, endpointId: null, endpointIds: null, eventType: null, fromSeq: 0, toSeq: NO_UPPER_SEQ }, 1);
    expect(last).toMatchObject({ seq: LARGE, event_id: `evt_${LARGE - 1}` });
  });
});
