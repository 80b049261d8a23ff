/**
 * @module ui/pages/new-endpoint
 * Creates an endpoint over the API, then shows its signing secret once. The
 * create carries an Idempotency-Key kept for as long as the form is filled
 * in the same way, so a request retried after a lost answer creates nothing
 * twice; a refused body gets a fresh key, since nothing was stored.
 */
import { useRef, useState } from "preact/hooks";
import { EndpointForm } from "../components/endpoint-form";
import { OneTimeSecret } from "../components/one-time-secret";
import { api, ApiError, seg } from "../lib/api";
import { createBody, EMPTY_FORM, type FormValues } from "../lib/endpoint-form";
import { href } from "../lib/router";
import { useRights } from "../lib/rights";
import type { CreatedEndpoint } from "../lib/types";

/** 128 random bits as hex; getRandomValues works on plain http too, where randomUUID does not. */
const newKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

export function NewEndpoint({ query }: { query: URLSearchParams }) {
  const rights = useRights();
  const [created, setCreated] = useState<CreatedEndpoint | null>(null);
  const key = useRef({ key: newKey(), body: "" });
  if (!rights.write) return <p class="muted">This session may only read: it cannot create endpoints.</p>;

  const submit = async (values: FormValues) => {
    const body = createBody(values, rights.admin);
    const text = JSON.stringify(body);
    if (text !== key.current.body) key.current = { key: newKey(), body: text };
    try {
      setCreated(await api<CreatedEndpoint>("POST", "/v1/endpoints", body, { headers: { "idempotency-key": key.current.key } }));
    } catch (err) {
      if (err instanceof ApiError) key.current = { key: newKey(), body: "" };
      throw err;
    }
  };

  if (created) {
    return (
      <>
        <h1>Endpoint created</h1>
        <p>
          <a href={href(`/endpoints/${seg(created.id)}`)}>{created.id}</a> sends <span class="mono">{created.events.join(", ")}</span> to{" "}
          <span class="mono">{created.url}</span>.
        </p>
        <OneTimeSecret secret={created.secret} />
        <p>
          <a href={href(`/endpoints/${seg(created.id)}`)}>Go to the endpoint</a> · <a href={href("/endpoints")}>All endpoints</a>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>New endpoint</h1>
      <p class="muted">Events of the types it names are sent to its URL, signed with a secret made for it. Fields left empty take the defaults.</p>
      <EndpointForm mode="create" initial={{ ...EMPTY_FORM, tenant: query.get("tenant") ?? "" }} onSubmit={submit} />
    </>
  );
}
