/**
 * @module http/errors
 * The one error type routes throw. The HTTP error boundary (http/app.ts)
 * renders it as `{"error": {"code", "message", "details"?}}` with its status.
 */

export interface ErrorDetail {
  /** The offending field, as a JSON pointer into the request body (`/events/3/type`). */
  readonly field: string;
  readonly message: string;
}

export class HttpError extends Error {
  override readonly name = "HttpError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: readonly ErrorDetail[],
    /** Extra response headers, e.g. Retry-After on 503. */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
  }
}

/** Storage could not take the write: clients should come back later. */
export function storageUnavailable(): HttpError {
  return new HttpError(503, "storage_unavailable", "the event store cannot accept writes right now; retry later", undefined, {
    "retry-after": "5",
  });
}
