/**
 * @module bench/report
 * The shape of one run's figures, the issue's targets as ratios, and the
 * table printed at the end. Ratios, not absolute numbers, are what the
 * targets judge: a shared 2-core machine drifts between runs, and the
 * ceilings drift with it.
 */
import type { CpuComparison } from "./cpu";
import type { DrainFigure } from "./fifo-drain";
import type { PostgresFigures } from "./postgres";
import { round, type Summary } from "./stats";

export interface Figures {
  readonly ceilings: {
    readonly bareServer: { rps: number; latency: Summary; rssIdleMb: number; rssLoadMb: number };
    readonly bareFetch: { rps: number; latency: Summary };
    readonly rawSqlite: { eventsPerSec: number; batch: number };
  };
  readonly ingest: {
    readonly oneEndpoint: { rps: number; latency: Summary };
    readonly tenEndpoints: { rps: number; latency: Summary; deliveriesPerSec: number };
  };
  readonly endToEnd: {
    seconds: number;
    deliveriesPerSec: number;
    ingestPerSec: number;
    ingestClients: number;
    /** Ingest with every event's first attempt due at once (the median round), beside the bare server of its round. */
    busyIngest: { rps: number; bareServerRps: number };
  };
  /** CPU per delivered event, the baseline commit beside this build (bench/cpu.ts); null when the checkout lacks the baseline. */
  readonly cpu: CpuComparison | null;
  /** One node on PostgreSQL beside SQLite, and 1, 2 and 3 nodes on one database (bench/postgres.ts); null without PostgreSQL. */
  readonly postgres: PostgresFigures | null;
  /**
   * Every alternating round of the three ratio targets. The figures above,
   * and what they are compared with, are the round with the median ratio.
   */
  readonly rounds: {
    readonly ingestVsBareServer: readonly { bareServer: number; hookrelay: number; ratio: number }[];
    readonly endToEndVsBareFetch: readonly { bareFetch: number; hookrelay: number; ratio: number }[];
    readonly busyIngestVsBareServer: readonly { bareServer: number; hookrelay: number; ratio: number }[];
    readonly backlogVsEmpty: readonly { empty: number; backlog: number; ratio: number }[];
  };
  readonly latency: { rate: number; ingestToReceiver: Summary; ingestAnswer: Summary };
  readonly backlog: {
    pending: number;
    buildSeconds: number;
    fileMb: number;
    startMs: number;
    ingest: { rps: number; latency: Summary };
    /** The same ingest on an empty outbox, measured just before. */
    emptyIngest: { rps: number; latency: Summary };
    claim: { limit: number; p50Ms: number; maxMs: number };
  };
  readonly memory: { idleMb: number; ingestMb: number; endToEndMb: number; backlogIdleMb: number; backlogLoadMb: number };
  readonly startup: { runs: number[]; medianMs: number; binaryMb: number };
  /** The stats API over the rollups 10M stored attempts leave (bench/rollup-stats.ts). */
  readonly stats: {
    attempts: number;
    rows: number;
    relay24h: { p50Ms: number; maxMs: number };
    endpoint24h: { p50Ms: number; maxMs: number };
  };
  /** Claim and record per delivery on SQLite, through the outbox classes and through the storage interfaces (bench/storage-sqlite.ts). */
  readonly storageSqlite: {
    batch: number;
    rounds: number;
    perRound: number;
    directUs: number;
    interfacesUs: number;
    ratio: number;
    directRounds: number[];
    interfaceRounds: number[];
  };
  /** A held backlog drained once its endpoint is enabled, FIFO beside unordered (bench/fifo-drain.ts). */
  readonly fifoDrain: DrainFigure;
  /** The dashboard: its size, and how soon it is usable in Chromium (bench/ui-load.ts). */
  readonly dashboard: { gzipKb: number; signInMs: number; overviewMs: number } | null;
  /** Many endpoints: created over the API and measured beside one endpoint, and seeded for start-up, idle cost, memory and pages. */
  readonly endpointCount: {
    readonly api: {
      count: number;
      createSeconds: number;
      createConcurrency: number;
      /** The median round of ingest with `count` endpoints, beside the one-endpoint figure of the same round. */
      ingest: { rps: number; latency: Summary; oneEndpointRps: number };
      endToEnd: { deliveriesPerSec: number; ingestPerSec: number; oneEndpointDeliveriesPerSec: number };
      rssIngestMb: number;
      rssEndToEndMb: number;
      rounds: {
        ingest: readonly { oneEndpoint: number; endpoints: number; ratio: number }[];
        endToEnd: readonly { oneEndpoint: number; endpoints: number; ratio: number }[];
      };
    };
    readonly seeded: {
      count: number;
      tenants: number;
      seedSeconds: number;
      startup: { runs: number[]; medianMs: number };
      rssAtOneSecondMb: number;
      rssSettledMb: number;
      rssAfterPagesMb: number;
      settledAfterMs: number;
      idleCpuPercent: number;
      idleWindowMs: number;
      pageLimit: number;
      pages: { first: PageTime; middle: PageTime; tenant: PageTime };
    };
  };
}

