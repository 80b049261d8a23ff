/**
 * @module storage/postgres/registry
 * What nodes share about endpoints and tenants besides deliveries: API
 * endpoints (a deleted one keeps its row, so its id is never used again),
 * the answers of idempotent creates, portal sessions, and the rollups read.
 */
import type { SQL } from "bun";
import type { ApiEndpointRow, SealedSecrets } from "../../outbox/api-endpoint-store";
import type { StoredCreate } from "../../outbox/endpoint-create-store";
import type { PortalSessionRow } from "../../outbox/portal-session-store";
import type { RollupBucket } from "../../outbox/rollups";
import { LATENCY_BUCKETS } from "../../stats/latency";
import type { ApiEndpointStore, EndpointCreateStore, PortalSessionStore, RollupStore } from "../stores";
import { numbers } from "./rows";

const API_COLUMNS = "id, tenant, document, secrets, previous_secret, previous_expires_at, created_at, updated_at, deleted_at";
const API_NUMBERS = ["previous_expires_at", "created_at", "updated_at", "deleted_at"];
/** Rows read per round trip while walking every API endpoint. */
const API_PAGE = 1_000;

export class PostgresApiEndpoints implements ApiEndpointStore {
  constructor(readonly sql: SQL) {}

  async *each(): AsyncIterable<ApiEndpointRow> {
    let after = "";
    for (;;) {
      const rows = await this.sql.unsafe(`SELECT ${API_COLUMNS} FROM api_endpoints WHERE id > $1 ORDER BY id LIMIT ${API_PAGE}`, [after]);
      for (const r of rows) yield numbers<ApiEndpointRow>(r, API_NUMBERS);
      if (rows.length < API_PAGE) return;
      after = rows.at(-1).id;
    }
  }

  async get(id: string): Promise<ApiEndpointRow | null> {
    const [row] = await this.sql.unsafe(`SELECT ${API_COLUMNS} FROM api_endpoints WHERE id = $1`, [id]);
    return row ? numbers<ApiEndpointRow>(row, API_NUMBERS) : null;
  }

  async insert(id: string, tenant: string | null, document: string, secrets: readonly string[], now: number): Promise<void> {
    await this.sql`INSERT INTO api_endpoints (id, tenant, document, secrets, created_at, updated_at)
      VALUES (${id}, ${tenant}, ${document}, ${JSON.stringify(secrets)}, ${now}, ${now})`;
  }

  async updateDocument(id: string, document: string, now: number): Promise<boolean> {
    return (await this.sql`UPDATE api_endpoints SET document = ${document}, updated_at = ${now} WHERE id = ${id} AND deleted_at IS NULL`).count === 1;
  }

  async updateSecrets(id: string, s: SealedSecrets, now: number): Promise<boolean> {
    const r = await this.sql`UPDATE api_endpoints SET secrets = ${JSON.stringify(s.current)}, previous_secret = ${s.previous},
      previous_expires_at = ${s.previousExpiresAt}, updated_at = ${now} WHERE id = ${id} AND deleted_at IS NULL`;
    return r.count === 1;
  }

  async markDeleted(id: string, now: number): Promise<boolean> {
    return (await this.sql`UPDATE api_endpoints SET deleted_at = ${now}, updated_at = ${now} WHERE id = ${id} AND deleted_at IS NULL`).count === 1;
  }

  async countLive(tenant: string | null): Promise<number> {
    // Two spellings, so each matches the partial index api_endpoints_tenant.
    const [row] =
      tenant === null
        ? await this.sql`SELECT count(*) AS n FROM api_endpoints WHERE tenant IS NULL AND deleted_at IS NULL`
        : await this.sql`SELECT count(*) AS n FROM api_endpoints WHERE tenant = ${tenant} AND deleted_at IS NULL`;
    return Number(row.n);
  }

  async idsAmong(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.sql`SELECT id FROM api_endpoints WHERE id IN (SELECT json_array_elements_text(${JSON.stringify(ids)}::text::json))`;
    return new Set((rows as { id: string }[]).map((r) => r.id));
  }
}

