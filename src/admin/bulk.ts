/**
 * @module admin/bulk
 * Walks every row a bulk retry or cancel matches, one page per transaction,
 * yielding to the event loop between pages: memory stays at one page however
 * many rows match, and deliveries and ingest keep flowing meanwhile.
 */
import type { PageResult } from "../outbox/controls";
import type { DeliveryFilter } from "../outbox/delivery-filter";

/** Rows changed per transaction: large enough to amortise the commit, small enough not to stall ingest. */
export const BULK_PAGE = 500;

export interface BulkOutcome {
  readonly changed: number;
  /** Where to continue when `limit` stopped the walk; null when every match was examined. */
  readonly nextCursor: string | null;
}

/**
 * Applies `page` over the filter in ascending seq order until no rows are
 * left or `limit` rows were examined; `afterPage` runs after each page that
 * changed something.
 */
export async function walkPages(
  filter: DeliveryFilter,
  limit: number | undefined,
  page: (f: DeliveryFilter, size: number) => Promise<PageResult>,
  afterPage: (page: PageResult) => void,
): Promise<BulkOutcome> {
  let f = filter;
  let changed = 0;
  let budget = limit ?? Infinity;
  for (;;) {
    const size = Math.min(BULK_PAGE, budget);
    const r = await page(f, size);
    changed += r.changed;
    budget -= r.examined;
    if (r.changed > 0) afterPage(r);
    if (r.last === null || r.examined < size) return { changed, nextCursor: null };
    if (budget <= 0) return { changed, nextCursor: String(r.last) };
    f = { ...f, fromSeq: r.last + 1 };
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
