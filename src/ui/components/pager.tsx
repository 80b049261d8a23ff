/**
 * @module ui/components/pager
 * Cursor paging for a listing page: a link back to the first page while on a
 * later one, and one to the next page when the API gave a `next_cursor`.
 * The cursor lives in the URL with the page's filters; live mode, which
 * follows the first page, is dropped when paging on.
 */
import { href, withParams } from "../lib/router";

export function Pager({ path, query, next, first, later }: { path: string; query: URLSearchParams; next: string | null; first: string; later: string }) {
  return (
    <nav class="pager">
      {query.get("cursor") ? <a href={href(path, withParams(query, { cursor: undefined }))}>{first}</a> : null}
      {next ? (
        <a href={href(path, withParams(query, { cursor: next, live: undefined }))} rel="next">
          {later}
        </a>
      ) : null}
    </nav>
  );
}
