/**
 * @module test/helpers/cleanup
 * Undo what a test started (servers, daemons, temp dirs) even when it fails:
 * functions handed to `defer` run after each test, last registered first.
 */
import { afterEach } from "bun:test";

/** Registers the afterEach hook for this file and returns the function that queues clean-ups. */
export function deferCleanup(): (...fns: (() => unknown)[]) => void {
  let queued: (() => unknown)[] = [];
  afterEach(async () => {
    const run = queued.reverse();
    queued = [];
    for (const fn of run) await fn();
  });
  return (...fns) => {
    queued.push(...fns);
  };
}
