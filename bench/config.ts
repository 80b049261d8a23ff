/**
 * @module bench/config
 * The daemon configs the benchmark runs: loopback only, synchronous=FULL
 * unless a set-up says otherwise, info logging (a successful delivery logs
 * nothing at that level). Endpoints come from the config file (`ep0…`) or,
 * for the endpoint-count figures, from the endpoint API; those inherit the
 * delivery settings from `defaults:`, so one database of API endpoints serves
 * both the ingest-only and the end-to-end phases.
 */

export const INGEST_TOKEN = "bench-ingest-token";
export const ADMIN_TOKEN = "bench-admin-token";
/** A Standard Webhooks secret, so deliveries are signed exactly as by default. */
export const SECRET = `whsec_${Buffer.from("hookrelay-bench-secret-32-bytes!").toString("base64")}`;
/** The key API endpoints' secrets are sealed under: configured, so a seeded database and the daemon agree. */
export const ENCRYPTION_KEY = Buffer.from("hookrelay-bench-sealing-key-32b!").toString("base64");

/** How the endpoints deliver: the same for config endpoints and, through `defaults:`, for API ones. */
export interface DeliverySettings {
  readonly url: string;
  /**
   * The delay before the first attempt. Ingest-only phases use an hour, so
   * their deliveries are real pending rows that stay pending while ingest is
   * measured on its own; end-to-end phases use 0s. Jitter is off: on an
   * hour it would scatter the rows over six minutes of the due index, where
   * real ingest (first attempt due at once) appends each row at its end;
   * the delay is there to keep delivery out of the figure, not to add that.
   */
  readonly firstAttempt: string;
  readonly maxInFlight: number;
  /** `fifo` orders each endpoint's deliveries per ordering key; unordered when absent. */
  readonly ordering?: "fifo";
}

export interface BenchEndpoints extends DeliverySettings {
  /** How many endpoints, ep0…epN-1, each subscribed to every event. */
  readonly count: number;
}

export interface ConfigOptions {
  readonly sync?: "full" | "normal";
  readonly concurrency?: number;
  /** A PostgreSQL database URL: the node runs on `storage.driver: postgres` there, with the default pool and lease, instead of on the SQLite file. */
  readonly postgres?: string;
}

/** A full config listening on `port` with its database at `dbPath` and `endpoints.count` endpoints in the file. */
export function benchConfig(port: number, dbPath: string, endpoints: BenchEndpoints, options: ConfigOptions = {}): string {
  const list = Array.from(
    { length: endpoints.count },
    (_, i) => `  - id: ep${i}
    url: ${endpoints.url}
    events: ["*"]
    secret: ${SECRET}
    retry: [${endpoints.firstAttempt}, 5s, 5m]
    jitter: 0%
    max_in_flight: ${endpoints.maxInFlight}
${endpoints.ordering ? `    ordering: ${endpoints.ordering}\n` : ""}`,
  ).join("");
  return `${common(port, dbPath, options)}endpoints:
${list}`;
}

/**
 * A config with no endpoints in the file, for a database of endpoints
 * created over the API: `defaults:` gives them the delivery settings, and
 * `max_per_tenant` is raised past the count so one tenant (or none) may
 * hold them all.
 */
export function apiBenchConfig(port: number, dbPath: string, delivery: Omit<DeliverySettings, "url">, maxPerTenant: number, options: ConfigOptions = {}): string {
  return `${common(port, dbPath, options)}endpoint_api:
  max_per_tenant: ${maxPerTenant}
defaults:
  retry: [${delivery.firstAttempt}, 5s, 5m]
  jitter: 0%
  max_in_flight: ${delivery.maxInFlight}
endpoints: []
`;
}

function common(port: number, dbPath: string, options: ConfigOptions): string {
  const storage = options.postgres ? `  driver: postgres\n  url: ${options.postgres}\n` : `  path: ${JSON.stringify(dbPath)}\n  sync: ${options.sync ?? "full"}\n`;
  return `server:
  listen: 127.0.0.1:${port}
  shutdown_grace: 5s
storage:
${storage}  encryption_key: ${ENCRYPTION_KEY}
auth:
  ingest_tokens: [${INGEST_TOKEN}]
  admin_tokens: [${ADMIN_TOKEN}]
network:
  allow: [127.0.0.0/8]
delivery:
  concurrency: ${options.concurrency ?? 64}
log:
  level: info
`;
}
