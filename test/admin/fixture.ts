/**
 * @module test/admin/fixture
 * A daemon with receivers, for admin API tests: `endpoint()` writes one
 * endpoint's YAML, `start()` runs the relay, `cleanup()` stops everything.
 */
import { type Receiver, type Reply, startReceiver } from "../helpers/receiver";
import { configYaml, type InProcessRelay, startRelay, tempDir } from "../helpers/relay";

export const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/** One endpoint entry under `endpoints:`; `extra` lines are indented like its keys. */
export function endpoint(id: string, url: string, events: string, extra: string[] = []): string {
  return [`  - id: ${id}`, `    url: ${url}`, `    events: ${events}`, `    secret: ${SECRET}`, ...extra.map((l) => `    ${l}`)].join("\n");
}

/** Runs `body` against a fresh relay whose endpoints `yaml(receiver)` describes; always cleans up. */
export async function withRelay(
  yaml: (rcv: (reply?: Reply) => Receiver) => string,
  body: (relay: InProcessRelay) => Promise<void>,
): Promise<void> {
  const receivers: Receiver[] = [];
  const rcv = (reply?: Reply) => {
    const r = startReceiver(reply);
    receivers.push(r);
    return r;
  };
  const tmp = tempDir();
  const relay = await startRelay(configYaml(tmp.dir, yaml(rcv)), { dir: tmp.dir });
  try {
    await body(relay);
  } finally {
    await relay.stop();
    for (const r of receivers) r.close();
    tmp.remove();
  }
}

/** The JSON of an admin request, asserting its status. */
export async function adminJson<T = any>(relay: InProcessRelay, method: string, path: string, body?: unknown, status = 200): Promise<T> {
  const res = await relay.admin(method, path, body);
  const json = await res.json();
  if (res.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${res.status} ${JSON.stringify(json)}`);
  return json as T;
}

/** Posts an event with the ingest token; answers its id. */
export async function ingest(relay: InProcessRelay, type: string, data: Record<string, unknown> = {}): Promise<string> {
  const res = await relay.post("/v1/events", { type, data });
  if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}
