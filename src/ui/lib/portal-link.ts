/**
 * @module ui/lib/portal-link
 * Signing in from a portal session's link, `/ui/#token=hrp_…`. The token is
 * taken out of the fragment at once and the address replaced without it
 * (history.replaceState), so it stays neither in the address bar nor in the
 * tab's history; the fragment never reached the server. The API then says
 * whose token it is (`GET /v1/portal/session`: a tenant's session, or 404
 * for an admin token), and only then is it kept.
 */
import { api, ApiError } from "./api";
import { LINK_EXPIRED, type Session, signIn, signOut } from "./session";

interface CurrentSession {
  id: string;
  tenant: string;
  read_only: boolean;
  expires_at: string;
}

/** The token a portal link carries, removed from the address; null when the address has none. */
export function takeLinkToken(): string | null {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get("token");
  if (token === null) return null;
  params.delete("token");
  const rest = params.toString();
  history.replaceState(history.state, "", `${location.pathname}${location.search}${rest ? `#${rest}` : ""}`);
  return token;
}

/** The session `token` opens; throws the API's refusal (401 for a token that is not valid, or no longer). */
export async function sessionFor(token: string): Promise<Session> {
  try {
    const s = await api<CurrentSession>("GET", "/v1/portal/session", undefined, { token });
    return { kind: "tenant", token, tenant: s.tenant, readOnly: s.read_only, expiresAt: Date.parse(s.expires_at) };
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return { kind: "admin", token };
    throw err;
  }
}

/** Signs in with a link's token; a refused link ends any session with a notice saying why. */
export async function signInWithLink(token: string): Promise<void> {
  try {
    signIn(await sessionFor(token));
  } catch (err) {
    signOut(err instanceof ApiError && err.status === 401 ? LINK_EXPIRED : { text: `Could not sign in with this link: ${(err as Error).message}`, about: "link" });
  }
}