export interface PageTime {
  readonly p50Ms: number;
  readonly maxMs: number;
}

export interface Target {
  readonly name: string;
  readonly value: number;
  readonly goal: string;
  readonly met: boolean;
}

const ratio = (a: number, b: number) => round(a / b, 3);

/** The issue's targets, judged on this run's figures. */
export function targets(f: Figures): Target[] {
  const ingestRatio = ratio(f.ingest.oneEndpoint.rps, f.ceilings.bareServer.rps);
  const e2eRatio = ratio(f.endToEnd.deliveriesPerSec, f.ceilings.bareFetch.rps);
  const backlogRatio = ratio(f.backlog.ingest.rps, f.backlog.emptyIngest.rps);
  const busyRatio = ratio(f.endToEnd.busyIngest.rps, f.endToEnd.busyIngest.bareServerRps);
  const drainRatio = ratio(f.fifoDrain.fifoPerSec, f.fifoDrain.unorderedPerSec);
  return [
    { name: "durable ingest / bare server", value: ingestRatio, goal: ">= 0.30", met: ingestRatio >= 0.3 },
    { name: "end-to-end deliveries / bare fetch", value: e2eRatio, goal: ">= 0.40", met: e2eRatio >= 0.4 },
    { name: "ingest while delivering / bare server", value: busyRatio, goal: ">= 0.25", met: busyRatio >= 0.25 },
    ...(f.cpu ? [{ name: `CPU per delivered event / baseline ${f.cpu.baseline}`, value: f.cpu.ratio, goal: "<= 0.50", met: f.cpu.ratio <= 0.5 }] : []),
    ...(f.postgres ? postgresTargets(f.postgres) : []),
    { name: `ingest->receiver p99 at ${f.latency.rate}/s (ms)`, value: f.latency.ingestToReceiver.p99, goal: "< 10", met: f.latency.ingestToReceiver.p99 < 10 },
    { name: "ingest with 1M pending / empty", value: backlogRatio, goal: ">= 0.90", met: backlogRatio >= 0.9 },
    { name: "RSS with 1M pending (MB)", value: f.memory.backlogLoadMb, goal: "< 150", met: f.memory.backlogLoadMb < 150 },
    { name: `drain of ${drainRows(f.fifoDrain)} held, FIFO over ${f.fifoDrain.keys.toLocaleString("en")} keys / unordered`, value: drainRatio, goal: ">= 0.80", met: drainRatio >= 0.8 },
    { name: "start-up to /readyz (ms)", value: f.startup.medianMs, goal: "< 150", met: f.startup.medianMs < 150 },
    {
      name: `24 h stats with ${(f.stats.attempts / 1e6).toFixed(0)}M attempts stored, max of relay and endpoint p50 (ms)`,
      value: Math.max(f.stats.relay24h.p50Ms, f.stats.endpoint24h.p50Ms),
      goal: "< 50",
      met: Math.max(f.stats.relay24h.p50Ms, f.stats.endpoint24h.p50Ms) < 50,
    },
    ...endpointCountTargets(f.endpointCount),
    ...(f.dashboard
      ? [
          { name: "dashboard, gzipped (KB)", value: f.dashboard.gzipKb, goal: "< 150", met: f.dashboard.gzipKb < 150 },
          { name: "dashboard sign-in page usable (ms)", value: f.dashboard.signInMs, goal: "< 1000", met: f.dashboard.signInMs < 1000 },
        ]
      : []),
  ];
}

