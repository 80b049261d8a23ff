import { Database } from "bun:sqlite";
import { afterAll, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { startReceiver } from "../helpers/receiver";
import { ingestLoad } from "../helpers/load";
import { configYaml, type SpawnedRelay, spawnRelay, tempDir, writeConfig } from "../helpers/relay";
import { waitFor } from "../helpers/wait";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const KILLS = 5;
const EVENTS_PER_RUN = 800;
const CLIENTS = 16;

const tmp = tempDir();
afterAll(() => tmp.remove());

describe("crash safety", () => {
  it(
    "loses no event answered 202 when the daemon is SIGKILLed again and again during ingest and delivery",
    async () => {
      const a = startReceiver();
      const b = startReceiver();
      const endpoints = ["a", "b"]
        .map((id, i) => `  - id: ${id}\n    url: ${[a, b][i]!.url}\n    events: ["*"]\n    secret: ${SECRET}\n    retry: [0s, 50ms, 100ms, 200ms]`)
        .join("\n");
      const configPath = writeConfig(tmp.dir, configYaml(tmp.dir, endpoints));
      const accepted: string[] = [];
      let relay: SpawnedRelay | null = null;
      try {
        for (let run = 0; run <= KILLS; run++) {
          relay = await spawnRelay(configPath);
          const load = ingestLoad(relay.url, `r${run}`, EVENTS_PER_RUN, CLIENTS);
          if (run < KILLS) {
            // Kill at a random moment once some events are in: mid-ingest and mid-delivery.
            const killAfter = 250 + Math.floor(Math.random() * 500);
            await waitFor("some events accepted", () => load.accepted.length >= killAfter, 20_000);
            relay.proc.kill("SIGKILL");
            await relay.exited;
            load.stop();
          }
          await load.done;
          accepted.push(...load.accepted);
        }
        expect(accepted.length).toBeGreaterThanOrEqual(2000);
        const expected = new Set(accepted);
        for (const receiver of [a, b]) {
          await waitFor(
            "every accepted event at the receiver",
            () => {
              const seen = new Set(receiver.requests.map((r) => r.headers["webhook-id"]));
              for (const id of expected) if (!seen.has(id)) return false;
              return true;
            },
            60_000,
          );
        }
        const duplicates = [a, b].reduce((n, r) => n + r.requests.length - new Set(r.requests.map((q) => q.headers["webhook-id"])).size, 0);
        console.log(`crash test: ${accepted.length} events accepted across ${KILLS} kills, ${duplicates} duplicate deliveries`);
      } finally {
        relay?.proc.kill("SIGTERM");
        await relay?.exited;
        a.close();
        b.close();
      }
      const db = new Database(join(tmp.dir, "hookrelay.db"), { readonly: true });
      expect((db.query("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check).toBe("ok");
      db.close();
    },
    180_000,
  );
});
