/**
 * @module ui/components/endpoint-controls
 * What can be done to an endpoint created over the API, beyond enable,
 * disable and test: edit it (a merge patch of the changed keys only), rotate
 * its secret (with a choice of grace; the new secret shown once) and delete
 * it (after a confirmation). One panel is open at a time.
 */
import { useState } from "preact/hooks";
import { api, seg } from "../lib/api";
import { patchBody, valuesOf } from "../lib/endpoint-form";
import { time } from "../lib/format";
import { useRights } from "../lib/rights";
import type { Endpoint, RotatedSecret } from "../lib/types";
import { Outcome, Problem } from "./bits";
import { EndpointForm } from "./endpoint-form";
import { OneTimeSecret } from "./one-time-secret";

/** How long the previous secret keeps signing after a rotation; the API's default is 24h. */
const GRACES: readonly [string, string][] = [
  ["24h", "24 hours (receivers accept either meanwhile)"],
  ["1h", "1 hour"],
  ["7d", "7 days"],
  ["0s", "none: drop the old secret at once"],
];

type Panel = "none" | "edit" | "rotate";

export function EndpointControls({ endpoint: e, onChanged, onDeleted }: { endpoint: Endpoint; onChanged: () => void; onDeleted: () => void }) {
  const rights = useRights();
  const [panel, setPanel] = useState<Panel>("none");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const base = `/v1/endpoints/${seg(e.id)}`;
  const open = (p: Panel) => {
    setMessage(null);
    setPanel(panel === p ? "none" : p);
  };

  const save = async (values: ReturnType<typeof valuesOf>) => {
    const patch = patchBody(valuesOf(e), values, rights.admin);
    if (Object.keys(patch).length === 0) {
      setPanel("none");
      setMessage({ ok: true, text: "Nothing changed." });
      return;
    }
    await api("PATCH", base, patch, { contentType: "application/merge-patch+json" });
    setPanel("none");
    setMessage({ ok: true, text: `Saved: ${Object.keys(patch).join(", ")}.` });
    onChanged();
  };

  const remove = async () => {
    if (!window.confirm(`Delete ${e.id}? Its pending and held deliveries are cancelled, and the id cannot be used again.`)) return;
    try {
      await api("DELETE", base);
      onDeleted();
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    }
  };

  return (
    <section class="controls">
      <div class="actions">
        <button type="button" aria-expanded={panel === "edit"} onClick={() => open("edit")}>
          Edit
        </button>
        <button type="button" aria-expanded={panel === "rotate"} onClick={() => open("rotate")}>
          Rotate secret…
        </button>
        <button type="button" class="danger" onClick={remove}>
          Delete…
        </button>
        <Outcome message={message} />
      </div>
      {panel === "edit" ? <EndpointForm mode="edit" initial={valuesOf(e)} onSubmit={save} onCancel={() => setPanel("none")} /> : null}
      {panel === "rotate" ? <Rotation path={`${base}/rotate-secret`} /> : null}
    </section>
  );
}

function Rotation({ path }: { path: string }) {
  const [grace, setGrace] = useState(GRACES[0]![0]);
  const [rotated, setRotated] = useState<RotatedSecret | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (rotated) {
    const until = Date.parse(rotated.previous_expires_at) > Date.now() ? `the previous secret keeps signing until ${time(rotated.previous_expires_at)}` : "the previous secret no longer signs";
    return <OneTimeSecret secret={rotated.secret} note={until} />;
  }
  const rotate = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      setRotated(await api<RotatedSecret>("POST", path, { grace }));
    } catch (err) {
      setProblem((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="rotation" onSubmit={rotate} aria-label="Rotate the secret">
      <label>
        <span>The previous secret keeps signing for</span>
        <select name="grace" value={grace} onChange={(ev) => setGrace(ev.currentTarget.value)}>
          {GRACES.map(([value, label]) => (
            <option value={value}>{label}</option>
          ))}
        </select>
      </label>
      <button type="submit" class="primary" disabled={busy}>
        Rotate now
      </button>
      <Problem text={problem} />
    </form>
  );
}
