/**
 * @module metrics/registry
 * Counters, gauges and histograms with labels, and their Prometheus text
 * exposition (format 0.0.4). Written by hand: the few dozen lines needed cost
 * less than a dependency, and label sets are looked up by one joined key.
 */

export type LabelValues = readonly string[];

interface Sample {
  readonly suffix: string;
  readonly labels: readonly (readonly [string, string])[];
  readonly value: number;
}

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge" | "histogram";
  samples(): Iterable<Sample>;
}

/** Joins label values into one map key; NUL cannot appear in an endpoint id or a label word. */
const keyOf = (values: LabelValues) => values.join("\u0000");

abstract class Labelled<State> implements Family {
  abstract readonly type: Family["type"];
  protected readonly series = new Map<string, { values: LabelValues; state: State }>();

  constructor(
    readonly name: string,
    readonly help: string,
    protected readonly labelNames: readonly string[],
  ) {}

  protected stateFor(values: LabelValues, init: () => State): State {
    const key = keyOf(values);
    let s = this.series.get(key);
    if (!s) {
      s = { values: [...values], state: init() };
      this.series.set(key, s);
    }
    return s.state;
  }

  protected pairs(values: LabelValues): [string, string][] {
    return this.labelNames.map((n, i) => [n, values[i]!]);
  }

  abstract samples(): Iterable<Sample>;
}

export class Counter extends Labelled<{ n: number }> {
  readonly type = "counter";

  inc(values: LabelValues = [], by = 1): void {
    this.stateFor(values, () => ({ n: 0 })).n += by;
  }

  *samples(): Iterable<Sample> {
    for (const { values, state } of this.series.values()) yield { suffix: "", labels: this.pairs(values), value: state.n };
  }
}

export class Gauge extends Labelled<{ v: number }> {
  readonly type = "gauge";

  set(values: LabelValues, v: number): void {
    this.stateFor(values, () => ({ v: 0 })).v = v;
  }

  *samples(): Iterable<Sample> {
    for (const { values, state } of this.series.values()) yield { suffix: "", labels: this.pairs(values), value: state.v };
  }
}

/** A gauge whose series are computed when scraped. */
export class ComputedGauge implements Family {
  readonly type = "gauge";

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
    private readonly compute: () => Iterable<readonly [LabelValues, number]>,
  ) {}

  *samples(): Iterable<Sample> {
    for (const [values, value] of this.compute()) {
      yield { suffix: "", labels: this.labelNames.map((n, i) => [n, values[i]!] as const), value };
    }
  }
}

export class Histogram extends Labelled<{ counts: number[]; sum: number; count: number }> {
  readonly type = "histogram";

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    private readonly buckets: readonly number[],
  ) {
    super(name, help, labelNames);
  }

  observe(values: LabelValues, v: number): void {
    const s = this.stateFor(values, () => ({ counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    // Stored per bucket, made cumulative when rendered, so an observation costs one increment.
    const i = this.buckets.findIndex((le) => v <= le);
    if (i >= 0) s.counts[i]!++;
    s.sum += v;
    s.count++;
  }

  *samples(): Iterable<Sample> {
    for (const { values, state } of this.series.values()) {
      const labels = this.pairs(values);
      let cumulative = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        cumulative += state.counts[i]!;
        yield { suffix: "_bucket", labels: [...labels, ["le", formatNumber(this.buckets[i]!)]], value: cumulative };
      }
      yield { suffix: "_bucket", labels: [...labels, ["le", "+Inf"]], value: state.count };
      yield { suffix: "_sum", labels, value: state.sum };
      yield { suffix: "_count", labels, value: state.count };
    }
  }
}

/** The metrics of one relay, rendered in declaration order. */
export class Registry {
  readonly #families: Family[] = [];

  add<F extends Family>(family: F): F {
    this.#families.push(family);
    return family;
  }

  /** The Prometheus text exposition of every family. */
  render(): string {
    const out: string[] = [];
    for (const f of this.#families) {
      out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
      for (const s of f.samples()) {
        const labels = s.labels.length ? `{${s.labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}` : "";
        out.push(`${f.name}${s.suffix}${labels} ${formatNumber(s.value)}`);
      }
    }
    return `${out.join("\n")}\n`;
  }
}

function formatNumber(v: number): string {
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function escapeLabel(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}
