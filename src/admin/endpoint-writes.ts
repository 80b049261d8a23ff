/**
 * @module admin/endpoint-writes
 * Endpoints created over the API (interface.md §9): `POST /v1/endpoints`,
 * `PATCH` and `DELETE /v1/endpoints/:id`, `POST …/rotate-secret`. Bodies are
 * checked by endpoints/api-endpoints.ts with the config file's own schema and
 * checks, so they are read here as plain JSON objects; the OpenAPI document
 * describes them with that same schema. A portal session may set only the
 * keys in TENANT_KEYS, on its own tenant's endpoints.
 */
import { type TSchema, Type } from "@sinclair/typebox";
import { t } from "elysia";
import { EndpointSchema } from "../config/schema";
import { forbidden } from "../http/auth";
import { documentedBody } from "../http/openapi";
import { HttpError } from "../http/errors";
import { EVENT_ID_PATTERN } from "../ingest/schema";
import { adminGroup, principalOf, scopeOf, TENANT_SECURITY } from "./access";
import type { AdminDeps } from "./deps";
import { NO_BACKLOG, renderEndpoint, renderRegistered } from "./endpoint-view";
import { IdParams } from "./params";
import { CreatedEndpoint, Endpoint, RotatedSecret } from "./shapes";
import { iso } from "./render";

/** What a portal session may set on its endpoints; the rest needs an admin token. */
export const TENANT_KEYS: ReadonlySet<string> = new Set(["url", "events", "filter", "description", "metadata", "enabled", "headers"]);

const { id: _id, secret_file: _secretFile, ...apiKeys } = EndpointSchema.properties;

/** The create body as documented: the config's endpoint keys, `id` optional, no `secret_file`. */
const CreateBody = Type.Object({ id: Type.Optional(EndpointSchema.properties.id), ...apiKeys }, { additionalProperties: false });
/** The patch body as documented: any of those keys; `null` restores the default. */
const PatchBody = Type.Object(
  Object.fromEntries(
    Object.entries(apiKeys)
      .filter(([k]) => !["tenant", "secret", "secrets"].includes(k))
      .map(([k, schema]) => [k, Type.Optional(Type.Union([schema, Type.Null()]))]),
  ),
  { additionalProperties: false },
);
const RotateBody = t.Object(
  {
    secret: t.Optional(t.String({ minLength: 1, description: "The new secret; generated when absent" })),
    grace: t.Optional(t.String({ description: "How long the previous secret still signs: 0s to 7d, default 24h" })),
  },
  { additionalProperties: false },
);

const ID_RE = new RegExp(EVENT_ID_PATTERN);

export function endpointWriteRoutes(deps: AdminDeps) {
  const { app, parseJson } = adminGroup("admin-endpoint-writes", deps);
  const doc = (summary: string, operationId: string, body?: TSchema) => ({
    summary,
    operationId,
    tags: ["endpoints"],
    security: TENANT_SECURITY,
    ...(body ? { requestBody: documentedBody(body) } : {}),
  });
  return app
    .post(
      "/v1/endpoints",
      async ({ body, request, set }) => {
        const input = objectBody(body);
        const principal = principalOf(request);
        if (principal.kind === "tenant") onlyTenantKeys(input, ["tenant"]);
        const key = request.headers.get("idempotency-key");
        if (key !== null && !ID_RE.test(key)) throw new HttpError(400, "invalid_idempotency_key", "Idempotency-Key must match [A-Za-z0-9_-]{1,128}");
        const created = await deps.apiEndpoints.create(input, scopeOf(request), key, deps.clock.now(), (e) => renderEndpoint(e, NO_BACKLOG));
        set.status = created.status;
        return created.body as typeof CreatedEndpoint.static;
      },
      {
        parse: parseJson,
        response: { 200: CreatedEndpoint, 201: CreatedEndpoint },
        detail: doc("Create an endpoint; the answer shows its signing secret, once", "createEndpoint", CreateBody),
      },
    )
    .patch(
      "/v1/endpoints/:id",
      async ({ body, params, request }) => {
        const patch = objectBody(body);
        if (principalOf(request).kind === "tenant") onlyTenantKeys(patch, []);
        return renderRegistered(deps, await deps.apiEndpoints.update(params.id, patch, scopeOf(request), deps.clock.now()));
      },
      {
        parse: parseJson,
        params: IdParams,
        response: { 200: Endpoint },
        detail: doc("Change an endpoint created over the API (JSON merge patch; null restores the default)", "updateEndpoint", PatchBody),
      },
    )
    .delete(
      "/v1/endpoints/:id",
      async ({ params, request }) => {
        await deps.apiEndpoints.remove(params.id, scopeOf(request), deps.clock.now());
        return new Response(null, { status: 204 });
      },
      {
        parse: "none",
        params: IdParams,
        detail: {
          ...doc("Delete an endpoint created over the API; its pending and held deliveries are cancelled", "deleteEndpoint"),
          responses: { 204: { description: "Deleted" } },
        },
      },
    )
    .post(
      "/v1/endpoints/:id/rotate-secret",
      async ({ body, params, request }) => {
        if (principalOf(request).kind === "tenant" && body.secret !== undefined) throw forbidden("a portal session rotates to a generated secret; setting one needs an admin token");
        const rotated = await deps.apiEndpoints.rotate(params.id, body, scopeOf(request), deps.clock.now());
        return { secret: rotated.secret, previous_expires_at: iso(rotated.previousExpiresAt) };
      },
      {
        parse: parseJson,
        params: IdParams,
        body: RotateBody,
        response: { 200: RotatedSecret },
        detail: doc("Replace the signing secret; the previous one keeps signing during the grace", "rotateEndpointSecret"),
      },
    );
}

function objectBody(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, "invalid_body", "the body must be a JSON object", [{ field: "/", message: "expected an object" }]);
  }
  return body as Record<string, unknown>;
}

/** 403 for keys a portal session may not set (`extra` are allowed besides TENANT_KEYS). */
function onlyTenantKeys(body: Record<string, unknown>, extra: readonly string[]): void {
  const refused = Object.keys(body).filter((k) => !TENANT_KEYS.has(k) && !extra.includes(k));
  if (refused.length > 0) throw forbidden(`a portal session may not set ${refused.join(", ")}; that needs an admin token`);
}
