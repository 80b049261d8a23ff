/**
 * @module ui/pages/sign-in
 * Asks for an admin token, checks it against the API before keeping it, and
 * says why the last session ended when the API refused its token.
 */
import { useState } from "preact/hooks";
import { api, ApiError } from "../lib/api";
import { signIn, signOutNotice } from "../lib/session";

export function SignIn() {
  const [token, setToken] = useState("");
  const [problem, setProblem] = useState<string | null>(signOutNotice());
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const t = token.trim();
    if (!t) return setProblem("Enter an admin token (one of auth.admin_tokens in the config).");
    setBusy(true);
    try {
      await api("GET", "/v1/endpoints", undefined, t);
      signIn(t);
    } catch (err) {
      setProblem(err instanceof ApiError && err.status === 401 ? "That token is not an admin token of this hookrelay." : `Could not reach the API: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>hookrelay</h1>
      <form onSubmit={submit}>
        <label for="token">Admin token</label>
        <input id="token" name="token" type="password" autocomplete="off" value={token} onInput={(e) => setToken(e.currentTarget.value)} autofocus />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {problem ? (
          <p class="error" role="alert">
            {problem}
          </p>
        ) : null}
        <p class="muted">The token stays in this tab only (session storage) and is sent to this hookrelay's API alone.</p>
      </form>
    </main>
  );
}
