/**
 * @module test/cli/endpoints-list
 * `endpoints list` against a real daemon holding more endpoints than one page
 * of the API: without `--limit` it walks every page, whatever the filters;
 * `--limit` prints one page and names the next cursor.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { MAX_PAGE } from "../../src/cli/args";
import { endpoints } from "../../src/cli/endpoints";
import { UsageError } from "../../src/cli/io";
import { ADMIN_TOKEN, configYaml, type InProcessRelay, startRelay, tempDir } from "../helpers/relay";
import { runInProcess } from "./helpers";

/** More endpoints of one tenant than the largest page holds. */
const BULK = MAX_PAGE + 5;

let relay: InProcessRelay;
let tmp: ReturnType<typeof tempDir>;
let env: Record<string, string>;

const ids = (stdout: string) => (JSON.parse(stdout) as { items: { id: string }[] }).items.map((e) => e.id);
const bulkId = (i: number) => `bulk-${String(i).padStart(4, "0")}`;

beforeAll(async () => {
  tmp = tempDir();
  const endpoint = (id: string, extra = "") => `  - id: ${id}\n    url: http://127.0.0.1:9/${id}\n    events: ["*"]\n    secret: s\n${extra}`;
  relay = await startRelay(configYaml(tmp.dir, endpoint("cfg-a") + endpoint("cfg-off", "    enabled: false\n") + endpoint("zz-cfg"), "endpoint_api:\n  max_per_tenant: 2000\n"), { dir: tmp.dir });
  env = { HOOKRELAY_URL: relay.url, HOOKRELAY_ADMIN_TOKEN: ADMIN_TOKEN };
  const create = async (body: Record<string, unknown>) => {
    const res = await relay.admin("POST", "/v1/endpoints", { url: "http://127.0.0.1:9/h", events: ["*"], ...body });
    if (res.status !== 201) throw new Error(`create ${JSON.stringify(body)}: ${res.status} ${await res.text()}`);
  };
  // A few at a time: each create is its own transaction.
  for (let i = 0; i < BULK; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, BULK - i) }, (_, j) => create({ id: bulkId(i + j), tenant: "bulk" })));
  }
  await create({ id: "other-1", tenant: "other" });
  await create({ id: "other-off", tenant: "other", enabled: false });
});
afterAll(async () => {
  await relay.stop();
  tmp.remove();
});

describe("hookrelay endpoints list", () => {
  it("walks every page: all endpoints, in id order", async () => {
    const all = ids((await runInProcess(endpoints, ["list", "--json"], env)).stdout);
    const expected = [...Array.from({ length: BULK }, (_, i) => bulkId(i)), "cfg-a", "cfg-off", "other-1", "other-off", "zz-cfg"];
    expect(all).toEqual(expected);
    const table = (await runInProcess(endpoints, [], env)).stdout.trim().split("\n");
    expect(table.length).toBe(1 + expected.length);
    expect(table[1]).toMatch(/^bulk-0000\s+api\s+bulk\s+active\s/);
    expect(table.find((r) => r.startsWith("cfg-a"))).toMatch(/^cfg-a\s+config\s+-\s+active\s/);
    expect(table.find((r) => r.startsWith("other-off"))).toMatch(/^other-off\s+api\s+other\s+disabled\s/);
  });

  it("filters by tenant, source and state across pages", async () => {
    const bulk = await runInProcess(endpoints, ["list", "--tenant", "bulk", "--json"], env);
    expect(JSON.parse(bulk.stdout).next_cursor).toBeNull();
    expect(ids(bulk.stdout)).toEqual(Array.from({ length: BULK }, (_, i) => bulkId(i)));
    expect(ids((await runInProcess(endpoints, ["list", "--source", "config", "--json"], env)).stdout)).toEqual(["cfg-a", "cfg-off", "zz-cfg"]);
    expect(ids((await runInProcess(endpoints, ["--state", "disabled", "--json"], env)).stdout)).toEqual(["cfg-off", "other-off"]);
    expect(ids((await runInProcess(endpoints, ["list", "--source", "api", "--state", "disabled", "--tenant", "other", "--json"], env)).stdout)).toEqual(["other-off"]);
    // --cursor without --limit walks on from there.
    expect(ids((await runInProcess(endpoints, ["list", "--cursor", bulkId(BULK - 2), "--json"], env)).stdout)).toEqual([bulkId(BULK - 1), "cfg-a", "cfg-off", "other-1", "other-off", "zz-cfg"]);
  });

  it("prints one page with --limit and names the cursor of the next on stderr", async () => {
    const first = await runInProcess(endpoints, ["list", "--tenant", "bulk", "--limit", "2"], env);
    expect(first.stdout.trim().split("\n").slice(1).map((r) => r.split(/\s+/)[0])).toEqual([bulkId(0), bulkId(1)]);
    expect(first.stderr).toBe(`more endpoints: add --cursor ${bulkId(1)}\n`);
    const next = JSON.parse((await runInProcess(endpoints, ["list", "--tenant", "bulk", "--limit", "2", "--cursor", bulkId(1), "--json"], env)).stdout);
    expect(next).toMatchObject({ next_cursor: bulkId(3) });
    expect(next.items.map((e: { id: string }) => e.id)).toEqual([bulkId(2), bulkId(3)]);
  });

  it("refuses an unknown source or state and a limit the API would refuse (exit 2)", async () => {
    await expect(runInProcess(endpoints, ["list", "--source", "yaml"], env)).rejects.toThrow("--source must be one of config, api");
    await expect(runInProcess(endpoints, ["list", "--state", "gone"], env)).rejects.toBeInstanceOf(UsageError);
    await expect(runInProcess(endpoints, ["list", "--limit", String(MAX_PAGE + 1)], env)).rejects.toThrow(`--limit must be a whole number from 1 to ${MAX_PAGE}`);
  });
});
