/**
 * Where attempts are sent is decided once per endpoint URL, not per attempt:
 * a name is looked up again after the TTL, a refusal is never kept, a
 * reload's new address policy decides afresh, and only so many URLs are kept.
 */
import { describe, expect, it } from "bun:test";
import { Targets, TTL_MS } from "../../src/delivery/targets";
import { createAddressPolicy } from "../../src/net/policy";

function countingLookup(answers: string[][]) {
  const calls: string[] = [];
  const lookup = async (hostname: string) => {
    calls.push(hostname);
    return answers[Math.min(calls.length, answers.length) - 1]!;
  };
  return { calls, lookup };
}

describe("delivery targets", () => {
  it("looks a name up once per TTL and connects to the address it checked", async () => {
    let now = 1_000;
    const { calls, lookup } = countingLookup([["8.8.4.4"], ["8.8.8.8"]]);
    const targets = new Targets(lookup, () => now);
    const policy = createAddressPolicy([]);
    const url = new URL("https://hooks.example.com/in");
    const first = await targets.resolve(url, policy);
    expect(first).toEqual({ ok: true, url: "https://8.8.4.4/in", host: "hooks.example.com", serverName: "hooks.example.com" });
    now += TTL_MS - 1;
    expect(await targets.resolve(url, policy)).toEqual(first);
    expect(calls).toEqual(["hooks.example.com"]);
    now += 1;
    expect(await targets.resolve(url, policy)).toMatchObject({ ok: true, url: "https://8.8.8.8/in" });
    expect(calls).toHaveLength(2);
  });

  it("never keeps a refusal: the next attempt sees a fixed DNS record", async () => {
    const { calls, lookup } = countingLookup([["10.0.0.5"], ["1.1.1.1"]]);
    const targets = new Targets(lookup, () => 0);
    const policy = createAddressPolicy([]);
    const url = new URL("http://internal.example.com/hook");
    expect(await targets.resolve(url, policy)).toMatchObject({ ok: false, error: expect.stringContaining("blocked") });
    expect(await targets.resolve(url, policy)).toMatchObject({ ok: true, url: "http://1.1.1.1/hook" });
    expect(calls).toHaveLength(2);
  });

  it("keeps an address host for as long as its policy, and a reload's new policy decides again", async () => {
    const { calls, lookup } = countingLookup([]);
    const targets = new Targets(lookup, () => 0);
    const url = new URL("http://127.0.0.1:8080/hook");
    const allowing = createAddressPolicy(["127.0.0.0/8"]);
    expect(await targets.resolve(url, allowing)).toMatchObject({ ok: true, url: "http://127.0.0.1:8080/hook", serverName: null });
    expect(await targets.resolve(url, allowing)).toMatchObject({ ok: true });
    expect(await targets.resolve(url, createAddressPolicy([]))).toMatchObject({ ok: false, error: expect.stringContaining("127.0.0.1") });
    expect(calls).toEqual([]);
  });

  it("keeps at most its capacity of URLs, forgetting the least recently used first", async () => {
    const { calls, lookup } = countingLookup([["8.8.8.8"]]);
    const targets = new Targets(lookup, () => 0, 2);
    const policy = createAddressPolicy([]);
    const url = (n: number) => new URL(`https://h${n}.example.com/hook`);
    await targets.resolve(url(1), policy);
    await targets.resolve(url(2), policy);
    // h1 used again, so h2 is the least recently used when h3 comes.
    await targets.resolve(url(1), policy);
    await targets.resolve(url(3), policy);
    expect(calls).toEqual(["h1.example.com", "h2.example.com", "h3.example.com"]);
    await targets.resolve(url(1), policy);
    expect(calls).toHaveLength(3);
    await targets.resolve(url(2), policy);
    expect(calls).toEqual(["h1.example.com", "h2.example.com", "h3.example.com", "h2.example.com"]);
  });
});
