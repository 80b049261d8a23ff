/**
 * @module test/tenants/openapi-walk
 * Every operation of the served /openapi.json, called with tenant A's token,
 * with tenant B's ids and A's own in its path, with bodies and queries made
 * from the document's own schemas and with B's ids and names in them: no
 * answer holds anything of B's (ids, URLs, payloads, names, secrets), every
 * status is one the route's declared security allows, and B's objects are
 * unchanged afterwards. The walk iterates the document, so a route added
 * later is walked too. The same walk with an ingest token and with no token
 * finds only 401s outside the routes those may use.
 */
import { describe, expect, it } from "bun:test";
import type { InProcessRelay } from "../helpers/relay";
import { deferCleanup } from "../helpers/cleanup";
import { waitFor } from "../helpers/wait";
import {
  ADMIN_TOKEN,
  call,
  configEndpoint,
  createEndpoint,
  expectJson,
  INGEST_TOKEN,
  ingestEvent,
  openSession,
  receiver,
  relayWith,
} from "./fixture";

const defer = deferCleanup();

const A = "acme";
/** B's names are unique strings, so finding one in an answer is finding a leak. */
const B = "bolt-zq7";
/**
 * B's config endpoint: /metrics, which is public, names config endpoints by
 * design (§9), so its id is the one marker that does not hold B's name.
 */
const CONFIG_B = "cfg-zq7";

type Json = Record<string, any>;
interface Operation {
  readonly method: string;
  readonly path: string;
  readonly op: Json;
}

/** Something of B's that must not appear in A's answers. */
interface Marker {
  readonly what: string;
  /** The text a request carries when it names the thing itself (an echo of it is no leak). */
  readonly text: string;
  readonly found: (answer: string) => boolean;
}

const literal = (what: string, text: string): Marker => ({ what, text, found: (a) => a.includes(text) });

/** B's delivery, by id and by seq, wherever an answer could show it. */
const deliveryMarker = (id: string): Marker => {
  const seq = id.slice("dlv_".length);
  const forms = [new RegExp(`${id}(?![0-9])`), new RegExp(`"seq":${seq}(?![0-9])`), new RegExp(`"next_cursor":"${seq}"`)];
  return { what: `delivery ${id}`, text: id, found: (a) => forms.some((f) => f.test(a)) };
};

function operations(doc: Json): Operation[] {
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(ops)) out.push({ method: method.toUpperCase(), path, op });
  }
  // Deletes last, so the other routes meet A's objects still there.
  return out.sort((x, y) => Number(x.method === "DELETE") - Number(y.method === "DELETE"));
}

const schemesOf = (op: Json): string[] => (op.security as Json[]).flatMap((s) => Object.keys(s));
const pathParams = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);

/** Values a request names B by, per property or parameter name (each walked as a variant). */
interface Foreign {
  readonly endpoint: string;
  readonly tenant: string;
  readonly eventType: string;
  readonly eventId: string;
  readonly seq: string;
}

function foreignValue(name: string, schema: Json, f: Foreign): unknown {
  if (name === "endpoint") return f.endpoint;
  if (name === "endpoints" && schema.type === "array") return [f.endpoint];
  if (name === "tenant") return f.tenant;
  if (name === "event_type" || (name === "type" && schema.type === "string")) return f.eventType;
  if (name === "id" && schema.type === "string") return f.eventId;
  if (name === "cursor") return schema.pattern ? f.seq : f.endpoint;
  return undefined;
}

/** A plausible value of A's for `schema`, named `name`, made from the schema alone where no name says better. */
function sample(name: string, schema: Json, url: string): unknown {
  if (name === "url" && schema.type === "string") return url;
  if (name === "events" && schema.type === "array" && schema.items?.type === "string") return ["*"];
  if (name === "tenant" && schema.type === "string") return A;
  if (name === "type" && schema.type === "string") return "walk.test";
  if ((name === "ttl" || name === "grace") && schema.type === "string") return "1h";
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (Array.isArray(schema.anyOf)) return sample(name, schema.anyOf.find((s: Json) => s.type !== "null") ?? schema.anyOf[0], url);
  switch (schema.type) {
    case "string":
      return "walk";
    case "boolean":
      return false;
    case "integer":
    case "number":
      return schema.minimum ?? 1;
    case "array":
      return schema.minItems ? [sample(name, schema.items ?? {}, url)] : [];
    case "object":
      return objectSample(schema, url);
    default:
      return null;
  }
}

function objectSample(schema: Json, url: string): Json {
  const props = (schema.properties ?? {}) as Record<string, Json>;
  return Object.fromEntries((schema.required ?? []).map((k: string) => [k, sample(k, props[k] ?? {}, url)]));
}

