/**
 * @module cli/deliveries-retry
 * `deliveries retry ID` and the bulk form. A bulk retry is asked for in
 * chunks (the API's `limit` and `cursor`), so each request stays short and a
 * terminal can show how many have been queued so far.
 */
import type { DeliveryFilter, DeliveryView } from "./api-types";
import { type AdminClient, segment } from "./client";
import type { CliIo } from "./io";
import { deliveries, printJson } from "./output";

/** Rows the daemon examines per request: a few pages of its walk, well under a second of work. */
export const RETRY_CHUNK = 5_000;

interface BulkAnswer {
  readonly retried: number;
  readonly next_cursor: string | null;
}

/** Queues one delivery again and prints its new status. */
export async function retryOne(client: AdminClient, id: string, io: CliIo, json: boolean): Promise<void> {
  const d = await client.post<DeliveryView>(`/v1/deliveries/${segment(id)}/retry`);
  if (json) return printJson(io, d);
  io.stdout(`${d.id} ${d.status}\n`);
}

/** Replays every delivery matching `filter` and prints how many were queued. */
export async function retryMany(client: AdminClient, filter: DeliveryFilter, io: CliIo, json: boolean): Promise<void> {
  const label = `retrying ${filter.status} deliveries…`;
  let retried = 0;
  let cursor: string | null = null;
  try {
    do {
      if (io.isTTY) io.stderr(`\r${label} ${retried} queued`);
      const answer: BulkAnswer = await client.post<BulkAnswer>("/v1/deliveries/retry", {
        ...filter,
        limit: RETRY_CHUNK,
        ...(cursor === null ? {} : { cursor }),
      });
      retried += answer.retried;
      cursor = answer.next_cursor;
    } while (cursor !== null);
  } finally {
    // Erase the progress line so the result (or the error) starts on a clean line.
    if (io.isTTY) io.stderr("\r\x1b[K");
  }
  if (json) return printJson(io, { retried, next_cursor: null });
  io.stdout(`retried ${deliveries(retried)}\n`);
}
