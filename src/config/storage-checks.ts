/**
 * @module config/storage-checks
 * The storage driver's settings: postgres needs its URL (`url` or
 * `url_file`, one of them) and an encryption key, and takes no SQLite-only
 * key; sqlite takes none of postgres's. The URL is a credential, so no
 * message repeats it.
 */
import { parseDuration } from "./duration";
import { isPostgresUrl } from "../storage/url";
import { DEFAULT_STORAGE_DRIVER } from "./defaults";
import type { Report } from "./errors";
import type { Locations } from "./locations";
import type { RawConfig } from "./schema";

type RawStorage = Partial<NonNullable<RawConfig["storage"]>>;

const URL_KEYS = ["url", "url_file"] as const;

/** Keys that mean something to one driver only. `path` is not among them: `storage copy` reads it as its source on either. */
const ONLY_FOR = { sqlite: ["sync"], postgres: ["pool"] } as const;

const KEY_KEYS = ["encryption_key", "encryption_key_file", "encryption_keys"] as const;

/**
 * The shortest lease: leases are renewed every third of it, so a shorter one
 * would keep the database busy with renewals (and 0s would renew without pause).
 */
export const MIN_STORAGE_LEASE_MS = 1_000;

/**
 * `storage` holds the settings that fit the schema; `written` every key the
 * file gives, so a key whose `${VAR}` is unset (reported on its own) still
 * counts as given.
 */
export function checkStorageDriver(storage: RawStorage, written: ReadonlySet<string>, fromFile: string | undefined, at: Locations, report: Report): void {
  const driver = storage.driver ?? DEFAULT_STORAGE_DRIVER;
  const other = driver === "postgres" ? "sqlite" : "postgres";
  for (const key of ONLY_FOR[other]) {
    if (storage[key] !== undefined) report(at.key(`storage.${key}`), `storage.${key}`, `is for driver: ${other} only (storage.driver is ${driver})`);
  }
  if (storage.lease !== undefined && (parseDuration(storage.lease) ?? 0) < MIN_STORAGE_LEASE_MS) {
    report(at.value("storage.lease"), "storage.lease", "expected a duration of at least 1s");
  }
  const given = URL_KEYS.filter((key) => written.has(key));
  if (driver !== "postgres") {
    for (const key of given) report(at.key(`storage.${key}`), `storage.${key}`, "is for driver: postgres only (storage.driver is sqlite)");
    return;
  }
  const driverAt = storage.driver === undefined ? at.key("storage") : at.value("storage.driver");
  const driverPath = storage.driver === undefined ? "storage" : "storage.driver";
  // Every node must open every secret another sealed; a key file made beside storage.path would be this node's alone.
  if (!KEY_KEYS.some((key) => written.has(key))) {
    report(driverAt, driverPath, "driver postgres needs storage.encryption_key, encryption_key_file or encryption_keys, the same on every node");
  }
  if (given.length === 0) {
    report(driverAt, driverPath, "driver postgres needs the database URL in storage.url or storage.url_file");
    return;
  }
  for (const key of given.slice(1)) report(at.key(`storage.${key}`), `storage.${key}`, `use only one of url, url_file (${given[0]} is already set)`);
  const [key] = given;
  const text = key === "url" ? storage.url : fromFile;
  if (text !== undefined && !isPostgresUrl(text)) {
    report(at.value(`storage.${key}`), `storage.${key}`, key === "url" ? "expected a postgres:// or postgresql:// URL" : "the file does not hold a postgres:// or postgresql:// URL");
  }
}
