/**
 * @module cli/verify
 * Checks one received webhook's signature the way a receiver would, for every
 * scheme hookrelay signs with. The expected value is computed by the very
 * signers that sign deliveries (src/signing), so `receive` proves what a
 * receiver would see. Pure: the time comes in as `nowSec`.
 */
import { timingSafeEqual } from "node:crypto";
import { DEFAULT_SIGNATURE_HEADERS } from "../config/defaults";
import type { SchemeName } from "../config/types";
import { SCHEMES } from "../signing";
import { Secret } from "../signing/secret";

/** Standard Webhooks' recommended tolerance for the signed timestamp, either way. */
export const TIMESTAMP_TOLERANCE_SEC = 5 * 60;

export interface VerifyOptions {
  readonly scheme: SchemeName;
  /** Accepted secrets; a signature from any of them verifies. */
  readonly secrets: readonly string[];
  /** The signature header for the single-header schemes; null for the scheme's default. */
  readonly header: string | null;
}

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Whether `body` with `headers` carries a valid signature under `options` at `nowSec`. */
export function verifySignature(options: VerifyOptions, headers: Headers, body: string, nowSec: number): Verdict {
  switch (options.scheme) {
    case "none":
      return { ok: true };
    case "standard-webhooks":
      return verifyStandardWebhooks(options, headers, body, nowSec);
    case "timestamped":
      return verifyTimestamped(options, headers, body, nowSec);
    case "hmac-sha256-hex":
    case "hmac-sha256-prefixed":
      return verifyBodyHmac(options, headers, body);
  }
}

function verifyStandardWebhooks(options: VerifyOptions, headers: Headers, body: string, nowSec: number): Verdict {
  const id = headers.get("webhook-id");
  const timestamp = headers.get("webhook-timestamp");
  const signature = headers.get("webhook-signature");
  if (id === null || timestamp === null || signature === null) return fail("missing webhook-id, webhook-timestamp or webhook-signature");
  const ts = Number(timestamp);
  const stale = checkTimestamp(ts, nowSec);
  if (stale) return stale;
  const received = signature.split(" ").filter(Boolean);
  const matched = options.secrets.some((s) => {
    const expected = sign(options, s, id, ts, body)["webhook-signature"]!;
    return received.some((r) => same(r, expected));
  });
  return matched ? { ok: true } : fail("webhook-signature does not match the secret");
}

function verifyTimestamped(options: VerifyOptions, headers: Headers, body: string, nowSec: number): Verdict {
  const name = headerName(options);
  const value = headers.get(name);
  if (value === null) return fail(`missing ${name} header`);
  const parts = value.split(",").map((p) => p.trim());
  const t = parts.find((p) => p.startsWith("t="))?.slice(2);
  const received = parts.filter((p) => p.startsWith("v1=")).map((p) => p.slice(3));
  if (t === undefined || received.length === 0) return fail(`${name} is not of the form t=…,v1=…`);
  const ts = Number(t);
  const stale = checkTimestamp(ts, nowSec);
  if (stale) return stale;
  const matched = options.secrets.some((s) => {
    const expected = /v1=([0-9a-f]+)/.exec(sign(options, s, "", ts, body)[name]!)![1]!;
    return received.some((r) => same(r, expected));
  });
  return matched ? { ok: true } : fail(`${name} does not match the secret`);
}

function verifyBodyHmac(options: VerifyOptions, headers: Headers, body: string): Verdict {
  const name = headerName(options);
  const value = headers.get(name);
  if (value === null) return fail(`missing ${name} header`);
  const matched = options.secrets.some((s) => same(value.trim(), sign(options, s, "", 0, body)[name]!));
  return matched ? { ok: true } : fail(`${name} does not match the secret`);
}

function sign(options: VerifyOptions, secret: string, id: string, timestampSec: number, body: string): Record<string, string> {
  const scheme = SCHEMES[options.scheme];
  return scheme.createSigner([new Secret(secret)], options.header ?? DEFAULT_SIGNATURE_HEADERS[options.scheme] ?? null)({ id, timestampSec, body });
}

/** The signature header of a single-header scheme (each has a default). */
function headerName(options: VerifyOptions): string {
  return options.header ?? DEFAULT_SIGNATURE_HEADERS[options.scheme]!;
}

function checkTimestamp(ts: number, nowSec: number): Verdict | null {
  if (!Number.isInteger(ts)) return fail("the signed timestamp is not a whole number of seconds");
  if (Math.abs(nowSec - ts) > TIMESTAMP_TOLERANCE_SEC) return fail(`the signed timestamp is ${nowSec - ts}s off this machine's clock (tolerance ${TIMESTAMP_TOLERANCE_SEC}s)`);
  return null;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function fail(reason: string): Verdict {
  return { ok: false, reason };
}
