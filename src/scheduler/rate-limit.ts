/**
 * @module scheduler/rate-limit
 * A token bucket: at most `count` attempts start per `perMs`, in bursts of up
 * to `count`. Time comes in as an argument.
 */
import type { RateLimit } from "../config/types";

export class TokenBucket {
  #tokens: number;
  #at: number;

  constructor(
    readonly limit: RateLimit,
    now: number,
  ) {
    this.#tokens = limit.count;
    this.#at = now;
  }

  /** Whole tokens available now. */
  available(now: number): number {
    this.#refill(now);
    return Math.floor(this.#tokens);
  }

  /** Spends `n` tokens (callers take no more than available()). */
  take(n: number): void {
    this.#tokens -= n;
  }

  /** When the next whole token will be there. */
  nextTokenAt(now: number): number {
    this.#refill(now);
    return this.#tokens >= 1 ? now : now + Math.ceil(((1 - this.#tokens) * this.limit.perMs) / this.limit.count);
  }

  #refill(now: number): void {
    this.#tokens = Math.min(this.limit.count, this.#tokens + ((now - this.#at) * this.limit.count) / this.limit.perMs);
    this.#at = now;
  }
}
