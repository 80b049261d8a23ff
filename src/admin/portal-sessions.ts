/**
 * @module admin/portal-sessions
 * `POST /v1/portal/sessions` and `DELETE /v1/portal/sessions/:id` (admin
 * only): a link that opens the dashboard signed in as one tenant. The token
 * rides after `#` in the link, so it never reaches a server's access log,
 * and is shown only in the answer that creates it. `GET /v1/portal/session`
 * answers a tenant token with its own session (tenant, read-only, expiry),
 * which is how the dashboard knows whom it signed in as and what to offer.
 */
import { t } from "elysia";
import { TENANT_PATTERN } from "../config/schema";
import { parseDuration } from "../config/duration";
import { HttpError } from "../http/errors";
import { DEFAULT_TTL_MS, MAX_TTL_MS } from "../portal/sessions";
import { ADMIN_SECURITY, adminGroup, principalOf } from "./access";
import type { AdminDeps } from "./deps";
import { iso } from "./render";
import { IdParams } from "./params";
import { CurrentPortalSession, PortalSession } from "./shapes";

/** Where a portal link lands: the dashboard, with the token in the fragment. */
export function portalUrl(base: string, token: string): string {
  return `${base}/ui/#token=${token}`;
}

const SessionBody = t.Object(
  {
    tenant: t.String({ pattern: TENANT_PATTERN, error: "expected a tenant of up to 128 letters, digits, _ . : and -" }),
    ttl: t.Optional(t.String({ description: "How long the session lasts: up to 7d, default 1h" })),
    read_only: t.Optional(t.Boolean({ description: "The session may only read" })),
  },
  { additionalProperties: false },
);

export function portalSessionRoutes(deps: AdminDeps) {
  const { app, parseJson } = adminGroup("admin-portal-sessions", deps);
  const doc = (summary: string, operationId: string) => ({ summary, operationId, tags: ["portal"], security: ADMIN_SECURITY });
  return app
    .post(
      "/v1/portal/sessions",
      async ({ body, set }) => {
        const ttlMs = body.ttl === undefined ? DEFAULT_TTL_MS : parseDuration(body.ttl);
        if (ttlMs === null || ttlMs <= 0 || ttlMs > MAX_TTL_MS) {
          throw new HttpError(400, "invalid_body", "ttl must be a duration above 0s and at most 7d, like 1h", [{ field: "/ttl", message: "expected a duration up to 7d" }]);
        }
        const { session, token } = await deps.sessions.create(body.tenant, ttlMs, body.read_only ?? false, deps.clock.now());
        set.status = 201;
        return { id: session.id, token, url: portalUrl(deps.publicUrl(), token), expires_at: iso(session.expiresAt) };
      },
      { parse: parseJson, body: SessionBody, response: { 201: PortalSession }, detail: doc("Open a portal session for one tenant", "createPortalSession") },
    )
    .delete(
      "/v1/portal/sessions/:id",
      async ({ params }) => {
        if (!(await deps.sessions.revoke(params.id, deps.clock.now()))) throw new HttpError(404, "not_found", `no portal session with id "${params.id}"`);
        return new Response(null, { status: 204 });
      },
      {
        parse: "none",
        params: IdParams,
        detail: { ...doc("Revoke a portal session at once", "revokePortalSession"), responses: { 204: { description: "Revoked" } } },
      },
    )
    .get(
      "/v1/portal/session",
      ({ request }) => {
        const p = principalOf(request);
        if (p.kind !== "tenant") throw new HttpError(404, "not_found", "an admin token belongs to no portal session");
        return { id: p.sessionId, tenant: p.tenant, read_only: p.readOnly, expires_at: iso(p.expiresAt) };
      },
      {
        response: { 200: CurrentPortalSession },
        detail: { ...doc("The portal session of the token presented: its tenant, whether it may only read, when it expires", "getCurrentPortalSession"), security: [{ portalToken: [] }] },
      },
    );
}
