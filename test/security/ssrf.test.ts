/**
 * Endpoints reach public addresses, plus the ranges in network.allow; never
 * link-local or cloud metadata. The check runs on the address actually
 * connected to, after DNS, and after the URL parser has normalised odd IPv4
 * spellings.
 */
import { describe, expect, it } from "bun:test";
import { parseIp } from "../../src/net/ip";
import { createAddressPolicy } from "../../src/net/policy";
import { resolveTarget } from "../../src/net/resolve";
import { startReceiver } from "../helpers/receiver";
import { configYaml, startRelay, tempDir } from "../helpers/relay";
import { waitFor } from "../helpers/wait";
import { deferCleanup } from "../helpers/cleanup";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const strict = createAddressPolicy([]);
const lookupNone = async () => [] as string[];

/** The policy's verdict for the host of `url` when it is an IP literal, exactly as delivery sees it. */
async function verdict(url: string, policy = strict): Promise<string> {
  const target = await resolveTarget(new URL(url), policy, lookupNone);
  return target.ok ? "allowed" : target.error;
}

describe("address policy", () => {
  const blocked: [string, string][] = [
    ["http://127.0.0.1/", "loopback"],
    ["http://127.1/", "short loopback"],
    ["http://0x7f.0.0.1/", "hex loopback"],
    ["http://017700000001/", "octal loopback"],
    ["http://2130706433/", "decimal loopback"],
    ["http://0/", "zero"],
    ["http://10.1.2.3/", "private 10/8"],
    ["http://172.16.0.1/", "private 172.16/12"],
    ["http://192.168.1.1/", "private 192.168/16"],
    ["http://100.64.0.1/", "CGNAT"],
    ["http://[::1]/", "IPv6 loopback"],
    ["http://[::ffff:127.0.0.1]/", "IPv4-mapped loopback"],
    ["http://[::ffff:7f00:1]/", "IPv4-mapped loopback in hex"],
    ["http://[64:ff9b::7f00:1]/", "NAT64 of loopback"],
    ["http://[2002:7f00:1::]/", "6to4 of loopback"],
    ["http://[fd12:3456::1]/", "unique local"],
    ["http://224.0.0.1/", "multicast"],
  ];
  for (const [url, what] of blocked) {
    it(`refuses ${what} (${url}) unless allowed`, async () => {
      expect(await verdict(url)).toMatch(/^blocked: .+, a private, loopback or special-purpose address not listed in network\.allow$/);
    });
  }

  const never: [string, string][] = [
    ["http://169.254.169.254/latest/meta-data/", "cloud metadata"],
    ["http://169.254.1.1/", "IPv4 link-local"],
    ["http://[fe80::1]/", "IPv6 link-local"],
    ["http://[::ffff:169.254.169.254]/", "IPv4-mapped metadata"],
    ["http://[fd00:ec2::254]/", "AWS IPv6 metadata"],
    ["http://100.100.100.200/", "Alibaba metadata"],
    ["http://168.63.129.16/", "Azure host agent"],
  ];
  const everything = createAddressPolicy(["0.0.0.0/0", "::/0"]);
  for (const [url, what] of never) {
    it(`refuses ${what} (${url}) even when network.allow covers everything`, async () => {
      expect(await verdict(url, everything)).toMatch(/a link-local or cloud-metadata address, which is never reachable$/);
    });
  }

  it("allows public addresses, and special ranges listed in network.allow", async () => {
    expect(await verdict("http://93.184.216.34/")).toBe("allowed");
    expect(await verdict("http://[2606:4700::1111]/")).toBe("allowed");
    const allowLoopback = createAddressPolicy(["127.0.0.0/8", "10.0.0.0/8"]);
    expect(await verdict("http://127.0.0.1/", allowLoopback)).toBe("allowed");
    expect(await verdict("http://[::ffff:127.0.0.1]/", allowLoopback)).toBe("allowed");
    expect(await verdict("http://10.9.9.9/", allowLoopback)).toBe("allowed");
    expect(await verdict("http://192.168.0.1/", allowLoopback)).toMatch(/^blocked/);
    // NAT64 embeds IPv4 but is its own range: allowing 127/8 does not open it.
    expect(await verdict("http://[64:ff9b::7f00:1]/", allowLoopback)).toMatch(/^blocked/);
  });

  it("connects to the checked address itself, keeping the name for Host and TLS", async () => {
    const target = await resolveTarget(new URL("https://hooks.example.com:8443/x?y=1"), strict, async () => ["10.0.0.1", "93.184.216.34"]);
    expect(target).toEqual({ ok: true, url: "https://93.184.216.34:8443/x?y=1", host: "hooks.example.com:8443", serverName: "hooks.example.com" });
    const v6 = await resolveTarget(new URL("http://v6.example.com/"), strict, async () => ["2606:4700::1111"]);
    expect(v6.ok && v6.url).toBe("http://[2606:4700::1111]/");
    expect(parseIp("not-an-ip")).toBeNull();
  });

  it("reports names that resolve only to refused addresses, or to nothing", async () => {
    const rebinding = await resolveTarget(new URL("http://rebind.example.com/"), strict, async () => ["169.254.169.254"]);
    expect(rebinding).toEqual({
      ok: false,
      error: "blocked: rebind.example.com resolves to 169.254.169.254, a link-local or cloud-metadata address, which is never reachable",
    });
    const nothing = await resolveTarget(new URL("http://void.example.com/"), strict, async () => []);
    expect(nothing).toEqual({ ok: false, error: "void.example.com resolved to no address" });
    const failing = await resolveTarget(new URL("http://nx.example.com/"), strict, async () => {
      throw new Error("ENOTFOUND");
    });
    expect(failing).toEqual({ ok: false, error: "could not resolve nx.example.com: ENOTFOUND" });
  });
});

