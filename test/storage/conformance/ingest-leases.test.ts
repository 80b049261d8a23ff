/**
 * Leases at ingest: deliveries written `in_flight` with their event, leased to
 * the writing node as a claim would lease them. Only a driver whose node's
 * counts are the whole count offers it; where limits hold over several nodes
 * only a claim may lease.
 */
import { expect, it } from "bun:test";
import type { NewEvent } from "../../../src/outbox/types";
import type { Storage } from "../../../src/storage/stores";
import { attempt, delivered, type EventSpec, ids, NOW, newEvent, request } from "./fixtures";
import { describeStorage, LEASE_MS } from "./storage";

/** The event with its deliveries to `leased` written in flight. */
function leasedAtIngest(e: EventSpec, leased: readonly string[]): NewEvent {
  const event = newEvent(e);
  return { ...event, deliveries: event.deliveries.map((d) => (leased.includes(d.endpointId) ? { ...d, status: "in_flight" } : d)) };
}

function leasing(s: Storage): NonNullable<Storage["events"]["writeGroupsLeased"]> {
  const write = s.events.writeGroupsLeased;
  if (!write) throw new Error("this driver does not lease at ingest");
  return write.bind(s.events);
}

describeStorage("leases at ingest", (fx) => {
  it("are offered only where the node's own counts are the whole count", async () => {
    const s = await fx.open("node-a");
    expect(s.events.writeGroupsLeased === undefined).toBe(fx.multiNode);
  });

  it("write the rows in flight, leased to the node, hand back what an attempt needs, and leave the rest pending", async () => {
    if (fx.multiNode) return;
    const s = await fx.open("node-a");
    const { results, leased } = await leasing(s)([[leasedAtIngest({ id: "e1", endpoints: ["a", "b"], data: '{"n":1}' }, ["a"])]], NOW);
    expect(results).toEqual([{ kind: "stored", duplicates: [false], deliveries: 2 }]);
    const rows = await s.queries.eventDeliveries("e1");
    expect(rows.map((r) => [r.endpoint_id, r.status])).toEqual([
      ["a", "in_flight"],
      ["b", "pending"],
    ]);
    expect(leased).toEqual([
      {
        seq: rows[0]!.seq,
        endpointId: "a",
        eventId: "e1",
        eventType: "order.created",
        eventData: '{"n":1}',
        eventTime: NOW,
        attempts: 0,
        createdAt: NOW,
        fifoKey: null,
        lease: { owner: "node-a", token: leased[0]!.lease.token, expiresAt: NOW + LEASE_MS },
      },
    ]);
    // Not due for a claim: the row is another attempt's already.
    expect((await s.claims.claim(request("a", 5), NOW)).leased).toEqual([]);
    expect((await s.claims.dueEndpoints()).map((d) => d.id)).toEqual(["b"]);
    expect((await s.outcomes.record([attempt(leased[0]!, NOW + 5, delivered)], null))[0]!.recorded).toBe(true);
    expect((await s.queries.eventDeliveries("e1")).map((r) => r.status)).toEqual(["delivered", "pending"]);
    expect(await s.queries.attempts(rows[0]!.seq)).toHaveLength(1);
  });

  it("hand back no lease for a duplicate or a request undone by its conflict", async () => {
    if (fx.multiNode) return;
    const s = await fx.open("node-a");
    const write = leasing(s);
    await write([[leasedAtIngest({ id: "old", endpoints: ["a"] }, [])]], NOW);
    const { results, leased } = await write(
      [
        [leasedAtIngest({ id: "old", endpoints: ["a"] }, ["a"])],
        [leasedAtIngest({ id: "new", endpoints: ["a"] }, ["a"]), leasedAtIngest({ id: "old", endpoints: ["a"], data: '{"other":1}' }, ["a"])],
        [leasedAtIngest({ id: "kept", endpoints: ["a"] }, ["a"])],
      ],
      NOW,
    );
    expect(results).toEqual([
      { kind: "stored", duplicates: [true], deliveries: 0 },
      { kind: "conflict", id: "old" },
      { kind: "stored", duplicates: [false], deliveries: 1 },
    ]);
    expect(ids(leased)).toEqual(["kept"]);
    expect(await s.queries.event("new")).toBeNull();
  });

  it("count against max_in_flight, expire, and go back to pending when the node lets them go", async () => {
    if (fx.multiNode) return;
    const s = await fx.open("node-a");
    const write = leasing(s);
    const { leased } = await write([[leasedAtIngest({ id: "e1", endpoints: ["a"] }, ["a"])], [leasedAtIngest({ id: "e2", endpoints: ["a"] }, [])]], NOW);
    expect((await s.claims.claim(request("a", 5, { maxInFlight: 1 }), NOW)).leased).toEqual([]);
    expect(await s.claims.reapExpired(NOW + LEASE_MS - 1)).toBe(0);
    expect(await s.claims.reapExpired(NOW + LEASE_MS)).toBe(1);
    expect(await s.outcomes.record([attempt(leased[0]!, NOW + LEASE_MS + 1, delivered)], null)).toEqual([{ recorded: false }]);
    expect(ids((await s.claims.claim(request("a", 5, { maxInFlight: 1 }), NOW + LEASE_MS + 2)).leased)).toEqual(["e1"]);
    await write([[leasedAtIngest({ id: "e3", endpoints: ["b"] }, ["b"])]], NOW + LEASE_MS + 3);
    expect(await s.claims.releaseOwn(NOW + LEASE_MS + 4)).toBe(2);
    expect((await s.queries.eventDeliveries("e3")).map((r) => r.status)).toEqual(["pending"]);
  });
});
