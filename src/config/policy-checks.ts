/**
 * @module config/policy-checks
 * Checks of the settings shared by `defaults:` and each endpoint that the schema
 * cannot express: percentages in range, envelope names distinct, signature header
 * only where the scheme uses one.
 */
import { parseDuration } from "./duration";
import type { Report } from "./errors";
import { isHeaderName, RESERVED_HEADERS } from "./headers";
import { type Locations, childPath } from "./locations";
import type { RawPolicy } from "./schema";

/** What a check needs besides the values: where things are and how to complain. */
export interface CheckContext {
  readonly at: Locations;
  readonly report: Report;
}

/** Reports a problem at a key path under `base`: at the value, or at its key when the key itself is the problem. */
export type Complain = (keys: readonly (string | number)[], message: string, side?: "value" | "key") => void;

/** A Complain for the block at `base`. */
export function complainUnder(base: string, ctx: CheckContext): Complain {
  return (keys, message, side = "value") => {
    const path = keys.reduce<string>((parent, key) => childPath(parent, key), base);
    ctx.report(side === "key" ? ctx.at.key(path) : ctx.at.value(path), path, message);
  };
}

const SINGLE_HEADER_SCHEMES = ["hmac-sha256-hex", "hmac-sha256-prefixed", "timestamped"];

/** Reports the problems of one policy block at `path` (`defaults` or `endpoints[i]`), given its settings that fit the schema. */
export function checkPolicy(policy: Partial<RawPolicy>, path: string, ctx: CheckContext): void {
  const complain = complainUnder(path, ctx);
  if (policy.timeout !== undefined && parseDuration(policy.timeout) === 0) complain(["timeout"], "expected a timeout longer than 0s");
  if (policy.jitter !== undefined && Number.parseFloat(policy.jitter) > 100) complain(["jitter"], "expected a percentage from 0% to 100%");
  const envelope = policy.envelope;
  if (typeof envelope === "object") {
    const names = [envelope.id, envelope.type, envelope.timestamp, envelope.data];
    if (new Set(names).size !== names.length) complain(["envelope"], "expected four different key names for id, type, timestamp and data");
  }
  const signature = policy.signature;
  if (signature?.header === undefined) return;
  if (!SINGLE_HEADER_SCHEMES.includes(signature.scheme)) {
    complain(["signature", "header"], `scheme ${signature.scheme} has no configurable header; header is for ${SINGLE_HEADER_SCHEMES.join(", ")}`, "key");
  } else if (!isHeaderName(signature.header)) {
    complain(["signature", "header"], "expected a valid HTTP header name");
  } else if (RESERVED_HEADERS.includes(signature.header.toLowerCase())) {
    // The signer's value would replace the framing or content type hookrelay sets.
    complain(["signature", "header"], `header "${signature.header}" is set by hookrelay and cannot carry the signature`);
  }
}
