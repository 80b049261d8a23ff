/**
 * @module outbox/portal-session-store
 * Portal sessions as stored: the tenant, the SHA-256 of the token (never the
 * token), whether the session may only read, and when it ends.
 */
import type { Database, Statement } from "bun:sqlite";

export interface PortalSessionRow {
  id: string;
  tenant: string;
  token_hash: string;
  read_only: number;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export class PortalSessionStore {
  readonly #insert: Statement;
  readonly #byHash: Statement<PortalSessionRow>;
  readonly #byId: Statement<PortalSessionRow>;
  readonly #revoke: Statement;
  readonly #prune: Statement;

  constructor(db: Database) {
    this.#insert = db.prepare(
      "INSERT INTO portal_sessions (id, tenant, token_hash, read_only, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.#byHash = db.prepare("SELECT * FROM portal_sessions WHERE token_hash = ?");
    this.#byId = db.prepare("SELECT * FROM portal_sessions WHERE id = ?");
    this.#revoke = db.prepare("UPDATE portal_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
    this.#prune = db.prepare("DELETE FROM portal_sessions WHERE expires_at < ?");
  }

  insert(row: Omit<PortalSessionRow, "revoked_at">): void {
    this.#insert.run(row.id, row.tenant, row.token_hash, row.read_only, row.created_at, row.expires_at);
  }

  byTokenHash(hash: string): PortalSessionRow | null {
    return this.#byHash.get(hash);
  }

  byId(id: string): PortalSessionRow | null {
    return this.#byId.get(id);
  }

  /** Revokes a session; false when it was already revoked. */
  revoke(id: string, now: number): boolean {
    return this.#revoke.run(now, id).changes === 1;
  }

  /** Forgets sessions that ended before `before`; answers how many. */
  pruneEnded(before: number): number {
    return this.#prune.run(before).changes;
  }
}
