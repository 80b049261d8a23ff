/**
 * @module ui/pages/sign-in
 * Asks for a token — an admin token, or a portal session's — checks it
 * against the API before keeping it, and says why the last session ended. After a portal link ended (it expired or
 * was revoked) the page is about the link — ask for a new one — and the
 * admin form waits behind a button, as a customer has no admin token.
 */
import { useState } from "preact/hooks";
import { Problem } from "../components/bits";
import { ApiError } from "../lib/api";
import { sessionFor } from "../lib/portal-link";
import { signIn, signOutNotice } from "../lib/session";

/** While a portal link's token is being checked. */
export function SigningIn() {
  return (
    <main class="sign-in">
      <h1>hookrelay</h1>
      <p role="status">Signing in with your link…</p>
    </main>
  );
}

export function SignIn() {
  const notice = signOutNotice();
  const [token, setToken] = useState("");
  const [problem, setProblem] = useState<string | null>(notice?.about === "token" ? notice.text : null);
  const [formShown, setFormShown] = useState(notice?.about !== "link");
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const t = token.trim();
    if (!t) return setProblem("Enter an admin token (one of auth.admin_tokens in the config).");
    setBusy(true);
    try {
      signIn(await sessionFor(t));
    } catch (err) {
      setProblem(err instanceof ApiError && err.status === 401 ? "That token is not an admin token of this hookrelay." : `Could not reach the API: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>hookrelay</h1>
      {notice?.about === "link" ? (
        <p class="notice" role="alert">
          {notice.text}
        </p>
      ) : null}
      {formShown ? (
        <form onSubmit={submit}>
          <label for="token">Admin token</label>
          <input id="token" name="token" type="password" autocomplete="off" value={token} onInput={(e) => setToken(e.currentTarget.value)} autofocus />
          <button type="submit" disabled={busy}>
            Sign in
          </button>
          <Problem text={problem} />
          <p class="muted">The token stays in this tab only (session storage) and is sent to this hookrelay's API alone.</p>
        </form>
      ) : (
        <button type="button" class="link" onClick={() => setFormShown(true)}>
          Sign in with an admin token instead
        </button>
      )}
    </main>
  );
}
