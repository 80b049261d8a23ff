/**
 * @module http/auth
 * Bearer-token guards. Tokens are compared in constant time, every configured
 * token is checked so timing does not reveal which matched, and the answer
 * never echoes what was sent.
 */
import { matchesAny, type Secret } from "../signing/secret";
import { HttpError } from "./errors";

export interface TokenSets {
  readonly ingestTokens: readonly Secret[];
  readonly adminTokens: readonly Secret[];
}

export type Role = "ingest" | "admin";

/** A beforeHandle hook that admits requests bearing a token of `role` (admin tokens may also ingest). */
export function requireToken(role: Role, tokens: () => TokenSets) {
  return ({ request }: { request: Request }): void => {
    const header = request.headers.get("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new HttpError(401, "unauthorized", "missing bearer token (Authorization: Bearer <token>)");
    const sets = tokens();
    const token = Buffer.from(match[1]!, "utf8");
    const ok = matchesAny(sets.adminTokens, token) || (role === "ingest" && matchesAny(sets.ingestTokens, token));
    if (!ok) throw new HttpError(401, "unauthorized", `the token is not valid for ${role === "admin" ? "the admin API" : "ingest"}`);
  };
}
