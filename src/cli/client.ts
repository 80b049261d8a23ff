/**
 * @module cli/client
 * The one HTTP client the CLI uses to talk to a running daemon. Every way a
 * call can fail becomes a CliError with one sentence an operator can act on:
 * nothing listening, a refused token, or the API's own `{error: {message}}`.
 */
import { CliError } from "./io";
import type { Target } from "./target";

/** A bulk retry walks the whole table; give it far longer than a single lookup. */
const REQUEST_TIMEOUT_MS = 120_000;

export interface AdminClient {
  get<T>(path: string, query?: Readonly<Record<string, string | undefined>>): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  /** Posts `json`, a body already written as JSON text, byte for byte. */
  postJson<T>(path: string, json: string): Promise<T>;
}

/** A client for the daemon at `target`. */
export function createClient(target: Target): AdminClient {
  const call = async <T>(method: string, path: string, body?: string): Promise<T> => {
    const url = `${target.url}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
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
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(`${target.url} answered ${method} ${path} with something that is not JSON; is it hookrelay?`);
    }
  };
  return {
    get: (path, query) => call("GET", withQuery(path, query)),
    post: (path, body) => call("POST", path, JSON.stringify(body ?? {})),
    postJson: (path, json) => call("POST", path, json),
  };
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

function apiMessage(status: number, text: string, what: string): string {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === "string" && message !== "") return `${message} (HTTP ${status})`;
  } catch {
    // Not our error shape: fall through to the status line.
  }
  return `${what} failed with HTTP ${status}`;
}
