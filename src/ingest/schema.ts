/**
 * @module ingest/schema
 * Request bodies of the ingest API. The routes validate with these and the
 * OpenAPI document is generated from them, so the two cannot drift.
 */
import { t } from "elysia";
import { TENANT_PATTERN } from "../config/schema";
import { MAX_JSON_DEPTH } from "../http/body";
import { ResponseInteger } from "../http/response-integer";

export const EVENT_ID_PATTERN = "^[A-Za-z0-9_-]{1,128}$";
const DATA_DESCRIPTION =
  "The payload: any JSON object. Stored and sent as posted (every token and key order kept, whitespace between tokens removed). " +
  `A body nests at most ${MAX_JSON_DEPTH} arrays and objects deep (400 too_deep).`;
/** At most this many events in one batch request. */
export const MAX_BATCH = 1000;

export const EventBody = t.Object(
  {
    type: t.String({ pattern: "^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,255}$", description: "Event type, e.g. scan.completed" }),
    data: t.Object({}, { additionalProperties: true, description: DATA_DESCRIPTION }),
    id: t.Optional(t.String({ pattern: EVENT_ID_PATTERN, description: "Idempotency id; generated when absent" })),
    endpoints: t.Optional(t.Array(t.String({ minLength: 1 }), { maxItems: 1000, description: "Only these endpoints" })),
    ordering_key: t.Optional(t.String({ minLength: 1, maxLength: 256 })),
    occurred_at: t.Optional(t.String({ description: "ISO-8601 time with a zone" })),
    tenant: t.Optional(t.String({ pattern: TENANT_PATTERN, description: "The customer it is for: it reaches only endpoints of the same tenant" })),
  },
  { additionalProperties: false },
);

export const BatchBody = t.Object(
  { events: t.Array(EventBody, { minItems: 1, maxItems: MAX_BATCH }) },
  { additionalProperties: false },
);

export const Accepted = t.Object({ id: t.String(), deliveries: ResponseInteger() });
export const Duplicate = t.Object({ id: t.String(), duplicate: t.Literal(true) });
export const BatchAccepted = t.Object({
  ids: t.Array(t.String()),
  deliveries: ResponseInteger(),
  duplicates: t.Optional(t.Array(t.String())),
});

export type EventInput = typeof EventBody.static;
