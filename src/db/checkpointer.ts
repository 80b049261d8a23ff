/**
 * @module db/checkpointer
 * Copies the WAL back into the database on a thread of its own. SQLite's
 * automatic checkpoint runs inside whichever commit crosses its threshold,
 * and every commit here runs on the event loop: under sustained ingest those
 * checkpoints took about a sixth of the time spent writing events. So the
 * daemon's connection never checkpoints (wal_autocheckpoint = 0) and the
 * wal_checkpoint job asks this thread to, every second. PASSIVE never waits
 * for a lock, so it runs beside the event loop's writes.
 *
 * If the thread is lost, checkpoints run on the daemon's connection again,
 * SQLite's own included: the WAL never grows unchecked.
 */
import type { Database } from "bun:sqlite";
import { type Checkpoint, passiveCheckpoint } from "./checkpoint";

export type CheckpointRequest =
  | { readonly op: "open"; readonly path: string; readonly sync: "full" | "normal" }
  | { readonly op: "checkpoint" }
  | { readonly op: "close" };

export type CheckpointReply = { readonly ok: true; readonly result?: Checkpoint } | { readonly ok: false; readonly message: string };

/** SQLite's default threshold, in WAL pages, for the checkpoints it runs itself. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

interface Waiter {
  readonly resolve: (reply: CheckpointReply & { ok: true }) => void;
  readonly reject: (err: Error) => void;
}

export class Checkpointer {
  readonly #db: Database;
  #worker: Worker | null;
  /** One per request sent; the thread answers in order. */
  readonly #waiting: Waiter[] = [];

  private constructor(db: Database, worker: Worker) {
    this.#db = db;
    this.#worker = worker;
    // A helper never keeps the process alive by itself; the server does while the daemon runs.
    worker.unref();
    worker.onmessage = (event: MessageEvent<CheckpointReply>) => {
      const waiter = this.#waiting.shift();
      const reply = event.data;
      if (reply.ok) waiter?.resolve(reply);
      else waiter?.reject(new Error(reply.message));
    };
    worker.onerror = (event) => this.#lost(event.message);
    worker.addEventListener("close", () => this.#lost("the checkpoint thread exited"));
  }

  /**
   * Starts the thread from `entry` (the URL of checkpoint-thread.ts), opens the
   * database at `path` on it, and stops `db`'s own checkpoints; throws why it could not.
   */
  static async start(entry: string, db: Database, path: string, sync: "full" | "normal"): Promise<Checkpointer> {
    const checkpointer = new Checkpointer(db, new Worker(entry));
    try {
      await checkpointer.#request({ op: "open", path, sync });
    } catch (err) {
      await checkpointer.close();
      throw err;
    }
    db.run("PRAGMA wal_autocheckpoint = 0");
    return checkpointer;
  }

  /** One PASSIVE checkpoint, on the thread (or on the daemon's connection if the thread was lost). */
  async checkpoint(): Promise<Checkpoint> {
    if (!this.#worker) return passiveCheckpoint(this.#db);
    return (await this.#request({ op: "checkpoint" })).result!;
  }

  /** Closes the thread's connection and ends the thread. */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    try {
      await this.#request({ op: "close" });
    } finally {
      this.#worker = null;
      worker.terminate();
    }
  }

  #request(request: CheckpointRequest): Promise<CheckpointReply & { ok: true }> {
    const worker = this.#worker!;
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      worker.postMessage(request);
    });
  }

  #lost(why: string): void {
    if (!this.#worker) return;
    this.#worker = null;
    this.#db.run(`PRAGMA wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
    const err = new Error(`the checkpoint thread stopped: ${why}`);
    for (const waiter of this.#waiting.splice(0)) waiter.reject(err);
  }
}
