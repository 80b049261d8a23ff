/**
 * @module ui/lib/session
 * Who the dashboard is signed in as: an admin (a token typed once) or one
 * tenant (a portal session's link). Either way the token is kept in
 * sessionStorage — gone with the tab, never in a cookie, a URL or the page.
 * A session that ends says why, in a notice the sign-in page shows.
 */

const KEY = "hookrelay.session";

export type Session =
  | { readonly kind: "admin"; readonly token: string }
  | {
      readonly kind: "tenant";
      readonly token: string;
      readonly tenant: string;
      readonly readOnly: boolean;
      /** Unix ms. */
      readonly expiresAt: number;
    };

/** Why the last session ended; `link` notices are about a portal link, the others about an admin token. */
export interface Notice {
  readonly text: string;
  readonly about: "token" | "link";
}

/** A refused admin token. */
export const TOKEN_REFUSED: Notice = {
  text: "The API refused the token (401): it was changed or removed. Sign in again with a valid admin token.",
  about: "token",
};
/** A refused portal session: it expired or was revoked. */
export const LINK_EXPIRED: Notice = { text: "This link has expired or was revoked. Ask for a new link to sign in again.", about: "link" };
const LINK_SIGNED_OUT: Notice = { text: "You signed out. Open your link again to sign back in.", about: "link" };

type Listener = () => void;
const listeners = new Set<Listener>();
let notice: Notice | null = null;

export function currentSession(): Session | null {
  const text = sessionStorage.getItem(KEY);
  if (!text) return null;
  try {
    return JSON.parse(text) as Session;
  } catch {
    return null;
  }
}

export function signIn(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
  notice = null;
  emit();
}

/** Forgets the session; `why` is shown on the sign-in page (by default: what fits a sign-out by hand). */
export function signOut(why?: Notice | null): void {
  const was = currentSession();
  sessionStorage.removeItem(KEY);
  notice = why !== undefined ? why : was?.kind === "tenant" ? LINK_SIGNED_OUT : null;
  emit();
}

/** The notice for a session whose token the API refused. */
export function refusedNotice(session: Session): Notice {
  return session.kind === "tenant" ? LINK_EXPIRED : TOKEN_REFUSED;
}

/** Why the last session ended, for the sign-in page. */
export function signOutNotice(): Notice | null {
  return notice;
}

export function onSessionChange(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function emit(): void {
  for (const fn of listeners) fn();
}
