/**
 * @module test/helpers/postgres
 * A fresh PostgreSQL database for a block of tests, on the one server of this
 * test process (`postgres-server.ts`): `describePostgres("…", (db) => …)`
 * creates a database with a random name before the block and drops it after;
 * `db.url` is its connection URL. The server itself is stopped after the last
 * test file (`preload.ts`) or, should the process die first, by its watchdog.
 *
 * Without PostgreSQL the block is skipped with one line saying how to install
 * it, except under CI (`CI` set, and not `false` or `0`), where the block
 * fails instead: a missing PostgreSQL must never pass as green.
 */
import { afterAll, beforeAll, describe, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { findPostgresBin, postgresServer } from "./postgres-server";

export const POSTGRES_MISSING = "PostgreSQL is not installed (apt-get install -y postgresql)";

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
}

const bin = findPostgresBin();
const ci = !["", "0", "false"].includes(process.env.CI ?? "");
let skipNoted = false;

/** `describe` whose tests get a database of their own (read `db` inside tests and hooks, not while they are declared). */
export function describePostgres(label: string, body: (db: TestDatabase) => void): void {
  if (!bin) {
    if (ci) {
      describe(label, () => {
        test("has PostgreSQL", () => {
          throw new Error(`${POSTGRES_MISSING}; CI must run the PostgreSQL tests`);
        });
      });
      return;
    }
    if (!skipNoted) console.warn(`PostgreSQL tests skipped: ${POSTGRES_MISSING}`);
    skipNoted = true;
    describe.skip(label, () =>
      body(
        lazy(() => {
          throw new Error(POSTGRES_MISSING);
        }),
      ),
    );
    return;
  }
  describe(label, () => {
    let current: TestDatabase | null = null;
    beforeAll(async () => {
      const server = await postgresServer(bin);
      const name = `hookrelay_test_${randomBytes(8).toString("hex")}`;
      await server.admin(`CREATE DATABASE ${name}`);
      current = { name, url: server.url(name) };
    });
    afterAll(async () => {
      if (!current) return;
      const server = await postgresServer(bin);
      // FORCE: a test that failed halfway may have left connections open.
      await server.admin(`DROP DATABASE ${current.name} WITH (FORCE)`);
      current = null;
    });
    body(
      lazy(() => {
        if (!current) throw new Error("the test database exists only inside tests and their hooks");
        return current;
      }),
    );
  });
}

function lazy(get: () => TestDatabase): TestDatabase {
  return {
    get name() {
      return get().name;
    },
    get url() {
      return get().url;
    },
  };
}