function postgresTargets(p: PostgresFigures): Target[] {
  const three = p.nodes.at(-1)!;
  return [
    { name: "durable ingest, PostgreSQL node / SQLite node", value: p.ingest.ratio, goal: ">= 0.50", met: p.ingest.ratio >= 0.5 },
    { name: "end-to-end deliveries, PostgreSQL node / SQLite node", value: p.endToEnd.ratio, goal: ">= 0.50", met: p.endToEnd.ratio >= 0.5 },
    { name: `${three.nodes} nodes on one database, deliveries per node-CPU-second x ${three.nodes} / one node's`, value: three.scaling, goal: ">= 2.50", met: three.scaling >= 2.5 },
  ];
}

function postgresRows(p: PostgresFigures): Row[] {
  return [
    [`durable ingest, PostgreSQL ${p.version}`, per(p.ingest.postgres), `${per(p.ingest.sqlite)} SQLite`, `${p.ingest.ratio}`],
    [`end to end, ${p.events.toLocaleString("en")} events, PostgreSQL`, per(p.endToEnd.postgres), `${per(p.endToEnd.sqlite)} SQLite`, `${p.endToEnd.ratio}`],
    ...p.nodes.map(
      (n): Row => [
        `  ${n.nodes} node(s), one database: nodes + server CPU a delivery; scaling`,
        `${per(n.deliveriesPerSec)}, ${n.nodeCpuUs} + ${n.serverCpuUs} us`,
        n.nodes > 1 ? `per node ${n.perNodeCpuUs.join(" / ")} us` : "",
        `${n.scaling}`,
      ],
    ),
  ];
}

function endpointCountTargets({ api, seeded }: Figures["endpointCount"]): Target[] {
  const n = (x: number) => x.toLocaleString("en");
  const ingestRatio = ratio(api.ingest.rps, api.ingest.oneEndpointRps);
  const e2eRatio = ratio(api.endToEnd.deliveriesPerSec, api.endToEnd.oneEndpointDeliveriesPerSec);
  const slowestPage = Math.max(seeded.pages.first.p50Ms, seeded.pages.middle.p50Ms, seeded.pages.tenant.p50Ms);
  return [
    { name: `durable ingest, ${n(api.count)} API endpoints / one endpoint`, value: ingestRatio, goal: ">= 0.80", met: ingestRatio >= 0.8 },
    { name: `end-to-end deliveries, ${n(api.count)} API endpoints / one endpoint`, value: e2eRatio, goal: ">= 0.80", met: e2eRatio >= 0.8 },
    { name: `start-up with ${n(seeded.count)} endpoints (ms)`, value: seeded.startup.medianMs, goal: "< 2000", met: seeded.startup.medianMs < 2000 },
    { name: `idle CPU with ${n(seeded.count)} endpoints (% of a core)`, value: seeded.idleCpuPercent, goal: "< 2", met: seeded.idleCpuPercent < 2 },
    { name: `RSS with ${n(seeded.count)} endpoints, ${seeded.settledAfterMs / 1000} s after start (MB)`, value: seeded.rssSettledMb, goal: "< 250", met: seeded.rssSettledMb < 250 },
    { name: `GET /v1/endpoints with ${n(seeded.count)}, slowest p50 of first, middle and tenant page (ms)`, value: slowestPage, goal: "< 50", met: slowestPage < 50 },
  ];
}

type Row = [figure: string, hookrelay: string, ceiling: string, ratio: string];

const ms = (s: Summary) => `${s.p50} / ${s.p99} ms`;
const per = (n: number, unit = "/s") => `${Math.round(n).toLocaleString("en")}${unit}`;
const r = (a: number, b: number) => (Number.isFinite(a / b) ? (a / b).toFixed(2) : "-");
const drainRows = (d: DrainFigure) => (d.rows >= 1e6 ? `${d.rows / 1e6}M` : d.rows.toLocaleString("en"));

