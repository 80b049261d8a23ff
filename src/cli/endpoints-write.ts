/**
 * @module cli/endpoints-write
 * The endpoint actions that change endpoints created over the API
 * (interface.md §9): `create`, `update ID` (a JSON merge patch of only the
 * keys given), `delete ID` and `rotate-secret ID`. A secret is printed only
 * where the API shows it, in the answer of a create or a rotation, once and
 * labelled; `--json` prints that answer as it came.
 */
import type { CreatedEndpoint, EndpointView, RotatedSecret } from "./api-types";
import { parseAction } from "./args";
import { adminClient, segment } from "./client";
import type { EndpointAction } from "./endpoints";
import { type CliIo, UsageError } from "./io";
import { printFields, printJson, withRelative } from "./output";

/** Flags that set an endpoint's keys, the same for create and update. */
const SETTINGS = {
  url: { type: "string" },
  event: { type: "string", multiple: true },
  scheme: { type: "string" },
  header: { type: "string" },
  description: { type: "string" },
} as const;

interface Settings {
  readonly url?: string | undefined;
  readonly event?: string[] | undefined;
  readonly scheme?: string | undefined;
  readonly header?: string | undefined;
  readonly description?: string | undefined;
}

/** The API's keys for the settings given; a key left out is left alone. */
function settingsBody(s: Settings): Record<string, unknown> {
  const signature = { ...(s.scheme === undefined ? {} : { scheme: s.scheme }), ...(s.header === undefined ? {} : { header: s.header }) };
  return {
    ...(s.url === undefined ? {} : { url: s.url }),
    ...(s.event === undefined ? {} : { events: s.event }),
    ...(Object.keys(signature).length === 0 ? {} : { signature }),
    ...(s.description === undefined ? {} : { description: s.description }),
  };
}

const CREATE_USAGE =
  "hookrelay endpoints create --url URL --event TYPE... [--id ID] [--tenant T] [--scheme S] [--header NAME] [--secret S] [--description TEXT] [--idempotency-key KEY] [--json]";
const CREATE_OPTIONS = {
  ...SETTINGS,
  id: { type: "string" },
  tenant: { type: "string" },
  secret: { type: "string" },
  "idempotency-key": { type: "string" },
} as const;

export const CREATE: EndpointAction = {
  usage: CREATE_USAGE,
  options: CREATE_OPTIONS,
  run: async (argv, io) => {
    const { values } = parseAction(argv, CREATE_OPTIONS, 0, CREATE_USAGE);
    if (values.url === undefined || values.event === undefined) throw new UsageError(`create needs --url and at least one --event; usage: ${CREATE_USAGE}`);
    const body = {
      ...(values.id === undefined ? {} : { id: values.id }),
      ...(values.tenant === undefined ? {} : { tenant: values.tenant }),
      ...settingsBody(values),
      ...(values.secret === undefined ? {} : { secret: values.secret }),
    };
    const key = values["idempotency-key"];
    const answer = await adminClient(values.config, io).postWithStatus<CreatedEndpoint>("/v1/endpoints", body, key === undefined ? {} : { "idempotency-key": key });
    if (values.json) return printJson(io, answer.body);
    const { secret, ...endpoint } = answer.body;
    printFields(io, endpoint);
    io.stdout(`\nsecret: ${secret}\n`);
    io.stderr(
      answer.status === 201
        ? `created endpoint ${endpoint.id}; its signing secret is shown only this once: store it where the receiver verifies signatures\n`
        : `endpoint ${endpoint.id} was already created with this idempotency key; nothing new was created\n`,
    );
  },
};

const UPDATE_USAGE =
  "hookrelay endpoints update ID [--url URL] [--event TYPE]... [--enabled true|false] [--description TEXT] [--scheme S] [--header NAME] [--json]";
const UPDATE_OPTIONS = { ...SETTINGS, enabled: { type: "string" } } as const;

export const UPDATE: EndpointAction = {
  usage: UPDATE_USAGE,
  options: UPDATE_OPTIONS,
  run: async (argv, io) => {
    const { values, ids: [id] } = parseAction(argv, UPDATE_OPTIONS, 1, UPDATE_USAGE);
    const patch = { ...settingsBody(values), ...(values.enabled === undefined ? {} : { enabled: trueOrFalse(values.enabled) }) };
    if (Object.keys(patch).length === 0) throw new UsageError(`update needs at least one setting to change; usage: ${UPDATE_USAGE}`);
    const endpoint = await adminClient(values.config, io).patch<EndpointView & Record<string, unknown>>(`/v1/endpoints/${segment(id!)}`, patch);
    if (values.json) return printJson(io, endpoint);
    printFields(io, endpoint);
  },
};

const DELETE_USAGE = "hookrelay endpoints delete ID [--json]";

export const DELETE: EndpointAction = {
  usage: DELETE_USAGE,
  options: {},
  run: async (argv, io) => {
    const { values, ids: [id] } = parseAction(argv, {}, 1, DELETE_USAGE);
    await adminClient(values.config, io).delete(`/v1/endpoints/${segment(id!)}`);
    // The API answers 204 with no body; --json still prints one document.
    if (values.json) return printJson(io, { id, deleted: true });
    io.stdout(`${id} deleted\n`);
    io.stderr("its pending and held deliveries were cancelled; its id is never used again\n");
  },
};

const ROTATE_USAGE = "hookrelay endpoints rotate-secret ID [--grace 24h] [--secret S] [--json]";
const ROTATE_OPTIONS = { grace: { type: "string" }, secret: { type: "string" } } as const;

export const ROTATE_SECRET: EndpointAction = {
  usage: ROTATE_USAGE,
  options: ROTATE_OPTIONS,
  run: async (argv, io) => {
    const { values, ids: [id] } = parseAction(argv, ROTATE_OPTIONS, 1, ROTATE_USAGE);
    const body = { ...(values.grace === undefined ? {} : { grace: values.grace }), ...(values.secret === undefined ? {} : { secret: values.secret }) };
    const rotated = await adminClient(values.config, io).post<RotatedSecret>(`/v1/endpoints/${segment(id!)}/rotate-secret`, body);
    if (values.json) return printJson(io, rotated);
    const now = Date.now();
    const expires = rotated.previous_expires_at;
    printFields(io, { secret: rotated.secret, previous_expires_at: withRelative(expires, now) });
    const previous = Date.parse(expires) > now ? `the previous secret keeps signing until ${expires}` : "the previous secret no longer signs";
    io.stderr(`${previous}; the new secret is shown only this once: store it where the receiver verifies signatures\n`);
  },
};

function trueOrFalse(value: string): boolean {
  if (value === "true") return true;
  if (value === "false") return false;
  throw new UsageError("--enabled must be true or false");
}
