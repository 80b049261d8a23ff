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
  /** The exact body sent, as text; it is hashed as the UTF-8 bytes that go on the wire. */
  readonly body: string;
}

/** Returns the headers that carry the signature for one attempt. */
export type Signer = (message: SignedMessage) => Record<string, string>;

export interface Scheme {
  /**
   * Prepares a signer for these secrets (newest first). `header` names the
   * signature header of the single-header schemes; config always resolves it,
   * and null falls back to the scheme's default from the contract.
   */
  createSigner(secrets: readonly Secret[], header: string | null): Signer;
}
