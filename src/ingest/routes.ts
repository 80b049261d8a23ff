/**
 * @module ingest/routes
 * `POST /v1/events` and `POST /v1/events/batch`.
 */
import { Elysia } from "elysia";
import { requireToken, type TokenSets } from "../http/auth";
import { jsonBody } from "../http/body";
import { HttpError } from "../http/errors";
import type { Ingest } from "./accept";
import { Accepted, BatchAccepted, BatchBody, Duplicate, EVENT_ID_PATTERN, EventBody } from "./schema";

export interface IngestRouteDeps {
  readonly ingest: Ingest;
  readonly tokens: () => TokenSets;
  readonly maxBodyBytes: () => number;
  /** True while draining: ingest answers 503 so clients go elsewhere or retry. */
  readonly draining: () => boolean;
}

const ID_RE = new RegExp(EVENT_ID_PATTERN);

export function ingestRoutes(deps: IngestRouteDeps) {
  const guard = requireToken("ingest", deps.tokens);
  const notDraining = () => {
    if (deps.draining()) {
      throw new HttpError(503, "shutting_down", "hookrelay is shutting down; retry shortly", undefined, { "retry-after": "5" });
    }
  };
  const readJson = jsonBody(deps.maxBodyBytes);
  // Elysia parses before beforeHandle runs; checking here refuses a bad token before the body is read.
  // The context is destructured, not passed on whole: Elysia reads a hook's parameters to decide what
  // to prepare per request, and a context used as a whole makes it parse cookies, the query and every
  // header for every event.
  const parse = ({ request }: { request: Request }) => {
    guard({ request });
    notDraining();
    return readJson({ request });
  };
  return new Elysia({ name: "ingest", normalize: false })
    .post(
      "/v1/events",
      async ({ body, request, set }) => {
        const key = request.headers.get("idempotency-key");
        if (key !== null && !ID_RE.test(key)) {
          throw new HttpError(400, "invalid_idempotency_key", "Idempotency-Key must match [A-Za-z0-9_-]{1,128}");
        }
        const answer = await deps.ingest.accept(body, key);
        set.status = answer.status;
        return answer.body;
      },
      {
        parse,
        body: EventBody,
        response: { 200: Duplicate, 202: Accepted },
        detail: { summary: "Ingest one event", tags: ["ingest"] },
      },
    )
    .post(
      "/v1/events/batch",
      async ({ body, set }) => {
        const answer = await deps.ingest.acceptBatch(body.events);
        set.status = answer.status;
        return answer.body;
      },
      {
        parse,
        body: BatchBody,
        response: { 200: BatchAccepted, 202: BatchAccepted },
        detail: { summary: "Ingest up to 1000 events, all or nothing", tags: ["ingest"] },
      },
    );
}
