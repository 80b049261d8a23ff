/**
 * @module storage/postgres/registry-feed
 * The registry's change feed (migration 004): the rows of api_endpoints and
 * endpoint_state revised after a given revision, read in one statement so
 * both tables are seen in one snapshot, and the wake-up a writing
 * transaction sends on commit.
 */
import type { SQL } from "bun";
import type { ApiEndpointRow } from "../../outbox/api-endpoint-store";
import type { EndpointStateName } from "../../outbox/types";
import type { RegistryChange, RegistryFeed } from "../stores";
import { num, numOrNull } from "./rows";

export const ENDPOINTS_CHANNEL = "hookrelay_endpoints";

const API_PART = `SELECT 'api' AS kind, revision, id, tenant, document, secrets, previous_secret, previous_expires_at, created_at, updated_at, deleted_at,
    NULL AS state, NULL AS disabled_reason, NULL::integer AS consecutive_failures, NULL::bigint AS failing_since,
    NULL::bigint AS last_success_at, NULL AS config_hash
  FROM api_endpoints WHERE revision > $1 ORDER BY revision LIMIT $2`;
const STATE_PART = `SELECT 'state', revision, endpoint_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    state, disabled_reason, consecutive_failures, failing_since, last_success_at, config_hash
  FROM endpoint_state WHERE revision > $1 ORDER BY revision LIMIT $2`;

export const PG_FEED_SQL = {
  head: `SELECT GREATEST((SELECT MAX(revision) FROM api_endpoints), (SELECT MAX(revision) FROM endpoint_state), 0) AS revision`,
  // Each table's first `limit` past `after`, then the first `limit` of both: no row below the last one read is left out.
  changes: `(${API_PART}) UNION ALL (${STATE_PART}) ORDER BY revision LIMIT $2`,
} as const;

export class PostgresRegistryFeed implements RegistryFeed {
  constructor(readonly sql: SQL) {}

  async head(): Promise<number> {
    const [row] = await this.sql.unsafe(PG_FEED_SQL.head);
    return num(row.revision);
  }

  async changes(after: number, limit: number): Promise<RegistryChange[]> {
    const rows = (await this.sql.unsafe(PG_FEED_SQL.changes, [after, limit])) as Record<string, unknown>[];
    return rows.map(toChange);
  }

  async listen(onChange: () => void): Promise<() => Promise<void>> {
    const subscription = await this.sql.listen(ENDPOINTS_CHANNEL, () => onChange());
    return () => subscription.unlisten();
  }
}

function toChange(r: Record<string, unknown>): RegistryChange {
  const revision = num(r.revision);
  if (r.kind === "state") {
    const state = {
      state: r.state as EndpointStateName,
      disabledReason: r.disabled_reason as string | null,
      consecutiveFailures: num(r.consecutive_failures),
      failingSince: numOrNull(r.failing_since),
      lastSuccessAt: numOrNull(r.last_success_at),
      configHash: r.config_hash as string | null,
    };
    return { kind: "state", revision, id: r.id as string, state };
  }
  const row: ApiEndpointRow = {
    id: r.id as string,
    tenant: r.tenant as string | null,
    document: r.document as string,
    secrets: r.secrets as string,
    previous_secret: r.previous_secret as string | null,
    previous_expires_at: numOrNull(r.previous_expires_at),
    created_at: num(r.created_at),
    updated_at: num(r.updated_at),
    deleted_at: numOrNull(r.deleted_at),
  };
  return { kind: "api", revision, row };
}
