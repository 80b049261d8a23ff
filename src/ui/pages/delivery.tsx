/**
 * @module ui/pages/delivery
 * One delivery: the event's payload, every attempt (request headers, status,
 * duration, error, response excerpt) with "copy as curl", the attempts still
 * to come, and retry / cancel for the sessions that may. Refreshed while the
 * delivery is on its way.
 */
import { useEffect, useState } from "preact/hooks";
import { type Action, Actions } from "../components/actions";
import { Code, ErrorBox, Facts, Loading, Status, Time } from "../components/bits";
import { seg } from "../lib/api";
import { curlCommand } from "../lib/curl";
import { duration, relative } from "../lib/format";
import { mayCancel, mayRetry, type Rights, useRights } from "../lib/rights";
import { href } from "../lib/router";
import type { Attempt, DeliveryDetail, Endpoint, EventDetail } from "../lib/types";
import { useApi } from "../lib/use-api";

const ACTIVE = ["pending", "in_flight", "held"];
const POLL_MS = 2_000;

function deliveryActions(d: DeliveryDetail, rights: Rights): Action[] {
  const base = `/v1/deliveries/${seg(d.id)}`;
  const out: Action[] = [];
  if (mayRetry(rights) && ["pending", "failed", "delivered"].includes(d.status)) {
    out.push({ label: "Retry now", method: "POST", path: `${base}/retry`, done: (a: { status: string }) => `Queued again: ${a.status}.` });
  }
  if (mayCancel(rights) && ["pending", "held"].includes(d.status)) {
    out.push({ label: "Cancel", method: "POST", path: `${base}/cancel`, confirm: `Cancel ${d.id}? It will not be attempted again.`, done: () => "Cancelled." });
  }
  return out;
}

export function DeliveryPage({ id }: { id: string }) {
  const rights = useRights();
  const [poll, setPoll] = useState<number | undefined>(POLL_MS);
  const detail = useApi<DeliveryDetail>(`/v1/deliveries/${seg(id)}`, poll);
  const d = detail.data;
  // Polled while it is on its way; a finished delivery changes only by an action here.
  useEffect(() => {
    if (d) setPoll(ACTIVE.includes(d.status) ? POLL_MS : undefined);
  }, [d?.status]);
  const event = useApi<EventDetail>(d ? `/v1/events/${seg(d.event_id)}` : null);
  const endpoint = useApi<Endpoint>(d ? `/v1/endpoints/${seg(d.endpoint_id)}` : null);
  if (!d) return detail.error ? <ErrorBox error={detail.error} /> : <Loading what="the delivery" />;
  return (
    <>
      <h1>
        {d.id} <Status value={d.status} />
      </h1>
      <Actions actions={deliveryActions(d, rights)} onDone={() => {
          setPoll(POLL_MS);
          detail.reload();
        }} />
      <Facts
        rows={[
          ["Event", <span class="mono">{d.event_id}</span>],
          ["Event type", <span class="mono">{d.event_type}</span>],
          ["Endpoint", <a href={href(`/endpoints/${seg(d.endpoint_id)}`)}>{d.endpoint_id}</a>],
          ...(rights.admin ? ([["Tenant", d.tenant]] as [string, string | null][]) : []),
          ["Attempts", String(d.attempts)],
          ["Created", <Time iso={d.created_at} />],
          ["Delivered", d.delivered_at ? <Time iso={d.delivered_at} /> : null],
          ["Next attempt", d.next_attempt_at ? `${relative(d.next_attempt_at)}` : null],
          ["Last error", d.last_error],
        ]}
      />
      <h2>Payload</h2>
      {event.data ? <Code label="Event data" text={JSON.stringify(event.data.data, null, 2)} /> : <ErrorBox error={event.error} />}
      <h2>Upcoming attempts</h2>
      {d.upcoming.length === 0 ? (
        <p class="muted">None scheduled.</p>
      ) : (
        <ol class="upcoming" start={d.attempts + 1}>
          {d.upcoming.map((at) => (
            <li>
              <Time iso={at} /> ({relative(at)})
            </li>
          ))}
        </ol>
      )}
      <h2>Attempts</h2>
      {d.attempt_log.length === 0 ? <p class="muted">Not attempted yet.</p> : null}
      {[...d.attempt_log].reverse().map((a) => (
        <AttemptView attempt={a} url={endpoint.data?.url ?? null} body={d.request_body} />
      ))}
    </>
  );
}

function AttemptView({ attempt: a, url, body }: { attempt: Attempt; url: string | null; body: string | null }) {
  const [copied, setCopied] = useState<string | null>(null);
  const [shown, setShown] = useState(false);
  const curl = url ? curlCommand(url, a.request_headers, body) : null;
  const copy = async () => {
    if (!curl) return;
    try {
      await navigator.clipboard.writeText(curl);
      setCopied("Copied.");
    } catch {
      // Clipboard access needs a secure context or a permission: show the command to copy by hand.
      setShown(true);
      setCopied("Select the command below and copy it.");
    }
  };
  return (
    <section class="attempt" data-attempt={a.n}>
      <h3>
        Attempt {a.n} <span class={a.status_code !== null && a.status_code < 300 ? "ok-text" : "error"}>{a.status_code ?? "no answer"}</span>{" "}
        <span class="muted small">
          <Time iso={a.started_at} />, {duration(a.duration_ms)}
        </span>
      </h3>
      {a.error ? <p class="error">{a.error}</p> : null}
      <div class="columns">
        <div>
          <h4>Request headers</h4>
          <Code label="Request headers" text={Object.entries(a.request_headers).map(([k, v]) => `${k}: ${v}`).join("\n")} />
        </div>
        <div>
          <h4>Response (first 4 KiB)</h4>
          {a.response_excerpt === null || a.response_excerpt === "" ? <p class="muted">No body.</p> : <Code label="Response excerpt" text={a.response_excerpt} />}
        </div>
      </div>
      {curl ? (
        <div class="actions">
          <button type="button" onClick={copy}>
            Copy as curl
          </button>
          <button type="button" class="link" onClick={() => setShown(!shown)}>
            {shown ? "Hide command" : "Show command"}
          </button>
          {copied ? <span role="status">{copied}</span> : null}
        </div>
      ) : null}
      {shown && curl ? <Code label="curl command" text={curl} /> : null}
    </section>
  );
}
