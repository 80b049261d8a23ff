/**
 * @module config/load
 * The config pipeline: YAML with positions → `${VAR}` → secret files → schema →
 * semantic checks → defaults → frozen Config. Every problem found on the way is
 * collected, so one run reports all of them, in file order.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { readYaml } from "./document";
import type { Env } from "./env";
import { ConfigError, FILE_START, type Report, sortErrors } from "./errors";
import { type ReadFile, describeReadError, readSecretFiles, readStorageFile } from "./files";
import type { Locations } from "./locations";
import { resolveConfig } from "./resolve";
import type { RawConfig } from "./schema";
import { checkSemantics } from "./semantic";
import type { Config } from "./types";
import { validateSchema } from "./validate";

/** The `source` of a config that did not come from a file (serve's built-in example). */
export const EMBEDDED_SOURCE = "<embedded>";

/** What parsing may touch outside its arguments. */
export interface LoadDeps {
  readonly env: Env;
  readonly readFile: ReadFile;
}

/** A config's text and the name that anchors its errors and relative paths, or why it cannot be read. */
export type ConfigText =
  | { readonly ok: true; readonly text: string; readonly source: string }
  | { readonly ok: false; readonly errors: readonly ConfigError[] };

/**
 * A frozen Config with where each of its values was written (for checks made
 * after loading, such as `check` holding endpoint ids against the database),
 * or every problem found, in file order.
 */
export type LoadResult =
  | { readonly ok: true; readonly config: Config; readonly locations: Locations }
  | { readonly ok: false; readonly errors: readonly ConfigError[] };

/** Parses and checks config `text`; `source` names it in errors and anchors its relative paths. */
export function parseConfig(text: string, source: string, deps: LoadDeps): LoadResult {
  const errors: ConfigError[] = [];
  const report: Report = (at, path, message) => errors.push(new ConfigError(source, at.line, at.col, path, message));
  const baseDir = configBaseDir(source);

  const tree = readYaml(text, deps.env, report);
  if (!tree) return { ok: false, errors: sortErrors(errors) };
  // Problems at a value whose `${VAR}` failed would only restate that failure.
  const downstream: ConfigError[] = [];
  const reportDownstream: Report = (at, path, message) => {
    if (!tree.unresolved.has(path)) downstream.push(new ConfigError(source, at.line, at.col, path, message));
  };
  const secretFiles = readSecretFiles(tree.value, baseDir, deps.readFile, tree.locations, reportDownstream);
  const encryptionKeyFile = readStorageFile("encryption_key_file", tree.value, baseDir, deps.readFile, tree.locations, reportDownstream);
  const storageUrlFile = readStorageFile("url_file", tree.value, baseDir, deps.readFile, tree.locations, reportDownstream);
  validateSchema(tree.value, tree.locations, reportDownstream);
  checkSemantics(tree.value, { secretFiles, encryptionKeyFile, storageUrlFile }, tree.locations, reportDownstream);
  errors.push(...downstream);
  if (errors.length > 0) return { ok: false, errors: sortErrors(errors) };

  const config = resolveConfig(tree.value as RawConfig, {
    source: source === EMBEDDED_SOURCE ? source : resolve(source),
    baseDir,
    secretFiles,
    encryptionKeyFile,
    storageUrlFile,
  });
  return { ok: true, config, locations: tree.locations };
}

/** The folder a config's relative paths are taken from. */
export function configBaseDir(source: string): string {
  // "<embedded>" has no folder of its own; dirname gives "." and so the working directory.
  return resolve(dirname(source));
}

/** Reads the config file at `path`; an unreadable file is one error at 1:1. */
export function readConfigFile(path: string): ConfigText {
  try {
    return { ok: true, text: readFileSync(path, "utf8"), source: path };
  } catch (err) {
    const message = `cannot read config file: ${describeReadError(err)}`;
    return { ok: false, errors: [new ConfigError(path, FILE_START.line, FILE_START.col, "", message)] };
  }
}

/** Reads the config file at `path` and parses it. */
export function loadConfigFile(path: string, env: Env): LoadResult {
  const read = readConfigFile(path);
  return read.ok ? parseConfig(read.text, read.source, { env, readFile: (p) => readFileSync(p, "utf8") }) : read;
}
