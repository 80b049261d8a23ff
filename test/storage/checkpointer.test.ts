/**
 * The checkpoint thread: the daemon's connection never checkpoints the WAL
 * itself, and the thread copies it into the database on request, beside the
 * connection's own writes.
 */
import { Database } from "bun:sqlite";
import { describe, expect, it } from "bun:test";
import { statSync } from "node:fs";
import { join } from "node:path";
import { Checkpointer } from "../../src/db/checkpointer";
import { migrate } from "../../src/db/migrate";
import { openDatabase } from "../../src/db/open";
import { deferCleanup } from "../helpers/cleanup";
import { tempDir } from "../helpers/relay";

const ENTRY = new URL("../../src/db/checkpoint-thread.ts", import.meta.url).href;
const defer = deferCleanup();

function insertEvents(db: Database, count: number, from = 0): void {
  const insert = db.prepare("INSERT INTO events (id, type, data, created_at) VALUES (?, 't', ?, 0)");
  db.transaction(() => {
    for (let i = from; i < from + count; i++) insert.run(`evt_${i}`, JSON.stringify({ pad: "x".repeat(1000) }));
  })();
}

describe("checkpoint thread", () => {
  it("copies the whole WAL into the database, which the daemon's connection never does itself", async () => {
    const tmp = tempDir();
    defer(tmp.remove);
    const path = join(tmp.dir, "c.db");
    const db = openDatabase(path, { sync: "full" });
    migrate(db);
    const checkpointer = await Checkpointer.start(ENTRY, db, path, "full");
    defer(async () => {
      await checkpointer.close();
      db.close();
    });
    expect(db.query("PRAGMA wal_autocheckpoint").get()).toEqual({ wal_autocheckpoint: 0 });

    // Well past SQLite's own 1,000-page threshold: nothing was copied while writing.
    insertEvents(db, 6_000);
    const databaseBytes = statSync(path).size;
    const first = await checkpointer.checkpoint();
    expect(first.busy).toBe(0);
    expect(first.walPages).toBeGreaterThan(1_000);
    expect(first.checkpointedPages).toBe(first.walPages);
    expect(statSync(path).size).toBeGreaterThan(databaseBytes + 5_000_000);

    // Writes go on beside it, and the next run copies only what is new.
    insertEvents(db, 100, 6_000);
    const second = await checkpointer.checkpoint();
    expect(second.checkpointedPages).toBe(second.walPages);
    const reader = new Database(path, { readonly: true });
    expect(reader.query("SELECT COUNT(*) AS n FROM events").get()).toEqual({ n: 6_100 });
    reader.close();
  });

  it("refuses to start, saying why, when its thread cannot open the database", async () => {
    const tmp = tempDir();
    defer(tmp.remove);
    const path = join(tmp.dir, "c.db");
    const db = openDatabase(path, { sync: "full" });
    defer(() => db.close());
    const unopenable = join(path, "inside-a-file.db");
    await expect(Checkpointer.start(ENTRY, db, unopenable, "full")).rejects.toThrow(`cannot open the database ${unopenable}`);
    expect(db.query("PRAGMA wal_autocheckpoint").get()).toEqual({ wal_autocheckpoint: 1000 });
  });
});
