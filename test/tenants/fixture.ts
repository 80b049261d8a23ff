/**
 * @module test/tenants/fixture
 * A real daemon with real receivers for tenant tests: config endpoints
 * written as YAML, API endpoints created over the API, portal sessions, and
 * requests made with any token. Everything it starts is stopped by the
 * `defer` of the test file (test/helpers/cleanup.ts).
 */
import { type Receiver, type Reply, startReceiver } from "../helpers/receiver";
import { ADMIN_TOKEN, configYaml, INGEST_TOKEN, type InProcessRelay, startRelay, tempDir } from "../helpers/relay";

export { ADMIN_TOKEN, INGEST_TOKEN };

export const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

export type Defer = (...fns: (() => unknown)[]) => void;

/** One config endpoint under `endpoints:`; `extra` lines are indented like its keys. */
export function configEndpoint(id: string, url: string, opts: { tenant?: string; events?: string; extra?: string[] } = {}): string {
  return [
    `  - id: ${id}`,
    `    url: ${url}`,
    `    events: ${opts.events ?? `["*"]`}`,
    `    secret: ${SECRET}`,
    ...(opts.tenant ? [`    tenant: ${opts.tenant}`] : []),
    ...(opts.extra ?? []).map((l) => `    ${l}`),
  ].join("\n");
}

/** A receiver that `defer` closes. */
export function receiver(defer: Defer, reply?: Reply): Receiver {
  const r = startReceiver(reply);
  defer(() => r.close());
  return r;
}

/**
 * Starts a relay on `endpointsYaml`; `listen` replaces 127.0.0.1:0, `server`
 * lines go under `server:` and `extra` at the top level. `defer` stops it and
 * removes its directory.
 */
export async function relayWith(
  defer: Defer,
  endpointsYaml: string,
  opts: { listen?: string; server?: string[]; extra?: string } = {},
): Promise<InProcessRelay> {
  const tmp = tempDir();
  defer(() => tmp.remove());
  let yaml = configYaml(tmp.dir, endpointsYaml || "  []", opts.extra ?? "");
  if (opts.listen) yaml = yaml.replace("listen: 127.0.0.1:0", `listen: ${opts.listen}`);
  for (const line of opts.server ?? []) yaml = yaml.replace("server:\n", `server:\n  ${line}\n`);
  const relay = await startRelay(yaml, { dir: tmp.dir });
  defer(() => relay.stop());
  return relay;
}

/** A request to the relay with `token` (none when null); a string body is sent as it is. */
export function call(relay: { url: string }, token: string | null, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  return fetch(`${relay.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

/** The JSON answer of a request, asserting its status. */
export async function expectJson<T = any>(res: Promise<Response>, status: number, what = ""): Promise<T> {
  const r = await res;
  const text = await r.text();
  if (r.status !== status) throw new Error(`${what || r.url}: expected ${status}, got ${r.status} ${text}`);
  return (text === "" ? null : JSON.parse(text)) as T;
}

/** The status of a request, with its body for error messages. */
export async function statusOf(res: Promise<Response>): Promise<{ status: number; body: string }> {
  const r = await res;
  return { status: r.status, body: await r.text() };
}

export interface Session {
  readonly id: string;
  readonly token: string;
  readonly url: string;
  readonly expires_at: string;
}

/** Opens a portal session for `tenant` with the admin token. */
export function openSession(relay: { url: string }, tenant: string, extra: { ttl?: string; read_only?: boolean } = {}): Promise<Session> {
  return expectJson<Session>(call(relay, ADMIN_TOKEN, "POST", "/v1/portal/sessions", { tenant, ...extra }), 201, `session for ${tenant}`);
}

/** Creates an API endpoint with the admin token; answers the created Endpoint (with its secret). */
export function createEndpoint(relay: InProcessRelay, body: Record<string, unknown>): Promise<any> {
  return expectJson(call(relay, ADMIN_TOKEN, "POST", "/v1/endpoints", body), 201, `create ${JSON.stringify(body)}`);
}

/** Ingests one event with the ingest token, asserting 202; answers `{id, deliveries}`. */
export function ingestEvent(relay: InProcessRelay, body: Record<string, unknown>): Promise<{ id: string; deliveries: number }> {
  return expectJson(call(relay, INGEST_TOKEN, "POST", "/v1/events", body), 202, `ingest ${JSON.stringify(body)}`);
}
