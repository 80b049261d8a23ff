/**
 * @module endpoints/prepared-cache
 * What the delivery path needs of an endpoint (parsed URL, keyed signer, body
 * and header builders) is prepared when an attempt first needs it and kept
 * for the endpoints that deliver, at most `capacity` of them, least recently
 * used going first. With 100,000 endpoints registered only those with work
 * cost this memory. An entry lasts as long as its config object (a reload or
 * an edit makes a new one) and, after a rotation, until the old secret's grace
 * ends, when the set of signing secrets changes.
 */
import type { EndpointConfig } from "../config/types";
import { type PreparedEndpoint, prepareEndpoint } from "../delivery/endpoint";
import { LruMap } from "../lru-map";

interface Entry {
  readonly config: EndpointConfig;
  readonly prepared: PreparedEndpoint;
}

export class PreparedCache {
  readonly #entries: LruMap<string, Entry>;

  constructor(capacity: number) {
    this.#entries = new LruMap(capacity);
  }

  /** The prepared form of `config` as it signs at `now`. */
  get(config: EndpointConfig, now: number): PreparedEndpoint {
    const hit = this.#entries.get(config.id);
    if (hit && hit.config === config && now < hit.prepared.validUntil) return hit.prepared;
    const prepared = prepareEndpoint(config, now);
    this.#entries.set(config.id, { config, prepared });
    return prepared;
  }

  /** Forgets an endpoint (deleted, or removed from the config). */
  drop(id: string): void {
    this.#entries.delete(id);
  }

  get size(): number {
    return this.#entries.size;
  }
}