function endpointCountRows({ api, seeded }: Figures["endpointCount"]): Row[] {
  const n = api.count.toLocaleString("en");
  const m = seeded.count.toLocaleString("en");
  const page = (p: PageTime) => `${p.p50Ms} / ${p.maxMs} ms`;
  return [
    [`durable ingest, ${n} API endpoints`, per(api.ingest.rps), `${per(api.ingest.oneEndpointRps)} 1 endpoint`, r(api.ingest.rps, api.ingest.oneEndpointRps)],
    ["  p50 / p99", ms(api.ingest.latency), "", ""],
    [`end to end, ${n} API endpoints`, per(api.endToEnd.deliveriesPerSec), `${per(api.endToEnd.oneEndpointDeliveriesPerSec)} 1 endpoint`, r(api.endToEnd.deliveriesPerSec, api.endToEnd.oneEndpointDeliveriesPerSec)],
    [`  ${n} creates over the API`, `${api.createSeconds} s`, "", ""],
    [`start-up, ${m} endpoints`, `${seeded.startup.medianMs} ms`, "", ""],
    [`RSS, ${m} endpoints: 1 s / ${seeded.settledAfterMs / 1000} s / after pages`, `${seeded.rssAtOneSecondMb} / ${seeded.rssSettledMb} / ${seeded.rssAfterPagesMb} MB`, "", ""],
    [`idle CPU, ${m} endpoints`, `${seeded.idleCpuPercent}% of a core`, "", ""],
    [`  first / middle / tenant page of ${seeded.pageLimit}, p50 / max`, `${page(seeded.pages.first)}, ${page(seeded.pages.middle)}, ${page(seeded.pages.tenant)}`, "", ""],
  ];
}

