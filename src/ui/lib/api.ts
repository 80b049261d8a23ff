/**
 * @module ui/lib/api
 * The dashboard's only way to the daemon: the public HTTP API, with the
 * session's token as `Authorization: Bearer` on every call and no cookies.
 * A 401 ends the session and sends the user back to sign-in.
 */
import { currentSession, signOut } from "./session";

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The sentence the sign-in page shows after the API refused the token. */
export const REFUSED = "The API refused the token (401): it was changed or removed. Sign in again with a valid admin token.";

/** Calls the API with `token` (default: the session's) and answers the JSON body. */
export async function api<T>(method: string, path: string, body?: unknown, token = currentSession()?.token): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
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
  const error = (json as { error?: { code?: string; message?: string } } | null)?.error;
  if (res.status === 401 && token === currentSession()?.token) signOut(REFUSED);
  throw new ApiError(res.status, error?.code ?? "http_error", error?.message ?? `the API answered ${res.status}`);
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
