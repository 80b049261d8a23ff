/**
 * @module bench/stats
 * Latency recording for the benchmark's children. Samples go into a
 * preallocated buffer with a fixed cap, so a fast run cannot grow a child's
 * memory without bound; beyond the cap requests are still counted.
 */

/** Most samples kept per recorder: 4M doubles (32 MB) outlasts any phase of the benchmark. */
const MAX_SAMPLES = 4_000_000;

export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export class Recorder {
  #samples: Float64Array;
  #n = 0;

  constructor(capacity = MAX_SAMPLES) {
    this.#samples = new Float64Array(capacity);
  }

  add(ms: number): void {
    if (this.#n < this.#samples.length) this.#samples[this.#n] = ms;
    this.#n++;
  }

  reset(): void {
    this.#n = 0;
  }

  get count(): number {
    return this.#n;
  }

  /** Percentiles in milliseconds over the samples kept. */
  summary(): Summary {
    const kept = this.#samples.slice(0, Math.min(this.#n, this.#samples.length)).sort();
    const at = (q: number) => (kept.length === 0 ? NaN : kept[Math.min(kept.length - 1, Math.floor(q * kept.length))]!);
    return { n: this.#n, p50: round(at(0.5)), p99: round(at(0.99)), max: round(kept.length ? kept[kept.length - 1]! : NaN) };
  }
}

/** A wall-clock time in milliseconds with sub-millisecond resolution, comparable between processes on one host. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Two decimals are more than the measurements can support. */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
