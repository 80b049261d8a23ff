/**
 * @module config/resolve
 * A checked raw document → the frozen Config: built-in defaults, then `defaults:`,
 * then each endpoint's own settings; durations to milliseconds, paths made absolute.
 */
import { Secret } from "../signing/secret";
import * as D from "./defaults";
import { parseDuration } from "./duration";
import { resolveFrom } from "./files";
import { mergeHeaders } from "./headers";
import { type ListenAddress, parseListen } from "./net";
import { normaliseRetry } from "./retry";
import type { RawConfig, RawEndpoint, RawEnvelope, RawPolicy, RawRetry } from "./schema";
import type { Config, DisableAfter, EndpointConfig, Envelope, FilterRule, PreviousSecret, RateLimit, SignatureConfig } from "./types";

/** Where the document came from, and what was read on its behalf. */
export interface ResolveInput {
  /** Absolute path of the config file, or "<embedded>". */
  readonly source: string;
  /** Folder relative paths are taken from. */
  readonly baseDir: string;
  /** secret_file contents by endpoint index. */
  readonly secretFiles: ReadonlyMap<number, string>;
  /** The contents of storage.encryption_key_file, when one is named. */
  readonly encryptionKeyFile: string | undefined;
  /** The contents of storage.url_file, when one is named. */
  readonly storageUrlFile: string | undefined;
}

const DEFAULT_RETRY: RawRetry = [...D.DEFAULT_RETRY_DELAYS];

/** The Config for a document that passed every check. */
export function resolveConfig(raw: RawConfig, input: ResolveInput): Config {
  // The semantic checks have already refused any listen address parseListen cannot read.
  const listen = parseListen(raw.server?.listen ?? D.DEFAULT_LISTEN) as ListenAddress;
  const defaults = raw.defaults ?? {};
  return deepFreeze({
    source: input.source,
    server: {
      host: listen.host,
      port: listen.port,
      maxBodyBytes: raw.server?.max_body_bytes ?? D.DEFAULT_MAX_BODY_BYTES,
      shutdownGraceMs: durationOr(raw.server?.shutdown_grace, D.DEFAULT_SHUTDOWN_GRACE_MS),
      ui: raw.server?.ui ?? D.DEFAULT_UI,
      uiFrameAncestors: raw.server?.ui_frame_ancestors ?? D.DEFAULT_UI_FRAME_ANCESTORS,
      publicUrl: raw.server?.public_url?.replace(/\/+$/, "") ?? null,
    },
    storage: {
      driver: raw.storage?.driver ?? D.DEFAULT_STORAGE_DRIVER,
      url: storageUrl(raw.storage, input.storageUrlFile),
      pool: raw.storage?.pool ?? D.DEFAULT_STORAGE_POOL,
      leaseMs: durationOr(raw.storage?.lease, D.DEFAULT_STORAGE_LEASE_MS),
      path: storagePath(input.baseDir, raw.storage?.path),
      retentionMs: durationOr(raw.storage?.retention, D.DEFAULT_RETENTION_MS),
      failedRetentionMs: durationOr(raw.storage?.failed_retention, D.DEFAULT_FAILED_RETENTION_MS),
      sync: raw.storage?.sync ?? D.DEFAULT_STORAGE_SYNC,
      encryptionKeys: encryptionKeys(raw.storage, input.encryptionKeyFile),
    },
    auth: { ingestTokens: tokens(raw.auth?.ingest_tokens), adminTokens: tokens(raw.auth?.admin_tokens) },
    delivery: { concurrency: raw.delivery?.concurrency ?? D.DEFAULT_CONCURRENCY },
    network: { allow: raw.network?.allow ?? D.DEFAULT_NETWORK_ALLOW },
    log: { level: raw.log?.level ?? D.DEFAULT_LOG_LEVEL, format: raw.log?.format ?? null },
    endpointApi: {
      maxPerTenant: raw.endpoint_api?.max_per_tenant ?? D.DEFAULT_MAX_PER_TENANT,
      requireHttps: raw.endpoint_api?.require_https ?? D.DEFAULT_REQUIRE_HTTPS,
    },
    endpointDefaults: defaults,
    endpoints: (raw.endpoints ?? []).map((e, i) =>
      resolveEndpoint(e, defaults, secretTexts(e, input.secretFiles.get(i)).map((text) => new Secret(text)), null),
    ),
  });
}

/** The database file `storage.path` names (absolute), or the default one. */
export function storagePath(baseDir: string, path: string | undefined): string {
  return resolveFrom(baseDir, path ?? D.DEFAULT_STORAGE_PATH);
}

/**
 * Resolved settings that many endpoints hold alike, kept once: with 100,000
 * endpoints created over the API, most inherit the same timetable, signature
 * and envelope, and one shared object each is a fraction of the memory of
 * 100,000 equal ones. A setting an endpoint inherits is resolved once for
 * all that inherit it (one SharedSettings serves one `defaults:`); one of its
 * own is shared by its resolved value's JSON.
 */
export class SharedSettings {
  readonly #values = new Map<string, unknown>();
  readonly #inherited = new Map<string, unknown>();

  share<T>(value: T): T {
    const key = JSON.stringify(value);
    const known = this.#values.get(key);
    if (known !== undefined) return known as T;
    this.#values.set(key, value);
    return value;
  }

