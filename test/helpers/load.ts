/**
 * @module test/helpers/load
 * Ingest load as applications make it: several clients posting events with
 * ids of their own until told to stop, each answer 202 noted. A daemon that
 * is killed mid-request simply never answers the event it was posting.
 */
import { INGEST_TOKEN } from "./relay";

export interface IngestLoad {
  /** Ids answered 202, in order. */
  readonly accepted: string[];
  /** Resolves once every client has stopped. */
  readonly done: Promise<unknown>;
  stop(): void;
}

/** Posts events `${prefix}-0` … from `clients` concurrent clients, at most `total`, until stop(). */
export function ingestLoad(url: string, prefix: string, total: number, clients: number): IngestLoad {
  const accepted: string[] = [];
  let next = 0;
  let stopped = false;
  const client = async () => {
    while (!stopped && next < total) {
      const id = `${prefix}-${next++}`;
      try {
        const res = await fetch(`${url}/v1/events`, {
          method: "POST",
          headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify({ id, type: "load.tick", data: { id } }),
        });
        if (res.status === 202) accepted.push(id);
      } catch {
        // The daemon was killed mid-request: that event was never answered 202.
        return;
      }
    }
  };
  const done = Promise.all(Array.from({ length: clients }, client));
  return {
    accepted,
    done,
    stop: () => {
      stopped = true;
    },
  };
}
