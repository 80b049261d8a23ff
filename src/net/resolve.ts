/**
 * @module net/resolve
 * Turns an endpoint URL into the address actually connected to. The policy is
 * checked on the resolved address, and the request then goes to that address
 * (with the original Host header and TLS server name), so a name that resolves
 * differently between check and connect cannot get around it.
 */
import { formatIp, parseIp } from "./ip";
import type { AddressPolicy } from "./policy";

/** Resolves a host name to its addresses (Bun.dns in the daemon). */
export type Lookup = (hostname: string) => Promise<readonly string[]>;

export type Target =
  | { readonly ok: true; readonly url: string; readonly host: string; readonly serverName: string | null }
  | { readonly ok: false; readonly error: string };

export const dnsLookup: Lookup = async (hostname) => (await Bun.dns.lookup(hostname, {})).map((a) => a.address);

/** The URL to fetch (host replaced by a permitted address), or why none is permitted. */
export async function resolveTarget(url: URL, policy: AddressPolicy, lookup: Lookup): Promise<Target> {
  const hostname = url.hostname;
  const literal = parseIp(hostname);
  let addresses: readonly string[];
  if (literal) {
    addresses = [formatIp(literal)];
  } else {
    try {
      addresses = await lookup(hostname);
    } catch (err) {
      return { ok: false, error: `could not resolve ${hostname}: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  let refusal = `${hostname} resolved to no address`;
  for (const address of addresses) {
    const ip = parseIp(address);
    if (!ip) continue;
    const text = formatIp(ip);
    const why = policy.refuse(ip);
    if (why) {
      refusal = `blocked: ${literal ? text : `${hostname} resolves to ${text}`}, ${why}`;
      continue;
    }
    const target = new URL(url);
    target.hostname = text.includes(":") ? `[${text}]` : text;
    return { ok: true, url: target.href, host: url.host, serverName: literal ? null : hostname };
  }
  return { ok: false, error: refusal };
}
