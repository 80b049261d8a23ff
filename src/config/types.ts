/**
 * @module config/types
 * The resolved, frozen configuration every other module reads. The YAML file is
 * parsed, `${VAR}`-expanded, defaulted and validated once (config/load.ts); after
 * that nothing on the delivery path looks at raw config again.
 */
import type { Secret } from "../signing/secret";
import type { RawPolicy } from "./schema";

export type SchemeName = "standard-webhooks" | "hmac-sha256-hex" | "hmac-sha256-prefixed" | "timestamped" | "none";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFormat = "json" | "text";

/** Where a request may go: CIDR ranges that are allowed although private or loopback. */
export interface NetworkPolicy {
  readonly allow: readonly string[];
}

export interface SignatureConfig {
  readonly scheme: SchemeName;
  /** Header carrying the signature, for the single-header schemes; null for standard-webhooks and none. */
  readonly header: string | null;
}

/** The body sent: either an object with the mapped key names, or `data` itself (`raw`). */
export type Envelope =
  | { readonly kind: "mapped"; readonly id: string; readonly type: string; readonly timestamp: string; readonly data: string }
  | { readonly kind: "raw" };

/**
 * The retry timetable, normalised from either YAML form: `delaysMs[i]` is the wait
 * before attempt i+1, counted from the previous failure (from ingest for i = 0).
 * The number of attempts is `delaysMs.length`.
 */
export interface RetryPolicy {
  readonly delaysMs: readonly number[];
  /** No attempt starts later than this after the delivery was created; null = unbounded. */
  readonly maxAgeMs: number | null;
}

export type DisableAfter =
  | { readonly kind: "duration"; readonly ms: number }
  | { readonly kind: "count"; readonly failures: number };

export interface RateLimit {
  readonly count: number;
  readonly perMs: number;
}

/** One filter rule: the value at `path` (dot-separated, into the event) must equal one of `anyOf`. */
export interface FilterRule {
  readonly path: readonly string[];
  readonly anyOf: readonly (string | number | boolean | null)[];
}

/** A secret replaced by rotation that still signs until `expiresAt` (interface.md §9). */
export interface PreviousSecret {
  readonly secret: Secret;
  readonly expiresAt: number;
}

export interface EndpointConfig {
  readonly id: string;
  /** The customer it belongs to: it receives only events of the same tenant (null matches events without one). */
  readonly tenant: string | null;
  /** For people; never affects delivery. */
  readonly description: string | null;
  /** The application's own values; never affect delivery. */
  readonly metadata: Readonly<Record<string, string>> | null;
  readonly url: string;
  /** Patterns: exact type, `prefix.*`, or `*`. */
  readonly events: readonly string[];
  /** Newest first; empty only with scheme `none`. */
  readonly secrets: readonly Secret[];
  /** Only for endpoints whose secret was rotated over the API, until its grace ends. */
  readonly previousSecret: PreviousSecret | null;
  readonly signature: SignatureConfig;
  /** Extra headers; values may contain `{event.id}`-style templates (see delivery/headers.ts). */
  readonly headers: Readonly<Record<string, string>>;
  readonly envelope: Envelope;
  readonly filter: readonly FilterRule[];
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** Fraction (0.1 = 10%) of each retry delay added at random, never subtracted. */
  readonly jitter: number;
  readonly disableAfter: DisableAfter;
  readonly maxInFlight: number;
  readonly rateLimit: RateLimit | null;
  readonly ordering: "fifo" | "none";
  readonly enabled: boolean;
}

/** Logging as configured; a null format was not set, and `serve` picks text for a terminal, JSON otherwise. */
export interface LogSettings {
  readonly level: LogLevel;
  readonly format: LogFormat | null;
}

export interface Config {
  /** Absolute path of the file this came from ("<embedded>" for the built-in default). */
  readonly source: string;
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly maxBodyBytes: number;
    readonly shutdownGraceMs: number;
    /** Whether /ui/ serves the dashboard. */
    readonly ui: boolean;
    /** Origins allowed to frame the dashboard (CSP frame-ancestors); empty: none. */
    readonly uiFrameAncestors: readonly string[];
    /** `server.public_url` without a trailing slash; null means the address the daemon listens on. */
    readonly publicUrl: string | null;
  };
  readonly storage: {
    readonly driver: "sqlite" | "postgres";
    /** The PostgreSQL URL (storage.url or url_file's contents); null on sqlite. A credential: shown only through redactUrl. */
    readonly url: Secret | null;
    /** PostgreSQL connections per node. */
    readonly pool: number;
    readonly leaseMs: number;
    /** Absolute path of the SQLite file. */
    readonly path: string;
    readonly retentionMs: number;
    readonly failedRetentionMs: number;
    readonly sync: "full" | "normal";
    /** Keys that encrypt secrets at rest, newest first; empty means the key file beside the database. */
    readonly encryptionKeys: readonly Secret[];
  };
  readonly auth: {
    readonly ingestTokens: readonly Secret[];
    readonly adminTokens: readonly Secret[];
  };
  readonly delivery: {
    readonly concurrency: number;
  };
  readonly network: NetworkPolicy;
  readonly log: LogSettings;
  readonly endpointApi: {
    readonly maxPerTenant: number;
    readonly requireHttps: boolean;
  };
  /**
   * The `defaults:` block as written: endpoints created over the API are
   * resolved with it, like the file's own, whenever the config is loaded.
   */
  readonly endpointDefaults: RawPolicy;
  readonly endpoints: readonly EndpointConfig[];
}
