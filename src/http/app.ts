/**
 * @module http/app
 * Builds the HTTP application from its route groups and holds the ONE error
 * boundary: every failure leaves as `{"error": {"code", "message", "details"?}}`
 * with its status; anything unexpected becomes an opaque 500, logged once here.
 */
import { Elysia, ValidationError } from "elysia";
import type { Logger } from "../log";
import { type ErrorDetail, HttpError } from "./errors";

export interface AppDeps {
  readonly log: Logger;
  /** Route groups (ingest, admin, health), mounted in order. */
  readonly routes: readonly Elysia<any, any, any, any, any, any, any>[];
}

/** The whole HTTP API as one Elysia app (not yet listening). */
export function createApp(deps: AppDeps) {
  const app = new Elysia({ normalize: false })
    .onError(({ error, code, request }) => {
      // Errors thrown by a parse hook arrive wrapped in Elysia's ParseError.
      const cause = (error as { cause?: unknown }).cause;
      if (error instanceof HttpError) return render(error);
      if (cause instanceof HttpError) return render(cause);
      if (code === "VALIDATION" && error instanceof ValidationError) return render(validationError(error));
      if (code === "NOT_FOUND") return render(new HttpError(404, "not_found", `no route for ${request.method} ${new URL(request.url).pathname}`));
      if (code === "PARSE") return render(new HttpError(400, "invalid_json", "the body could not be parsed"));
      deps.log.error("request failed", { method: request.method, path: new URL(request.url).pathname, error: describe(error) });
      return render(new HttpError(500, "internal", "internal error; see the hookrelay log"));
    });
  for (const group of deps.routes) app.use(group);
  return app;
}

function validationError(error: ValidationError): HttpError {
  // TypeBox reports a missing property twice (missing, then wrong type): keep the first word per field.
  const byField = new Map<string, string>();
  for (const e of error.all) {
    const field = "path" in e && e.path ? e.path : "/";
    // A schema's own `error` text (e.g. the allowed values of a union) reads better than TypeBox's generic one.
    const own = "schema" in e && typeof e.schema?.error === "string" ? e.schema.error : null;
    if (!byField.has(field)) byField.set(field, own ?? ("summary" in e && e.summary ? e.summary : e.message));
  }
  const details: ErrorDetail[] = [...byField].map(([field, message]) => ({ field, message }));
  const fields = [...byField.keys()].join(", ");
  const part = error.type === "query" ? "query" : error.type === "params" ? "path" : "body";
  return new HttpError(400, `invalid_${part}`, `the ${part} does not match the schema (${fields})`, details);
}

function render(err: HttpError): Response {
  const body = { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } };
  return new Response(JSON.stringify(body), {
    status: err.status,
    headers: { "content-type": "application/json", ...err.headers },
  });
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
