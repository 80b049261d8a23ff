/**
 * @module test/helpers/postgres-relay
 * What the end-to-end tests on PostgreSQL share: a config for `serve` on a
 * test database, a receiver that verifies each request as Standard Webhooks,
 * posting an event, telling a node by its id, and stopping a node cleanly.
 */
import { Webhook } from "standardwebhooks";
import type { TestDatabase } from "./postgres";
import { type Receiver, startReceiver } from "./receiver";
import { configYaml, INGEST_TOKEN, type SpawnedRelay, writeConfig } from "./relay";
import { waitFor } from "./wait";

export const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/** The test server trusts its user, so this password is there only to be kept out of every log line. */
export const PASSWORD = "pw-never-shown";

export interface PostgresConfigOptions {
  /** storage.lease; short ones let a killed node's attempts be redone within a test. */
  readonly lease: string;
  /** More lines of each endpoint (each indented four spaces, ending in a newline). */
  readonly endpoint?: string;
  /** The endpoints' ids; one endpoint `pg` unless given. */
  readonly endpointIds?: readonly string[];
  /** More top-level sections of the config, e.g. `delivery:` (each line ending in a newline). */
  readonly sections?: string;
}

/** Writes a config for `serve` on `db` with endpoints (`pg` unless told) delivering to `receiver`, and returns its path. */
export function postgresConfig(dir: string, db: TestDatabase, receiver: Receiver, options: PostgresConfigOptions): string {
  const url = new URL(db.url);
  url.password = PASSWORD;
  const endpoint = (options.endpointIds ?? ["pg"])
    .map((id) => `  - id: ${id}\n    url: ${receiver.url}\n    events: ["*"]\n    secret: ${SECRET}\n    retry: [0s, 50ms, 100ms, 200ms]\n${options.endpoint ?? ""}`)
    .join("");
  const storage = `  driver: postgres\n  url: ${url}\n  lease: ${options.lease}\n  pool: 4\n  encryption_key: ${"cd".repeat(32)}\n`;
  return writeConfig(dir, configYaml(dir, endpoint, options.sections ?? "", storage));
}

export function postEvent(relay: SpawnedRelay, id: string): Promise<Response> {
  return fetch(`${relay.url}/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ id, type: "order.created", data: { id } }),
  });
}

/** The node id a spawned daemon announced when it started listening. */
export function nodeIdOf(relay: SpawnedRelay): string {
  const line = relay
    .stdout()
    .split("\n")
    .find((l) => l.includes("hookrelay listening"));
  if (!line) throw new Error("the daemon has not said it listens");
  return JSON.parse(line).node as string;
}

export async function stopRelay(relay: SpawnedRelay): Promise<void> {
  relay.proc.kill("SIGTERM");
  await relay.exited;
}

export interface SignedReceiver {
  readonly receiver: Receiver;
  /** Event ids of the requests whose signature verified. */
  readonly ids: Set<string>;
  /** Requests refused for a bad signature. */
  refused(): number;
  /** Requests that verified minus distinct events: what was delivered more than once. */
  duplicates(): number;
  waitForAll(expected: readonly string[], timeoutMs: number): Promise<unknown>;
}

/**
 * A receiver on 127.0.0.1 that verifies each request as Standard Webhooks
 * with the endpoint's secret as it arrives, then awaits `before(id)` (a slow
 * or hanging receiver) and answers what it gives, or 200. Events are told
 * apart by `webhook-id`, their event id.
 */
export function signedReceiver(before?: (id: string) => Promise<Response | void>): SignedReceiver {
  const wh = new Webhook(SECRET);
  const ids = new Set<string>();
  let verified = 0;
  let refused = 0;
  const receiver = startReceiver(async (req) => {
    const id = req.headers["webhook-id"]!;
    try {
      wh.verify(req.body, req.headers);
    } catch {
      refused++;
      return new Response("bad signature", { status: 400 });
    }
    verified++;
    ids.add(id);
    return (await before?.(id)) ?? new Response("ok");
  });
  return {
    receiver,
    ids,
    refused: () => refused,
    duplicates: () => verified - ids.size,
    waitForAll: (expected, timeoutMs) =>
      waitFor(`${expected.length} events delivered`, () => expected.every((id) => ids.has(id)), timeoutMs),
  };
}
