/**
 * @module ui/components/one-time-secret
 * A signing secret the API has just shown for the only time (a create or a
 * rotation): in a read-only field with a Copy button, until the user says it
 * is stored or leaves the page. It lives in this component's state alone —
 * never in the URL, storage or a log — so once gone it cannot be shown again.
 */
import { useRef, useState } from "preact/hooks";

export function OneTimeSecret({ secret, note }: { secret: string; note?: string }) {
  const [kept, setKept] = useState(false);
  const [said, setSaid] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);
  if (kept) return <p class="muted">The secret is no longer shown. If it was not stored, rotate it to get a new one.</p>;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setSaid("Copied.");
    } catch {
      // The clipboard needs a permission (a frame may lack it): leave the text selected for copying by hand.
      field.current?.select();
      setSaid("Copying was not allowed here: the secret is selected, copy it with Ctrl+C (⌘C).");
    }
  };
  return (
    <div class="secret-box" role="region" aria-label="Signing secret">
      <p>
        <strong>The signing secret, shown only this once.</strong> Store it now where the receiver verifies signatures{note ? `; ${note}` : ""}.
      </p>
      <div class="secret-row">
        <input ref={field} class="mono" readOnly value={secret} aria-label="Signing secret" spellcheck={false} autocomplete="off" onFocus={(e) => e.currentTarget.select()} />
        <button type="button" class="primary" onClick={copy}>
          Copy
        </button>
        <button type="button" onClick={() => setKept(true)}>
          I have stored it
        </button>
      </div>
      {said ? <p role="status">{said}</p> : null}
    </div>
  );
}