  /** The resolved `key` of an endpoint whose own value is `own` (undefined: inherited). */
  setting<T>(key: string, own: unknown, resolve: () => T): T {
    if (own !== undefined) return this.share(resolve());
    if (this.#inherited.has(key)) return this.#inherited.get(key) as T;
    const value = this.share(resolve());
    this.#inherited.set(key, value);
    return value;
  }
}

/** Shares nothing: for the config file's few endpoints, which are frozen with the whole Config. */
const UNSHARED: Pick<SharedSettings, "share" | "setting"> = { share: (value) => value, setting: (_key, _own, resolve) => resolve() };

/**
 * One endpoint's settings: its own, else `defaults:`, else built in. The
 * secrets come resolved, because endpoints from the file and from the
 * endpoint API keep theirs in different places.
 */
export function resolveEndpoint(
  raw: RawEndpoint,
  defaults: RawPolicy,
  secrets: readonly Secret[],
  previousSecret: PreviousSecret | null,
  shared: Pick<SharedSettings, "share" | "setting"> = UNSHARED,
): EndpointConfig {
  // Each inherited setting: the endpoint's own, else defaults:, else built in.
  const pick = <K extends keyof RawPolicy>(key: K): RawPolicy[K] => raw[key] ?? defaults[key];
  const setting = <K extends keyof RawPolicy, T>(key: K, resolve: (value: RawPolicy[K]) => T): T => shared.setting(key, raw[key], () => resolve(pick(key)));
  const jitter = pick("jitter");
  const filter = Object.entries(raw.filter ?? {}).map(([path, value]): FilterRule => ({ path: path.split("."), anyOf: Array.isArray(value) ? value : [value] }));
  return {
    id: raw.id,
    tenant: raw.tenant === undefined ? null : shared.share(raw.tenant),
    description: raw.description ?? null,
    metadata: raw.metadata ?? null,
    url: raw.url,
    events: raw.events,
    secrets,
    previousSecret,
    signature: setting("signature", signature),
    headers: setting("headers", () => Object.fromEntries(mergeHeaders(defaults.headers, raw.headers).map((h) => [h.name, h.value]))),
    envelope: setting("envelope", envelope),
    filter: filter.length === 0 ? NO_FILTER : filter,
    timeoutMs: setting("timeout", (timeout) => durationOr(timeout, D.DEFAULT_TIMEOUT_MS)),
    retry: setting("retry", (retry) => normaliseRetry(retry ?? DEFAULT_RETRY)),
    jitter: jitter === undefined ? D.DEFAULT_JITTER : Number.parseFloat(jitter) / 100,
    disableAfter: setting("disable_after", disableAfterOf),
    maxInFlight: pick("max_in_flight") ?? D.DEFAULT_MAX_IN_FLIGHT,
    rateLimit: setting("rate_limit", rateLimit),
    ordering: pick("ordering") ?? D.DEFAULT_ORDERING,
    enabled: raw.enabled ?? true,
  };
}

const NO_FILTER: readonly FilterRule[] = Object.freeze([]);

function secretTexts(raw: RawEndpoint, secretFromFile: string | undefined): readonly string[] {
  if (raw.secrets) return raw.secrets;
  if (raw.secret !== undefined) return [raw.secret];
  return secretFromFile === undefined ? [] : [secretFromFile];
}

function signature(raw: RawPolicy["signature"]): SignatureConfig {
  const scheme = raw?.scheme ?? D.DEFAULT_SCHEME;
  const fallback = D.DEFAULT_SIGNATURE_HEADERS[scheme];
  return { scheme, header: fallback === undefined ? null : (raw?.header ?? fallback) };
}

function envelope(raw: RawEnvelope | undefined): Envelope {
  if (raw === "raw") return { kind: "raw" };
  return { kind: "mapped", ...(raw ?? D.DEFAULT_ENVELOPE) };
}

function disableAfterOf(raw: RawPolicy["disable_after"]): DisableAfter {
  if (typeof raw === "number") return { kind: "count", failures: raw };
  return { kind: "duration", ms: durationOr(raw, D.DEFAULT_DISABLE_AFTER_MS) };
}

function rateLimit(raw: string | undefined): RateLimit | null {
  if (raw === undefined) return null;
  const [count, unit] = raw.split("/");
  return { count: Number(count), perMs: unit === "m" ? 60_000 : 1_000 };
}

/** The database URL of the postgres driver, kept as a Secret so no log or error prints it. */
function storageUrl(storage: RawConfig["storage"], fromFile: string | undefined): Secret | null {
  if ((storage?.driver ?? D.DEFAULT_STORAGE_DRIVER) !== "postgres") return null;
  const text = storage?.url ?? fromFile;
  return text === undefined ? null : new Secret(text);
}

function encryptionKeys(storage: RawConfig["storage"], fromFile: string | undefined): Secret[] {
  const texts = storage?.encryption_keys ?? (storage?.encryption_key !== undefined ? [storage.encryption_key] : fromFile !== undefined ? [fromFile] : []);
  return texts.map((t) => new Secret(t));
}

// Empty tokens come from `${TOKEN:-}` with nothing set; accepting "" would let an empty Bearer in.
function tokens(raw: readonly string[] | undefined): Secret[] {
  return (raw ?? []).filter((t) => t !== "").map((t) => new Secret(t));
}

function durationOr(raw: string | undefined, fallbackMs: number): number {
  return raw === undefined ? fallbackMs : (parseDuration(raw) ?? fallbackMs);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
