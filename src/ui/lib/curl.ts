/**
 * @module ui/lib/curl
 * A delivery's attempt as a `curl` command that sends the same request again:
 * the endpoint's URL, the headers the attempt sent and the body. Every value
 * is single-quoted for a POSIX shell, so nothing in it is expanded. Headers
 * hookrelay redacted stay `[redacted]`: fill them in before running it. Pure.
 */

/** `s` as one single-quoted shell word. */
export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

export function curlCommand(url: string, headers: Record<string, string>, body: string | null): string {
  const lines = [`curl -sS -X POST ${shellQuote(url)}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`  -H ${shellQuote(`${name}: ${value}`)}`);
  if (body !== null) lines.push(`  --data-binary ${shellQuote(body)}`);
  return lines.join(" \\\n");
}
