/**
 * @module endpoints/match-index
 * Which endpoints an event type may reach, found without looking at every
 * endpoint: per tenant, exact types in a map, `prefix.*` patterns in a map
 * by prefix (an event type `a.b.c` looks up `a.` and `a.b.`), and `*` in a
 * list. One event costs a few map lookups however many endpoints exist;
 * filters then run on the candidates only. `*` and `prefix.*` match
 * application types only: hookrelay's own `hookrelay.*` events reach an
 * endpoint that names them (`hookrelay.*`, `hookrelay.endpoint.*` or the exact type).
 */
import type { EndpointConfig } from "../config/types";
import { OWN_EVENT_PREFIX } from "./matching";

type Members = Map<string, EndpointConfig>;

interface TenantPatterns {
  readonly exact: Map<string, Members>;
  readonly prefix: Map<string, Members>;
  readonly all: Members;
}

export class MatchIndex {
  /** By tenant; endpoints without one are under "" (tenant names are never empty). */
  readonly #tenants = new Map<string, TenantPatterns>();
  readonly #members = new Map<string, EndpointConfig>();
  /** Registration order of each endpoint, so candidates come out in a stable order. */
  readonly #order = new Map<string, number>();
  #next = 0;

  add(config: EndpointConfig): void {
    this.remove(config.id);
    const patterns = this.#patternsOf(config.tenant ?? "", true)!;
    this.#order.set(config.id, this.#next++);
    for (const p of new Set(config.events)) {
      if (p === "*") patterns.all.set(config.id, config);
      else if (p.endsWith(".*")) memberOf(patterns.prefix, p.slice(0, -1)).set(config.id, config);
      else memberOf(patterns.exact, p).set(config.id, config);
    }
    this.#members.set(config.id, config);
  }

  remove(id: string): void {
    const config = this.#members.get(id);
    if (!config) return;
    this.#members.delete(id);
    this.#order.delete(id);
    const patterns = this.#patternsOf(config.tenant ?? "", false);
    if (!patterns) return;
    for (const p of config.events) {
      if (p === "*") patterns.all.delete(id);
      else if (p.endsWith(".*")) dropMember(patterns.prefix, p.slice(0, -1), id);
      else dropMember(patterns.exact, p, id);
    }
  }

  /** Endpoints of `tenant` whose `events` accept `type`, in registration order. */
  candidates(tenant: string | null, type: string): EndpointConfig[] {
    const patterns = this.#tenants.get(tenant ?? "");
    if (!patterns) return [];
    const own = type.startsWith(OWN_EVENT_PREFIX);
    const found: Members = new Map();
    const take = (members: Members | undefined) => members?.forEach((c, id) => found.set(id, c));
    take(patterns.exact.get(type));
    // Every prefix of the type that ends at a dot; own events only under hookrelay.'s own prefixes.
    for (let dot = type.indexOf("."); dot !== -1; dot = type.indexOf(".", dot + 1)) {
      if (own && dot < OWN_EVENT_PREFIX.length - 1) continue;
      take(patterns.prefix.get(type.slice(0, dot + 1)));
    }
    if (!own) take(patterns.all);
    const out = [...found.values()];
    if (out.length > 1) out.sort((a, b) => this.#order.get(a.id)! - this.#order.get(b.id)!);
    return out;
  }

  #patternsOf(tenant: string, create: boolean): TenantPatterns | undefined {
    let p = this.#tenants.get(tenant);
    if (!p && create) {
      p = { exact: new Map(), prefix: new Map(), all: new Map() };
      this.#tenants.set(tenant, p);
    }
    return p;
  }
}

function memberOf(map: Map<string, Members>, key: string): Members {
  let m = map.get(key);
  if (!m) map.set(key, (m = new Map()));
  return m;
}

function dropMember(map: Map<string, Members>, key: string, id: string): void {
  const m = map.get(key);
  if (!m) return;
  m.delete(id);
  if (m.size === 0) map.delete(key);
}
