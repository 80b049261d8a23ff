/** Admin queries and controls: listings by every filter, cursors, capped counts, backlog counts, retry and cancel. */
import { expect, it } from "bun:test";
import { type DeliveryFilter, NO_UPPER_SEQ } from "../../../src/outbox/delivery-filter";
import type { Storage } from "../../../src/storage/stores";
import { attempt, delivered, ingest, NOW, request } from "./fixtures";
import { describeStorage } from "./storage";

const ALL: DeliveryFilter = { status: null, tenant: null, endpointId: null, endpointIds: null, eventType: null, fromSeq: 0, toSeq: NO_UPPER_SEQ };

/** Nine deliveries: e0..e5 to a (e0 delivered, e1 failed for good, e2 in flight), e0..e2 to b; e4 of type x; e3 and e5 of tenant t. */
async function seed(s: Storage): Promise<void> {
  for (let i = 0; i < 6; i++) {
    await ingest(s, { id: `e${i}`, endpoints: i < 3 ? ["a", "b"] : ["a"], type: i === 4 ? "x" : "order.created", tenant: i % 2 === 1 && i > 1 ? "t" : null, at: NOW + i });
  }
  const [e0, e1, e2] = (await s.claims.claim(request("a", 3), NOW + 10)).leased;
  await s.outcomes.record([attempt(e0!, NOW + 11, delivered), attempt(e1!, NOW + 11, { status: "failed", nextAttemptAt: null })], null);
  expect(e2!.eventId).toBe("e2");
}

const names = (rows: { event_id: string; endpoint_id: string }[]) => rows.map((r) => `${r.event_id}>${r.endpoint_id}`);

