/**
 * @module config/defaults
 * Every built-in default, each with the reason it is what it is. The contract
 * (interface.md §3) fixes these values; changing one changes behaviour users rely on.
 */
import type { SchemeName } from "./types";

/** Loopback only: the API is for applications on the same host, so nothing is exposed by accident. */
export const DEFAULT_LISTEN = "127.0.0.1:8787";

/** 1 MiB: generous for JSON events, small enough that a runaway client cannot fill memory. */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/** Long enough for typical in-flight deliveries to finish, short enough for service managers' stop timeouts. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/** On: the dashboard is a client of the API, and every call it makes needs an admin token anyway. */
export const DEFAULT_UI = true;

/** No framing: a page that embeds the dashboard could trick clicks out of a signed-in operator. */
export const DEFAULT_UI_FRAME_ANCESTORS: readonly string[] = [];

/** One file beside the daemon: nothing to run or administer besides hookrelay. */
export const DEFAULT_STORAGE_DRIVER = "sqlite";

/** Connections per node: enough for its claims, outcomes and admin reads at once, few enough for many nodes on one server. */
export const DEFAULT_STORAGE_POOL = 10;

/**
 * How long a node's claim on an attempt lasts: longer than the longest
 * attempt (30 s timeout by default) with room to spare, short enough that
 * the attempts of a node that vanished are redone soon.
 */
export const DEFAULT_STORAGE_LEASE_MS = 120_000;

/** Beside the working directory, so `npm start` works on a fresh checkout. */
export const DEFAULT_STORAGE_PATH = "./data/hookrelay.db";

/** A week of delivered events covers most "what did we send last week" questions. */
export const DEFAULT_RETENTION_MS = 7 * 86_400_000;

/** Dead deliveries wait a month for someone to notice and replay them. */
export const DEFAULT_FAILED_RETENTION_MS = 30 * 86_400_000;

/** FULL: a 202 promises the event survives power loss, which NORMAL does not. */
export const DEFAULT_STORAGE_SYNC = "full";

/** About what one host serves well from Bun's fetch before sockets churn (architecture.md). */
export const DEFAULT_CONCURRENCY = 64;

/** Endpoints reach only public addresses unless the operator opens a range. */
export const DEFAULT_NETWORK_ALLOW: readonly string[] = [];

/** Enough to see what the daemon does, without per-request noise. */
export const DEFAULT_LOG_LEVEL = "info";

/** Standard Webhooks' own recommendation for how long to wait on a receiver. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The Standard Webhooks timetable: about a day and a half of attempts. */
export const DEFAULT_RETRY_DELAYS = ["0s", "5s", "5m", "30m", "2h", "5h", "10h", "10h"] as const;

/** Spreads retries of many deliveries that failed together, so a recovering receiver is not stampeded. */
export const DEFAULT_JITTER = 0.1;

/** Five days of nothing but failures means the receiver is gone, not flaky. */
export const DEFAULT_DISABLE_AFTER_MS = 5 * 86_400_000;

/** A quarter of the default concurrency, so one hanging endpoint cannot take every slot. */
export const DEFAULT_MAX_IN_FLIGHT = 16;

/** The scheme receivers' libraries verify out of the box. */
export const DEFAULT_SCHEME: SchemeName = "standard-webhooks";

/** The header each single-header scheme uses when none is configured, as the vendors that use them do. */
export const DEFAULT_SIGNATURE_HEADERS: Readonly<Partial<Record<SchemeName, string>>> = {
  "hmac-sha256-hex": "X-Signature",
  "hmac-sha256-prefixed": "X-Signature-256",
  timestamped: "X-Signature",
};

/** The envelope's key names are the event's own field names unless an endpoint maps them. */
export const DEFAULT_ENVELOPE = { id: "id", type: "type", timestamp: "timestamp", data: "data" } as const;

/** Exponential retry grows each delay twofold unless told otherwise. */
export const DEFAULT_MULTIPLIER = 2;

/** Parallel delivery: ordering costs throughput and only some receivers need it. */
export const DEFAULT_ORDERING = "none";

/** Enough for any one customer's real receivers, few enough that a runaway script cannot flood the registry. */
export const DEFAULT_MAX_PER_TENANT = 100;

/** Off: a vendor trying hookrelay on one machine registers local http receivers; production turns it on. */
export const DEFAULT_REQUIRE_HTTPS = false;
