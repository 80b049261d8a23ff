/**
 * @module db/checkpoint-thread
 * The checkpoint thread's body (see db/checkpointer.ts): a connection of its
 * own and one PASSIVE checkpoint per request, each answered in order.
 */
import type { Database } from "bun:sqlite";
import { passiveCheckpoint } from "./checkpoint";
import type { CheckpointReply, CheckpointRequest } from "./checkpointer";
import { openDatabase } from "./open";

declare const self: Worker;

let db: Database | null = null;

function handle(request: CheckpointRequest): CheckpointReply {
  switch (request.op) {
    case "open":
      db = openDatabase(request.path, { sync: request.sync });
      return { ok: true };
    case "checkpoint":
      if (!db) throw new Error("the checkpoint thread has no database open");
      return { ok: true, result: passiveCheckpoint(db) };
    case "close":
      db?.close();
      db = null;
      return { ok: true };
  }
}

self.onmessage = (event: MessageEvent<CheckpointRequest>) => {
  let reply: CheckpointReply;
  try {
    reply = handle(event.data);
  } catch (err) {
    reply = { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  self.postMessage(reply);
};