describe("delivery to refused addresses", () => {
  const defer = deferCleanup();

  it("blocks a name that resolves to loopback when loopback is not allowed, with a clear attempt error", async () => {
    const receiver = startReceiver();
    const port = new URL(receiver.url).port;
    const tmp = tempDir();
    const yaml = configYaml(tmp.dir, `  - id: main\n    url: http://internal.example.com:${port}/hook\n    events: ["*"]\n    secret: ${SECRET}\n    retry: [0s]`).replace(
      "allow: [127.0.0.0/8]",
      "allow: []",
    );
    const relay = await startRelay(yaml, { dir: tmp.dir, lookup: async () => ["127.0.0.1"] });
    defer(tmp.remove, () => relay.stop(), () => receiver.close());
    await relay.post("/v1/events", { type: "a", data: {} });
    const row = await waitFor("failed", () =>
      relay.db.query("SELECT status, last_error FROM deliveries WHERE event_type = 'a' AND status = 'failed'").get(),
    );
    expect(row).toEqual({
      status: "failed",
      last_error: "blocked: internal.example.com resolves to 127.0.0.1, a private, loopback or special-purpose address not listed in network.allow",
    });
    expect(receiver.requests.length).toBe(0);
  });

  it("delivers to an allowed address under the endpoint's own host name", async () => {
    const receiver = startReceiver();
    const port = new URL(receiver.url).port;
    const tmp = tempDir();
    const yaml = configYaml(tmp.dir, `  - id: main\n    url: http://hooks.example.com:${port}/hook\n    events: ["*"]\n    secret: ${SECRET}`);
    const relay = await startRelay(yaml, { dir: tmp.dir, lookup: async () => ["169.254.169.254", "127.0.0.1"] });
    defer(tmp.remove, () => relay.stop(), () => receiver.close());
    await relay.post("/v1/events", { type: "a", data: {} });
    const [req] = await receiver.waitForRequests(1);
    expect(req!.headers.host).toBe(`hooks.example.com:${port}`);
  });
});
