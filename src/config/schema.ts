/**
 * @module config/schema
 * The TypeBox schema of the YAML document as written (before defaults). It is the
 * one description of what keys exist: the loader validates against it and
 * scripts/config-schema.ts writes it out as config.schema.json for editors.
 * `errorMessage` is what `check` says when a value does not fit.
 */
import { type Static, type TSchema, Type } from "@sinclair/typebox";
import type { SchemeName } from "./types";
import { DURATION_PATTERN } from "./duration";

/** Every signature scheme, in the order the docs list them. */
export const SCHEME_NAMES: readonly SchemeName[] = ["standard-webhooks", "hmac-sha256-hex", "hmac-sha256-prefixed", "timestamped", "none"];

function oneOf<T extends string>(values: readonly T[], description: string) {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    { description, errorMessage: `expected one of ${values.join(", ")}` },
  );
}

function strict<T extends Record<string, TSchema>>(properties: T, description: string) {
  return Type.Object(properties, { additionalProperties: false, description });
}

const Duration = Type.String({
  pattern: DURATION_PATTERN,
  description: "A duration: a number and a unit, like 250ms, 30s, 5m, 1h or 7d.",
  errorMessage: "expected a duration like 30s or 5m",
});

/**
 * An origin as a CSP source expression. Nothing else gets through (no spaces,
 * quotes or semicolons), so a value cannot add directives to the policy.
 */
const FRAME_ANCESTOR_PATTERN = "^https?://(\\*\\.)?[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?$";

const NonEmpty = Type.String({ minLength: 1 });
const PositiveInteger = Type.Integer({ minimum: 1 });

const Signature = strict(
  {
    scheme: oneOf(SCHEME_NAMES, "How deliveries are signed."),
    header: Type.Optional(Type.String({ minLength: 1, description: "Signature header, for hmac-sha256-hex, hmac-sha256-prefixed and timestamped only." })),
  },
  "Signature scheme and, for the single-header schemes, the header name.",
);

const Envelope = Type.Union(
  [
    strict({ id: NonEmpty, type: NonEmpty, timestamp: NonEmpty, data: NonEmpty }, "Key names of the JSON body sent."),
    Type.Literal("raw", { description: "Send the event's data as the body, unwrapped." }),
  ],
  { description: "The body sent to the endpoint.", errorMessage: 'expected a mapping {id, type, timestamp, data} or "raw"' },
);

const DelayList = Type.Array(Duration, { minItems: 1, description: "One delay per attempt, each counted from the previous failure." });

const Retry = Type.Union(
  [
    DelayList,
    strict(
      {
        attempts: Type.Integer({ minimum: 1, description: "Attempts in total, the first immediate." }),
        initial: Duration,
        multiplier: Type.Optional(Type.Number({ minimum: 1, description: "Growth of each delay over the previous one (default 2)." })),
        max: Type.Optional(Duration),
        max_age: Type.Optional(Duration),
      },
      "Exponential timetable.",
    ),
    strict({ delays: DelayList, max_age: Type.Optional(Duration) }, "A list of delays with a bound on the whole schedule."),
  ],
  {
    description: "The retry timetable.",
    errorMessage: "expected a list of durations, {attempts, initial, multiplier, max, max_age} or {delays, max_age}",
  },
);

const FilterScalar = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()], {
  errorMessage: "expected a string, number, boolean or null",
});

const Filter = Type.Record(
  Type.String(),
  Type.Union([FilterScalar, Type.Array(FilterScalar, { minItems: 1 })], {
    errorMessage: "expected a value or a non-empty list of values to match",
  }),
  { description: "Dot-paths into the event (data.severity) and the value, or values, they must equal." },
);

