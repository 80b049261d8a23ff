/**
 * @module cli/deliveries-retry
 * `deliveries retry ID` and the bulk form. The daemon replays a bulk retry in
 * one request that may take a while on a large table, so on a terminal a
 * ticking line on stderr shows it is still working.
 */
import type { DeliveryFilter, DeliveryView } from "./api-types";
import { type AdminClient, segment } from "./client";
import type { CliIo } from "./io";
import { printJson } from "./output";

/** How often the progress line is redrawn. */
const TICK_MS = 250;

/** Queues one delivery again and prints its new status. */
export async function retryOne(client: AdminClient, id: string, io: CliIo, json: boolean): Promise<void> {
  const d = await client.post<DeliveryView>(`/v1/deliveries/${segment(id)}/retry`);
  if (json) return printJson(io, d);
  io.stdout(`${d.id} ${d.status}\n`);
}

/** Replays every delivery matching `filter` and prints how many were queued. */
export async function retryMany(client: AdminClient, filter: DeliveryFilter, io: CliIo, json: boolean): Promise<void> {
  const stop = io.isTTY ? progress(io, `retrying ${filter.status} deliveries`) : () => {};
  let answer: { retried: number };
  try {
    answer = await client.post<{ retried: number }>("/v1/deliveries/retry", filter);
  } finally {
    stop();
  }
  if (json) return printJson(io, answer);
  io.stdout(`retried ${answer.retried} deliveries\n`);
}

/** Starts a `label… 3s` line on stderr; the returned function erases it. */
function progress(io: CliIo, label: string): () => void {
  const started = Date.now();
  const draw = () => io.stderr(`\r${label}… ${Math.floor((Date.now() - started) / 1000)}s`);
  draw();
  const timer = setInterval(draw, TICK_MS);
  return () => {
    clearInterval(timer);
    io.stderr("\r\x1b[K");
  };
}
