/**
 * @module signing/scheme
 * What every signature scheme provides. A scheme turns an endpoint's secrets
 * into a `Signer` once, when the config is loaded, so the delivery path only
 * hashes.
 */
import type { Secret } from "./secret";

/** The parts of one attempt a signature may cover. */
export interface SignedMessage {
  /** The event id (`webhook-id`): the same on every retry and for every endpoint. */
  readonly id: string;
  /** The attempt's unix seconds. */
  readonly timestampSec: number;
  /** The exact body bytes sent, as text. */
  readonly body: string;
}

/** Returns the headers that carry the signature for one attempt. */
export type Signer = (message: SignedMessage) => Record<string, string>;

export interface Scheme {
  /** Header used when the config names none; null for schemes with fixed headers or none at all. */
  readonly defaultHeader: string | null;
  /** Header names this scheme sets, so config can refuse custom headers that would forge them. */
  headerNames(header: string | null): readonly string[];
  /** Prepares a signer for these secrets (newest first). */
  createSigner(secrets: readonly Secret[], header: string | null): Signer;
}
