/**
 * @module ui/components/bits
 * The small pieces every page uses. Everything shown here arrives as a
 * string child and so is rendered as text: nothing a receiver or producer
 * sent can become markup.
 */
import type { ComponentChildren } from "preact";
import { ApiError } from "../lib/api";
import { time } from "../lib/format";

export function Status({ value }: { value: string }) {
  return <span class={`status s-${value.replace(/[^a-z_]/g, "")}`}>{value.replace("_", " ")}</span>;
}

export function Time({ iso }: { iso: string | null }) {
  return iso ? <time dateTime={iso} title={iso}>{time(iso)}</time> : <span class="muted">—</span>;
}

/** An API error as a sentence; a 404 says "Not found" first (another tenant's ids are 404 too). */
export function ErrorBox({ error }: { error: Error | null }) {
  return <Problem text={error === null ? null : error instanceof ApiError && error.status === 404 ? `Not found: ${error.message}.` : error.message} />;
}

/** A sentence about something that went wrong, announced to screen readers. */
export function Problem({ text }: { text: string | null }) {
  return text ? (
    <p class="error" role="alert">
      {text}
    </p>
  ) : null;
}

/** How an action went: a sentence in green or red, next to its buttons. */
export function Outcome({ message }: { message: { ok: boolean; text: string } | null }) {
  return message ? (
    <span class={message.ok ? "ok-text" : "error"} role="status">
      {message.text}
    </span>
  ) : null;
}

export function Loading({ what }: { what: string }) {
  return <p class="muted">Loading {what}…</p>;
}

/** A definition list of label → value rows. */
export function Facts({ rows }: { rows: readonly [string, ComponentChildren][] }) {
  return (
    <dl class="facts">
      {rows.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v ?? <span class="muted">—</span>}</dd>
        </>
      ))}
    </dl>
  );
}

/** A figure on the overview: a big number and what it means. */
export function Tile({ label, value, note }: { label: string; value: ComponentChildren; note?: string }) {
  return (
    <div class="tile">
      <div class="tile-value">{value}</div>
      <div class="tile-label">{label}</div>
      {note ? <div class="muted">{note}</div> : null}
    </div>
  );
}

/** Text shown as it is, in a box: payloads, headers, response excerpts. */
export function Code({ text, label }: { text: string; label?: string }) {
  return (
    <pre class="code" aria-label={label}>
      {text}
    </pre>
  );
}
