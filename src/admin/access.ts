/**
 * @module admin/access
 * Who may call which admin route. Every request is authenticated once
 * (http/auth.ts) and its principal kept for the request; an ingest token is
 * refused (401). A portal session's tenant token may use only the routes in
 * TENANT_ROUTES — read ones, or write ones unless the session is read-only —
 * and is refused (403) everywhere else: deny by default, so a new route is
 * admin-only until it is listed here. Routes then take the caller's scope
 * (`scopeOf`) into every read and write, so a tenant sees only its own.
 *
 * The check runs in `transform`, before validation, so an unauthenticated
 * caller learns nothing about the parameters; routes with a body
 * authenticate in `parse` too, because Elysia reads the body before `transform`.
 */
import { Elysia } from "elysia";
import { type AuthDeps, authenticate, forbidden, type Principal } from "../http/auth";
import { jsonBody } from "../http/body";
import { HttpError } from "../http/errors";
import { ALL_TENANTS, type Scope, tenantScope } from "../scope";

export interface AdminAccessDeps {
  readonly auth: AuthDeps;
  readonly maxBodyBytes: () => number;
}

/** Admin routes a portal session may call (interface.md §9), by `METHOD path`. */
export const TENANT_ROUTES: ReadonlyMap<string, "read" | "write"> = new Map([
  ["GET /v1/endpoints", "read"],
  ["POST /v1/endpoints", "write"],
  ["GET /v1/endpoints/:id", "read"],
  ["PATCH /v1/endpoints/:id", "write"],
  ["DELETE /v1/endpoints/:id", "write"],
  ["POST /v1/endpoints/:id/rotate-secret", "write"],
  ["POST /v1/endpoints/:id/enable", "write"],
  ["POST /v1/endpoints/:id/disable", "write"],
  ["POST /v1/endpoints/:id/test", "write"],
  ["GET /v1/endpoints/:id/stats", "read"],
  ["GET /v1/deliveries", "read"],
  ["GET /v1/deliveries/count", "read"],
  ["GET /v1/deliveries/:id", "read"],
  ["POST /v1/deliveries/:id/retry", "write"],
  ["POST /v1/deliveries/retry", "write"],
  ["GET /v1/events/:id", "read"],
  ["GET /v1/portal/session", "read"],
]);

const principals = new WeakMap<Request, Principal>();

/** The principal of an admin request (authenticated in its hooks). */
export function principalOf(request: Request): Principal {
  const p = principals.get(request);
  // Every admin route authenticates in transform; a handler without a principal is a wiring mistake.
  if (!p) throw new Error("admin request handled without authentication");
  return p;
}

/** Whose objects the caller may see and change. */
export function scopeOf(request: Request): Scope {
  const p = principalOf(request);
  return p.kind === "tenant" ? tenantScope(p.tenant) : ALL_TENANTS;
}

/** An Elysia instance whose routes all pass the access rules above, and the parse hook for JSON bodies. */
export function adminGroup(name: string, deps: AdminAccessDeps) {
  const identify = async (request: Request): Promise<Principal> => {
    let p = principals.get(request);
    if (!p) {
      p = await authenticate(request, deps.auth);
      if (p.kind === "ingest") throw new HttpError(401, "unauthorized", "the token is not valid for the admin API");
      principals.set(request, p);
    }
    return p;
  };
  const check = async ({ request, route }: { request: Request; route: string }): Promise<void> => {
    const p = await identify(request);
    if (p.kind !== "tenant") return;
    const access = TENANT_ROUTES.get(`${request.method} ${route}`);
    if (!access) throw forbidden("this route needs an admin token");
    if (access === "write" && p.readOnly) throw forbidden("this portal session may only read");
  };
  const readJson = jsonBody(deps.maxBodyBytes);
  // Destructured, not passed on whole: Elysia reads a hook's parameters to
  // decide what to prepare per request, and a context used as a whole makes
  // it parse cookies, the query and every header for every call.
  const parseJson = async ({ request }: { request: Request }) => {
    await identify(request);
    return readJson({ request });
  };
  const app = new Elysia({ name, normalize: false }).onTransform(check);
  return { app, parseJson };
}

/** Marks an operation as needing the admin token in the OpenAPI document. */
export const ADMIN_SECURITY: Record<string, string[]>[] = [{ adminToken: [] }];
/** Marks an operation a portal session may call too. */
export const TENANT_SECURITY: Record<string, string[]>[] = [{ adminToken: [] }, { portalToken: [] }];