/** Bodies for an operation: the least valid one, then one more key each, then B's ids and names in each key that takes them. */
function bodies(op: Json, url: string, f: Foreign): (Json | undefined)[] {
  const schema = op.requestBody?.content?.["application/json"]?.schema as Json | undefined;
  if (!schema) return [undefined];
  const base = objectSample(schema, url);
  const out: Json[] = [base];
  for (const [k, s] of Object.entries((schema.properties ?? {}) as Record<string, Json>)) {
    if (!(k in base)) out.push({ ...base, [k]: sample(k, s, url) });
    const foreign = foreignValue(k, s, f);
    if (foreign !== undefined) out.push({ ...base, [k]: foreign });
    // A batch carries events: each of them may name B too.
    if (s.type === "array" && s.items?.type === "object") {
      for (const [ik, is] of Object.entries((s.items.properties ?? {}) as Record<string, Json>)) {
        const inner = foreignValue(ik, is, f);
        if (inner !== undefined) out.push({ ...base, [k]: [{ ...objectSample(s.items, url), [ik]: inner }] });
      }
    }
  }
  return out;
}

/** Query strings for an operation: none, then each parameter alone, with B's value where it takes one. */
function queries(op: Json, url: string, f: Foreign): string[] {
  const params = ((op.parameters ?? []) as Json[]).filter((p) => p.in === "query");
  const out = [""];
  for (const p of params) {
    for (const value of [sample(p.name, p.schema, url), foreignValue(p.name, p.schema, f)]) {
      if (value !== undefined) out.push(`?${new URLSearchParams({ [p.name]: String(value) })}`);
    }
  }
  return out;
}

interface World {
  readonly relay: InProcessRelay;
  readonly doc: Json;
  readonly tokenA: string;
  readonly readOnlyA: string;
  readonly tokenB: string;
  readonly urlA: string;
  readonly idsA: string[];
  readonly idsB: string[];
  readonly markers: Marker[];
  readonly foreign: Foreign;
  /** B's objects and what its receivers got, as the admin sees them. */
  readonly snapshotB: () => Promise<unknown>;
}

