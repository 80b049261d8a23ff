/**
 * @module delivery/headers
 * Custom header values with `{event.id}`-style placeholders, split into parts
 * once at config load so each attempt only concatenates.
 */

export interface TemplateVars {
  readonly "event.id": string;
  readonly "event.type": string;
  readonly "delivery.id": string;
  readonly "delivery.seq": string;
  readonly attempt: string;
  readonly timestamp: string;
}

const PLACEHOLDER = /\{(event\.id|event\.type|delivery\.id|delivery\.seq|attempt|timestamp)\}/g;

export type HeaderBuilder = (vars: TemplateVars) => Record<string, string>;

/** Prepares the endpoint's extra headers; unknown `{...}` text is sent as written. */
export function createHeaderBuilder(headers: Readonly<Record<string, string>>): HeaderBuilder {
  const compiled = Object.entries(headers).map(([name, value]) => {
    const parts: (string | keyof TemplateVars)[] = [];
    const vars = new Set<number>();
    let last = 0;
    for (const m of value.matchAll(PLACEHOLDER)) {
      parts.push(value.slice(last, m.index));
      vars.add(parts.length);
      parts.push(m[1] as keyof TemplateVars);
      last = m.index + m[0].length;
    }
    parts.push(value.slice(last));
    return { name, parts, vars };
  });
  return (vars) => {
    const out: Record<string, string> = {};
    for (const { name, parts, vars: at } of compiled) {
      let v = "";
      for (let i = 0; i < parts.length; i++) v += at.has(i) ? vars[parts[i] as keyof TemplateVars] : parts[i];
      out[name] = v;
    }
    return out;
  };
}
