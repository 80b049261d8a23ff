/**
 * @module config/storage-checks
 * The storage driver's settings: postgres needs its URL (`url` or
 * `url_file`, one of them) and sqlite takes none. The URL is a credential,
 * so no message repeats it.
 */
import { isPostgresUrl } from "../storage/url";
import { DEFAULT_STORAGE_DRIVER } from "./defaults";
import type { Report } from "./errors";
import type { Locations } from "./locations";
import type { RawConfig } from "./schema";

type RawStorage = Partial<NonNullable<RawConfig["storage"]>>;

const URL_KEYS = ["url", "url_file"] as const;

export function checkStorageDriver(storage: RawStorage, fromFile: string | undefined, at: Locations, report: Report): void {
  const driver = storage.driver ?? DEFAULT_STORAGE_DRIVER;
  const given = URL_KEYS.filter((key) => storage[key] !== undefined);
  if (driver !== "postgres") {
    for (const key of given) report(at.key(`storage.${key}`), `storage.${key}`, "is for driver: postgres only (storage.driver is sqlite)");
    return;
  }
  if (given.length === 0) {
    const path = storage.driver === undefined ? "storage" : "storage.driver";
    report(storage.driver === undefined ? at.key(path) : at.value(path), path, "driver postgres needs the database URL in storage.url or storage.url_file");
    return;
  }
  for (const key of given.slice(1)) report(at.key(`storage.${key}`), `storage.${key}`, `use only one of url, url_file (${given[0]} is already set)`);
  const [key] = given;
  const text = key === "url" ? storage.url : fromFile;
  if (text !== undefined && !isPostgresUrl(text)) {
    report(at.value(`storage.${key}`), `storage.${key}`, key === "url" ? "expected a postgres:// or postgresql:// URL" : "the file does not hold a postgres:// or postgresql:// URL");
  }
}
