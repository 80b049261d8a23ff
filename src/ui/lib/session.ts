/**
 * @module ui/lib/session
 * Who the dashboard is signed in as: an admin token typed once, kept in
 * sessionStorage (gone with the tab, never in a cookie, a URL or the page).
 * A refused token ends the session with the sentence the sign-in page shows.
 */

const KEY = "hookrelay.token";

export interface Session {
  readonly token: string;
}

type Listener = () => void;
const listeners = new Set<Listener>();
let notice: string | null = null;

export function currentSession(): Session | null {
  const token = sessionStorage.getItem(KEY);
  return token ? { token } : null;
}

export function signIn(token: string): void {
  sessionStorage.setItem(KEY, token);
  notice = null;
  emit();
}

/** Forgets the token; `why` is shown on the sign-in page. */
export function signOut(why: string | null = null): void {
  sessionStorage.removeItem(KEY);
  notice = why;
  emit();
}

/** Why the last session ended, for the sign-in page. */
export function signOutNotice(): string | null {
  return notice;
}

export function onSessionChange(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function emit(): void {
  for (const fn of listeners) fn();
}
