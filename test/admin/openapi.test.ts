/** @module test/admin/openapi — /openapi.json lists every route with the schemas the routes validate with. */
import { describe, expect, it } from "bun:test";
import { BulkCancelBody, BulkRetryBody } from "../../src/admin/params";
import { Delivery } from "../../src/admin/shapes";
import { EventBody } from "../../src/ingest/schema";
import { endpoint, withRelay } from "./fixture";

const ROUTES = [
  "get /healthz",
  "get /readyz",
  "get /metrics",
  "get /openapi.json",
  "post /v1/events",
  "post /v1/events/batch",
  "get /v1/endpoints",
  "get /v1/endpoints/{id}",
  "post /v1/endpoints/{id}/enable",
  "post /v1/endpoints/{id}/disable",
  "post /v1/endpoints/{id}/test",
  "get /v1/events/{id}",
  "get /v1/deliveries",
  "get /v1/deliveries/{id}",
  "post /v1/deliveries/{id}/retry",
  "post /v1/deliveries/{id}/cancel",
  "post /v1/deliveries/retry",
  "post /v1/deliveries/cancel",
  "get /v1/stats",
  "get /v1/deliveries/count",
  "get /v1/endpoints/{id}/stats",
  "post /v1/endpoints",
  "patch /v1/endpoints/{id}",
  "delete /v1/endpoints/{id}",
  "post /v1/endpoints/{id}/rotate-secret",
  "post /v1/portal/sessions",
  "delete /v1/portal/sessions/{id}",
  "get /v1/portal/session",
  "get /v1/nodes",
];

/** A schema as JSON Schema text, without the error messages meant for the API's own answers. */
const plain = (schema: unknown) => JSON.parse(JSON.stringify(schema, (k, v) => (k === "error" && typeof v === "string" ? undefined : v)));

describe("openapi", () => {
  it("lists every route of the contract, each with its answers, bodies and security", async () => {
    await withRelay(
      (rcv) => endpoint("ep", rcv().url, `["*"]`),
      async (relay) => {
        const res = await fetch(`${relay.url}/openapi.json`);
        expect(res.status).toBe(200);
        const doc = (await res.json()) as any;
        expect(doc.openapi).toStartWith("3.");
        const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m} ${path}`));
        expect(operations.sort()).toEqual([...ROUTES].sort());
        const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops as Record<string, { operationId: string }>).map((op) => op.operationId));
        expect(new Set(ids).size).toBe(ids.length);
        for (const [path, ops] of Object.entries(doc.paths) as [string, Record<string, any>][]) {
          for (const [method, op] of Object.entries(ops)) {
            expect({ route: `${method} ${path}`, summary: typeof op.summary }).toEqual({ route: `${method} ${path}`, summary: "string" });
            // An identifier a client generator can name a function after.
            expect({ route: `${method} ${path}`, id: op.operationId }).toEqual({ route: `${method} ${path}`, id: expect.stringMatching(/^[a-z][A-Za-z0-9]*$/) });
            expect(Object.keys(op.responses)).toContain("default");
            const isPublic = ["/healthz", "/readyz", "/metrics", "/openapi.json"].includes(path);
            expect({ route: `${method} ${path}`, open: op.security.length === 0 }).toEqual({ route: `${method} ${path}`, open: isPublic });
            if (path.includes("{id}")) expect(op.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toContain("path:id");
          }
        }
        const body = (method: string, path: string) => doc.paths[path][method].requestBody.content["application/json"].schema;
        expect(body("post", "/v1/deliveries/retry")).toEqual(plain(BulkRetryBody));
        expect(body("post", "/v1/deliveries/cancel")).toEqual(plain(BulkCancelBody));
        expect(body("post", "/v1/events")).toEqual(plain(EventBody));
        const retried = doc.paths["/v1/deliveries/{id}/retry"].post.responses["200"].content["application/json"].schema;
        expect(Object.keys(retried.properties)).toEqual(Object.keys(Delivery.properties));
        const list = doc.paths["/v1/deliveries"].get.parameters.map((p: { name: string }) => p.name);
        expect(list).toEqual(["status", "endpoint", "tenant", "event_type", "since", "until", "limit", "cursor"]);
      },
    );
  });
});