describeStorage("admin queries", (fx) => {
  it("list deliveries newest first by every filter, and page on by seq", async () => {
    const s = await fx.open();
    await seed(s);
    expect(names(await s.queries.deliveries(ALL, 4))).toEqual(["e5>a", "e4>a", "e3>a", "e2>b"]);
    expect(names(await s.queries.deliveries({ ...ALL, status: "pending" }, 10))).toEqual(["e5>a", "e4>a", "e3>a", "e2>b", "e1>b", "e0>b"]);
    expect(names(await s.queries.deliveries({ ...ALL, endpointId: "a" }, 10))).toEqual(["e5>a", "e4>a", "e3>a", "e2>a", "e1>a", "e0>a"]);
    expect(names(await s.queries.deliveries({ ...ALL, endpointId: "a", status: "failed" }, 10))).toEqual(["e1>a"]);
    expect(names(await s.queries.deliveries({ ...ALL, eventType: "x" }, 10))).toEqual(["e4>a"]);
    expect(names(await s.queries.deliveries({ ...ALL, tenant: "t" }, 10))).toEqual(["e5>a", "e3>a"]);
    expect(names(await s.queries.deliveries({ ...ALL, endpointIds: ["b"], status: "pending" }, 2))).toEqual(["e2>b", "e1>b"]);
    const first = await s.queries.deliveries(ALL, 3);
    const next = await s.queries.deliveries({ ...ALL, toSeq: first.at(-1)!.seq }, 3);
    expect(names(next)).toEqual(["e2>b", "e2>a", "e1>b"]);
    expect(await s.queries.countDeliveries(ALL, 100)).toBe(9);
    expect(await s.queries.countDeliveries(ALL, 4)).toBe(4);
    expect(await s.queries.countDeliveries({ ...ALL, status: "pending" }, 100)).toBe(6);
    expect(await s.queries.countDeliveries({ ...ALL, endpointId: "a", status: "in_flight" }, 100)).toBe(1);
  });

  it("answer a delivery, an event's deliveries, one delivery of an event, its attempts, and the seq of a time", async () => {
    const s = await fx.open();
    await seed(s);
    const [e1a] = await s.queries.eventDeliveries("e1");
    expect(e1a).toMatchObject({ event_id: "e1", endpoint_id: "a", status: "failed", attempts: 1, last_status_code: 500, created_at: NOW + 1, updated_at: NOW + 11 });
    expect(await s.queries.delivery(e1a!.seq)).toEqual(e1a!);
    expect(await s.queries.delivery(999_999)).toBeNull();
    expect((await s.queries.deliveryOf("e1", "b"))?.endpoint_id).toBe("b");
    expect(await s.queries.deliveryOf("e1", "zz")).toBeNull();
    expect((await s.queries.attempts(e1a!.seq)).map((a) => [a.n, a.status_code, a.duration_ms])).toEqual([[1, 500, 10]]);
    const e3 = (await s.queries.eventDeliveries("e3"))[0]!;
    expect(await s.queries.seqAt(NOW + 3)).toBe(e3.seq);
    expect(await s.queries.seqAt(0)).toBe(0);
    expect(await s.queries.seqAt(NOW + 1_000)).toBeGreaterThan(e3.seq);
  });

  it("count backlogs per endpoint and in total, with the oldest waiting", async () => {
    const s = await fx.open();
    await seed(s);
    expect(await s.backlog.counts("a")).toEqual({ pending: 3, held: 0, failed: 1, inFlight: 1 });
    expect(await s.backlog.totals()).toEqual({ pending: 6, held: 0, failed: 1 });
    expect(await s.backlog.oldestPendingSince()).toBe(NOW);
    expect(await s.backlog.oldestWaitingSince("a")).toBe(NOW + 2);
    expect(await s.backlog.oldestWaitingSince("zz")).toBeNull();
    expect(await s.backlog.byEndpoint()).toEqual([
      { endpoint_id: "a", pending: 4, held: 0, failed: 1 },
      { endpoint_id: "b", pending: 3, held: 0, failed: 0 },
    ]);
  });

  it("retry and cancel one delivery or a page, leaving rows in other states alone", async () => {
    const s = await fx.open();
    await seed(s);
    const [e1a] = await s.queries.eventDeliveries("e1");
    const [e2a] = await s.queries.eventDeliveries("e2");
    expect(await s.controls.retry(e1a!.seq, NOW + 100, () => "pending")).toBe("done");
    expect((await s.queries.delivery(e1a!.seq))).toMatchObject({ status: "pending", next_attempt_at: NOW + 100, attempts: 1 });
    expect(await s.controls.retry(e2a!.seq, NOW + 100, () => "pending")).toBe("wrong_state");
    expect(await s.controls.retry(e1a!.seq, NOW + 100, () => null)).toBe("other_tenant");
    expect(await s.controls.retry(999_999, NOW, () => "pending")).toBe("missing");
    expect(await s.controls.cancel(e2a!.seq, NOW)).toBe("wrong_state");
    expect(await s.controls.cancel(999_999, NOW)).toBe("missing");
    const page = await s.controls.cancelPage({ ...ALL, endpointId: "b" }, 2, NOW + 200);
    expect(page).toMatchObject({ changed: 2, examined: 2, endpointIds: ["b"] });
    expect(names(await s.queries.deliveries({ ...ALL, status: "cancelled" }, 10))).toEqual(["e1>b", "e0>b"]);
    const retried = await s.controls.retryPage({ ...ALL, status: "cancelled" }, 10, NOW + 300, (id) => (id === "b" ? "held" : null));
    expect(retried.changed).toBe(0);
    const retriedDelivered = await s.controls.retryPage({ ...ALL, status: "delivered" }, 10, NOW + 300, () => "held");
    expect(retriedDelivered).toMatchObject({ changed: 1, examined: 1, endpointIds: ["a"] });
    expect((await s.backlog.counts("a")).held).toBe(1);
  });

  it("move an endpoint's rows: cancel its backlog, or only other tenants' deliveries, and tell whether any wait", async () => {
    const s = await fx.open();
    await seed(s);
    expect(await s.endpointStates.hasBacklog("a")).toBe(true);
    expect(await s.endpointStates.cancelOtherTenants("a", "t", NOW + 50)).toBe(1);
    expect(names(await s.queries.deliveries({ ...ALL, endpointId: "a", status: "pending" }, 10))).toEqual(["e5>a", "e3>a"]);
    expect(await s.endpointStates.cancelBacklog("b", NOW + 60)).toBe(3);
    expect(await s.endpointStates.hasBacklog("b")).toBe(false);
  });
});
