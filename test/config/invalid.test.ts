/** @module test/config/invalid — every kind of config mistake is reported at its line, column and key path. */
import { describe, expect, it } from "bun:test";
import { ONE_ENDPOINT, errorsOf } from "./helpers";

const withUrl = (url: string) => ONE_ENDPOINT.replace("https://example.com/hook", url);
/** Another endpoint to append after ONE_ENDPOINT; cases may append keys to it too. */
const SECOND_ENDPOINT = `  - id: b\n    url: https://b.example/\n    events: ["*"]\n    secret: s\n`;

// [name, yaml, expected error prefixes "LINE:COL PATH: start of message"]
const CASES: [string, string, string[]][] = [
  ["unclosed flow list", "server: [1, 2\n", ["2:1 : invalid YAML: Flow sequence"]],
  ["tab used as indentation", "server:\n\tlisten: 127.0.0.1:1\n", ["2:1 : invalid YAML: Tabs are not allowed as indentation"]],
  ["duplicate key", "log:\n  level: info\n  level: warn\n", ["3:3 log.level: duplicate key (first given on line 2)"]],
  [
    "every duplicate key, each at its second occurrence",
    `${ONE_ENDPOINT}    timeout: 5s\n    retry: [1s]\n    timeout: 10s\n    timeout: 20s\n    headers: { 1: a, "1": b }\nlog: { level: info }\nlog: { level: warn }\n`,
    [
      "8:5 endpoints[0].timeout: duplicate key (first given on line 6)",
      "9:5 endpoints[0].timeout: duplicate key (first given on line 6)",
      '10:22 endpoints[0].headers["1"]: duplicate key (first given on line 10)',
      "12:1 log: duplicate key (first given on line 11)",
    ],
  ],
  [
    "a duplicate key under an anchor once, however often it is aliased",
    `defaults:\n  headers: &h { X-A: a, X-A: b }\n${ONE_ENDPOINT}    headers: *h\n  - id: b\n    url: https://b.example/\n    events: ["*"]\n    secret: s\n    headers: *h\n`,
    ["2:25 defaults.headers.X-A: duplicate key (first given on line 2)"],
  ],
  [
    "alias bomb",
    "x: &a [v, v, v, v, v, v, v, v, v, v]\ny: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nz: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
    ['1:1 x: unknown key "x"', '2:1 y: unknown key "y"', '3:1 z: unknown key "z"', "3:37 z[8]: too many YAML aliases"],
  ],
  ["unknown top-level key", "sever:\n  listen: 127.0.0.1:1\n", ['1:1 sever: unknown key "sever" (did you mean "server"?)']],
  ["unknown key in a section", "storage:\n  pth: ./x.db\n", ['2:3 storage.pth: unknown key "pth" (did you mean "path"?)']],
  [
    "unknown keys inside an endpoint",
    `${ONE_ENDPOINT}    retires: [1s]\n    signature:\n      scheme: none\n      colour: red\n`,
    ['6:5 endpoints[0].retires: unknown key "retires"', '9:7 endpoints[0].signature.colour: unknown key "colour"'],
  ],
  ["unknown key inside exponential retry", `${ONE_ENDPOINT}    retry: { attempts: 3, initial: 1m, factor: 2 }\n`, ['6:40 endpoints[0].retry.factor: unknown key "factor"']],
  [
    "wrong types",
    "delivery:\n  concurrency: lots\nserver:\n  max_body_bytes: -1\nlog:\n  level: loud\n",
    [
      "2:16 delivery.concurrency: expected a whole number",
      "4:19 server.max_body_bytes: expected a number of at least 1",
      "6:10 log.level: expected one of debug, info, warn, error",
    ],
  ],
  ["section that is not a mapping", "server: 8787\n", ["1:9 server: expected a mapping"]],
  [
    "frame ancestor that is not an origin (it would add to the page's security policy)",
    "server:\n  ui: yes\n  ui_frame_ancestors: [\"https://ok.example\", \"https://x.example; script-src *\", \"*\"]\n",
    [
      "2:7 server.ui: expected",
      "3:46 server.ui_frame_ancestors[1]: expected an origin",
      "3:81 server.ui_frame_ancestors[2]: expected an origin",
    ],
  ],
  ["missing ${VAR}", ONE_ENDPOINT.replace("secret: s", "secret: ${HOOK_SECRET}"), ["5:13 endpoints[0].secret: environment variable HOOK_SECRET is not set"]],
  ["missing required key", "endpoints:\n  - id: a\n    events: ['*']\n    secret: s\n", ['2:5 endpoints[0].url: missing required key "url"']],
  ["empty value points at its key", "endpoints:\n  - id: a\n    url:\n    events: ['*']\n    secret: s\n", ["3:5 endpoints[0].url: expected a string"]],
  ["header value with CR/LF", `${ONE_ENDPOINT}    headers:\n      X-Ok: "a\\r\\nb"\n`, ['7:13 endpoints[0].headers.X-Ok: header "X-Ok" must not contain line breaks']],
  ["header name that is not a token", `${ONE_ENDPOINT}    headers:\n      "X Bad": v\n`, ['7:7 endpoints[0].headers["X Bad"]: "X Bad" is not a valid header name']],
  [
    "forbidden headers",
    `${ONE_ENDPOINT}    headers:\n      content-type: text/plain\n      Webhook-Signature: x\n`,
    [
      '7:7 endpoints[0].headers.content-type: header "content-type" is set by hookrelay',
      '8:7 endpoints[0].headers.Webhook-Signature: header "Webhook-Signature" carries the standard-webhooks signature',
    ],
  ],
  [
    "a single-header scheme's own header",
    `${ONE_ENDPOINT}    signature: { scheme: hmac-sha256-prefixed }\n    headers: { x-signature-256: v }\n`,
    ['7:16 endpoints[0].headers.x-signature-256: header "x-signature-256" carries the hmac-sha256-prefixed signature'],
  ],
  ["forbidden header inherited from defaults", `defaults:\n  headers:\n    HOST: x\n${ONE_ENDPOINT}`, ['3:5 defaults.headers.HOST: header "HOST" is set by hookrelay']],
  ["ftp URL", withUrl("ftp://example.com/hook"), ["3:10 endpoints[0].url: expected an http or https URL"]],
  ["URL with userinfo", withUrl("https://user:pw@example.com/hook"), ["3:10 endpoints[0].url: expected a URL without user:password@"]],
  ["relative URL", withUrl("/hook"), ["3:10 endpoints[0].url: expected an absolute http or https URL"]],
  [
    "max_in_flight not below concurrency",
    `delivery:\n  concurrency: 16\ndefaults:\n  max_in_flight: 16\n${ONE_ENDPOINT}    max_in_flight: 20\n${SECOND_ENDPOINT}`,
    [
      "4:18 defaults.max_in_flight: must be lower than delivery.concurrency (16) so one endpoint cannot take every slot; endpoints[1] inherits it",
      "10:20 endpoints[0].max_in_flight: must be lower than delivery.concurrency (16) so one endpoint cannot take every slot",
    ],
  ],
  [
    "built-in max_in_flight not below concurrency",
    `delivery:\n  concurrency: 8\n${ONE_ENDPOINT}${SECOND_ENDPOINT}    max_in_flight: 4\n${SECOND_ENDPOINT.replace("id: b", "id: c")}`,
    ["2:16 delivery.concurrency: must be greater than max_in_flight, 16 by default, which endpoints[0] and 1 more inherit; set defaults.max_in_flight"],
  ],
  [
    "an endpoint's max_in_flight that is not a number, with nothing inherited",
    `delivery:\n  concurrency: 8\n${ONE_ENDPOINT}    max_in_flight: lots\n`,
    ["8:20 endpoints[0].max_in_flight: expected a whole number"],
  ],
  [
    "bad CIDRs",
    "network:\n  allow: [127.0.0.0/8, 10.0.0.0/33, nonsense, ::1/129]\n",
    [
      "2:24 network.allow[1]: expected a CIDR range",
      "2:37 network.allow[2]: expected a CIDR range",
      "2:47 network.allow[3]: expected a CIDR range",
    ],
  ],
  [
    "bad durations",
    "defaults:\n  timeout: 30\n  retry: [1s, 5 minutes]\n",
    ["2:12 defaults.timeout: expected a duration like 30s or 5m", "3:15 defaults.retry[1]: expected a duration like 30s or 5m"],
  ],
  ["bad scheme", `${ONE_ENDPOINT}    signature: { scheme: hmac-sha1 }\n`, ["6:26 endpoints[0].signature.scheme: expected one of standard-webhooks, hmac-sha256-hex"]],
  ["header on a scheme without one", `${ONE_ENDPOINT}    signature: { scheme: standard-webhooks, header: X-Sig }\n`, ["6:45 endpoints[0].signature.header: scheme standard-webhooks has no configurable header"]],
  ["no secret", "endpoints:\n  - id: a\n    url: https://x.example/\n    events: ['*']\n", ["2:5 endpoints[0]: signature scheme standard-webhooks needs a secret"]],
  ["two secret sources", `${ONE_ENDPOINT}    secrets: [x, y]\n`, ["6:5 endpoints[0].secrets: use only one of secret, secret_file and secrets"]],
  ["unreadable secret_file", ONE_ENDPOINT.replace("secret: s", "secret_file: /run/missing"), ["5:18 endpoints[0].secret_file: cannot read secret file /run/missing: no such file"]],
  ["whsec_ secret that is not base64", ONE_ENDPOINT.replace("secret: s", "secret: whsec_not*base64"), ["5:13 endpoints[0].secret: expected base64 after whsec_"]],
  [
    "duplicate and malformed endpoint ids",
    `${ONE_ENDPOINT}  - id: a\n    url: https://b.example/\n    events: ["*"]\n    secret: s\n  - id: Big\n    url: https://b.example/\n    events: ["*"]\n    secret: s\n`,
    ['6:9 endpoints[1].id: duplicate endpoint id "a" (first used on line 2)', "10:9 endpoints[2].id: expected an id of lowercase letters"],
  ],
  [
    "bad event patterns",
    ONE_ENDPOINT.replace('events: ["*"]', 'events: ["alert*", "a.*.b", "a b"]'),
    [
      '4:14 endpoints[0].events[0]: expected an event type, "prefix.*" or "*"',
      "4:24 endpoints[0].events[1]: expected an event type",
      "4:33 endpoints[0].events[2]: expected an event type",
    ],
  ],
  ["empty event pattern", ONE_ENDPOINT.replace('events: ["*"]', 'events: ["*", ""]'), ["4:19 endpoints[0].events[1]: expected a non-empty string"]],
  ["empty events", ONE_ENDPOINT.replace('events: ["*"]', "events: []"), ["4:13 endpoints[0].events: expected a non-empty list"]],
  [
    "retry forms",
    `${ONE_ENDPOINT}    retry: { attempts: 0, initial: 1m, multiplier: 0.5 }\n  - id: b\n    url: https://b.example/\n    events: ["*"]\n    secret: s\n    retry: []\n  - id: c\n    url: https://c.example/\n    events: ["*"]\n    secret: s\n    retry: fast\n`,
    [
      "6:24 endpoints[0].retry.attempts: expected a number of at least 1",
      "6:52 endpoints[0].retry.multiplier: expected a number of at least 1",
      "11:12 endpoints[1].retry: expected a non-empty list",
      "16:12 endpoints[2].retry: expected a list of durations",
    ],
  ],
  [
    "jitter, disable_after and rate_limit",
    `${ONE_ENDPOINT}    jitter: 150%\n    disable_after: 0\n    rate_limit: 50/h\n`,
    [
      "6:13 endpoints[0].jitter: expected a percentage from 0% to 100%",
      "7:20 endpoints[0].disable_after: expected a duration like 5d or a whole number",
      "8:17 endpoints[0].rate_limit: expected a rate like 50/s or 600/m",
    ],
  ],
  [
    "envelopes",
    `${ONE_ENDPOINT}    envelope: { id: id, type: id, timestamp: ts, data: data }\ndefaults:\n  envelope: { id: id }\n`,
    [
      "6:15 endpoints[0].envelope: expected four different key names",
      '8:3 defaults.envelope.data: missing required key "data"',
      '8:3 defaults.envelope.timestamp: missing required key "timestamp"',
      '8:3 defaults.envelope.type: missing required key "type"',
    ],
  ],
  ["filter with an empty path segment", `${ONE_ENDPOINT}    filter: { data..x: 1 }\n`, ['6:15 endpoints[0].filter["data..x"]: expected a dot-path like data.severity']],
  ["endpoint that is not a mapping", "endpoints:\n  -\n  - just-a-url\n", ["2:3 endpoints[0]: expected a mapping", "3:5 endpoints[1]: expected a mapping"]],
  ["listen address", "server:\n  listen: localhost\n", ["2:11 server.listen: expected host:port or [v6]:port"]],
];

