/** @module test/cli/retry-progress — bulk retry walks the API's chunks to the end and shows a running count on a terminal. */
import { expect, it } from "bun:test";
import type { AdminClient } from "../../src/cli/client";
import { RETRY_CHUNK, retryMany } from "../../src/cli/deliveries-retry";
import type { CliIo } from "../../src/cli/io";

it("follows next_cursor until the walk is done, counting as it goes", async () => {
  const bodies: unknown[] = [];
  const pages = [
    { retried: 4000, next_cursor: "5000" },
    { retried: 4500, next_cursor: "10000" },
    { retried: 12, next_cursor: null },
  ];
  const client = { post: async (_path: string, body: unknown) => (bodies.push(body), pages.shift()) } as unknown as AdminClient;
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, isTTY: true };
  await retryMany(client, { status: "failed", endpoint: "a" }, io, false);
  expect(bodies).toEqual([
    { status: "failed", endpoint: "a", limit: RETRY_CHUNK },
    { status: "failed", endpoint: "a", limit: RETRY_CHUNK, cursor: "5000" },
    { status: "failed", endpoint: "a", limit: RETRY_CHUNK, cursor: "10000" },
  ]);
  expect(stdout).toBe("retried 8512 deliveries\n");
  expect(stderr).toBe("\rretrying failed deliveries… 0 queued\rretrying failed deliveries… 4000 queued\rretrying failed deliveries… 8500 queued\r\x1b[K");
});
