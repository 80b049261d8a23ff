/**
 * @module ui/lib/api
 * The dashboard's only way to the daemon: the public HTTP API, with the
 * session's token as `Authorization: Bearer` on every call and no cookies.
 * A 401 ends the session and sends the user back to sign-in, saying why.
 */
import { currentSession, refusedNotice, signOut } from "./session";

/** A bad field the API named in a 400 answer. */
export interface ErrorDetail {
  readonly field: string;
  readonly message: string;
}

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
  }
}

export interface CallOptions {
  /** Default: the session's. */
  readonly token?: string | undefined;
  /** Default: application/json. */
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

/** Calls the API and answers the JSON body (null for an empty one, as a 204 has). */
export async function api<T>(method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<T> {
  const { token = currentSession()?.token, contentType = "application/json", headers: extra = {} } = options;
  const headers: Record<string, string> = { accept: "application/json", ...extra };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = contentType;
  const res = await fetch(path, {
    method,
    headers,
    credentials: "omit",
    cache: "no-store",
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : null;
  if (res.ok) return json as T;
  const error = (json as { error?: { code?: string; message?: string; details?: ErrorDetail[] } } | null)?.error;
  const session = currentSession();
  if (res.status === 401 && session && token === session.token) signOut(refusedNotice(session));
  throw new ApiError(res.status, error?.code ?? "http_error", error?.message ?? `the API answered ${res.status}`, error?.details ?? []);
}

/** `path` with the query parameters that have a value. */
export function withQuery(path: string, query: Record<string, string | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") params.set(k, v);
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}

/** One path segment, encoded. */
export const seg = (id: string) => encodeURIComponent(id);