/** A and B, each with config and API endpoints, delivered and failed deliveries, events and sessions; B's made of unique strings. */
async function world(): Promise<World> {
  const answer = (text: string) => () => new Response(text);
  const rA = receiver(defer);
  const rB = { cfg: receiver(defer, answer(`${B}-response-cfg`)), api: receiver(defer, answer(`${B}-response-api`)) };
  const rBFail = receiver(defer, () => new Response(`${B}-response-fail`, { status: 500 }));
  const urlsB = [`${rB.cfg.url}/${B}-url-cfg`, `${rB.api.url}/${B}-url-api`, `${rBFail.url}/${B}-url-fail`];
  const relay = await relayWith(
    defer,
    [
      configEndpoint("a-cfg", rA.url, { tenant: A }),
      configEndpoint(CONFIG_B, urlsB[0]!, { tenant: B, extra: [`headers: { X-Bolt: ${B}-header }`] }),
    ].join("\n"),
  );
  await createEndpoint(relay, { id: "a-api", url: rA.url, events: ["*"], tenant: A });
  const rAFail = receiver(defer, () => new Response("a-down", { status: 500 }));
  await createEndpoint(relay, { id: "a-fail", url: rAFail.url, events: ["a.*"], tenant: A, retry: ["0s"] });
  const bApi = await createEndpoint(relay, {
    id: `${B}-api`,
    url: urlsB[1],
    events: ["*"],
    tenant: B,
    description: `${B}-description`,
    metadata: { note: `${B}-metadata` },
    headers: { "X-Bolt": `${B}-header` },
  });
  const bFail = await createEndpoint(relay, { id: `${B}-fail`, url: urlsB[2], events: ["*"], tenant: B, retry: ["0s"] });
  const sessionB = await openSession(relay, B);
  const generatedB = await expectJson(call(relay, sessionB.token, "POST", "/v1/endpoints", { url: `${rB.api.url}/${B}-url-gen`, events: [`${B}.only`] }), 201);
  const sessionA = await openSession(relay, A);
  const readOnlyA = await openSession(relay, A, { read_only: true });

  const eventsB = [
    await ingestEvent(relay, { id: `${B}-event-1`, type: `${B}.type`, data: { note: `${B}-payload-1` }, tenant: B }),
    await ingestEvent(relay, { type: `${B}.only`, data: { note: `${B}-payload-2` }, tenant: B }),
  ];
  const probeB = await expectJson(call(relay, sessionB.token, "POST", `/v1/endpoints/${CONFIG_B}/test`), 200);
  const eventsA = [
    await ingestEvent(relay, { type: "a.created", data: { note: "a-payload" }, tenant: A }),
    await ingestEvent(relay, { type: "a.updated", data: { note: "a-payload" }, tenant: A }),
  ];
  const all = async () => (await expectJson(call(relay, ADMIN_TOKEN, "GET", "/v1/deliveries?limit=1000"), 200)).items as Json[];
  await waitFor("every delivery finished", async () => (await all()).every((d) => d.status === "delivered" || d.status === "failed"));
  const deliveries = await all();
  const tenantOf = (d: Json) => d.tenant as string;
  const deliveriesB = deliveries.filter((d) => tenantOf(d) === B).map((d) => d.id as string);
  const deliveriesA = deliveries.filter((d) => tenantOf(d) === A).map((d) => d.id as string);
  expect(deliveriesB.length).toBe(8);
  expect(deliveriesA.length).toBe(6);

  const endpointIdsB = [CONFIG_B, `${B}-api`, `${B}-fail`, generatedB.id as string];
  const eventIdsB = [...eventsB.map((e) => e.id), probeB.event_id as string];
  const markers: Marker[] = [
    // Every string of B's holds B's name, so this one finds them all; the ones below say which it was.
    literal("B's tenant", B),
    ...["payload-1", "payload-2", "description", "metadata", "header", "response-cfg", "response-api", "response-fail"].map((m) => literal(`B's ${m}`, `${B}-${m}`)),
    literal("B's event type", `${B}.type`),
    ...endpointIdsB.map((id) => literal(`endpoint ${id}`, id)),
    ...urlsB.map((u) => literal(`url ${u}`, u)),
    ...eventIdsB.map((id) => literal(`event ${id}`, id)),
    ...deliveriesB.map(deliveryMarker),
    literal("B's session", sessionB.id),
    literal("B's token", sessionB.token),
    ...[bApi.secret, bFail.secret, generatedB.secret].map((s: string) => literal("B's secret", s)),
  ];
  // Each marker is there to be found: the admin token sees every one but the secrets and the session's token and id.
  const adminView = (
    await Promise.all(
      [`/v1/endpoints?tenant=${B}`, ...deliveriesB.map((id) => `/v1/deliveries/${id}`), ...eventIdsB.map((id) => `/v1/events/${id}`)].map(async (path) =>
        (await call(relay, ADMIN_TOKEN, "GET", path)).text(),
      ),
    )
  ).join("\n");
  const hidden = ["B's token", "B's secret", "B's session"];
  for (const m of markers) if (!hidden.includes(m.what)) expect({ marker: m.what, seen: m.found(adminView) }).toEqual({ marker: m.what, seen: true });
  const snapshotB = async () => ({
    endpoints: await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/endpoints?tenant=${B}`), 200),
    deliveries: await expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/deliveries?tenant=${B}`), 200),
    events: await Promise.all(eventIdsB.map((id) => expectJson(call(relay, ADMIN_TOKEN, "GET", `/v1/events/${id}`), 200))),
    sessionWorks: (await call(relay, sessionB.token, "GET", "/v1/endpoints")).status,
    received: [rB.cfg.requests.length, rB.api.requests.length, rBFail.requests.length],
  });
  const doc = await expectJson(call(relay, null, "GET", "/openapi.json"), 200);
  return {
    relay,
    doc,
    tokenA: sessionA.token,
    readOnlyA: readOnlyA.token,
    tokenB: sessionB.token,
    urlA: rA.url,
    idsA: ["a-cfg", "a-api", "a-fail", ...eventsA.map((e) => e.id), ...deliveriesA, sessionA.id],
    idsB: [...endpointIdsB, ...eventIdsB, ...deliveriesB, sessionB.id],
    markers,
    foreign: { endpoint: `${B}-api`, tenant: B, eventType: `${B}.type`, eventId: `${B}-event-1`, seq: deliveriesB[0]!.slice("dlv_".length) },
    snapshotB,
  };
}

interface Call {
  readonly route: string;
  readonly method: string;
  readonly url: string;
  readonly body: Json | undefined;
  readonly foreignId: boolean;
  readonly op: Json;
}

/** Every request of the walk: each operation, with each id in its path, each query and each body. */
function* calls(w: World): Generator<Call> {
  for (const { method, path, op } of operations(w.doc)) {
    const params = pathParams(path);
    const ids = params.length === 0 ? [null] : [...w.idsB, ...w.idsA];
    for (const id of ids) {
      const concrete = id === null ? path : params.reduce((p, name) => p.replace(`{${name}}`, encodeURIComponent(id)), path);
      for (const query of queries(op, w.urlA, w.foreign)) {
        for (const body of bodies(op, w.urlA, w.foreign)) {
          yield { route: `${method} ${path}`, method, url: `${concrete}${query}`, body, foreignId: id !== null && w.idsB.includes(id), op };
        }
      }
    }
  }
}

interface Finding {
  readonly request: string;
  readonly problem: string;
}

