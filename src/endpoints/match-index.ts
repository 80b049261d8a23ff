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

/**
 * Endpoints under one key: most keys hold a single endpoint, kept as itself;
 * an array only for more (a Map, or an array of one, per key would cost
 * several times the memory at 100,000 endpoints).
 */
type Members = EndpointConfig | EndpointConfig[];

interface TenantPatterns {
  readonly exact: Map<string, Members>;
  readonly prefix: Map<string, Members>;
  all: EndpointConfig[];
}

export class MatchIndex {
  /** By tenant; endpoints without one are under "" (tenant names are never empty). */
  readonly #tenants = new Map<string, TenantPatterns>();

  /** Indexes an endpoint; the registry replaces one by removing its old config first. */
  add(config: EndpointConfig): void {
    const patterns = this.#patternsOf(config.tenant ?? "", true)!;
    for (const p of new Set(config.events)) {
      if (p === "*") patterns.all.push(config);
      else if (p.endsWith(".*")) addMember(patterns.prefix, p.slice(0, -1), config);
      else addMember(patterns.exact, p, config);
    }
  }

  remove(config: EndpointConfig): void {
    const patterns = this.#patternsOf(config.tenant ?? "", false);
    if (!patterns) return;
    const id = config.id;
    for (const p of new Set(config.events)) {
      if (p === "*") patterns.all = patterns.all.filter((c) => c.id !== id);
      else if (p.endsWith(".*")) dropMember(patterns.prefix, p.slice(0, -1), id);
      else dropMember(patterns.exact, p, id);
    }
  }

  /** Endpoints of `tenant` whose `events` accept `type`, in id order. */
  candidates(tenant: string | null, type: string): EndpointConfig[] {
    const patterns = this.#tenants.get(tenant ?? "");
    if (!patterns) return [];
    const own = type.startsWith(OWN_EVENT_PREFIX);
    const exact = patterns.exact.get(type);
    // The common case, one endpoint per type, needs no merging.
    if (exact !== undefined && !Array.isArray(exact) && patterns.prefix.size === 0 && (own || patterns.all.length === 0)) return [exact];
    const found = new Map<string, EndpointConfig>();
    const take = (members: Members | undefined) => {
      if (members === undefined) return;
      if (Array.isArray(members)) for (const c of members) found.set(c.id, c);
      else found.set(members.id, members);
    };
    take(exact);
    // Every prefix of the type that ends at a dot; own events only under hookrelay.'s own prefixes.
    for (let dot = type.indexOf("."); dot !== -1; dot = type.indexOf(".", dot + 1)) {
      if (own && dot < OWN_EVENT_PREFIX.length - 1) continue;
      take(patterns.prefix.get(type.slice(0, dot + 1)));
    }
    if (!own) take(patterns.all);
    const out = [...found.values()];
    if (out.length > 1) out.sort((a, b) => (a.id < b.id ? -1 : 1));
    return out;
  }

  #patternsOf(tenant: string, create: boolean): TenantPatterns | undefined {
    let p = this.#tenants.get(tenant);
    if (!p && create) {
      p = { exact: new Map(), prefix: new Map(), all: [] };
      this.#tenants.set(tenant, p);
    }
    return p;
  }
}

function addMember(map: Map<string, Members>, key: string, config: EndpointConfig): void {
  const m = map.get(key);
  if (m === undefined) map.set(key, config);
  else if (Array.isArray(m)) m.push(config);
  else map.set(key, [m, config]);
}

function dropMember(map: Map<string, Members>, key: string, id: string): void {
  const m = map.get(key);
  if (m === undefined) return;
  const left = (Array.isArray(m) ? m : [m]).filter((c) => c.id !== id);
  if (left.length === 0) map.delete(key);
  else map.set(key, left.length === 1 ? left[0]! : left);
}
