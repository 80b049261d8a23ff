/**
 * @module ui/components/bulk
 * Retry or cancel everything a filter selects: count first, then ask, then
 * walk the matches in chunks (the API's `limit` and `cursor`) showing how far
 * it got, with a way to stop between chunks. The filter is frozen when the
 * count is taken: a "since 1h" becomes the time it meant then, so the walk
 * covers what was counted.
 */
import { useRef, useState } from "preact/hooks";
import { api, withQuery } from "../lib/api";
import { count, plural } from "../lib/format";

/** Rows the daemon examines per request: short requests, and progress that moves. */
export const BULK_CHUNK = 1_000;

const AGO = /^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)\s*$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A "that long ago" bound as the ISO time it means now; other values as they are. */
export function frozenBound(value: string | undefined, now: number): string | undefined {
  if (!value || !AGO.test(value)) return value;
  const [, n, unit] = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/.exec(value)!;
  return new Date(now - Number(n) * UNIT_MS[unit!]!).toISOString();
}

export type BulkKind = "retry" | "cancel";

export interface BulkFilter {
  readonly status: string;
  readonly endpoint?: string;
  readonly event_type?: string;
  readonly tenant?: string;
  readonly since?: string;
  readonly until?: string;
}

type Phase =
  | { step: "idle" }
  | { step: "counting" }
  | { step: "confirm"; total: number; capped: boolean; filter: BulkFilter }
  | { step: "running"; done: number; total: number }
  | { step: "finished"; done: number; stopped: boolean }
  | { step: "failed"; done: number; message: string };

const WORDS: Record<BulkKind, { verb: string; past: string; key: "retried" | "cancelled" }> = {
  retry: { verb: "Retry", past: "retried", key: "retried" },
  cancel: { verb: "Cancel", past: "cancelled", key: "cancelled" },
};

export function BulkAction({ kind, filter, onDone }: { kind: BulkKind; filter: BulkFilter; onDone: () => void }) {
  const [phase, setPhase] = useState<Phase>({ step: "idle" });
  const stop = useRef(false);
  const w = WORDS[kind];

  const start = async () => {
    setPhase({ step: "counting" });
    const now = Date.now();
    const frozen: BulkFilter = { ...filter, since: frozenBound(filter.since, now), until: frozenBound(filter.until, now) };
    try {
      const c = await api<{ count: number; capped: boolean }>("GET", withQuery("/v1/deliveries/count", { ...frozen }));
      setPhase({ step: "confirm", total: c.count, capped: c.capped, filter: frozen });
    } catch (err) {
      setPhase({ step: "failed", done: 0, message: (err as Error).message });
    }
  };

  const run = async (total: number, f: BulkFilter) => {
    stop.current = false;
    let done = 0;
    let cursor: string | null = null;
    setPhase({ step: "running", done, total });
    try {
      do {
        const body: Record<string, unknown> = { ...f, limit: BULK_CHUNK, ...(cursor === null ? {} : { cursor }) };
        for (const k of Object.keys(body)) if (body[k] === undefined || body[k] === "") delete body[k];
        const answer: Record<string, unknown> = await api("POST", `/v1/deliveries/${kind}`, body);
        done += answer[w.key] as number;
        cursor = answer.next_cursor as string | null;
        setPhase({ step: "running", done, total });
      } while (cursor !== null && !stop.current);
      setPhase({ step: "finished", done, stopped: cursor !== null });
    } catch (err) {
      setPhase({ step: "failed", done, message: (err as Error).message });
    }
    onDone();
  };

  const label = `${w.verb} all ${filter.status} deliveries matching the filter`;
  switch (phase.step) {
    case "idle":
      return (
        <button type="button" onClick={start}>
          {`${label}…`}
        </button>
      );
    case "counting":
      return <p class="bulk muted">Counting the {filter.status} deliveries the filter selects…</p>;
    case "confirm":
      return (
        <div class="bulk" role="dialog" aria-label={`${w.verb} deliveries`}>
          <p>
            {phase.total === 0 ? "No delivery matches this filter." : `${w.verb} ${phase.capped ? "more than " : ""}${plural(phase.total, `${filter.status} delivery`, `${filter.status} deliveries`)}?`}
          </p>
          {phase.total > 0 ? (
            <button type="button" class="primary" onClick={() => run(phase.total, phase.filter)}>
              {`${w.verb} ${count(phase.total)}`}
            </button>
          ) : null}
          <button type="button" onClick={() => setPhase({ step: "idle" })}>
            {phase.total === 0 ? "Close" : "Keep them"}
          </button>
        </div>
      );
    case "running":
      return (
        <div class="bulk" role="status">
          <progress max={Math.max(phase.total, phase.done)} value={phase.done} />
          <span>
            {count(phase.done)} of {count(phase.total)} {w.past}…
          </span>
          <button type="button" onClick={() => (stop.current = true)}>
            Stop
          </button>
        </div>
      );
    case "finished":
      return (
        <div class="bulk" role="status">
          <span class="ok-text">
            {plural(phase.done, "delivery", "deliveries")} {w.past}
            {phase.stopped ? " (stopped before the end)" : ""}.
          </span>{" "}
          <button type="button" onClick={() => setPhase({ step: "idle" })}>
            Done
          </button>
        </div>
      );
    case "failed":
      return (
        <div class="bulk" role="alert">
          <span class="error">
            Stopped after {count(phase.done)} {w.past}: {phase.message}
          </span>{" "}
          <button type="button" onClick={() => setPhase({ step: "idle" })}>
            Close
          </button>
        </div>
      );
  }
}