export class PostgresEndpointCreates implements EndpointCreateStore {
  constructor(readonly sql: SQL) {}

  async find(scope: string, key: string, notBefore: number): Promise<StoredCreate | null> {
    const [row] = await this.sql`SELECT body_hash, answer, created_at FROM endpoint_creates WHERE scope = ${scope} AND key = ${key}`;
    // With its time, as the SQLite store answers.
    return row && Number(row.created_at) >= notBefore ? numbers<StoredCreate>(row, ["created_at"]) : null;
  }

  async insert(scope: string, key: string, bodyHash: string, sealedAnswer: string, now: number): Promise<void> {
    await this.sql`INSERT INTO endpoint_creates (scope, key, body_hash, answer, created_at) VALUES (${scope}, ${key}, ${bodyHash}, ${sealedAnswer}, ${now})
      ON CONFLICT (scope, key) DO UPDATE SET body_hash = excluded.body_hash, answer = excluded.answer, created_at = excluded.created_at`;
  }

  async prune(before: number): Promise<number> {
    return (await this.sql`DELETE FROM endpoint_creates WHERE created_at < ${before}`).count;
  }
}

const SESSION_NUMBERS = ["read_only", "created_at", "expires_at", "revoked_at"];

export class PostgresPortalSessions implements PortalSessionStore {
  constructor(readonly sql: SQL) {}

  async insert(row: Omit<PortalSessionRow, "revoked_at">): Promise<void> {
    await this.sql`INSERT INTO portal_sessions (id, tenant, token_hash, read_only, created_at, expires_at)
      VALUES (${row.id}, ${row.tenant}, ${row.token_hash}, ${row.read_only}, ${row.created_at}, ${row.expires_at})`;
  }

  async byTokenHash(hash: string): Promise<PortalSessionRow | null> {
    const [row] = await this.sql`SELECT * FROM portal_sessions WHERE token_hash = ${hash}`;
    return row ? numbers<PortalSessionRow>(row, SESSION_NUMBERS) : null;
  }

  async byId(id: string): Promise<PortalSessionRow | null> {
    const [row] = await this.sql`SELECT * FROM portal_sessions WHERE id = ${id}`;
    return row ? numbers<PortalSessionRow>(row, SESSION_NUMBERS) : null;
  }

  async revoke(id: string, now: number): Promise<boolean> {
    return (await this.sql`UPDATE portal_sessions SET revoked_at = ${now} WHERE id = ${id} AND revoked_at IS NULL`).count === 1;
  }

  async pruneEnded(before: number): Promise<number> {
    return (await this.sql`DELETE FROM portal_sessions WHERE expires_at < ${before}`).count;
  }
}

const LAT = Array.from({ length: LATENCY_BUCKETS }, (_, i) => `lat${i}`);
const SUMS = ["attempts", "success", "http_error", "timeout", "network", "blocked", "delivered", "failed", ...LAT];

export const PG_READ_ROLLUPS_SQL = `SELECT minute / $4 AS bucket, ${SUMS.map((c) => `SUM(${c}) AS ${c}`).join(", ")},
  MAX(latency_max_ms) AS latency_max_ms
  FROM attempt_rollups WHERE endpoint_id = $1 AND minute >= $2 AND minute < $3
  GROUP BY bucket ORDER BY bucket`;

export class PostgresRollups implements RollupStore {
  constructor(readonly sql: SQL) {}

  async read(scope: string, fromMinute: number, toMinute: number, stepMinutes: number): Promise<RollupBucket[]> {
    const rows = await this.sql.unsafe(PG_READ_ROLLUPS_SQL, [scope, fromMinute, toMinute, stepMinutes]);
    return (rows as Record<string, unknown>[]).map((r) => numbers<RollupBucket>(r, ["bucket", ...SUMS, "latency_max_ms"]));
  }
}
