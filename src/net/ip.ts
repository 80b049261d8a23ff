/**
 * @module net/ip
 * IP addresses as 16 bytes (IPv4 as IPv4-mapped IPv6) and CIDR matching. Pure.
 * Parsing is strict: only the canonical dotted-quad and RFC 4291 text forms;
 * odd spellings such as `127.1` or `0x7f.0.0.1` are normalised by the URL
 * parser before they get here, and anything else is rejected.
 */
import { isIP } from "node:net";

export type Bytes16 = Uint8Array;

export interface Cidr {
  readonly base: Bytes16;
  /** Prefix length over the 128-bit form (an IPv4 /8 is /104). */
  readonly bits: number;
}

/** 16 bytes for an IPv4 or IPv6 address text, or null if it is neither. */
export function parseIp(text: string): Bytes16 | null {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const family = isIP(bare);
  if (family === 4) return v4ToMapped(bare.split(".").map(Number));
  if (family === 6) return parseV6(bare);
  return null;
}

function v4ToMapped(octets: number[]): Bytes16 {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(octets, 12);
  return out;
}

function parseV6(text: string): Bytes16 {
  const zoneless = text.split("%")[0]!;
  let head = zoneless;
  let v4Tail: number[] = [];
  const lastColon = zoneless.lastIndexOf(":");
  if (zoneless.slice(lastColon + 1).includes(".")) {
    v4Tail = zoneless.slice(lastColon + 1).split(".").map(Number);
    head = `${zoneless.slice(0, lastColon + 1)}0:0`;
  }
  const [left, right] = head.includes("::") ? head.split("::") : [head, undefined];
  const groups = (s: string | undefined) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const l = groups(left);
  const r = right === undefined ? [] : groups(right);
  const all = right === undefined ? l : [...l, ...new Array(8 - l.length - r.length).fill(0), ...r];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  if (v4Tail.length === 4) out.set(v4Tail, 12);
  return out;
}

/** Parses `a.b.c.d/n` or `v6/n` (a bare address is a single-host range); null when malformed. */
export function parseCidr(text: string): Cidr | null {
  const [addr, len, extra] = text.split("/");
  if (extra !== undefined || addr === undefined) return null;
  const base = parseIp(addr);
  if (!base) return null;
  const v4 = isIP(addr) === 4;
  const max = v4 ? 32 : 128;
  const n = len === undefined ? max : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(n >= 0 && n <= max)) return null;
  return { base, bits: v4 ? n + 96 : n };
}

/** True when `ip` lies inside `cidr`. */
export function inCidr(ip: Bytes16, cidr: Cidr): boolean {
  let bits = cidr.bits;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip[i]! & mask) !== (cidr.base[i]! & mask)) return false;
  }
  return true;
}

/** The IPv4 address embedded in an IPv4-mapped address, else null. */
function mappedV4(ip: Bytes16): Bytes16 | null {
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return null;
  return ip[10] === 0xff && ip[11] === 0xff ? ip : null;
}

/** Text form of 16 bytes: dotted quad for IPv4-mapped, else full-length IPv6. */
export function formatIp(ip: Bytes16): string {
  if (mappedV4(ip)) return Array.from(ip.subarray(12)).join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip[i]! << 8) | ip[i + 1]!).toString(16));
  return groups.join(":");
}
