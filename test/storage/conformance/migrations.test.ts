/** Migrations from an empty database, run once, and a database from a newer hookrelay refused. */
import { expect, it } from "bun:test";
import { SchemaTooNewError } from "../../../src/db/migrate";
import { describeStorage } from "./storage";

describeStorage("migrations", (fx) => {
  it("bring an empty database to the current schema, and a second run changes nothing", async () => {
    const s = await fx.openBare();
    expect(await s.migrations.schemaVersion()).toBe(0);
    await s.migrations.migrate();
    const version = await s.migrations.schemaVersion();
    expect(version).toBeGreaterThanOrEqual(1);
    await s.migrations.migrate();
    expect(await s.migrations.schemaVersion()).toBe(version);
    expect(await s.claims.dueEndpoints()).toEqual([]);
    expect(await s.migrations.writable()).toBe(true);
  });

  it("run once when several nodes start on one database at the same time", async () => {
    if (!fx.multiNode) return;
    const nodes = await Promise.all([fx.openBare(), fx.openBare(), fx.openBare(), fx.openBare()]);
    await Promise.all(nodes.map((s) => s.migrations.migrate()));
    const versions = await Promise.all(nodes.map((s) => s.migrations.schemaVersion()));
    expect(new Set(versions).size).toBe(1);
    expect(versions[0]).toBeGreaterThanOrEqual(1);
  });

  it("refuse a database migrated by a newer hookrelay", async () => {
    await (await fx.openBare()).migrations.migrate();
    await fx.makeNewer();
    const s = await fx.openBare();
    const refused = await s.migrations.migrate().catch((err) => err);
    expect(refused).toBeInstanceOf(SchemaTooNewError);
    expect((refused as Error).message).toMatch(/schema version 999, newer than this hookrelay understands \(\d+\); run a newer hookrelay$/);
  });
});