/** The settings `defaults:` gives every endpoint and each endpoint may override. */
const policy = {
  timeout: Type.Optional(Duration),
  retry: Type.Optional(Retry),
  jitter: Type.Optional(
    Type.String({ pattern: "^[0-9]+(\\.[0-9]+)?%$", description: "Random extra added to each retry delay.", errorMessage: "expected a percentage like 10%" }),
  ),
  disable_after: Type.Optional(
    Type.Union([Duration, PositiveInteger], {
      description: "Disable the endpoint after failing this long, or after this many consecutive failed attempts.",
      errorMessage: "expected a duration like 5d or a whole number of failed attempts (at least 1)",
    }),
  ),
  max_in_flight: Type.Optional(Type.Integer({ minimum: 1, description: "Requests in flight to one endpoint; below delivery.concurrency." })),
  signature: Type.Optional(Signature),
  envelope: Type.Optional(Envelope),
  headers: Type.Optional(
    Type.Record(Type.String(), Type.String({ errorMessage: "expected a string (quote numbers)" }), {
      description: "Extra request headers; values may use {event.id}, {event.type}, {delivery.id}, {delivery.seq}, {attempt}, {timestamp}.",
    }),
  ),
  rate_limit: Type.Optional(
    Type.String({ pattern: "^[1-9][0-9]*/(s|m)$", description: "At most N attempts per second or minute.", errorMessage: "expected a rate like 50/s or 600/m" }),
  ),
  ordering: Type.Optional(oneOf(["fifo", "none"], "fifo delivers in ingest order, one at a time, per ordering key.")),
};

/** Tenant names, on endpoints and events alike (interface.md §9). */
export const TENANT_PATTERN = "^[A-Za-z0-9_.:-]{1,128}$";
/** Endpoint ids, from the YAML file or the endpoint API: one namespace. */
export const ENDPOINT_ID_PATTERN = "^[a-z0-9_-]{1,128}$";
/** An endpoint's metadata holds at most this many values. */
export const MAX_METADATA_KEYS = 16;

const Endpoint = strict(
  {
    id: Type.String({
      pattern: ENDPOINT_ID_PATTERN,
      description: "Stable id; deliveries refer to it.",
      errorMessage: "expected an id of lowercase letters, digits, - and _, at most 128 of them",
    }),
    tenant: Type.Optional(
      Type.String({
        pattern: TENANT_PATTERN,
        description: "The customer this endpoint belongs to: it receives only events of the same tenant.",
        errorMessage: "expected a tenant of up to 128 letters, digits, _ . : and -",
      }),
    ),
    description: Type.Optional(Type.String({ maxLength: 1024, description: "Free text for people.", errorMessage: "expected a text of at most 1024 characters" })),
    metadata: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 128 }), Type.String({ maxLength: 1024, errorMessage: "expected a string of at most 1024 characters" }), {
        maxProperties: MAX_METADATA_KEYS,
        description: `Up to ${MAX_METADATA_KEYS} string values for the application's own use.`,
        errorMessage: `expected a mapping of at most ${MAX_METADATA_KEYS} string values`,
      }),
    ),
    url: Type.String({ description: "http or https URL the deliveries are POSTed to." }),
    events: Type.Array(NonEmpty, { minItems: 1, description: 'Event types: exact, "prefix.*" or "*".' }),
    secret: Type.Optional(Type.String({ description: "Signing secret." })),
    secret_file: Type.Optional(Type.String({ minLength: 1, description: "File holding the signing secret (trailing whitespace trimmed)." })),
    secrets: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: "Signing secrets, newest first, for rotation." })),
    filter: Type.Optional(Filter),
    enabled: Type.Optional(Type.Boolean()),
    ...policy,
  },
  "One receiver of webhooks.",
);

const Tokens = Type.Array(Type.String(), { description: "Bearer tokens; empty strings are ignored." });

