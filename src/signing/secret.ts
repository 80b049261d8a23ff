/**
 * @module signing/secret
 * A secret value that cannot leak through logging, JSON or string interpolation:
 * every printing path renders "[secret]". Code that needs the value calls
 * `reveal()` (bytes for HMAC keys, text for token comparison), which makes each
 * use of the raw value easy to find.
 */
import { timingSafeEqual } from "node:crypto";

const REDACTED = "[secret]";
const inspect = Symbol.for("nodejs.util.inspect.custom");

/** Opens a sealed secret's text (sealing/sealer.ts). */
export interface Opener {
  open(sealed: string): string;
}

export class Secret {
  #text: string | null;
  /** The sealed form and what opens it, until the first use; no closure per secret, as 100,000 endpoints hold one each. */
  #sealed: string | null = null;
  #opener: Opener | null = null;
  /** The UTF-8 bytes, encoded on first comparison: tokens are compared on every request. */
  #bytes: Buffer | null = null;

  constructor(text: string) {
    this.#text = text;
  }

  /**
   * A secret kept sealed until its first use: endpoints created over the API
   * keep theirs sealed, and only those that deliver open them.
   */
  static sealed(sealed: string, opener: Opener): Secret {
    const secret = new Secret("");
    secret.#text = null;
    secret.#sealed = sealed;
    secret.#opener = opener;
    return secret;
  }

  /** The raw characters, for HMAC keys and token comparison only. */
  reveal(): string {
    if (this.#text === null) {
      this.#text = this.#opener!.open(this.#sealed!);
      this.#sealed = null;
      this.#opener = null;
    }
    return this.#text;
  }

  /** Compares with a candidate's UTF-8 bytes in time independent of where they differ. */
  equals(candidate: Uint8Array): boolean {
    const own = (this.#bytes ??= Buffer.from(this.reveal(), "utf8"));
    // Compare against ourselves when lengths differ so timing does not depend on the candidate's prefix.
    return own.length === candidate.length ? timingSafeEqual(own, candidate) : (timingSafeEqual(own, own), false);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect](): string {
    return REDACTED;
  }
}

/** True when the UTF-8 bytes `candidate` equal any of `secrets`; checks all of them so timing does not reveal which matched. */
export function matchesAny(secrets: readonly Secret[], candidate: Uint8Array): boolean {
  let found = false;
  for (const s of secrets) found = s.equals(candidate) || found;
  return found;
}
