/**
 * @module admin/access
 * Every admin route needs an admin token; an ingest token is refused (401).
 * The check runs in `transform`, before validation, so an unauthenticated
 * caller learns nothing about the parameters; routes with a body check in
 * `parse` too, because Elysia reads the body before `transform`.
 */
import { Elysia } from "elysia";
import { requireToken, type TokenSets } from "../http/auth";
import { jsonBody } from "../http/body";

export interface AdminAccessDeps {
  readonly tokens: () => TokenSets;
  readonly maxBodyBytes: () => number;
}

/** An Elysia instance whose routes all require an admin token, and the parse hook for JSON bodies. */
export function adminGroup(name: string, deps: AdminAccessDeps) {
  const guard = requireToken("admin", deps.tokens);
  const readJson = jsonBody(deps.maxBodyBytes);
  // Destructured, not passed on whole: Elysia reads a hook's parameters to
  // decide what to prepare per request, and a context used as a whole makes
  // it parse cookies, the query and every header for every call.
  const parseJson = ({ request }: { request: Request }) => {
    guard({ request });
    return readJson({ request });
  };
  const app = new Elysia({ name, normalize: false }).onTransform(guard);
  return { app, parseJson };
}

/** Marks an operation as needing the admin token in the OpenAPI document. */
export const ADMIN_SECURITY = [{ adminToken: [] }];