/** The whole config file as written. */
export const ConfigDocument = strict(
  {
    server: Type.Optional(
      strict(
        {
          listen: Type.Optional(Type.String({ description: "host:port or [v6]:port for the ingest and admin API." })),
          max_body_bytes: Type.Optional(PositiveInteger),
          shutdown_grace: Type.Optional(Duration),
          ui: Type.Optional(Type.Boolean({ description: "Serve the dashboard at /ui/ (default true)." })),
          ui_frame_ancestors: Type.Optional(
            Type.Array(
              Type.String({
                pattern: FRAME_ANCESTOR_PATTERN,
                description: "An origin such as https://vendor.example or https://*.vendor.example.",
                errorMessage: "expected an origin: http(s)://host[:port], the host optionally starting with *.",
              }),
              { description: "Origins whose pages may embed the dashboard in a frame (default: none)." },
            ),
          ),
          public_url: Type.Optional(
            Type.String({ pattern: "^https?://[^\\s/?#]+(/[^\\s?#]*)?$", description: "Where people reach hookrelay (portal links start with it); default http:// and server.listen.", errorMessage: "expected an http or https URL without query or fragment" }),
          ),
        },
        "The HTTP server.",
      ),
    ),
    storage: Type.Optional(
      strict(
        {
          driver: Type.Optional(oneOf(["sqlite", "postgres"], "Where the outbox lives: a SQLite file, or a PostgreSQL database several nodes share.")),
          url: Type.Optional(Type.String({ minLength: 1, description: "PostgreSQL connection URL, postgres://user:password@host:5432/db (a credential)." })),
          url_file: Type.Optional(Type.String({ minLength: 1, description: "File holding url (trailing whitespace trimmed)." })),
          pool: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: "PostgreSQL connections per node." })),
          lease: Type.Optional(Duration),
          path: Type.Optional(Type.String({ minLength: 1, description: "SQLite file, relative to this config file." })),
          retention: Type.Optional(Duration),
          failed_retention: Type.Optional(Duration),
          sync: Type.Optional(oneOf(["full", "normal"], "SQLite synchronous mode: full survives power loss.")),
          encryption_key: Type.Optional(Type.String({ description: "Key for secrets at rest: 32 bytes as base64 or 64 hex digits." })),
          encryption_key_file: Type.Optional(Type.String({ minLength: 1, description: "File holding encryption_key (trailing whitespace trimmed)." })),
          encryption_keys: Type.Optional(
            Type.Array(Type.String(), { minItems: 1, description: "Keys for secrets at rest, newest first: stored secrets are re-encrypted to the first." }),
          ),
        },
        "The outbox: a SQLite file (default) or a PostgreSQL database.",
      ),
    ),
    auth: Type.Optional(strict({ ingest_tokens: Type.Optional(Tokens), admin_tokens: Type.Optional(Tokens) }, "API tokens.")),
    delivery: Type.Optional(strict({ concurrency: Type.Optional(PositiveInteger) }, "Delivery limits for the whole process.")),
    network: Type.Optional(
      strict({ allow: Type.Optional(Type.Array(Type.String(), { description: "CIDR ranges endpoints may reach although private." })) }, "Where endpoints may connect."),
    ),
    log: Type.Optional(strict({ level: Type.Optional(oneOf(["debug", "info", "warn", "error"], "Least severe level logged.")), format: Type.Optional(oneOf(["json", "text"], "Log line format.")) }, "Logging.")),
    endpoint_api: Type.Optional(
      strict(
        {
          max_per_tenant: Type.Optional(Type.Integer({ minimum: 1, description: "Endpoints one tenant may create over the API." })),
          require_https: Type.Optional(Type.Boolean({ description: "Refuse http: URLs for endpoints created over the API." })),
        },
        "Endpoints registered at run time over the API.",
      ),
    ),
    defaults: Type.Optional(strict(policy, "Settings every endpoint inherits.")),
    endpoints: Type.Optional(Type.Array(Endpoint, { description: "Where events are delivered." })),
  },
  "hookrelay configuration",
);

/** The document as written, once it fits the schema. */
export type RawConfig = Static<typeof ConfigDocument>;
/** One endpoint as written. */
export type RawEndpoint = Static<typeof Endpoint>;
/** The inheritable settings as written (`defaults:` or an endpoint's own). */
export type RawPolicy = NonNullable<RawConfig["defaults"]>;
/** `retry` in any of its three forms. */
export type RawRetry = Static<typeof Retry>;
/** `envelope` as a mapping or `raw`. */
export type RawEnvelope = Static<typeof Envelope>;

/** One endpoint's schema: the semantic checks keep an endpoint's settings that fit it and check those. */
export const EndpointSchema = Endpoint;
