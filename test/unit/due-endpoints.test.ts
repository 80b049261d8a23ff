/** @module test/unit/due-endpoints — the heap of endpoints with work due: earliest first, one entry each, ties in the order noted. */
import { describe, expect, it } from "bun:test";
import { DueEndpoints } from "../../src/scheduler/due-endpoints";

const drain = (due: DueEndpoints, now: number) => {
  const out: string[] = [];
  for (let id = due.takeDue(now); id !== null; id = due.takeDue(now)) out.push(id);
  return out;
};

describe("due endpoints", () => {
  it("hands out due endpoints earliest first, keeps the earlier of two notes, and leaves later ones", () => {
    const due = new DueEndpoints();
    due.note("c", 30);
    due.note("a", 10);
    due.note("b", 20);
    due.note("c", 5);
    due.note("a", 50);
    expect(due.size).toBe(3);
    expect(due.nextAt()).toBe(5);
    expect(drain(due, 20)).toEqual(["c", "a", "b"]);
    expect(due.nextAt()).toBeNull();
    due.note("d", 100);
    expect(drain(due, 99)).toEqual([]);
    expect(drain(due, 100)).toEqual(["d"]);
  });

  it("takes turns among endpoints due at the same time, in the order they were noted", () => {
    const due = new DueEndpoints();
    for (const id of ["x", "y", "z"]) due.note(id, 0);
    expect(due.takeDue(0)).toBe("x");
    due.note("x", 0);
    expect(drain(due, 0)).toEqual(["y", "z", "x"]);
  });

  it("stays a heap through many random notes and takes", () => {
    const due = new DueEndpoints();
    const times = new Map<string, number>();
    let seed = 3;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 5000; i++) {
      const id = `e${Math.floor(random() * 500)}`;
      const at = Math.floor(random() * 1000);
      due.note(id, at);
      times.set(id, Math.min(at, times.get(id) ?? Infinity));
      if (random() < 0.1) {
        const now = Math.floor(random() * 1000);
        for (let got = due.takeDue(now); got !== null; got = due.takeDue(now)) {
          expect(times.get(got)!).toBeLessThanOrEqual(now);
          times.delete(got);
        }
        for (const at of times.values()) expect(at).toBeGreaterThan(now);
      }
    }
    const order = drain(due, Infinity).map((id) => times.get(id)!);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order.length).toBe(times.size);
  });
});
