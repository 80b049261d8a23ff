/**
 * @module delivery/send
 * One HTTP attempt: connect only to a permitted address, never follow a
 * redirect, give up at the endpoint's timeout (or sooner when the caller
 * aborts it: a drain at the end of its grace), and read at most 64 KiB of the
 * answer (an excerpt of it kept), so a hostile receiver cannot hold memory or time.
 */
import type { Target } from "../net/resolve";
import type { AttemptResult } from "./classify";
import { EXCERPT_BYTES, fitExcerpt, startAsText } from "./excerpt";

/** Read no more than this of a response; then the connection is closed. */
const MAX_RESPONSE_READ = 64 * 1024;

export interface OutgoingRequest {
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly timeoutMs: number;
  /** Aborting it ends the attempt at once, whatever is left of the timeout (send creates one when absent). */
  readonly abort?: AbortController;
}

export interface SendResult {
  readonly result: AttemptResult;
  readonly statusCode: number | null;
  /** A sentence an operator understands, or null on success. */
  readonly error: string | null;
  readonly responseExcerpt: string | null;
}

export interface SendDeps {
  /** The permitted address to connect to for a URL, or why there is none (delivery/targets.ts); a promise only when it must be looked up. */
  readonly resolve: (url: URL) => Target | Promise<Target>;
}

/** Performs one attempt; never throws. */
export async function send(req: OutgoingRequest, deps: SendDeps): Promise<SendResult> {
  // One controller serves the timeout and the caller, and the timer is cleared when the attempt
  // ends: AbortSignal.any or a listener on a shared signal cost 10-30% more CPU per send, and
  // AbortSignal.timeout keeps every signal alive for the whole timeout.
  const controller = req.abort ?? new AbortController();
  const signal = controller.signal;
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort();
  }, req.timeoutMs);
  const whyAborted = () => (expired ? timedOut(req.timeoutMs) : aborted());
  try {
    const resolving = deps.resolve(req.url);
    const target = resolving instanceof Promise ? await resolving : resolving;
    if (!target.ok) return failure({ kind: "blocked" }, target.error);
    let response: Response;
    try {
      response = await fetch(target.url, {
        method: "POST",
        headers: { ...req.headers, host: target.host },
        body: req.body,
        redirect: "manual",
        decompress: false,
        signal,
        ...(target.serverName ? { tls: { serverName: target.serverName } } : {}),
      });
    } catch (err) {
      return signal.aborted ? whyAborted() : failure({ kind: "network" }, networkError(req.url, err));
    }
    let excerpt: string;
    try {
      excerpt = fitExcerpt(await readCapped(response));
    } catch {
      if (signal.aborted) return whyAborted();
      excerpt = "";
    }
    const status = response.status;
    const result: AttemptResult = { kind: "response", status, retryAfter: response.headers.get("retry-after") };
    return { result, statusCode: status, error: httpError(response), responseExcerpt: excerpt };
  } finally {
    clearTimeout(timer);
  }
}

function failure(result: AttemptResult, error: string): SendResult {
  return { result, statusCode: null, error, responseExcerpt: null };
}

function timedOut(timeoutMs: number): SendResult {
  return failure({ kind: "timeout" }, `no complete response within ${timeoutMs} ms; the attempt timed out`);
}

function aborted(): SendResult {
  return failure({ kind: "network" }, "the attempt was aborted before a complete response arrived");
}

function httpError(response: Response): string | null {
  const s = response.status;
  if (s >= 200 && s < 300) return null;
  if (s >= 300 && s < 400) {
    const location = response.headers.get("location");
    return `the receiver answered ${s} (a redirect${location ? ` to ${location}` : ""}), which is not followed`;
  }
  return `the receiver answered ${s}${response.statusText ? ` ${response.statusText}` : ""}`;
}

function networkError(url: URL, err: unknown): string {
  const where = url.host;
  const code = (err as { code?: string }).code ?? "";
  const message = err instanceof Error ? err.message : String(err);
  if (/refused/i.test(code + message)) return `could not connect to ${where}: connection refused`;
  if (/reset|ECONNRESET|closed/i.test(code + message)) return `the connection to ${where} was reset before a response arrived`;
  if (/cert|tls|ssl|self.signed/i.test(code + message)) return `TLS handshake with ${where} failed: ${message}`;
  return `could not reach ${where}: ${message}`;
}

/** The answer's first bytes as text, cut between characters; bytes that are not UTF-8 can make it too long for the excerpt (fitExcerpt). */
function readCapped(response: Response): Promise<string> {
  // A declared length within the cap is read whole: the client frames the body
  // to exactly that many bytes, and one read is far cheaper than the stream
  // reader. Most receivers answer a few bytes, which are the excerpt as they are.
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (Number.isInteger(declared) && declared <= EXCERPT_BYTES) return response.text();
  if (Number.isInteger(declared) && declared <= MAX_RESPONSE_READ) return response.arrayBuffer().then((b) => startAsText(new Uint8Array(b)));
  return readStream(response);
}

async function readStream(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < MAX_RESPONSE_READ) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
    }
  } finally {
    // Closes the connection when the receiver had more to say than we read.
    reader.cancel().catch(() => {});
  }
  // One byte past the excerpt tells whether a character crosses its end.
  return startAsText(Buffer.concat(chunks, Math.min(total, EXCERPT_BYTES + 1)));
}
