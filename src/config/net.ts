/** @module config/net — the address syntaxes of the config: CIDR ranges and `host:port` listen addresses. */
import { isIPv4, isIPv6 } from "node:net";

/** True for `10.0.0.0/8` or `fd00::/8`: a valid address and a prefix length that fits its family. */
export function isCidr(text: string): boolean {
  const slash = text.indexOf("/");
  if (slash === -1) return false;
  const address = text.slice(0, slash);
  const bits = text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(bits)) return false;
  const prefix = Number(bits);
  if (isIPv4(address)) return prefix <= 32;
  return isIPv6(address) && prefix <= 128;
}

/** Where the HTTP server listens. */
export interface ListenAddress {
  /** Host name or address, IPv6 without brackets. */
  readonly host: string;
  /** 0 asks the system for a free port. */
  readonly port: number;
}

/** Splits `host:port` or `[v6]:port`; null when it is neither. */
export function parseListen(text: string): ListenAddress | null {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):([0-9]{1,5})$/.exec(text);
  if (!match) return null;
  const port = Number(match[3]);
  if (port > 65535) return null;
  if (match[1] !== undefined) return isIPv6(match[1]) ? { host: match[1], port } : null;
  return { host: match[2] ?? "", port };
}
