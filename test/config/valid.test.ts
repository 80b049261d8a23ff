/** @module test/config/valid — valid configs resolve to the expected Config: defaults, inheritance, normalisation. */
import { describe, expect, it } from "bun:test";
import { parseConfig } from "../../src/config/load";
import { ONE_ENDPOINT, configOf } from "./helpers";

const HOUR = 3_600_000;

describe("valid configs", () => {
  it("fills every built-in default", () => {
    const config = configOf(ONE_ENDPOINT);
    expect(config.server).toEqual({
      host: "127.0.0.1",
      port: 8787,
      maxBodyBytes: 1_048_576,
      shutdownGraceMs: 10_000,
      ui: true,
      uiFrameAncestors: [],
      publicUrl: null,
    });
    expect(config.storage).toEqual({
      driver: "sqlite",
      url: null,
      pool: 10,
      leaseMs: 120_000,
      path: "/srv/hookrelay/data/hookrelay.db",
      retentionMs: 7 * 24 * HOUR,
      failedRetentionMs: 30 * 24 * HOUR,
      sync: "full",
      encryptionKeys: [],
    });
    expect(config.endpointApi).toEqual({ maxPerTenant: 100, requireHttps: false });
    expect(config.delivery.concurrency).toBe(64);
    expect(config.network.allow).toEqual([]);
    expect(config.log).toEqual({ level: "info", format: null });
    const [endpoint] = config.endpoints;
    expect(endpoint).toMatchObject({
      id: "a",
      tenant: null,
      previousSecret: null,
      timeoutMs: 30_000,
      retry: { delaysMs: [0, 5_000, 300_000, 1_800_000, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR], maxAgeMs: null },
      jitter: 0.1,
      disableAfter: { kind: "duration", ms: 5 * 24 * HOUR },
      maxInFlight: 16,
      signature: { scheme: "standard-webhooks", header: null },
      envelope: { kind: "mapped", id: "id", type: "type", timestamp: "timestamp", data: "data" },
      headers: {},
      filter: [],
      rateLimit: null,
      ordering: "none",
      enabled: true,
    });
    expect(endpoint?.secrets.map((s) => s.reveal())).toEqual(["s"]);
  });

  it("accepts an empty file and a config without endpoints", () => {
    expect(configOf("").endpoints).toEqual([]);
    expect(configOf("# only a comment\n").server.port).toBe(8787);
  });

  it("lets endpoints inherit defaults and override them, headers merged without regard to case", () => {
    const config = configOf(`defaults:
  timeout: 10s
  jitter: 25%
  disable_after: 10
  max_in_flight: 4
  rate_limit: 600/m
  ordering: fifo
  signature: { scheme: hmac-sha256-hex }
  envelope: raw
  headers: { User-Agent: Acme/1, X-Team: core }
${ONE_ENDPOINT}    headers: { user-agent: Mine/2, X-Event: "{event.type}" }
  - id: b
    url: https://b.example/
    events: [alert.*, scan.completed]
    secrets: [new, old]
    timeout: 250ms
    signature: { scheme: timestamped, header: X-Acme-Signature }
    envelope: { id: event_id, type: kind, timestamp: created_at, data: payload }
    filter: { data.severity: [HIGH, CRITICAL], data.production: true }
    enabled: false
`);
    const [a, b] = config.endpoints;
    expect(a).toMatchObject({
      timeoutMs: 10_000,
      jitter: 0.25,
      disableAfter: { kind: "count", failures: 10 },
      maxInFlight: 4,
      rateLimit: { count: 600, perMs: 60_000 },
      ordering: "fifo",
      signature: { scheme: "hmac-sha256-hex", header: "X-Signature" },
      envelope: { kind: "raw" },
      headers: { "X-Team": "core", "user-agent": "Mine/2", "X-Event": "{event.type}" },
    });
    expect(b).toMatchObject({
      timeoutMs: 250,
      signature: { scheme: "timestamped", header: "X-Acme-Signature" },
      envelope: { kind: "mapped", id: "event_id", type: "kind", timestamp: "created_at", data: "payload" },
      filter: [
        { path: ["data", "severity"], anyOf: ["HIGH", "CRITICAL"] },
        { path: ["data", "production"], anyOf: [true] },
      ],
      enabled: false,
      headers: { "User-Agent": "Acme/1", "X-Team": "core" },
    });
    expect(b?.secrets.map((s) => s.reveal())).toEqual(["new", "old"]);
  });

  it.each([
    ["hmac-sha256-prefixed", "X-Signature-256"],
    ["timestamped", "X-Signature"],
    ["none", null],
  ])("gives scheme %s its default header", (scheme, header) => {
    const config = configOf(`${ONE_ENDPOINT}    signature: { scheme: ${scheme} }\n`);
    expect(config.endpoints[0]?.signature).toEqual({ scheme, header } as never);
  });

  it.each([
    ["the delay list", "[0s, 1m, 1h]", [0, 60_000, HOUR], null],
    ["delays with max_age", "{ delays: [1s, 2s], max_age: 1d }", [1_000, 2_000], 24 * HOUR],
    ["exponential form", "{ attempts: 3, initial: 3m, multiplier: 2 }", [0, 180_000, 360_000], null],
    ["exponential form with default multiplier, cap and max_age", "{ attempts: 6, initial: 10m, max: 30m, max_age: 24h }", [0, 600_000, 1_200_000, 1_800_000, 1_800_000, 1_800_000], 24 * HOUR],
    ["a single attempt", "{ attempts: 1, initial: 1s }", [0], null],
  ])("normalises retry from %s", (_name, retry, delaysMs, maxAgeMs) => {
    const config = configOf(`${ONE_ENDPOINT}    retry: ${retry}\n`);
    expect(config.endpoints[0]?.retry).toEqual({ delaysMs, maxAgeMs });
  });

  it("expands ${VAR} and ${VAR:-default} everywhere, keeping $${ literal", () => {
    const config = configOf(
      `server:
  listen: \${HOST:-0.0.0.0}:\${PORT:-9999}
delivery:
  concurrency: \${CONCURRENCY}
auth:
  ingest_tokens: ["\${INGEST:-}", "\${ADMIN}"]
${ONE_ENDPOINT}    headers: { X-Literal: "$\${not.a.var}", X-Both: "\${A}-\${B:-b}" }
`,
      { PORT: "8080", CONCURRENCY: "32", ADMIN: "adm", A: "a", HOST: "" },
    );
    expect(config.server).toMatchObject({ host: "0.0.0.0", port: 8080 });
    expect(config.delivery.concurrency).toBe(32);
    expect(config.auth.ingestTokens.map((t) => t.reveal())).toEqual(["adm"]);
    expect(config.endpoints[0]?.headers).toEqual({ "X-Literal": "${not.a.var}", "X-Both": "a-b" });
  });

  it("reads secret_file relative to the config file, trailing whitespace trimmed", () => {
    const config = configOf(ONE_ENDPOINT.replace("secret: s", "secret_file: secrets/a.txt"), {}, { "/srv/hookrelay/secrets/a.txt": "whsec_c2VjcmV0\n \n" });
    expect(config.endpoints[0]?.secrets.map((s) => s.reveal())).toEqual(["whsec_c2VjcmV0"]);
  });

  it("resolves storage.path against the config file's folder and keeps absolute paths", () => {
    expect(configOf("storage: { path: ../db/x.db }\n").storage.path).toBe("/srv/db/x.db");
    expect(configOf("storage: { path: /var/lib/hookrelay/x.db }\n").storage.path).toBe("/var/lib/hookrelay/x.db");
  });

  it("parses IPv6 listen addresses, port 0 and the other sections", () => {
    const config = configOf(`server: { listen: "[::1]:0", max_body_bytes: 10, shutdown_grace: 1m, ui: false, ui_frame_ancestors: ["https://*.vendor.example", "http://127.0.0.1:3000"] }
storage: { retention: 1d, failed_retention: 2d, sync: normal }
network: { allow: [10.0.0.0/8, "fd00::/8"] }
log: { level: debug, format: text }
`);
    expect(config.server).toEqual({
      host: "::1",
      port: 0,
      maxBodyBytes: 10,
      shutdownGraceMs: 60_000,
      ui: false,
      uiFrameAncestors: ["https://*.vendor.example", "http://127.0.0.1:3000"],
      publicUrl: null,
    });
    expect(config.storage).toMatchObject({ retentionMs: 24 * HOUR, failedRetentionMs: 48 * HOUR, sync: "normal" });
    expect(config.network.allow).toEqual(["10.0.0.0/8", "fd00::/8"]);
    expect(config.log).toEqual({ level: "debug", format: "text" });
  });

  it("follows aliases within the limit", () => {
    const config = configOf(`defaults:
  retry: &slow [1m, 1h]
${ONE_ENDPOINT.replace('events: ["*"]', 'events: &all ["*"]')}    retry: *slow
  - id: b
    url: https://b.example/
    events: *all
    secret: s
`);
    expect(config.endpoints[0]?.retry.delaysMs).toEqual([60_000, HOUR]);
    expect(config.endpoints[1]?.events).toEqual(["*"]);
  });

  it("freezes the result and records its absolute source", () => {
    const config = configOf(ONE_ENDPOINT);
    expect(config.source).toBe("/srv/hookrelay/config.yaml");
    expect(Object.isFrozen(config.endpoints[0]?.retry.delaysMs)).toBe(true);
    expect(() => (config.server as { port: number }).port++).toThrow();
  });

  it("keeps <embedded> as the source of the built-in config", () => {
    const result = parseConfig(ONE_ENDPOINT, "<embedded>", { env: {}, readFile: () => "" });
    expect(result.ok && result.config.source).toBe("<embedded>");
  });
});
