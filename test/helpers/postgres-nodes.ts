/**
 * @module test/helpers/postgres-nodes
 * Several real daemons on one PostgreSQL database, as the multi-node tests
 * start them: from one config file at once, as a deploy would; events
 * posted to each node in turn; a node's own attempt count; stopping them all.
 */
import type { TestDatabase } from "./postgres";
import { type PostgresConfigOptions, postEvent, postgresConfig, type SignedReceiver, stopRelay } from "./postgres-relay";
import { ADMIN_TOKEN, type SpawnedRelay, spawnRelay } from "./relay";

/** Starts `count` nodes on one config file written to `dir`; if one fails to start, stops the others. */
export async function startNodes(
  dir: string,
  db: TestDatabase,
  signed: SignedReceiver,
  options: PostgresConfigOptions,
  count = 3,
): Promise<SpawnedRelay[]> {
  const path = postgresConfig(dir, db, signed.receiver, options);
  const started = await Promise.allSettled(Array.from({ length: count }, () => spawnRelay(path)));
  const nodes = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = started.find((s) => s.status === "rejected");
  if (failed) {
    await stopAll(nodes, signed);
    throw failed.reason;
  }
  return nodes;
}

/** Posts each id to the next node in turn; returns the ids answered 202. */
export async function postRoundRobin(nodes: readonly SpawnedRelay[], ids: readonly string[]): Promise<string[]> {
  const answers = await Promise.all(ids.map((id, i) => postEvent(nodes[i % nodes.length]!, id)));
  return ids.filter((_, i) => answers[i]!.status === 202);
}

/** Stops the nodes still running and closes the receiver. */
export async function stopAll(nodes: readonly SpawnedRelay[], signed: SignedReceiver): Promise<void> {
  await Promise.all(nodes.filter((n) => n.proc.exitCode === null && n.proc.signalCode === null).map(stopRelay));
  signed.receiver.close();
}

/** The attempts a node has made, from its own /metrics. */
export const attemptsOf = (node: SpawnedRelay): Promise<number> => attemptsWith(node, "");

/** The attempts a node has made in the series whose labels include `labels` (e.g. `result="http_error"`). */
export async function attemptsWith(node: SpawnedRelay, labels: string): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith("hookrelay_attempts_total{") && l.includes(labels))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
}

/** `n` event ids starting with `prefix`. */
export const ids = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