/** Walks every call with `token`; `allowed` says which statuses a call may answer. Answers what went wrong. */
async function walk(w: World, token: string | null, allowed: (c: Call) => readonly number[]): Promise<{ findings: Finding[]; routes: Set<string>; count: number }> {
  const findings: Finding[] = [];
  const routes = new Set<string>();
  let count = 0;
  for (const c of calls(w)) {
    count++;
    routes.add(c.route);
    const res = await call(w.relay, token, c.method, c.url, c.body);
    const text = `${[...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${await res.text()}`;
    const sent = `${c.url} ${c.body === undefined ? "" : JSON.stringify(c.body)}`;
    const request = `${c.method} ${c.url} ${c.body === undefined ? "" : JSON.stringify(c.body)}`;
    const ok = allowed(c);
    if (!ok.includes(res.status)) findings.push({ request, problem: `status ${res.status}, expected one of ${ok.join(", ")}: ${text.slice(-300)}` });
    // The public routes are the same for everyone; /metrics names config endpoints by design (§9), never API ones.
    const publicMetrics = c.route === "GET /metrics";
    for (const m of w.markers) {
      if (sent.includes(m.text) || (publicMetrics && m.what === `endpoint ${CONFIG_B}`)) continue;
      if (m.found(text)) findings.push({ request, problem: `the answer shows ${m.what}` });
    }
  }
  return { findings, routes, count };
}

const isPublic = (c: Call) => (c.op.security as unknown[]).length === 0;
const isRead = (c: Call) => c.method === "GET";
/** What a call of A's own (or of no id) may answer on a route a tenant may use: success, or a refusal that names no one else's object. */
const OWN = [200, 201, 204, 400, 403, 404, 409, 422];
/** With B's id in the path: not found, or refused before the id was looked at. */
const FOREIGN = [400, 403, 404];

describe("the OpenAPI walk", () => {
  it("finds nothing of tenant B's in any answer to tenant A, and only the statuses each route's security allows", async () => {
    const w = await world();
    const before = await w.snapshotB();
    const tenantAllowed = (readOnly: boolean) => (c: Call) => {
      if (isPublic(c)) return [200];
      if (!schemesOf(c.op).includes("portalToken")) return [403];
      if (readOnly && !isRead(c)) return [403];
      return c.foreignId ? FOREIGN : OWN;
    };
    const readOnly = await walk(w, w.readOnlyA, tenantAllowed(true));
    const writer = await walk(w, w.tokenA, tenantAllowed(false));
    const operationCount = operations(w.doc).length;
    expect(writer.routes.size).toBe(operationCount);
    expect(operations(w.doc).filter((o) => schemesOf(o.op).includes("portalToken")).length).toBeGreaterThanOrEqual(12);
    console.log(`openapi walk: ${operationCount} operations, ${writer.count} requests per tenant token`);
    expect([...readOnly.findings, ...writer.findings]).toEqual([]);
    expect(await w.snapshotB()).toEqual(before);
  });

  it("answers 401 on every admin route to an ingest token, and on every route but the four public ones to no token and to a revoked session's", async () => {
    const w = await world();
    const before = await w.snapshotB();
    const ids = (list: { items: { id: string }[] }) => list.items.map((e) => e.id);
    const ingest = await walk(w, INGEST_TOKEN, (c) => {
      if (isPublic(c)) return [200];
      if (schemesOf(c.op).includes("ingestToken")) return [200, 202, 400, 409, 422];
      return [401];
    });
    const anonymous = await walk(w, null, (c) => (isPublic(c) ? [200] : [401]));
    const revoked = await openSession(w.relay, A);
    await expectJson(call(w.relay, ADMIN_TOKEN, "DELETE", `/v1/portal/sessions/${revoked.id}`), 204);
    const afterRevoke = await walk(w, revoked.token, (c) => (isPublic(c) ? [200] : [401]));
    const publicRoutes = operations(w.doc).filter((o) => (o.op.security as unknown[]).length === 0).map((o) => `${o.method} ${o.path}`);
    expect(publicRoutes.sort()).toEqual(["GET /healthz", "GET /metrics", "GET /openapi.json", "GET /readyz"]);
    // The ingest walk posts events of its own (B's markers are exempt where it names them); nothing else may show.
    expect(ingest.findings.filter((f) => !f.request.startsWith("POST /v1/events"))).toEqual([]);
    expect(anonymous.findings).toEqual([]);
    expect(afterRevoke.findings).toEqual([]);
    // Ingest may post B's events (that is what an ingest token is for), but nothing may revoke B's session or take its endpoints.
    const after = (await w.snapshotB()) as Json;
    expect(after.sessionWorks).toBe(200);
    expect(ids(after.endpoints)).toEqual(ids((before as Json).endpoints));
  });
});
