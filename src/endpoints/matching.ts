/**
 * @module endpoints/matching
 * Whether one endpoint takes an event: its `events` patterns and its `filter`.
 * Pure. `*` and `prefix.*` match application events only: hookrelay's own
 * `hookrelay.*` events reach an endpoint only when it names them, so
 * subscribing to everything never loops operational events back unasked.
 * endpoints/match-index.ts answers the pattern question for all endpoints at
 * once; this is the rule it follows, for one.
 */
import type { FilterRule } from "../config/types";

export const OWN_EVENT_PREFIX = "hookrelay.";

/** Whether an endpoint's `events` patterns accept this event type. */
export function matchesType(patterns: readonly string[], type: string): boolean {
  const own = type.startsWith(OWN_EVENT_PREFIX);
  for (const p of patterns) {
    if (p === type) return true;
    if (p === "*") {
      if (!own) return true;
    } else if (p.endsWith(".*")) {
      const prefix = p.slice(0, -1);
      if (type.startsWith(prefix) && (!own || prefix.startsWith(OWN_EVENT_PREFIX))) return true;
    }
  }
  return false;
}

/** The event as filters see it: paths start at `data.`, `type`, `id` or `ordering_key`. */
export interface FilterSubject {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly ordering_key: string | null;
}

/** Whether every filter rule holds for the event. */
export function matchesFilter(rules: readonly FilterRule[], subject: FilterSubject): boolean {
  return rules.every((rule) => {
    let value: unknown = subject;
    for (const key of rule.path) {
      if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return false;
      value = (value as Record<string, unknown>)[key];
    }
    return rule.anyOf.some((allowed) => allowed === value);
  });
}
