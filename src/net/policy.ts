/**
 * @module net/policy
 * Which addresses an endpoint may connect to. Public addresses always; the
 * special-purpose ranges below only when `network.allow` names them; link-local
 * and cloud-metadata addresses never. IPv6 forms that embed an IPv4 address
 * (NAT64, 6to4) are refused unless allowed as IPv6, so they cannot smuggle a
 * private IPv4 target past the IPv4 rules. Pure.
 */
import { type Bytes16, type Cidr, inCidr, parseCidr } from "./ip";

const cidrs = (list: readonly string[]): Cidr[] => list.map((c) => parseCidr(c)!);

/** Never reachable, whatever `network.allow` says. */
const ALWAYS_BLOCKED = cidrs([
  "169.254.0.0/16", // IPv4 link-local, home of 169.254.169.254 metadata services
  "fe80::/10", // IPv6 link-local
  "fd00:ec2::254/128", // AWS metadata over IPv6
  "100.100.100.200/32", // Alibaba Cloud metadata
  "168.63.129.16/32", // Azure host agent, although in public space
]);

/** Reachable only when `network.allow` covers them. */
const SPECIAL_PURPOSE = cidrs([
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10", // carrier-grade NAT
  "127.0.0.0/8",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.2.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/4",
  "240.0.0.0/4",
  "::/128",
  "::1/128",
  "64:ff9b::/96", // NAT64
  "64:ff9b:1::/48",
  "100::/64",
  "2001::/32", // Teredo
  "2001:db8::/32",
  "2002::/16", // 6to4
  "fc00::/7", // unique local
  "ff00::/8",
]);

export interface AddressPolicy {
  /** Null when the address may be connected to, else what kind of address it is (a phrase to follow it). */
  refuse(ip: Bytes16): string | null;
}

/** A policy from `network.allow` (CIDR texts, already validated by config). */
export function createAddressPolicy(allow: readonly string[]): AddressPolicy {
  const allowed = cidrs(allow);
  return {
    refuse(ip) {
      if (ALWAYS_BLOCKED.some((c) => inCidr(ip, c))) return "a link-local or cloud-metadata address, which is never reachable";
      if (SPECIAL_PURPOSE.some((c) => inCidr(ip, c)) && !allowed.some((c) => inCidr(ip, c))) {
        return "a private, loopback or special-purpose address not listed in network.allow";
      }
      return null;
    },
  };
}
