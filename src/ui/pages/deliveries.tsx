/**
 * @module ui/pages/deliveries
 * Deliveries newest first, filtered by status, endpoint, event type and time
 * — every filter and the page's cursor in the URL, so a view can be shared —
 * with a live mode that keeps the first page current and marks new rows,
 * and bulk retry / cancel of what the filter selects.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { ErrorBox, Loading } from "../components/bits";
import { BulkAction } from "../components/bulk";
import { DeliveryTable } from "../components/delivery-table";
import { withQuery } from "../lib/api";
import { href, navigate } from "../lib/router";
import { DELIVERY_STATUSES, type Delivery, type Page } from "../lib/types";
import { useApi } from "../lib/use-api";

/** The filters the URL carries, with the API's names. */
const FILTERS = ["status", "endpoint", "event_type", "since", "until"] as const;
const PAGE_SIZE = "50";
const LIVE_MS = 2_000;
const RETRYABLE = ["pending", "failed", "delivered"];
const CANCELLABLE = ["pending", "held"];

export function Deliveries({ query }: { query: URLSearchParams }) {
  const filter = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) ?? undefined])) as Record<(typeof FILTERS)[number], string | undefined>;
  const cursor = query.get("cursor") ?? undefined;
  const live = query.get("live") === "1" && !cursor;
  const page = useApi<Page<Delivery>>(withQuery("/v1/deliveries", { ...filter, cursor, limit: PAGE_SIZE }), live ? LIVE_MS : undefined);
  const fresh = useFreshRows(page.data?.items ?? [], live);

  const go = (changes: Record<string, string | undefined>, replace = false) => {
    const next = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    navigate(href("/deliveries", next), replace);
  };
  const apply = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    go({ ...Object.fromEntries(FILTERS.map((k) => [k, String(form.get(k) ?? "").trim() || undefined])), cursor: undefined });
  };

  return (
    <>
      <h1>Deliveries</h1>
      <form class="filters" onSubmit={apply} key={query.toString()}>
        <select name="status" aria-label="Status" value={filter.status ?? ""}>
          <option value="">any status</option>
          {DELIVERY_STATUSES.map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
        <input name="endpoint" placeholder="endpoint id" aria-label="Endpoint" value={filter.endpoint ?? ""} />
        <input name="event_type" placeholder="event type" aria-label="Event type" value={filter.event_type ?? ""} />
        <input name="since" placeholder="since: 1h or 2026-03-08T12:00Z" aria-label="Since" value={filter.since ?? ""} />
        <input name="until" placeholder="until" aria-label="Until" value={filter.until ?? ""} />
        <button type="submit">Apply</button>
        <label class="live">
          <input type="checkbox" name="live" checked={live} disabled={!!cursor} onChange={(e) => go({ live: e.currentTarget.checked ? "1" : undefined }, true)} /> Live
        </label>
      </form>
      {filter.status ? (
        <div class="bulk-row">
          {RETRYABLE.includes(filter.status) ? <BulkAction kind="retry" filter={{ ...filter, status: filter.status }} onDone={page.reload} /> : null}
          {CANCELLABLE.includes(filter.status) ? <BulkAction kind="cancel" filter={{ ...filter, status: filter.status }} onDone={page.reload} /> : null}
        </div>
      ) : (
        <p class="muted small">Choose a status to retry or cancel every delivery the filter selects.</p>
      )}
      <ErrorBox error={page.error} />
      {!page.data ? (
        <Loading what="deliveries" />
      ) : page.data.items.length === 0 ? (
        <p class="muted">No delivery matches.</p>
      ) : (
        <DeliveryTable items={page.data.items} fresh={fresh} />
      )}
      <nav class="pager">
        {cursor ? <a href={href("/deliveries", withoutCursor(query))}>Newest</a> : null}
        {page.data?.next_cursor ? (
          <a href={href("/deliveries", withCursor(query, page.data.next_cursor))} rel="next">
            Older
          </a>
        ) : null}
      </nav>
    </>
  );
}

function withoutCursor(q: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(q);
  next.delete("cursor");
  return next;
}

function withCursor(q: URLSearchParams, cursor: string): URLSearchParams {
  const next = withoutCursor(q);
  next.delete("live");
  next.set("cursor", cursor);
  return next;
}

/** The seqs that appeared since live mode started showing this page. */
function useFreshRows(items: readonly Delivery[], live: boolean): ReadonlySet<number> {
  const seen = useRef<Set<number> | null>(null);
  const [fresh, setFresh] = useState<ReadonlySet<number>>(new Set());
  useEffect(() => {
    if (!live) {
      seen.current = null;
      setFresh(new Set());
      return;
    }
    if (items.length === 0 && seen.current === null) return;
    if (seen.current === null) {
      seen.current = new Set(items.map((d) => d.seq));
      return;
    }
    const added = items.filter((d) => !seen.current!.has(d.seq)).map((d) => d.seq);
    for (const s of added) seen.current.add(s);
    if (added.length > 0) setFresh((old) => new Set([...old, ...added]));
  }, [items, live]);
  return fresh;
}
