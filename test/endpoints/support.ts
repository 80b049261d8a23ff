/**
 * @module test/endpoints/support
 * A daemon for endpoint API tests: a config with optional YAML endpoints and
 * extra sections, receivers that close with it, and JSON helpers that assert
 * the status they expect.
 */
import { type Receiver, type Reply, startReceiver } from "../helpers/receiver";
import { configYaml, type InProcessRelay, startRelay, tempDir } from "../helpers/relay";

export interface ApiRelay {
  readonly relay: InProcessRelay;
  readonly dir: string;
  receiver(reply?: Reply): Receiver;
  /** An admin request's JSON, asserting its status. */
  json<T = any>(method: string, path: string, body?: unknown, status?: number): Promise<T>;
  /** Creates an endpoint over the API delivering to `url`; answers the 201 body (with its secret). */
  create(body: Record<string, unknown>): Promise<any>;
  /** Posts an event with the ingest token; answers the 202 body. */
  ingest(body: Record<string, unknown>): Promise<{ id: string; deliveries: number }>;
  close(): Promise<void>;
}

/** Starts a relay; `endpointsYaml` is the list under `endpoints:` ("  []" for none), `extra` more top-level YAML. */
export async function startApiRelay(endpointsYaml = "  []", extra = ""): Promise<ApiRelay> {
  const tmp = tempDir();
  const yaml = configYaml(tmp.dir, endpointsYaml, extra).replace("endpoints:\n  []", "endpoints: []");
  const relay = await startRelay(yaml, { dir: tmp.dir });
  const receivers: Receiver[] = [];
  const json = async (method: string, path: string, body?: unknown, status = 200) => {
    const res = await relay.admin(method, path, body);
    const text = await res.text();
    if (res.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${res.status} ${text}`);
    return text === "" ? null : JSON.parse(text);
  };
  return {
    relay,
    dir: tmp.dir,
    receiver(reply) {
      const r = startReceiver(reply);
      receivers.push(r);
      return r;
    },
    json,
    create: (body) => json("POST", "/v1/endpoints", body, 201),
    async ingest(body) {
      const res = await relay.post("/v1/events", body);
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as { id: string; deliveries: number };
    },
    async close() {
      await relay.stop();
      for (const r of receivers) r.close();
      tmp.remove();
    },
  };
}
