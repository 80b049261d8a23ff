/**
 * @module test/metrics/exposition
 * A strict parser for the Prometheus text format: every line must be a
 * HELP, a TYPE or a sample of a family declared just before it.
 */

export interface Family {
  help: string;
  type: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*",?)*)\\})? (-?[0-9.e+-]+|\\+Inf|-Inf|NaN)$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/g;

/** Parses the exposition; throws on the first line that is not valid. */
export function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith("\n")) throw new Error("the exposition must end with a newline");
  const families = new Map<string, Family>();
  let current: string | null = null;
  for (const line of text.slice(0, -1).split("\n")) {
    const help = new RegExp(`^# HELP (${NAME}) (.+)$`).exec(line);
    const type = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (help) {
      if (families.has(help[1]!)) throw new Error(`family declared twice: ${help[1]}`);
      families.set(help[1]!, { help: help[2]!, type: "", samples: [] });
      current = help[1]!;
      continue;
    }
    if (type) {
      if (type[1] !== current || families.get(current)!.type) throw new Error(`TYPE without its HELP: ${line}`);
      families.get(current)!.type = type[2]!;
      continue;
    }
    const sample = SAMPLE.exec(line);
    if (!sample || current === null) throw new Error(`invalid line: ${JSON.stringify(line)}`);
    const name = sample[1]!;
    const family = families.get(current)!;
    const suffixes = family.type === "histogram" ? ["_bucket", "_sum", "_count"] : [""];
    if (!suffixes.some((s) => name === current + s)) throw new Error(`sample ${name} outside its family ${current}`);
    const labels: Record<string, string> = {};
    for (const m of (sample[2] ?? "").matchAll(LABEL)) labels[m[1]!] = m[2]!;
    family.samples.push({ name, labels, value: Number(sample[3]!.replace("+Inf", "Infinity")) });
  }
  for (const [name, f] of families) if (!f.type) throw new Error(`no TYPE for ${name}`);
  return families;
}

/** The value of one sample, or undefined. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = families.get(name.replace(/_(bucket|sum|count)$/, "")) ?? families.get(name);
  return family?.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

/** Checks each histogram: buckets cumulative and ascending, +Inf equal to _count. */
export function checkHistograms(families: Map<string, Family>): void {
  for (const [name, f] of families) {
    if (f.type !== "histogram") continue;
    const series = new Map<string, { le: number; v: number }[]>();
    for (const s of f.samples.filter((s) => s.name === `${name}_bucket`)) {
      const { le, ...rest } = s.labels;
      const key = JSON.stringify(rest);
      if (!series.has(key)) series.set(key, []);
      series.get(key)!.push({ le: le === "+Inf" ? Infinity : Number(le), v: s.value });
    }
    for (const [key, buckets] of series) {
      for (let i = 1; i < buckets.length; i++) {
        if (buckets[i]!.le <= buckets[i - 1]!.le) throw new Error(`${name}${key}: bucket bounds not ascending`);
        if (buckets[i]!.v < buckets[i - 1]!.v) throw new Error(`${name}${key}: buckets not cumulative`);
      }
      const inf = buckets.at(-1)!;
      const count = f.samples.find((s) => s.name === `${name}_count` && JSON.stringify(s.labels) === key)?.value;
      if (inf.le !== Infinity || inf.v !== count) throw new Error(`${name}${key}: +Inf bucket ${inf.v} differs from _count ${count}`);
      if (f.samples.find((s) => s.name === `${name}_sum` && JSON.stringify(s.labels) === key) === undefined) throw new Error(`${name}${key}: no _sum`);
    }
  }
}
