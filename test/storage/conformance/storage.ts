/**
 * @module test/storage/conformance/storage
 * One suite, every driver: `describeStorage("…", (fx) => …)` declares its
 * cases once and runs them on a fresh SQLite file in a temp dir and on a
 * fresh PostgreSQL database. Each test starts from an empty database.
 */
import { afterEach, beforeEach, describe } from "bun:test";
import { openDatabase } from "../../../src/db/open";
import { SQL } from "bun";
import { postgresStorage } from "../../../src/storage/postgres/storage";
import { sqliteStorage } from "../../../src/storage/sqlite/storage";
import type { Storage } from "../../../src/storage/stores";
import { describePostgres, type TestDatabase } from "../../helpers/postgres";
import { tempDir } from "../../helpers/relay";

export const LEASE_MS = 120_000;

export interface StorageFixture {
  readonly driver: Storage["driver"];
  /** Whether several stores may share the database as nodes. */
  readonly multiNode: boolean;
  /** A migrated store on the test's database; on a multi-node driver each call is another node. */
  open(nodeId?: string): Promise<Storage>;
  /** A store on the test's database, not migrated. */
  openBare(nodeId?: string): Promise<Storage>;
  /** Marks the database as migrated by a newer hookrelay (schema version 999). */
  makeNewer(): Promise<void>;
}

interface Driver {
  readonly name: Storage["driver"];
  readonly multiNode: boolean;
  describe(label: string, body: () => void): void;
  /** Before each test: an empty database. */
  fresh(): Promise<void>;
  bare(nodeId: string): Promise<Storage>;
  makeNewer(): Promise<void>;
  /** After each test. */
  dispose(): Promise<void>;
}

function sqliteDriver(): Driver {
  let tmp: { dir: string; remove: () => void } | null = null;
  const path = () => `${tmp!.dir}/hookrelay.db`;
  return {
    name: "sqlite",
    multiNode: false,
    describe,
    fresh: async () => {
      tmp = tempDir();
    },
    bare: async (nodeId) => sqliteStorage(openDatabase(path(), { sync: "normal" }), { nodeId, leaseMs: LEASE_MS }),
    makeNewer: async () => {
      const db = openDatabase(path(), { sync: "normal" });
      db.run("PRAGMA user_version = 999");
      db.close();
    },
    dispose: async () => {
      tmp?.remove();
      tmp = null;
    },
  };
}

/** A database per file; each test empties it by replacing the schema that holds every table. */
function postgresDriver(): Driver {
  let db: TestDatabase | null = null;
  const admin = async (text: string) => {
    const sql = new SQL(db!.url, { max: 1 });
    try {
      await sql.unsafe(text);
    } finally {
      await sql.close();
    }
  };
  return {
    name: "postgres",
    multiNode: true,
    describe: (label, body) =>
      describePostgres(label, (database) => {
        db = database;
        body();
      }),
    fresh: () => admin("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"),
    bare: async (nodeId) => postgresStorage({ url: db!.url, pool: 10, nodeId, leaseMs: LEASE_MS }),
    makeNewer: () => admin("UPDATE hookrelay_schema SET version = 999"),
    dispose: async () => {},
  };
}

const DRIVERS: (() => Driver)[] = [sqliteDriver, postgresDriver];

/** Declares `body`'s cases once per driver. */
export function describeStorage(label: string, body: (fx: StorageFixture) => void): void {
  for (const make of DRIVERS) {
    const driver = make();
    driver.describe(`${label} [${driver.name}]`, () => {
      let opened: Storage[] = [];
      let n = 0;
      beforeEach(() => driver.fresh());
      afterEach(async () => {
        for (const s of opened) await s.close();
        opened = [];
        await driver.dispose();
      });
      const bare = async (nodeId?: string) => {
        const s = await driver.bare(nodeId ?? `node-${++n}`);
        opened.push(s);
        return s;
      };
      body({
        driver: driver.name,
        multiNode: driver.multiNode,
        openBare: bare,
        open: async (nodeId) => {
          const s = await bare(nodeId);
          await s.migrations.migrate();
          return s;
        },
        makeNewer: () => driver.makeNewer(),
      });
    });
  }
}