// [name, yaml] of configs near a mistake that are not one
const ACCEPTED: [string, string][] = [
  ["an endpoint's max_in_flight below concurrency while the unused built-in default is not", `delivery:\n  concurrency: 8\n${ONE_ENDPOINT}    max_in_flight: 7\n`],
  ["an unused defaults.max_in_flight", `delivery:\n  concurrency: 16\ndefaults:\n  max_in_flight: 16\n${ONE_ENDPOINT}    max_in_flight: 8\n`],
  ["any max_in_flight in a config without endpoints", "delivery:\n  concurrency: 8\ndefaults:\n  max_in_flight: 8\n"],
];

describe("config errors", () => {
  for (const [name, yaml, expected] of CASES) {
    it(`reports ${name}`, () => {
      const errors = errorsOf(yaml);
      expect(errors.length).toBe(expected.length);
      expected.forEach((prefix, i) => expect(errors[i]?.startsWith(prefix) ? prefix : errors[i]).toBe(prefix));
    });
  }

  for (const [name, yaml] of ACCEPTED) {
    it(`accepts ${name}`, () => expect(errorsOf(yaml)).toEqual([]));
  }

  it("reports every problem of a config at once, sorted by line", () => {
    const yaml = [
      "server:",
      "  listen: nowhere", // 2
      "delivery: { concurrency: 0 }", // 3
      "endpoints:",
      "  - id: a",
      "    url: ftp://x/", // 6
      "    events: ['*']",
      "    secret: ${MISSING}", // 8
      "    timeout: soon", // 9
      "    retries: 3", // 10
    ].join("\n");
    const lines = errorsOf(yaml).map((e) => e.split(" ")[0]);
    expect(lines).toEqual(["2:11", "3:26", "6:10", "8:13", "9:14", "10:5"]);
  });

  it("never puts a secret value into an error message", () => {
    const secret = "s3cr3t-value-XYZ";
    const yaml = [
      "auth:",
      "  ingest_tokens: [7]",
      "endpoints:",
      "  - id: a",
      "    url: https://example.com/",
      "    events: ['*']",
      "    secret: ${SECRET}",
      "    secrets: ['${SECRET}', 5]",
      "    headers:",
      '      Authorization: "Bearer ${SECRET}\\r\\n"',
      "      Content-Type: ${SECRET}",
      "    signature: { scheme: timestamped, header: '${SECRET}' }",
      "  - id: b",
      "    url: https://example.com/${SECRET}",
      "    events: ['*']",
      "    secret: whsec_${SECRET}",
      "    disable_after: ${SECRET}",
      "    jitter: ${SECRET}",
    ].join("\n");
    const errors = errorsOf(yaml, { SECRET: secret });
    expect(errors.length).toBeGreaterThan(5);
    for (const error of errors) expect(error).not.toContain(secret);
  });

  it("drops checks that would only repeat a missing variable", () => {
    expect(errorsOf("defaults:\n  timeout: ${TIMEOUT}\n")).toEqual(["2:12 defaults.timeout: environment variable TIMEOUT is not set (use ${TIMEOUT:-default} for a fallback)"]);
  });
});
