/**
 * @module ingest/routes
 * `POST /v1/events` and `POST /v1/events/batch`.
 */
import { Elysia } from "elysia";
import { type AuthDeps, requireIngestToken } from "../http/auth";
import { readJson } from "../http/body";
import { HttpError } from "../http/errors";
import type { JsonPath } from "../http/json-scan";
import type { Ingest } from "./accept";
import { Accepted, BatchAccepted, BatchBody, Duplicate, EVENT_ID_PATTERN, EventBody } from "./schema";

export interface IngestRouteDeps {
  readonly ingest: Ingest;
  readonly auth: AuthDeps;
  readonly maxBodyBytes: () => number;
  /** True while draining: ingest answers 503 so clients go elsewhere or retry. */
  readonly draining: () => boolean;
}

const ID_RE = new RegExp(EVENT_ID_PATTERN);
/** Where each route's `data` sits: its text is stored and sent as posted, never re-serialised. */
const EVENT_DATA: JsonPath = ["data"];
const BATCH_DATA: JsonPath = ["events", "*", "data"];

export function ingestRoutes(deps: IngestRouteDeps) {
  const guard = requireIngestToken(deps.auth);
  const notDraining = () => {
    if (deps.draining()) {
      throw new HttpError(503, "shutting_down", "hookrelay is shutting down; retry shortly", undefined, { "retry-after": "5" });
    }
  };
  // The parse hook hands the handler its parsed body; the `data` texts it kept travel beside it, by request.
  const dataTexts = new WeakMap<Request, readonly (string | undefined)[]>();
  // Elysia parses before beforeHandle runs; checking here refuses a bad token before the body is read.
  // The context is destructured, not passed on whole: Elysia reads a hook's parameters to decide what
  // to prepare per request, and a context used as a whole makes it parse cookies, the query and every
  // header for every event.
  const parseKeeping =
    (data: JsonPath) =>
    async ({ request }: { request: Request }) => {
      // A configured token passes without a promise; only a refusal may need a session lookup.
      const refused = guard({ request });
      if (refused) await refused;
      notDraining();
      const body = await readJson(request, deps.maxBodyBytes(), data);
      dataTexts.set(request, body.kept);
      return body.value;
    };
  // The body schema requires every `data` to be an object, and the scan keeps every object at its path.
  const dataJson = (request: Request, i: number) => dataTexts.get(request)![i]!;
  return new Elysia({ name: "ingest", normalize: false })
    .post(
      "/v1/events",
      async ({ body, request, set }) => {
        const key = request.headers.get("idempotency-key");
        if (key !== null && !ID_RE.test(key)) {
          throw new HttpError(400, "invalid_idempotency_key", "Idempotency-Key must match [A-Za-z0-9_-]{1,128}");
        }
        const answer = await deps.ingest.accept({ input: body, dataJson: dataJson(request, 0) }, key);
        set.status = answer.status;
        return answer.body;
      },
      {
        parse: parseKeeping(EVENT_DATA),
        body: EventBody,
        response: { 200: Duplicate, 202: Accepted },
        detail: { summary: "Ingest one event", operationId: "ingestEvent", tags: ["ingest"] },
      },
    )
    .post(
      "/v1/events/batch",
      async ({ body, request, set }) => {
        const answer = await deps.ingest.acceptBatch(body.events.map((input, i) => ({ input, dataJson: dataJson(request, i) })));
        set.status = answer.status;
        return answer.body;
      },
      {
        parse: parseKeeping(BATCH_DATA),
        body: BatchBody,
        response: { 200: BatchAccepted, 202: BatchAccepted },
        detail: { summary: "Ingest up to 1000 events, all or nothing", operationId: "ingestEvents", tags: ["ingest"] },
      },
    );
}
