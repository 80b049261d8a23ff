/**
 * Many claimers at once, on several nodes of one database: every row is
 * handed out exactly once, to the endpoint it belongs to, with its own event.
 */
import { expect, it } from "bun:test";
import type { LeasedDelivery } from "../../../src/storage/stores";
import { attempt, delivered, ingest, NOW, request } from "./fixtures";
import { describeStorage } from "./storage";

const ENDPOINTS = ["a", "b", "c", "d"];
const EVENTS = 500;

describeStorage("concurrent claims", (fx) => {
  it("hand each of thousands of rows out once, to its own endpoint, with its own event, however many claim at once", async () => {
    const nodes = fx.multiNode ? await Promise.all(["n1", "n2", "n3"].map((id) => fx.open(id))) : [await fx.open()];
    await ingest(nodes[0]!, ...Array.from({ length: EVENTS }, (_, i) => ({ id: `evt_${i}`, endpoints: ENDPOINTS, data: `{"n":${i}}` })));
    const got: LeasedDelivery[] = [];
    const claimer = async (k: number) => {
      const s = nodes[k % nodes.length]!;
      const endpoint = ENDPOINTS[k % ENDPOINTS.length]!;
      for (;;) {
        const rows = (await s.claims.claim(request(endpoint, 7), NOW)).leased;
        if (rows.length === 0) return;
        got.push(...rows);
        await s.outcomes.record(rows.map((d) => attempt(d, NOW + 1, delivered)), null);
      }
    };
    await Promise.all(Array.from({ length: 40 }, (_, k) => claimer(k)));
    expect(got).toHaveLength(EVENTS * ENDPOINTS.length);
    expect(new Set(got.map((d) => d.seq)).size).toBe(got.length);
    const wrong = got.filter((d) => d.eventData !== `{"n":${d.eventId.slice(4)}}`);
    expect(wrong).toEqual([]);
    for (const e of ENDPOINTS) expect(new Set(got.filter((d) => d.endpointId === e).map((d) => d.eventId)).size).toBe(EVENTS);
    const rows = await nodes[0]!.queries.eventDeliveries("evt_7");
    expect(rows.map((r) => [r.endpoint_id, r.status, r.attempts])).toEqual(ENDPOINTS.map((e) => [e, "delivered", 1]));
  }, 60_000);
});
