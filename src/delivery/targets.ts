/**
 * @module delivery/targets
 * Remembers where each endpoint URL is sent, so an attempt does not resolve
 * and check its host again: measured per attempt, the name lookup alone cost
 * about 60 µs and parsing plus the address policy about 7 µs. A permitted
 * target is kept for TTL_MS when it came from DNS and for as long as the
 * policy lasts when the host is an address (a reload builds a new policy, and
 * with it an empty cache). Refusals and lookup failures are never kept, so a
 * fixed DNS record or a widened `network.allow` applies at the next attempt.
 *
 * Entries are per endpoint URL, at most CAPACITY of them per policy, the
 * least recently used forgotten first: with 100,000 endpoints registered over
 * the API, each with a URL of its own, the cache holds those being delivered
 * to, and one forgotten is resolved again at its next attempt.
 */
import type { AddressPolicy } from "../net/policy";
import { LruMap } from "../lru-map";
import { type Lookup, resolveTarget, type Target } from "../net/resolve";

/** How long a name's resolution is trusted: the default TTL of Bun's own DNS cache. */
export const TTL_MS = 30_000;
/** URLs kept per policy at most: as many as the prepared endpoints the registry keeps. */
export const CAPACITY = 10_000;

interface Entry {
  readonly target: Target;
  readonly expiresAt: number;
}

export class Targets {
  readonly #lookup: Lookup;
  readonly #now: () => number;
  readonly #capacity: number;
  readonly #byPolicy = new WeakMap<AddressPolicy, LruMap<string, Entry>>();

  constructor(lookup: Lookup, now: () => number, capacity = CAPACITY) {
    this.#lookup = lookup;
    this.#now = now;
    this.#capacity = capacity;
  }

  /**
   * Where to send a request for `url` under `policy`, or why it may not be
   * sent. A kept target is answered as is, not as a promise: the attempt
   * then goes on without waiting a turn.
   */
  resolve(url: URL, policy: AddressPolicy): Target | Promise<Target> {
    let entries = this.#byPolicy.get(policy);
    if (!entries) this.#byPolicy.set(policy, (entries = new LruMap(this.#capacity)));
    const now = this.#now();
    const kept = entries.get(url.href);
    if (kept && kept.expiresAt > now) return kept.target;
    return this.#resolveAndKeep(url, policy, entries, now);
  }

  async #resolveAndKeep(url: URL, policy: AddressPolicy, entries: LruMap<string, Entry>, now: number): Promise<Target> {
    const key = url.href;
    const target = await resolveTarget(url, policy, this.#lookup);
    if (target.ok) {
      // No server name means the URL held an address: no lookup to go stale.
      const fromDns = target.serverName !== null;
      entries.set(key, { target, expiresAt: fromDns ? now + TTL_MS : Infinity });
    } else {
      entries.delete(key);
    }
    return target;
  }
}
