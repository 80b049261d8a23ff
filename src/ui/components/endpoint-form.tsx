/**
 * @module ui/components/endpoint-form
 * The form that creates or edits an endpoint created over the API, with the
 * fields the signed-in session may set (lib/endpoint-form.ts decides which
 * and builds the body). The API's own check has the last word: a 400 shows
 * each field it named.
 */
import { useState } from "preact/hooks";
import { ApiError } from "../lib/api";
import { ADMIN_FIELDS, formProblems, type FormValues, SCHEMES } from "../lib/endpoint-form";
import { useRights } from "../lib/rights";

export interface EndpointFormProps {
  readonly mode: "create" | "edit";
  readonly initial: FormValues;
  /** Sends the values; throws what the API answered when it refused them. */
  readonly onSubmit: (values: FormValues) => Promise<void>;
  readonly onCancel?: () => void;
}

type Field = keyof FormValues;

const LABELS: Record<Field, [string, string]> = {
  url: ["URL", "https://hooks.example.com/in"],
  events: ["Events", "order.created, order.* or *"],
  description: ["Description", "What this endpoint is for"],
  id: ["Id", "generated when empty (ep_…)"],
  tenant: ["Tenant", "none"],
  scheme: ["Signature scheme", ""],
  header: ["Signature header", "the scheme's default"],
  timeout: ["Timeout", "the default, e.g. 10s"],
  retry: ["Retry delays", "the default, e.g. 0s, 1m, 10m, 1h"],
};

export function EndpointForm({ mode, initial, onSubmit, onCancel }: EndpointFormProps) {
  const rights = useRights();
  const [values, setValues] = useState(initial);
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const fields: Field[] = ["url", "events", "description"];
  if (rights.admin) fields.push(...(mode === "create" ? (["id", "tenant"] as Field[]) : []), "scheme", "header", "timeout", "retry");
  const set = (k: Field, v: string) => setValues((old) => ({ ...old, [k]: v }));

  const submit = async (e: Event) => {
    e.preventDefault();
    const found = formProblems(values);
    setProblems(found);
    if (found.length > 0) return;
    setBusy(true);
    try {
      await onSubmit(values);
    } catch (err) {
      const details = err instanceof ApiError ? err.details.map((d) => `${d.field.replace(/^\//, "") || "body"}: ${d.message}`) : [];
      setProblems([(err as Error).message, ...details]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="endpoint-form" onSubmit={submit} aria-label={mode === "create" ? "New endpoint" : "Edit endpoint"}>
      {fields.map((k) => (
        <label class={ADMIN_FIELDS.has(k) ? "admin-field" : undefined}>
          <span>{LABELS[k][0]}</span>
          {k === "scheme" ? (
            <select name="scheme" value={values.scheme} onChange={(e) => set("scheme", e.currentTarget.value)}>
              {mode === "create" ? <option value="">the default</option> : null}
              {SCHEMES.map((s) => (
                <option value={s}>{s}</option>
              ))}
            </select>
          ) : (
            <input
              name={k}
              value={values[k]}
              placeholder={LABELS[k][1]}
              required={k === "url" || k === "events"}
              autocomplete="off"
              onInput={(e) => set(k, e.currentTarget.value)}
            />
          )}
        </label>
      ))}
      {problems.length > 0 ? (
        <ul class="error" role="alert">
          {problems.map((p) => (
            <li>{p}</li>
          ))}
        </ul>
      ) : null}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {mode === "create" ? "Create endpoint" : "Save changes"}
        </button>
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