/** Prints the figures beside their ceilings, then the targets. */
export function printTable(f: Figures): void {
  const c = f.ceilings;
  const rows: Row[] = [
    ["durable ingest, 1 endpoint", per(f.ingest.oneEndpoint.rps), `${per(c.bareServer.rps)} bare server`, r(f.ingest.oneEndpoint.rps, c.bareServer.rps)],
    ["  p50 / p99", ms(f.ingest.oneEndpoint.latency), ms(c.bareServer.latency), r(f.ingest.oneEndpoint.latency.p99, c.bareServer.latency.p99)],
    ["  vs raw sqlite inserts", per(f.ingest.oneEndpoint.rps), `${per(c.rawSqlite.eventsPerSec)} raw sqlite`, r(f.ingest.oneEndpoint.rps, c.rawSqlite.eventsPerSec)],
    ["durable ingest, 10 endpoints", per(f.ingest.tenEndpoints.rps), `${per(c.bareServer.rps)} bare server`, r(f.ingest.tenEndpoints.rps, c.bareServer.rps)],
    ["  p50 / p99", ms(f.ingest.tenEndpoints.latency), ms(c.bareServer.latency), r(f.ingest.tenEndpoints.latency.p99, c.bareServer.latency.p99)],
    [`end to end, ${f.endToEnd.seconds} s`, per(f.endToEnd.deliveriesPerSec), `${per(c.bareFetch.rps)} bare fetch`, r(f.endToEnd.deliveriesPerSec, c.bareFetch.rps)],
    ["  ingest meanwhile", per(f.endToEnd.busyIngest.rps), `${per(f.endToEnd.busyIngest.bareServerRps)} bare server`, r(f.endToEnd.busyIngest.rps, f.endToEnd.busyIngest.bareServerRps)],
    ...(f.cpu
      ? ([
          ["CPU per delivered event, all threads", `${f.cpu.currentUs} us`, `${f.cpu.baselineUs} us ${f.cpu.baseline}`, `${f.cpu.ratio}`],
          ["  vs the floor (bare server + fetch + rows)", `${f.cpu.currentUs} us`, `${f.cpu.floor.floorUs} us floor`, r(f.cpu.currentUs, f.cpu.floor.floorUs)],
        ] as Row[])
      : []),
    ...(f.postgres ? postgresRows(f.postgres) : []),
    [`ingest->receiver at ${f.latency.rate}/s`, ms(f.latency.ingestToReceiver), "", ""],
    ["  ingest answer p50 / p99", ms(f.latency.ingestAnswer), ms(c.bareServer.latency), ""],
    ["ingest, 1M pending", per(f.backlog.ingest.rps), `${per(f.backlog.emptyIngest.rps)} empty`, r(f.backlog.ingest.rps, f.backlog.emptyIngest.rps)],
    [`  claim ${f.backlog.claim.limit} of 1M, p50 / max`, `${f.backlog.claim.p50Ms} / ${f.backlog.claim.maxMs} ms`, "", ""],
    [
      `drain of ${drainRows(f.fifoDrain)} held, FIFO over ${f.fifoDrain.keys.toLocaleString("en")} keys`,
      per(f.fifoDrain.fifoPerSec),
      `${per(f.fifoDrain.unorderedPerSec)} unordered`,
      r(f.fifoDrain.fifoPerSec, f.fifoDrain.unorderedPerSec),
    ],
    ["RSS idle", `${f.memory.idleMb} MB`, `${c.bareServer.rssIdleMb} MB bare server`, r(f.memory.idleMb, c.bareServer.rssIdleMb)],
    ["RSS under load", `${Math.max(f.memory.ingestMb, f.memory.endToEndMb)} MB`, `${c.bareServer.rssLoadMb} MB bare server`, r(Math.max(f.memory.ingestMb, f.memory.endToEndMb), c.bareServer.rssLoadMb)],
    ["RSS with 1M pending, idle / load", `${f.memory.backlogIdleMb} / ${f.memory.backlogLoadMb} MB`, "", ""],
    ["start-up, exec to /readyz", `${f.startup.medianMs} ms`, "", ""],
    [`stats 24 h, ${(f.stats.attempts / 1e6).toFixed(0)}M attempts: relay / endpoint p50`, `${f.stats.relay24h.p50Ms} / ${f.stats.endpoint24h.p50Ms} ms`, "", ""],
    [`claim + record, storage interfaces (sqlite, ${f.storageSqlite.batch} a batch)`, `${f.storageSqlite.interfacesUs} us`, `${f.storageSqlite.directUs} us outbox classes`, `${f.storageSqlite.ratio}`],
    ...endpointCountRows(f.endpointCount),
    ...(f.dashboard
      ? ([
          ["dashboard size, gzipped", `${f.dashboard.gzipKb} KB`, "", ""],
          ["dashboard: sign-in usable / overview drawn", `${f.dashboard.signInMs} / ${f.dashboard.overviewMs} ms`, "", ""],
        ] as Row[])
      : []),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length), 10));
  const line = (row: Row) => `${row[0].padEnd(widths[0]!)}  ${row[1].padStart(widths[1]!)}  ${row[2].padStart(widths[2]!)}  ${row[3].padStart(5)}`;
  console.log(line(["figure", "hookrelay", "ceiling", "ratio"]));
  for (const row of rows) console.log(line(row));
  console.log("");
  const list = (rounds: readonly { ratio: number }[]) => rounds.map((x) => x.ratio.toFixed(2)).join(", ");
  console.log(
    `ratio of each round (the table shows the median one): ingest ${list(f.rounds.ingestVsBareServer)}; end to end ${list(f.rounds.endToEndVsBareFetch)}; ingest while delivering ${list(f.rounds.busyIngestVsBareServer)}; ${f.cpu ? `CPU per event ${list(f.cpu.rounds)}; ` : ""}1M pending ${list(f.rounds.backlogVsEmpty)}; ${f.postgres ? `PostgreSQL / SQLite ingest ${list(f.postgres.rounds.map((x) => x.ingest))}, end to end ${f.postgres.rounds.map((x) => x.endToEndRatio.toFixed(2)).join(", ")}, ${f.postgres.nodes.length} nodes' scaling ${f.postgres.rounds.map((x) => x.scaling.at(-1)!.toFixed(2)).join(", ")}; ` : ""}${f.endpointCount.api.count} endpoints / 1, ingest ${list(f.endpointCount.api.rounds.ingest)}, end to end ${list(f.endpointCount.api.rounds.endToEnd)}`,
  );
  console.log("");
  for (const t of targets(f)) console.log(`${t.met ? "met   " : "MISSED"}  ${t.name}: ${t.value} (target ${t.goal})`);
}
