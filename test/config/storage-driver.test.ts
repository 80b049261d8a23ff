/**
 * @module test/config/storage-driver — storage.driver, url / url_file, pool and lease: resolved, and every mistake
 * reported without the URL: a key of the other driver, postgres without an encryption key, a lease too short to renew.
 */
import { describe, expect, it } from "bun:test";
import { configOf, errorsOf, ONE_ENDPOINT } from "./helpers";

const URL = "postgres://relay:s3cret-pw@db.internal:5432/hookrelay";
/** Every postgres config needs one: the nodes must open each other's sealed secrets. */
const KEY = `  encryption_key: ${"ab".repeat(32)}\n`;

describe("storage driver settings", () => {
  it("resolve postgres with its URL from the config, the environment or a file, and pool and lease", () => {
    const inline = configOf(`storage:\n  driver: postgres\n  url: ${URL}\n  pool: 4\n  lease: 90s\n${KEY}${ONE_ENDPOINT}`);
    expect(inline.storage.driver).toBe("postgres");
    expect(inline.storage.url?.reveal()).toBe(URL);
    expect(String(inline.storage.url)).not.toContain("s3cret");
    expect(JSON.stringify(inline.storage)).not.toContain("s3cret");
    expect([inline.storage.pool, inline.storage.leaseMs]).toEqual([4, 90_000]);
    const fromEnv = configOf(`storage:\n  driver: postgres\n  url: \${HOOKRELAY_DATABASE_URL}\n${KEY}${ONE_ENDPOINT}`, { HOOKRELAY_DATABASE_URL: URL });
    expect(fromEnv.storage.url?.reveal()).toBe(URL);
    expect([fromEnv.storage.pool, fromEnv.storage.leaseMs]).toEqual([10, 120_000]);
    const fromFile = configOf(`storage:\n  driver: postgres\n  url_file: db-url\n${KEY}${ONE_ENDPOINT}`, {}, { "/srv/hookrelay/db-url": `${URL}\n` });
    expect(fromFile.storage.url?.reveal()).toBe(URL);
  });

  it("take the key of postgres from any of the three key settings, and a lease of one second", () => {
    const keyFile = { "/srv/hookrelay/k": `${"ab".repeat(32)}\n` };
    for (const key of [KEY, "  encryption_key_file: k\n", `  encryption_keys: ["${"ab".repeat(32)}"]\n`]) {
      expect(configOf(`storage:\n  driver: postgres\n  url: ${URL}\n  lease: 1s\n${key}${ONE_ENDPOINT}`, {}, keyFile).storage.encryptionKeys).toHaveLength(1);
    }
  });

  it("leave sqlite without a URL", () => {
    expect(configOf(`storage:\n  driver: sqlite\n${ONE_ENDPOINT}`).storage).toMatchObject({ driver: "sqlite", url: null });
  });

  const cases: [string, string, string[]][] = [
    ["postgres without a URL", `storage:\n  driver: postgres\n${KEY}`, ["2:11 storage.driver: driver postgres needs the database URL in storage.url or storage.url_file"]],
    ["both url and url_file", `storage:\n  driver: postgres\n  url: ${URL}\n  url_file: f\n${KEY}`, ["4:3 storage.url_file: use only one of url, url_file (url is already set)"]],
    ["a URL of another kind", `storage:\n  driver: postgres\n  url: mysql://relay:s3cret-pw@db/x\n${KEY}`, ["3:8 storage.url: expected a postgres:// or postgresql:// URL"]],
    ["a URL with sqlite", `storage:\n  url: ${URL}\n`, ["2:3 storage.url: is for driver: postgres only (storage.driver is sqlite)"]],
    ["a pool with sqlite", "storage:\n  driver: sqlite\n  pool: 4\n", ["3:3 storage.pool: is for driver: postgres only (storage.driver is sqlite)"]],
    ["sync with postgres", `storage:\n  driver: postgres\n  url: ${URL}\n  sync: normal\n${KEY}`, ["4:3 storage.sync: is for driver: sqlite only (storage.driver is postgres)"]],
    ["postgres without an encryption key", `storage:\n  driver: postgres\n  url: ${URL}\n`, ["2:11 storage.driver: driver postgres needs storage.encryption_key, encryption_key_file or encryption_keys, the same on every node"]],
    ["an unknown driver", "storage:\n  driver: mongo\n", ["2:11 storage.driver: expected one of sqlite, postgres"]],
    ["a pool of none", `storage:\n  driver: postgres\n  url: ${URL}\n  pool: 0\n${KEY}`, ["4:9 storage.pool: expected a number of at least 1"]],
    ["a lease that is no duration", `storage:\n  driver: postgres\n  url: ${URL}\n  lease: soon\n${KEY}`, ["4:10 storage.lease: expected a duration like 30s or 5m"]],
    ["a lease of 0s", `storage:\n  driver: postgres\n  url: ${URL}\n  lease: 0s\n${KEY}`, ["4:10 storage.lease: expected a duration of at least 1s"]],
    ["a lease under a second", `storage:\n  lease: 999ms\n`, ["2:10 storage.lease: expected a duration of at least 1s"]],
  ];
  // errorsOf reads a config named c.yaml: its files are taken from the working directory.
  const files = { [`${process.cwd()}/f`]: URL };
  for (const [name, yaml, expected] of cases) {
    it(`report ${name}, never repeating the URL`, () => {
      const errors = errorsOf(yaml, {}, files);
      expect(errors).toEqual(expected);
      expect(errors.join("\n")).not.toContain("s3cret");
    });
  }

  it("report an unset variable in url or encryption_key once, at that key, not also as a setting missing", () => {
    expect(errorsOf("storage:\n  driver: postgres\n  url: ${DB_URL}\n  encryption_key: ${DB_KEY}\n")).toEqual([
      "3:8 storage.url: environment variable DB_URL is not set (use ${DB_URL:-default} for a fallback)",
      "4:19 storage.encryption_key: environment variable DB_KEY is not set (use ${DB_KEY:-default} for a fallback)",
    ]);
  });

  it("report a url_file that holds no postgres URL at its key", () => {
    expect(errorsOf(`storage:\n  driver: postgres\n  url_file: f\n${KEY}`, {}, { [`${process.cwd()}/f`]: "nonsense s3cret-pw" })).toEqual([
      "3:13 storage.url_file: the file does not hold a postgres:// or postgresql:// URL",
    ]);
  });
});
