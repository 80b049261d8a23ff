/**
 * @module db/transaction
 * One way to group writes: BEGIN IMMEDIATE takes the write lock up front, so
 * a transaction never fails half-way on a lock upgrade. Nested calls become
 * savepoints (bun:sqlite semantics).
 */
import type { Database } from "bun:sqlite";

export type RunInTransaction = <T>(work: () => T) => T;

/** A runner that executes `work` inside one immediate transaction on `db`. */
export function transactionRunner(db: Database): RunInTransaction {
  const tx = db.transaction((work: () => unknown) => work());
  return <T>(work: () => T) => tx.immediate(work) as T;
}
