/**
 * @module config/semantic
 * The checks after the schema: what the schema cannot say (addresses, uniqueness,
 * limits that depend on each other). Settings that do not fit the schema were
 * already reported and are left out here; the others are still checked.
 */
import type { TObject } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { DEFAULT_CONCURRENCY, DEFAULT_SCHEME, DEFAULT_SIGNATURE_HEADERS } from "./defaults";
import { decodeKeyText, KEY_EXPECTATION } from "./encryption-key";
import { checkEndpoint } from "./endpoint-checks";
import type { Report } from "./errors";
import { headerProblem } from "./headers";
import { checkMaxInFlight } from "./in-flight-checks";
import { type Locations, childPath } from "./locations";
import { isCidr, parseListen } from "./net";
import { checkPolicy } from "./policy-checks";
import { checkStorageDriver } from "./storage-checks";
import { ConfigDocument, EndpointSchema, type RawConfig, type RawEndpoint, type RawPolicy } from "./schema";

const sections = ConfigDocument.properties;

/** The keys of `value` that fit their own schema, so one bad setting does not hide the checks of the others. */
function validParts<T>(schema: TObject, value: unknown): Partial<T> | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const kept = Object.entries(value).filter(([key, v]) => {
    const property = schema.properties[key];
    return property !== undefined && Value.Check(property, v);
  });
  return Object.fromEntries(kept) as Partial<T>;
}

/** What the loader read from files the config names, before the checks. */
export interface FileContents {
  /** secret_file contents by endpoint index (files that could not be read are absent). */
  readonly secretFiles: ReadonlyMap<number, string>;
  readonly encryptionKeyFile: string | undefined;
  readonly storageUrlFile: string | undefined;
}

/** Reports every semantic problem of `doc` (already run through the schema, valid or not). */
export function checkSemantics(doc: unknown, files: FileContents, at: Locations, report: Report): void {
  const { secretFiles } = files;
  const raw = (doc !== null && typeof doc === "object" ? doc : {}) as Record<keyof RawConfig, unknown>;
  const server = validParts<NonNullable<RawConfig["server"]>>(sections.server, raw.server);
  const delivery = validParts<NonNullable<RawConfig["delivery"]>>(sections.delivery, raw.delivery);
  const network = validParts<NonNullable<RawConfig["network"]>>(sections.network, raw.network);
  const storage = validParts<NonNullable<RawConfig["storage"]>>(sections.storage, raw.storage);
  if (storage) checkEncryptionKeys(storage, files.encryptionKeyFile, at, report);
  if (storage) checkStorageDriver(storage, new Set(Object.keys(raw.storage as object)), files.storageUrlFile, at, report);
  const defaults = validParts<RawPolicy>(sections.defaults, raw.defaults);

  if (server?.listen !== undefined && parseListen(server.listen) === null) {
    report(at.value("server.listen"), "server.listen", "expected host:port or [v6]:port with a port up to 65535, like 127.0.0.1:8787");
  }
  network?.allow?.forEach((range, i) => {
    const path = childPath("network.allow", i);
    if (!isCidr(range)) report(at.value(path), path, "expected a CIDR range like 10.0.0.0/8 or fd00::/8");
  });

  const ctx = { at, report, defaults, secretFiles };
  if (defaults) {
    checkPolicy(defaults, "defaults", ctx);
    const scheme = defaults.signature?.scheme ?? DEFAULT_SCHEME;
    const signatureHeader = defaults.signature?.header ?? DEFAULT_SIGNATURE_HEADERS[scheme] ?? null;
    for (const [name, value] of Object.entries(defaults.headers ?? {})) {
      const problem = headerProblem(name, value, scheme, signatureHeader);
      const path = childPath("defaults.headers", name);
      if (problem) report(/[\r\n]/.test(value) ? at.value(path) : at.key(path), path, problem);
    }
  }

  const endpoints = Array.isArray(raw.endpoints) ? (raw.endpoints as unknown[]) : [];
  const firstUse = new Map<string, number>();
  endpoints.forEach((value, i) => {
    const id = (value as { id?: unknown } | null)?.id;
    if (typeof id !== "string") return;
    const path = childPath(childPath("endpoints", i), "id");
    const first = firstUse.get(id);
    if (first === undefined) firstUse.set(id, at.value(path).line);
    else report(at.value(path), path, `duplicate endpoint id "${id}" (first used on line ${first})`);
  });
  const blocks = endpoints.map((written) => ({ written, valid: validParts<RawEndpoint>(EndpointSchema, written) }));
  blocks.forEach(({ written, valid: endpoint }, i) => {
    if (!endpoint) return;
    // With its own signature unreadable, which scheme applies is unknown, so the checks that depend on it wait.
    const schemeKnown = (written as { signature?: unknown }).signature === undefined || endpoint.signature !== undefined;
    checkEndpoint(endpoint, i, { ...ctx, schemeKnown });
  });
  checkMaxInFlight(delivery?.concurrency ?? DEFAULT_CONCURRENCY, { written: raw.defaults, valid: defaults }, blocks, ctx);
}

const KEY_SOURCES = ["encryption_key", "encryption_key_file", "encryption_keys"] as const;

function checkEncryptionKeys(storage: Partial<NonNullable<RawConfig["storage"]>>, fromFile: string | undefined, at: Locations, report: Report): void {
  const given = KEY_SOURCES.filter((key) => storage[key] !== undefined);
  for (const key of given.slice(1)) {
    const path = childPath("storage", key);
    report(at.key(path), path, `use only one of ${KEY_SOURCES.join(", ")} (${given[0]} is already set)`);
  }
  const keys: [string, string | undefined][] = [
    ["storage.encryption_key", storage.encryption_key],
    ["storage.encryption_key_file", fromFile],
    ...(storage.encryption_keys ?? []).map((k, i): [string, string] => [childPath("storage.encryption_keys", i), k]),
  ];
  for (const [path, text] of keys) {
    if (text !== undefined && decodeKeyText(text) === null) report(at.value(path), path, KEY_EXPECTATION);
  }
}
