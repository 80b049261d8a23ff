/**
 * @module bench/bare-server
 * Ceiling for ingest: a bare Bun.serve that reads and parses the JSON body and
 * answers 202, with no routing, validation or storage. Prints its URL.
 */
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(request) {
    const event = (await request.json()) as { type?: unknown };
    return Response.json({ id: "bare", type: event.type }, { status: 202 });
  },
});
console.log(JSON.stringify({ url: `http://127.0.0.1:${server.port}` }));
