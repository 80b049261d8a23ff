/**
 * @module bench/config
 * The daemon configs the benchmark runs: loopback only, synchronous=FULL,
 * info logging (a successful delivery logs nothing at that level).
 */

export const INGEST_TOKEN = "bench-ingest-token";
export const ADMIN_TOKEN = "bench-admin-token";
/** A Standard Webhooks secret, so deliveries are signed exactly as by default. */
const SECRET = `whsec_${Buffer.from("hookrelay-bench-secret-32-bytes!").toString("base64")}`;

export interface BenchEndpoints {
  /** How many endpoints, ep0…epN-1, each subscribed to every event. */
  readonly count: number;
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
}

/** A full config listening on `port` with its database at `dbPath`. */
export function benchConfig(port: number, dbPath: string, endpoints: BenchEndpoints, concurrency = 64): string {
  const list = Array.from(
    { length: endpoints.count },
    (_, i) => `  - id: ep${i}
    url: ${endpoints.url}
    events: ["*"]
    secret: ${SECRET}
    retry: [${endpoints.firstAttempt}, 5s, 5m]
    jitter: 0%
    max_in_flight: ${endpoints.maxInFlight}
`,
  ).join("");
  return `server:
  listen: 127.0.0.1:${port}
  shutdown_grace: 5s
storage:
  path: ${JSON.stringify(dbPath)}
  sync: full
auth:
  ingest_tokens: [${INGEST_TOKEN}]
  admin_tokens: [${ADMIN_TOKEN}]
network:
  allow: [127.0.0.0/8]
delivery:
  concurrency: ${concurrency}
log:
  level: info
endpoints:
${list}`;
}
