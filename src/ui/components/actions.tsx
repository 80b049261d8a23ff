/**
 * @module ui/components/actions
 * A row of buttons that each call the API once and say how it went: used for
 * enable, disable, test, retry and cancel. A page lists the actions that
 * apply to what it shows, so new ones are one more entry.
 */
import { useState } from "preact/hooks";
import { api } from "../lib/api";
import { Outcome } from "./bits";

export interface Action {
  readonly label: string;
  readonly method: "POST" | "DELETE" | "PATCH";
  readonly path: string;
  /** Asked before acting, when set. */
  readonly confirm?: string;
  /** The sentence shown after success, from the API's answer. */
  readonly done: (answer: any) => string;
}

export function Actions({ actions, onDone }: { actions: readonly Action[]; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const run = async (a: Action) => {
    if (a.confirm && !window.confirm(a.confirm)) return;
    setBusy(true);
    setMessage(null);
    try {
      setMessage({ ok: true, text: a.done(await api(a.method, a.path)) });
      onDone();
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="actions">
      {actions.map((a) => (
        <button type="button" disabled={busy} onClick={() => run(a)}>
          {a.label}
        </button>
      ))}
      <Outcome message={message} />
    </div>
  );
}
