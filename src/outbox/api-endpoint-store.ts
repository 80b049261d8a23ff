/**
 * @module outbox/api-endpoint-store
 * Endpoints registered over the endpoint API, as stored: the document as
 * posted, its sealed secrets and its times. Deleted endpoints keep their row
 * (deleted_at set) so their ids are never reused and their history still
 * names its tenant.
 */
import type { Database, Statement } from "bun:sqlite";

export interface ApiEndpointRow {
  id: string;
  tenant: string | null;
  /** JSON of the endpoint keys, without id, tenant and secrets. */
  document: string;
  /** JSON list of sealed secrets, newest first. */
  secrets: string;
  previous_secret: string | null;
  previous_expires_at: number | null;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

/** The secrets of one endpoint as stored: sealed, newest first. */
export interface SealedSecrets {
  readonly current: readonly string[];
  readonly previous: string | null;
  readonly previousExpiresAt: number | null;
}

const COLUMNS = "id, tenant, document, secrets, previous_secret, previous_expires_at, created_at, updated_at, deleted_at";

export class ApiEndpointStore {
  readonly #all: Statement<ApiEndpointRow>;
  readonly #one: Statement<ApiEndpointRow>;
  readonly #insert: Statement;
  readonly #updateDocument: Statement;
  readonly #updateSecrets: Statement;
  readonly #markDeleted: Statement;
  readonly #countLive: Statement<{ n: number }>;

  constructor(db: Database) {
    this.#all = db.prepare(`SELECT ${COLUMNS} FROM api_endpoints`);
    this.#one = db.prepare(`SELECT ${COLUMNS} FROM api_endpoints WHERE id = ?`);
    this.#insert = db.prepare(
      `INSERT INTO api_endpoints (id, tenant, document, secrets, previous_secret, previous_expires_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, NULL, NULL, ?, ?)`,
    );
    this.#updateDocument = db.prepare("UPDATE api_endpoints SET document = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL");
    this.#updateSecrets = db.prepare(
      "UPDATE api_endpoints SET secrets = ?, previous_secret = ?, previous_expires_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL",
    );
    this.#markDeleted = db.prepare("UPDATE api_endpoints SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL");
    this.#countLive = db.prepare("SELECT COUNT(*) AS n FROM api_endpoints WHERE tenant IS ? AND deleted_at IS NULL");
  }

  /** Every row, deleted ones included, one at a time: 100,000 rows are never all in memory at once. */
  each(): IterableIterator<ApiEndpointRow> {
    return this.#all.iterate();
  }

  get(id: string): ApiEndpointRow | null {
    return this.#one.get(id);
  }

  insert(id: string, tenant: string | null, document: string, secrets: readonly string[], now: number): void {
    this.#insert.run(id, tenant, document, JSON.stringify(secrets), now, now);
  }

  updateDocument(id: string, document: string, now: number): boolean {
    return this.#updateDocument.run(document, now, id).changes === 1;
  }

  updateSecrets(id: string, secrets: SealedSecrets, now: number): boolean {
    return this.#updateSecrets.run(JSON.stringify(secrets.current), secrets.previous, secrets.previousExpiresAt, now, id).changes === 1;
  }

  markDeleted(id: string, now: number): boolean {
    return this.#markDeleted.run(now, now, id).changes === 1;
  }

  /** Live endpoints of one tenant (null: those without a tenant). */
  countLive(tenant: string | null): number {
    return this.#countLive.get(tenant)!.n;
  }
}

/** The sealed secrets of a stored row. */
export function sealedSecretsOf(row: ApiEndpointRow): SealedSecrets {
  return { current: JSON.parse(row.secrets) as string[], previous: row.previous_secret, previousExpiresAt: row.previous_expires_at };
}
