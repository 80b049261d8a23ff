/**
 * @module http/openapi
 * `GET /openapi.json`: an OpenAPI 3.1 document built from the mounted routes
 * themselves — their paths, and the very TypeBox schemas they validate
 * bodies, queries and answers with — so the document cannot drift from the
 * API. Built once, on first request, after every route is mounted.
 */
import { Elysia, t } from "elysia";

/** What the document needs of a mounted route (Elysia's `app.routes` entries). */
export interface RouteInfo {
  readonly method: string;
  readonly path: string;
  readonly hooks: {
    readonly body?: unknown;
    readonly query?: unknown;
    readonly params?: unknown;
    readonly response?: unknown;
    readonly detail?: {
      summary?: string;
      operationId?: string;
      tags?: string[];
      security?: unknown[];
      responses?: Record<string, unknown>;
      requestBody?: unknown;
      hide?: boolean;
    };
  };
}

/** What the error boundary (http/app.ts) answers for every failure. */
export const ErrorBody = t.Object({
  error: t.Object({
    code: t.String({ description: "Stable machine-readable code, e.g. not_found" }),
    message: t.String({ description: "One sentence for an operator" }),
    details: t.Optional(t.Array(t.Object({ field: t.String({ description: "JSON pointer" }), message: t.String() }))),
  }),
});

const SECURITY_SCHEMES = {
  adminToken: { type: "http", scheme: "bearer", description: "One of auth.admin_tokens" },
  ingestToken: { type: "http", scheme: "bearer", description: "One of auth.ingest_tokens (admin tokens are accepted too)" },
  portalToken: { type: "http", scheme: "bearer", description: "A portal session's token (POST /v1/portal/sessions): one tenant's objects only" },
};

/** An identifier for a route that names none: `get /v1/endpoints/{id}` → `getV1EndpointsById`. */
function operationIdOf(method: string, path: string): string {
  const words = path.split("/").filter(Boolean).map((part) => {
    const param = /^\{(.+)\}$/.exec(part);
    const word = param ? `by-${param[1]}` : part;
    return word.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
  });
  return method + words.join("");
}

/** Routes that declare no security: ingest takes either token, health checks none, the rest an admin token. */
function defaultSecurity(tags: readonly string[]): unknown[] {
  if (tags.includes("ingest")) return [{ ingestToken: [] }, { adminToken: [] }];
  if (tags.includes("health")) return [];
  return [{ adminToken: [] }];
}

type Schema = { properties?: Record<string, unknown>; required?: string[] };

/**
 * Serialises a TypeBox schema to plain JSON Schema: TypeBox's symbol keys drop
 * out, and so do the `error` messages our schemas carry for the error boundary.
 */
const plain = (schema: unknown) =>
  JSON.parse(JSON.stringify(schema, (key, value) => (key === "error" && typeof value === "string" ? undefined : value))) as Schema &
    Record<string, unknown>;

function parameters(where: "path" | "query", schema: unknown) {
  if (!schema) return [];
  const s = plain(schema);
  return Object.entries(s.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === "path" || (s.required ?? []).includes(name),
    schema: prop,
  }));
}

function responses(route: RouteInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const declared = route.hooks.response;
  // A map of status → schema, or one schema meaning 200.
  const byStatus =
    declared && typeof declared === "object" && Object.keys(declared).every((k) => /^\d{3}$/.test(k))
      ? (declared as Record<string, unknown>)
      : declared
        ? { 200: declared }
        : {};
  for (const [status, schema] of Object.entries(byStatus)) {
    out[status] = { description: status.startsWith("2") ? "Success" : "Answer", content: { "application/json": { schema: plain(schema) } } };
  }
  if (Object.keys(out).length === 0) out["200"] = { description: "Success" };
  out.default = { description: "An error, with its HTTP status", content: { "application/json": { schema: plain(ErrorBody) } } };
  return { ...out, ...route.hooks.detail?.responses };
}

/**
 * A request body for `detail.requestBody`, for routes that read their body
 * as plain JSON and check it themselves (endpoint documents are checked by the
 * config's own schema and checks, to give the config's messages).
 */
export function documentedBody(schema: unknown): { required: true; content: Record<string, { schema: Record<string, unknown> }> } {
  return { required: true, content: { "application/json": { schema: plain(schema) } } };
}

/** The OpenAPI document for `routes`. */
export function buildOpenApi(routes: readonly RouteInfo[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const method = route.method.toLowerCase();
    if (!["get", "post", "put", "patch", "delete"].includes(method) || route.hooks.detail?.hide) continue;
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
    const detail = route.hooks.detail ?? {};
    const tags = detail.tags ?? [];
    (paths[path] ??= {})[method] = {
      operationId: detail.operationId ?? operationIdOf(method, path),
      summary: detail.summary,
      tags,
      security: detail.security ?? defaultSecurity(tags),
      parameters: [...parameters("path", route.hooks.params), ...parameters("query", route.hooks.query)],
      ...(detail.requestBody ? { requestBody: detail.requestBody } : route.hooks.body ? { requestBody: documentedBody(route.hooks.body) } : {}),
      responses: responses(route),
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "hookrelay", version, description: "Webhook relay: ingest events, deliver them signed, operate the outbox." },
    paths,
    components: { securitySchemes: SECURITY_SCHEMES },
  };
}

/** `GET /openapi.json` over the routes `routes()` returns when first asked. */
export function openapiRoutes(routes: () => readonly RouteInfo[], version: string) {
  let doc: string | null = null;
  return new Elysia({ name: "openapi", normalize: false }).get(
    "/openapi.json",
    () => new Response((doc ??= JSON.stringify(buildOpenApi(routes(), version))), { headers: { "content-type": "application/json" } }),
    { detail: { summary: "This document", operationId: "getOpenApi", tags: ["health"], security: [] } },
  );
}
