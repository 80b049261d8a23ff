/**
 * @module cli/client
 * The one HTTP client the CLI uses to talk to a running daemon. Every way a
 * call can fail becomes a CliError with one sentence an operator can act on:
 * nothing listening, a refused token, or the API's own `{error: {message}}`
 * (for a 400, each bad field by name, as the API's details list them).
 */
import { childPath } from "../config/locations";
import { CliError, type CliIo } from "./io";
import { resolveTarget, type Target } from "./target";

/** A bulk retry walks the whole table; give it far longer than a single lookup. */
const REQUEST_TIMEOUT_MS = 120_000;

/** An answer with its status, for routes whose status tells something (201 created, 200 repeated). */
export interface Answer<T> {
  readonly status: number;
  readonly body: T;
}

export interface AdminClient {
  get<T>(path: string, query?: Readonly<Record<string, string | undefined>>): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  /** Posts `json`, a body already written as JSON text, byte for byte. */
  postJson<T>(path: string, json: string): Promise<T>;
  /** POST with extra headers (Idempotency-Key), answering the status too. */
  postWithStatus<T>(path: string, body: unknown, headers: Readonly<Record<string, string>>): Promise<Answer<T>>;
  patch<T>(path: string, body: unknown): Promise<T>;
  /** DELETE, which answers 204 and no body. */
  delete(path: string): Promise<void>;
}

/** A client for the daemon at `target`. */
export function createClient(target: Target): AdminClient {
  const call = async <T>(method: string, path: string, body?: string, headers: Readonly<Record<string, string>> = {}): Promise<Answer<T>> => {
    const url = `${target.url}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          ...headers,
          authorization: `Bearer ${target.token}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body }),
        redirect: "manual",
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      throw new CliError(unreachable(target, err));
    }
    const text = await response.text();
    if (response.status === 401) {
      throw new CliError(`hookrelay at ${target.url} refused the token from ${target.from}; check HOOKRELAY_ADMIN_TOKEN or auth.admin_tokens`);
    }
    if (!response.ok) throw new CliError(apiMessage(response.status, text, `${method} ${path}`));
    if (response.status === 204) return { status: 204, body: undefined as T };
    try {
      return { status: response.status, body: JSON.parse(text) as T };
    } catch {
      throw new CliError(`${target.url} answered ${method} ${path} with something that is not JSON; is it hookrelay?`);
    }
  };
  const bodyOf = async <T>(answer: Promise<Answer<T>>): Promise<T> => (await answer).body;
  return {
    get: (path, query) => bodyOf(call("GET", withQuery(path, query))),
    post: (path, body) => bodyOf(call("POST", path, JSON.stringify(body ?? {}))),
    postJson: (path, json) => bodyOf(call("POST", path, json)),
    postWithStatus: (path, body, headers) => call("POST", path, JSON.stringify(body), headers),
    patch: (path, body) => bodyOf(call("PATCH", path, JSON.stringify(body))),
    delete: async (path) => void (await call("DELETE", path)),
  };
}

/** A client for the daemon that `--config` (or the environment) names, with an admin token. */
export function adminClient(configFlag: string | undefined, io: CliIo): AdminClient {
  return createClient(resolveTarget(configFlag, "admin", io));
}

/** Path segments from the command line (ids) are escaped so they cannot change the route. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}

function withQuery(path: string, query: Readonly<Record<string, string | undefined>> | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, value);
  const qs = params.toString();
  return qs === "" ? path : `${path}?${qs}`;
}

function unreachable(target: Target, err: unknown): string {
  const reason = err instanceof Error && err.name === "TimeoutError" ? "no answer in time" : "nothing answered";
  return `cannot reach hookrelay at ${target.url} (${reason}); is it running? The address comes from ${target.from} (or set HOOKRELAY_URL)`;
}

interface ApiError {
  readonly message?: unknown;
  readonly details?: unknown;
}

function apiMessage(status: number, text: string, what: string): string {
  let error: ApiError | undefined;
  try {
    error = (JSON.parse(text) as { error?: ApiError }).error;
  } catch {
    // Not our error shape: fall through to the status line.
  }
  // A 400 names each bad field; those names say more than the summary does.
  const fields = status === 400 ? fieldProblems(error?.details) : [];
  if (fields.length > 0) return `${fields.join("; ")} (HTTP ${status})`;
  if (typeof error?.message === "string" && error.message !== "") return `${error.message} (HTTP ${status})`;
  return `${what} failed with HTTP ${status}`;
}

/** `[{field: "/events/0", message}]` → `events[0]: message`, fields named as in the config file. */
function fieldProblems(details: unknown): string[] {
  if (!Array.isArray(details)) return [];
  return details.flatMap((d: { field?: unknown; message?: unknown }) =>
    typeof d?.field === "string" && typeof d.message === "string" ? [`${keyPath(d.field)}: ${d.message}`] : [],
  );
}

/** A JSON pointer as a config key path: `/signature/header` → `signature.header`; `/` is the body itself. */
function keyPath(pointer: string): string {
  const segments = pointer.split("/").slice(1).filter((s) => s !== "").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
  if (segments.length === 0) return "body";
  return segments.reduce<string>((path, s) => childPath(path, /^(0|[1-9][0-9]*)$/.test(s) && path !== "" ? Number(s) : s), "");
}
