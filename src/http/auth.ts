/**
 * @module http/auth
 * Bearer tokens → who is calling (a principal), once, at the HTTP boundary.
 * Admin and ingest tokens are compared in constant time, every configured
 * token is checked so timing does not reveal which matched, and the answer
 * never echoes what was sent. Tenant tokens (portal sessions) are recognised
 * by their prefix and looked up by hash.
 */
import type { Resolution } from "../portal/sessions";
import { TOKEN_PREFIX } from "../portal/sessions";
import { matchesAny, type Secret } from "../signing/secret";
import { HttpError } from "./errors";

export interface TokenSets {
  readonly ingestTokens: readonly Secret[];
  readonly adminTokens: readonly Secret[];
}

export type Principal =
  | { readonly kind: "admin" }
  | { readonly kind: "ingest" }
  | { readonly kind: "tenant"; readonly tenant: string; readonly sessionId: string; readonly readOnly: boolean; readonly expiresAt: number };

export interface AuthDeps {
  readonly tokens: () => TokenSets;
  /** Looks up a portal session's token. */
  readonly session: (token: string) => Promise<Resolution>;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const ADMIN: Principal = Object.freeze({ kind: "admin" });
const INGEST: Principal = Object.freeze({ kind: "ingest" });

/** The caller of `request`; 401 when it presents no valid token. */
export async function authenticate(request: Request, deps: AuthDeps): Promise<Principal> {
  const token = bearer(request);
  const sets = deps.tokens();
  const bytes = Buffer.from(token, "utf8");
  if (matchesAny(sets.adminTokens, bytes)) return ADMIN;
  if (matchesAny(sets.ingestTokens, bytes)) return INGEST;
  if (token.startsWith(TOKEN_PREFIX)) {
    const found = await deps.session(token);
    if (found.ok) {
      const { session } = found;
      return { kind: "tenant", tenant: session.tenant, sessionId: session.id, readOnly: session.readOnly, expiresAt: session.expiresAt };
    }
    if (found.why !== "unknown") throw new HttpError(401, "unauthorized", `the portal session has ${found.why === "expired" ? "expired" : "been revoked"}; ask for a new link`);
  }
  throw new HttpError(401, "unauthorized", "the token is not valid");
}

/**
 * A beforeHandle hook for ingest: admin and ingest tokens pass; a portal
 * session is refused (403), anything else 401. The configured tokens are
 * checked first, so ingest never waits on a session lookup.
 */
export function requireIngestToken(deps: AuthDeps) {
  return ({ request }: { request: Request }): Promise<never> | undefined => {
    const token = bearer(request);
    const sets = deps.tokens();
    const bytes = Buffer.from(token, "utf8");
    if (matchesAny(sets.adminTokens, bytes) || matchesAny(sets.ingestTokens, bytes)) return undefined;
    return refuseIngest(token, deps);
  };
}

/** 403 for a live portal session's token, which is no ingest token; 401 for anything else. */
async function refuseIngest(token: string, deps: AuthDeps): Promise<never> {
  if (token.startsWith(TOKEN_PREFIX) && (await deps.session(token)).ok) throw forbidden("a portal session cannot ingest events");
  throw new HttpError(401, "unauthorized", "the token is not valid for ingest");
}

export function forbidden(message: string): HttpError {
  return new HttpError(403, "forbidden", message);
}

function bearer(request: Request): string {
  const match = BEARER.exec(request.headers.get("authorization") ?? "");
  if (!match) throw new HttpError(401, "unauthorized", "missing bearer token (Authorization: Bearer <token>)");
  return match[1]!;
}
