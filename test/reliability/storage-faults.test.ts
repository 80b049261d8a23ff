/**
 * A database that cannot grow (a full disk, simulated with SQLite's
 * max_page_count on the daemon's own connection): ingest answers 503 with
 * Retry-After and stores nothing, /readyz fails, and both recover by
 * themselves when space returns.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { configYaml, startRelay, tempDir } from "../helpers/relay";

const tmp = tempDir();
afterAll(() => tmp.remove());

describe("storage faults", () => {
  it("answers 503 while the disk is full, stores nothing half-written, and recovers without a restart", async () => {
    const yaml = configYaml(tmp.dir, `  - id: main\n    url: http://127.0.0.1:9/hook\n    events: ["*"]\n    secret: s3cret\n    signature: { scheme: hmac-sha256-hex }\n    enabled: false`);
    const relay = await startRelay(yaml, { dir: tmp.dir });
    const db = relay.db;
    const appEvents = () => (db.query("SELECT COUNT(*) AS n FROM events WHERE type = 'big'").get() as { n: number }).n;
    const deliveries = () => (db.query("SELECT COUNT(*) AS n FROM deliveries WHERE event_type = 'big'").get() as { n: number }).n;
    const big = (i: number) => ({ type: "big", data: { i, pad: "x".repeat(200_000) } });
    try {
      expect((await relay.post("/v1/events", big(0))).status).toBe(202);
      const pages = (db.query("PRAGMA page_count").get() as { page_count: number }).page_count;
      db.run(`PRAGMA max_page_count = ${pages}`);

      const refused = await relay.post("/v1/events", big(1));
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("5");
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("storage_unavailable");
      expect(appEvents()).toBe(1);
      expect(deliveries()).toBe(1);
      const notReady = await fetch(`${relay.url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toEqual({ status: "not_ready", reason: "the database disk is full" });

      db.run("PRAGMA max_page_count = 1073741823");
      expect((await fetch(`${relay.url}/readyz`)).status).toBe(200);
      expect((await relay.post("/v1/events", big(2))).status).toBe(202);
      expect(appEvents()).toBe(2);
    } finally {
      await relay.stop();
    }
  });
});
