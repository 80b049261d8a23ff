/**
 * @module test/core/payload-fidelity
 * A producer's `data` reaches every receiver, and the admin API, as the very
 * text it posted: numbers JavaScript cannot hold (past 2^53, long decimals,
 * 1e400, -0), escapes and key order included, under every envelope, signed
 * over exactly those bytes.
 */
import { describe, expect, it } from "bun:test";
import { Webhook } from "standardwebhooks";
import { type Receiver, startReceiver } from "../helpers/receiver";
import { configYaml, type InProcessRelay, startRelay, tempDir } from "../helpers/relay";
import { deferCleanup } from "../helpers/cleanup";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/** Every token here changes if parsed and serialised again, or is easy to get wrong. */
const DATA =
  '{"snowflake":1234567890123456789012,"id":9007199254740993,"price":0.1000000000000000055511151231257827,' +
  '"exp":1e400,"small":1E-7,"neg0":-0,"accent":"\\u00e9","smile":"\\ud83d\\ude00","slash":"\\/","plain":"é😀",' +
  '"zulu":{"b":[-0.0,1.50,2e+10,true,null],"a":{}},"alpha":"last key"}';

const defer = deferCleanup();

async function setup() {
  const receiver = startReceiver();
  const tmp = tempDir();
  const ep = (id: string, extra: string) => `  - id: ${id}\n    url: ${receiver.url.replace("/hook", `/${id}`)}\n    events: ["*"]\n    secret: ${SECRET}\n${extra}`;
  const endpoints = [
    ep("default", ""),
    ep("mapped", "    envelope: { id: event_id, type: event, timestamp: created, data: payload }\n"),
    ep("raw", "    envelope: raw\n"),
  ].join("");
  const relay = await startRelay(configYaml(tmp.dir, endpoints), { dir: tmp.dir });
  defer(tmp.remove, () => relay.stop(), () => receiver.close());
  return { receiver, relay };
}

/** The three bodies one event produced, by endpoint, each verified with the standardwebhooks library. */
async function delivered(receiver: Receiver, eventId: string): Promise<Record<string, string>> {
  await receiver.waitForRequests(3);
  const verifier = new Webhook(SECRET);
  const bodies: Record<string, string> = {};
  for (const req of receiver.requests.filter((r) => r.headers["webhook-id"] === eventId)) {
    expect(() => verifier.verify(req.body, req.headers)).not.toThrow();
    bodies[req.path.slice(1)] = req.body;
  }
  return bodies;
}

async function eventText(relay: InProcessRelay, id: string): Promise<string> {
  const res = await relay.admin("GET", `/v1/events/${id}`);
  expect(res.status).toBe(200);
  return res.text();
}

function expectDataIn(bodies: Record<string, string>, data: string) {
  expect(bodies.default).toEndWith(`,"data":${data}}`);
  expect(bodies.mapped).toEndWith(`,"payload":${data}}`);
  expect(bodies.raw).toBe(data);
}

describe("payload fidelity", () => {
  it("sends data as posted in the default, a mapped and the raw envelope, signed over those bytes, and shows it so", async () => {
    const { receiver, relay } = await setup();
    const res = await relay.post("/v1/events", `{"type":"order.paid","data":${DATA}}`);
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expectDataIn(await delivered(receiver, id), DATA);
    expect(await eventText(relay, id)).toContain(`,"data":${DATA},"ordering_key":null,`);
    expect(relay.db.query("SELECT data FROM events WHERE id = ?").get(id)).toEqual({ data: DATA });
  });

  it("keeps each batch event's data as posted", async () => {
    const { receiver, relay } = await setup();
    const second = '{"n":18446744073709551615,"x":[1E+2]}';
    const res = await relay.post("/v1/events/batch", `{"events":[{"type":"a","data":${DATA}},{"data":${second},"type":"b"}]}`);
    expect(res.status).toBe(202);
    const { ids } = (await res.json()) as { ids: string[] };
    await receiver.waitForRequests(6);
    expectDataIn(await delivered(receiver, ids[0]!), DATA);
    expectDataIn(await delivered(receiver, ids[1]!), second);
    expect(await eventText(relay, ids[1]!)).toContain(`,"data":${second},`);
  });

  it("removes whitespace between tokens, never inside strings or tokens", async () => {
    const { receiver, relay } = await setup();
    const res = await relay.post("/v1/events", `{\n  "type": "a",\n  "data": {\n    "big" : 12345678901234567890 ,\r\n\t"text": " a  b\\t" ,\n    "list": [ 1.0 , -0 ]\n  }\n}`);
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expectDataIn(await delivered(receiver, id), '{"big":12345678901234567890,"text":" a  b\\t","list":[1.0,-0]}');
  });

  it("treats a repeat with the same parsed data, however written, as a duplicate", async () => {
    const { relay } = await setup();
    expect((await relay.post("/v1/events", `{"id":"e1","type":"a","data":{"v":1.0,"w":[2]}}`)).status).toBe(202);
    const again = await relay.post("/v1/events", `{"id":"e1","type":"a","data":{"w":[2], "v":1}}`);
    expect(again.status).toBe(200);
    expect((await relay.post("/v1/events", `{"id":"e1","type":"a","data":{"v":1.5,"w":[2]}}`)).status).toBe(409);
  });
});
