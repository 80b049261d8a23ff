/**
 * @module ui/pages/deliveries
 * Deliveries newest first, filtered by status, endpoint, event type, tenant
 * (admins only: a tenant sees its own) and time — every filter and the
 * page's cursor in the URL, so a view can be shared — with a live mode that
 * keeps the first page current and marks new rows, and bulk retry / cancel
 * of what the filter selects, for the sessions that may.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { ErrorBox, Loading } from "../components/bits";
import { BulkAction } from "../components/bulk";
import { DeliveryTable } from "../components/delivery-table";
import { Pager } from "../components/pager";
import { withQuery } from "../lib/api";
import { mayCancel, mayRetry, useRights } from "../lib/rights";
import { href, navigate, withParams } from "../lib/router";
import { DELIVERY_STATUSES, type Delivery, type Page } from "../lib/types";
import { useApi } from "../lib/use-api";

/** The filters the URL carries, with the API's names. */
const FILTERS = ["status", "endpoint", "event_type", "tenant", "since", "until"] as const;
const PAGE_SIZE = "50";
const LIVE_MS = 2_000;
const RETRYABLE = ["pending", "failed", "delivered"];
const CANCELLABLE = ["pending", "held"];

export function Deliveries({ query }: { query: URLSearchParams }) {
  const rights = useRights();
  // A tenant's deliveries are its own whatever the URL says: it has no tenant filter.
  const filters = FILTERS.filter((k) => k !== "tenant" || rights.admin);
  const filter = Object.fromEntries(filters.map((k) => [k, query.get(k) ?? undefined])) as Partial<Record<(typeof FILTERS)[number], string>>;
  const cursor = query.get("cursor") ?? undefined;
  const live = query.get("live") === "1" && !cursor;
  const page = useApi<Page<Delivery>>(withQuery("/v1/deliveries", { ...filter, cursor, limit: PAGE_SIZE }), live ? LIVE_MS : undefined);
  const fresh = useFreshRows(page.data?.items ?? [], live);

  const go = (changes: Record<string, string | undefined>, replace = false) => navigate(href("/deliveries", withParams(query, changes)), replace);
  const apply = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    go({ ...Object.fromEntries(filters.map((k) => [k, String(form.get(k) ?? "").trim() || undefined])), cursor: undefined });
  };
  const retry = mayRetry(rights) && filter.status !== undefined && RETRYABLE.includes(filter.status);
  const cancel = mayCancel(rights) && filter.status !== undefined && CANCELLABLE.includes(filter.status);

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
        {rights.admin ? <input name="tenant" placeholder="tenant" aria-label="Tenant" value={filter.tenant ?? ""} /> : null}
        <input name="since" placeholder="since: 1h or 2026-03-08T12:00Z" aria-label="Since" value={filter.since ?? ""} />
        <input name="until" placeholder="until" aria-label="Until" value={filter.until ?? ""} />
        <button type="submit">Apply</button>
        <label class="live">
          <input type="checkbox" name="live" checked={live} disabled={!!cursor} onChange={(e) => go({ live: e.currentTarget.checked ? "1" : undefined }, true)} /> Live
        </label>
      </form>
      {retry || cancel ? (
        <div class="bulk-row">
          {retry ? <BulkAction kind="retry" filter={{ ...filter, status: filter.status! }} onDone={page.reload} /> : null}
          {cancel ? <BulkAction kind="cancel" filter={{ ...filter, status: filter.status! }} onDone={page.reload} /> : null}
        </div>
      ) : !filter.status && mayRetry(rights) ? (
        <p class="muted small">Choose a status to {mayCancel(rights) ? "retry or cancel" : "retry"} every delivery the filter selects.</p>
      ) : null}
      <ErrorBox error={page.error} />
      {!page.data ? (
        <Loading what="deliveries" />
      ) : page.data.items.length === 0 ? (
        <p class="muted">No delivery matches.</p>
      ) : (
        <DeliveryTable items={page.data.items} fresh={fresh} showTenant={rights.admin} />
      )}
      <Pager path="/deliveries" query={query} next={page.data?.next_cursor ?? null} first="Newest" later="Older" />
    </>
  );
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
