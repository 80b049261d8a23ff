/** Which endpoints this node is writing, as the registry follower asks: nothing kept until tracked; a write running or ended after a mark makes its id wait. */
import { expect, it } from "bun:test";
import { LocalWrites } from "../../src/endpoints/local-writes";

it("keeps nothing until tracked", () => {
  const w = new LocalWrites();
  const mark = w.mark();
  w.began("a");
  expect(w.since("a", mark)).toBe(false);
  w.ended("a");
  expect(w.mark()).toBe(mark);
});

it("marks an id while its write runs and after it ends past the mark, and forgets it once settled", () => {
  const w = new LocalWrites();
  let ended = 0;
  w.track(() => ended++);
  const before = w.mark();
  w.began("a");
  w.began("a");
  const during = w.mark();
  expect([w.since("a", before), w.since("a", during), w.since("b", before)]).toEqual([true, true, false]);
  w.ended("a");
  expect(w.since("a", during)).toBe(true);
  w.ended("a");
  expect(ended).toBe(2);
  const after = w.mark();
  expect([w.since("a", during), w.since("a", after)]).toEqual([true, false]);
  w.settledAt(during);
  expect(w.since("a", during)).toBe(true);
  w.settledAt(after);
  expect(w.since("a", 0)).toBe(false);
});
