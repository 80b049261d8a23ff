/**
 * @module portal/sessions
 * Portal sessions (interface.md §9): a token that signs a customer into the
 * dashboard as its tenant, for a while. The token is shown once, when the
 * session is created, and only its SHA-256 is stored, so the database alone
 * cannot sign anyone in. A session ends when it expires or is revoked.
 */
import { createHash, randomBytes } from "node:crypto";
import { randomId } from "../random-id";
import type { PortalSessionStore } from "../storage/stores";

/** Tenant tokens start with this, so a token's kind is known before any lookup. */
export const TOKEN_PREFIX = "hrp_";
/** A session's default and longest life. */
export const DEFAULT_TTL_MS = 3_600_000;
export const MAX_TTL_MS = 7 * 86_400_000;

export interface PortalSession {
  readonly id: string;
  readonly tenant: string;
  readonly readOnly: boolean;
  readonly expiresAt: number;
}

/** What a presented tenant token stands for. */
export type Resolution = { readonly ok: true; readonly session: PortalSession } | { readonly ok: false; readonly why: "unknown" | "expired" | "revoked" };

export class PortalSessions {
  readonly #store: PortalSessionStore;

  constructor(store: PortalSessionStore) {
    this.#store = store;
  }

  /** A new session and its token (the only time the token exists outside the caller). */
  async create(tenant: string, ttlMs: number, readOnly: boolean, now: number): Promise<{ session: PortalSession; token: string }> {
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
    const session: PortalSession = { id: randomId("ps_", 24), tenant, readOnly, expiresAt: now + ttlMs };
    await this.#store.insert({ id: session.id, tenant, token_hash: hashToken(token), read_only: readOnly ? 1 : 0, created_at: now, expires_at: session.expiresAt });
    return { session, token };
  }

  /** Ends a session at once; false when there is no such session. */
  async revoke(id: string, now: number): Promise<boolean> {
    if (!(await this.#store.byId(id))) return false;
    await this.#store.revoke(id, now);
    return true;
  }

  async resolve(token: string, now: number): Promise<Resolution> {
    const row = await this.#store.byTokenHash(hashToken(token));
    if (!row) return { ok: false, why: "unknown" };
    if (row.revoked_at !== null) return { ok: false, why: "revoked" };
    if (row.expires_at <= now) return { ok: false, why: "expired" };
    return { ok: true, session: { id: row.id, tenant: row.tenant, readOnly: row.read_only === 1, expiresAt: row.expires_at } };
  }
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
