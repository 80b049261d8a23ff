/**
 * @module test/signing/header-rules
 * Config refuses custom headers that would break the request or forge its
 * signature. test/config covers CR/LF in values, Content-Type, Host under
 * defaults and the default signature headers; this adds the rest, and checks
 * that every header a signer actually emits is one config refuses.
 */
import { describe, expect, it } from "bun:test";
import type { SchemeName } from "../../src/config/types";
import { prepareEndpoint } from "../../src/delivery/endpoint";
import { configOf, errorsOf, ONE_ENDPOINT } from "../config/helpers";

const withHeaders = (lines: string, signature = "") => `${ONE_ENDPOINT}${signature ? `    signature: ${signature}\n` : ""}    headers:\n${lines}`;

describe("headers config refuses", () => {
  it.each([
    ["CR/LF in a name", `      "X-A\\r\\nB": v\n`, "must not contain line breaks"],
    ["a bare LF in a name", `      "X-A\\nB": v\n`, "must not contain line breaks"],
    ["a bare CR in a value", `      X-Ok: "a\\rb"\n`, "must not contain line breaks"],
    ["Host on an endpoint", `      Host: evil.example\n`, "is set by hookrelay"],
    ["Content-Length", `      Content-Length: "5"\n`, "is set by hookrelay"],
    ["Transfer-Encoding", `      transfer-encoding: chunked\n`, "is set by hookrelay"],
    ["Content-Type in any case", `      CONTENT-TYPE: text/plain\n`, "is set by hookrelay"],
  ])("%s", (_name, lines, message) => {
    const errors = errorsOf(withHeaders(lines));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  });

  it("a line break that arrives through ${VAR}", () => {
    expect(errorsOf(withHeaders(`      X-Team: "\${TEAM}"\n`), { TEAM: "core\r\nX-Evil: 1" })).toEqual([
      '7:15 endpoints[0].headers.X-Team: header "X-Team" must not contain line breaks',
    ]);
  });

  it("a custom signature header name, in any letter case", () => {
    const signature = "{ scheme: timestamped, header: X-SmartComply-Signature }";
    expect(errorsOf(withHeaders(`      x-smartcomply-signature: forged\n      X-Signature: fine-here\n`, signature))).toEqual([
      '8:7 endpoints[0].headers.x-smartcomply-signature: header "x-smartcomply-signature" carries the timestamped signature and cannot be configured',
    ]);
  });
});

describe("signature.header refuses", () => {
  it.each(["Host", "content-length", "Content-Type", "Transfer-Encoding"])("%s, which would replace what hookrelay sets", (name) => {
    expect(errorsOf(`${ONE_ENDPOINT}    signature: { scheme: hmac-sha256-hex, header: ${name} }\n`)).toEqual([
      `6:51 endpoints[0].signature.header: header "${name}" is set by hookrelay and cannot carry the signature`,
    ]);
  });

  it("the same under defaults", () => {
    expect(errorsOf(`defaults:\n  signature: { scheme: timestamped, header: HOST }\n${ONE_ENDPOINT}`)).toEqual([
      '2:45 defaults.signature.header: header "HOST" is set by hookrelay and cannot carry the signature',
    ]);
  });
});

describe("every header a signer emits is refused as a custom header", () => {
  const schemes: [SchemeName, string][] = [
    ["standard-webhooks", "{ scheme: standard-webhooks }"],
    ["hmac-sha256-hex", "{ scheme: hmac-sha256-hex }"],
    ["hmac-sha256-hex", "{ scheme: hmac-sha256-hex, header: X-ComplianceLayer-Signature }"],
    ["hmac-sha256-prefixed", "{ scheme: hmac-sha256-prefixed }"],
    ["hmac-sha256-prefixed", "{ scheme: hmac-sha256-prefixed, header: X-ComplyWise-Signature }"],
    ["timestamped", "{ scheme: timestamped }"],
    ["timestamped", "{ scheme: timestamped, header: X-SmartComply-Signature }"],
  ];

  it.each(schemes)("%s %s", (scheme, signature) => {
    const endpoint = configOf(`${ONE_ENDPOINT}    signature: ${signature}\n`).endpoints[0]!;
    const emitted = Object.keys(prepareEndpoint(endpoint, 0).sign({ id: "evt_1", timestampSec: 1, body: "{}" }));
    expect(emitted.length).toBeGreaterThan(0);
    for (const name of emitted) {
      for (const spelled of [name, name.toUpperCase()]) {
        const errors = errorsOf(withHeaders(`      ${spelled}: forged\n`, signature));
        expect(errors).toEqual([expect.stringContaining(`carries the ${scheme} signature`)]);
      }
    }
  });
});
