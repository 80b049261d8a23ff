/**
 * @module test/helpers/receiver
 * A real HTTP receiver on 127.0.0.1 and a random port that records every
 * request and answers as the test scripts it.
 */
import { waitFor } from "./wait";

export interface Received {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly at: number;
}

/** Decides the answer to the n-th request (n counts from 1). */
export type Reply = (req: Received, n: number) => Response | Promise<Response>;

export interface Receiver {
  readonly url: string;
  readonly requests: Received[];
  /** Changes how later requests are answered. */
  reply(fn: Reply): void;
  /** Waits until at least `count` requests have arrived; returns them all. */
  waitForRequests(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): void;
}

export function startReceiver(reply: Reply = () => new Response("ok")): Receiver {
  let answer = reply;
  const requests: Received[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const received: Received = {
        path: new URL(request.url).pathname,
        headers: Object.fromEntries(request.headers),
        body: await request.text(),
        at: Date.now(),
      };
      requests.push(received);
      return answer(received, requests.length);
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}/hook`,
    requests,
    reply(fn) {
      answer = fn;
    },
    async waitForRequests(count, timeoutMs = 10_000) {
      await waitFor(`${count} requests at the receiver (have ${requests.length})`, () => requests.length >= count, timeoutMs);
      return requests;
    },
    close() {
      server.stop(true);
    },
  };
}
