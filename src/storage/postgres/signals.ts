/**
 * @module storage/postgres/signals
 * Ingest on one node wakes the others at once: the transaction that stores
 * a group of events sends a NOTIFY on commit naming the endpoints it gave
 * pending deliveries, and every node LISTENs. A node skips its own (its
 * committer has told its scheduler already). A payload too long for NOTIFY
 * names no endpoints, and the listener looks at every one instead.
 */
import type { SQL } from "bun";
import type { NewEvent } from "../../outbox/types";
import type { DueSignals } from "../stores";

export const DUE_CHANNEL = "hookrelay_due";
/** PostgreSQL refuses payloads of 8,000 bytes and more. */
const MAX_PAYLOAD = 7_900;

interface Payload {
  readonly node: string;
  readonly endpoints: readonly string[] | null;
}

/** What to NOTIFY for a group just stored by `node`; null when it made nothing pending. */
export function duePayload(node: string, groups: readonly (readonly NewEvent[])[]): string | null {
  const endpoints = new Set<string>();
  for (const events of groups) for (const e of events) for (const d of e.deliveries) if (d.status === "pending") endpoints.add(d.endpointId);
  if (endpoints.size === 0) return null;
  const full = JSON.stringify({ node, endpoints: [...endpoints] } satisfies Payload);
  return full.length < MAX_PAYLOAD ? full : JSON.stringify({ node, endpoints: null } satisfies Payload);
}

export class PostgresSignals implements DueSignals {
  constructor(
    readonly sql: SQL,
    readonly node: string,
  ) {}

  async listen(onDue: (endpointIds: readonly string[] | null) => void): Promise<() => Promise<void>> {
    const subscription = await this.sql.listen(DUE_CHANNEL, (text) => {
      const payload = JSON.parse(text) as Payload;
      if (payload.node !== this.node) onDue(payload.endpoints);
    });
    return () => subscription.unlisten();
  }
}
