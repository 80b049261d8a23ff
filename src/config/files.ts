/**
 * @module config/files
 * Files the config names: paths relative to the config file's folder, and
 * `secret_file`, read before validation so its problems are reported with the rest.
 */
import { isAbsolute, resolve } from "node:path";
import type { Report } from "./errors";
import { type Locations, childPath } from "./locations";

/** Reads one file as text; injected so the loader stays pure. */
export type ReadFile = (absPath: string) => string;

/** `path` as an absolute path, relative ones taken from `baseDir` (the config file's folder). */
export function resolveFrom(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/** A short reason a file could not be read, without a stack or errno noise. */
export function describeReadError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a directory";
  return err instanceof Error ? err.message : String(err);
}

/** The contents of every endpoint's `secret_file`, trailing whitespace trimmed, keyed by endpoint index. */
export function readSecretFiles(doc: unknown, baseDir: string, readFile: ReadFile, at: Locations, report: Report): ReadonlyMap<number, string> {
  const contents = new Map<number, string>();
  const endpoints = (doc as { endpoints?: unknown } | null)?.endpoints;
  if (!Array.isArray(endpoints)) return contents;
  endpoints.forEach((endpoint: unknown, i) => {
    const file = (endpoint as { secret_file?: unknown } | null)?.secret_file;
    if (typeof file !== "string" || file === "") return;
    const path = childPath(childPath("endpoints", i), "secret_file");
    const absolute = resolveFrom(baseDir, file);
    let text: string;
    try {
      text = readFile(absolute);
    } catch (err) {
      return report(at.value(path), path, `cannot read secret file ${absolute}: ${describeReadError(err)}`);
    }
    const secret = text.trimEnd();
    if (secret === "") return report(at.value(path), path, `secret file ${absolute} is empty`);
    contents.set(i, secret);
  });
  return contents;
}

/** The files the storage section names: the encryption key's and the database URL's, with what each holds. */
const STORAGE_FILES = { encryption_key_file: "key file", url_file: "database URL file" } as const;

/**
 * The contents of `storage.<key>`'s file, trailing whitespace trimmed;
 * undefined when none is named or it cannot be read (reported).
 */
export function readStorageFile(
  key: keyof typeof STORAGE_FILES,
  doc: unknown,
  baseDir: string,
  readFile: ReadFile,
  at: Locations,
  report: Report,
): string | undefined {
  const file = ((doc as { storage?: unknown } | null)?.storage as Record<string, unknown> | undefined)?.[key];
  if (typeof file !== "string" || file === "") return undefined;
  const path = `storage.${key}`;
  const absolute = resolveFrom(baseDir, file);
  let text: string;
  try {
    text = readFile(absolute);
  } catch (err) {
    report(at.value(path), path, `cannot read ${STORAGE_FILES[key]} ${absolute}: ${describeReadError(err)}`);
    return undefined;
  }
  return text.trimEnd();
}
