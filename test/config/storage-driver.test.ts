/** @module test/config/storage-driver — storage.driver, url / url_file, pool and lease: resolved, and every mistake reported without the URL. */
import { describe, expect, it } from "bun:test";
import { configOf, errorsOf, ONE_ENDPOINT } from "./helpers";

const URL = "postgres://relay:s3cret-pw@db.internal:5432/hookrelay";

describe("storage driver settings", () => {
  it("resolve postgres with its URL from the config, the environment or a file, and pool and lease", () => {
    const inline = configOf(`storage:\n  driver: postgres\n  url: ${URL}\n  pool: 4\n  lease: 90s\n${ONE_ENDPOINT}`);
    expect(inline.storage.driver).toBe("postgres");
    expect(inline.storage.url?.reveal()).toBe(URL);
    expect(String(inline.storage.url)).not.toContain("s3cret");
    expect(JSON.stringify(inline.storage)).not.toContain("s3cret");
    expect([inline.storage.pool, inline.storage.leaseMs]).toEqual([4, 90_000]);
    const fromEnv = configOf(`storage:\n  driver: postgres\n  url: \${HOOKRELAY_DATABASE_URL}\n${ONE_ENDPOINT}`, { HOOKRELAY_DATABASE_URL: URL });
    expect(fromEnv.storage.url?.reveal()).toBe(URL);
    expect([fromEnv.storage.pool, fromEnv.storage.leaseMs]).toEqual([10, 120_000]);
    const fromFile = configOf(`storage:\n  driver: postgres\n  url_file: db-url\n${ONE_ENDPOINT}`, {}, { "/srv/hookrelay/db-url": `${URL}\n` });
    expect(fromFile.storage.url?.reveal()).toBe(URL);
  });

  it("leave sqlite without a URL", () => {
    expect(configOf(`storage:\n  driver: sqlite\n${ONE_ENDPOINT}`).storage).toMatchObject({ driver: "sqlite", url: null });
  });

  const cases: [string, string, string[]][] = [
    ["postgres without a URL", "storage:\n  driver: postgres\n", ["2:11 storage.driver: driver postgres needs the database URL in storage.url or storage.url_file"]],
    ["both url and url_file", `storage:\n  driver: postgres\n  url: ${URL}\n  url_file: f\n`, ["4:3 storage.url_file: use only one of url, url_file (url is already set)"]],
    ["a URL of another kind", "storage:\n  driver: postgres\n  url: mysql://relay:s3cret-pw@db/x\n", ["3:8 storage.url: expected a postgres:// or postgresql:// URL"]],
    ["a URL with sqlite", `storage:\n  url: ${URL}\n`, ["2:3 storage.url: is for driver: postgres only (storage.driver is sqlite)"]],
    ["an unknown driver", "storage:\n  driver: mongo\n", ["2:11 storage.driver: expected one of sqlite, postgres"]],
    ["a pool of none", `storage:\n  driver: postgres\n  url: ${URL}\n  pool: 0\n`, ["4:9 storage.pool: expected a number of at least 1"]],
    ["a lease that is no duration", `storage:\n  driver: postgres\n  url: ${URL}\n  lease: soon\n`, ["4:10 storage.lease: expected a duration like 30s or 5m"]],
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

  it("report a url_file that holds no postgres URL at its key", () => {
    expect(errorsOf("storage:\n  driver: postgres\n  url_file: f\n", {}, { [`${process.cwd()}/f`]: "nonsense s3cret-pw" })).toEqual([
      "3:13 storage.url_file: the file does not hold a postgres:// or postgresql:// URL",
    ]);
  });
});
