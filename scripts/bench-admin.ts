/**
 * `npm run bench:admin [-- --db sqlite|postgresql|both --subscribers 100000 --export-rows 1000000 --import-rows 100000 --runs 20]`
 *
 * The admin at scale (issue 11's Proof), on each database in turn (a SQLite
 * file in a temp dir; a fresh database on the server of --postgres-url,
 * dropped at the end), each measurement in a process of its own
 * (scripts/bench/admin-child.ts):
 *
 * - the subscribers page loader's domain call (`listSubscribers`, as the route
 *   calls it) on a shop of --subscribers subscribers, each with its consent
 *   event: p50 over --runs loads of the first page, a search by name with
 *   filters (status, consent source) and each half of it alone, and a search
 *   by part of a phone number.
 *   Target: p50 ≤ 300 ms each (a page that answers within a third of a second
 *   feels immediate; the results page has the same target).
 * - the CSV export (`exportSubscribers`, its stream read to the end as the
 *   response would be) of a shop of --export-rows subscribers, and of the
 *   --subscribers shop: the process's peak RSS. Target: ≤ 300 MB, and the
 *   larger export's peak within 50 MB of the smaller's (memory does not grow
 *   with the rows).
 * - importing a CSV of --import-rows rows (`importSubscribersCsv`: the
 *   worker's chunks through the consent engine, double opt-in texts queued).
 *   Target: < 60 s.
 *
 * Seeding goes through the bare driver's batched INSERTs (scripts/bench/
 * bulk-insert.ts). Figures on a machine busy with other work are pessimistic:
 * the load average is printed with each.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { migrate } from "../app/db/migrator";
import { createBenchDatabase } from "./bench/bench-databases";
import { openBulkWriter, type BulkRow, type BulkWriter } from "./bench/bulk-insert";
import { BENCH_APP_ENV, databasesOf, positive } from "./bench/bench-args";

const TARGET_LOADER_P50_MS = 300;
const TARGET_EXPORT_PEAK_MB = 300;
const TARGET_EXPORT_GROWTH_MB = 50;
const TARGET_IMPORT_SECONDS = 60;

const BENCH_ENV = BENCH_APP_ENV;

const { values: args } = parseArgs({
  options: {
    db: { type: "string", default: "both" },
    subscribers: { type: "string", default: "100000" },
    "export-rows": { type: "string", default: "1000000" },
    "import-rows": { type: "string", default: "100000" },
    runs: { type: "string", default: "20" },
    "postgres-url": { type: "string", default: process.env.TEST_POSTGRES_URL || "postgresql://postgres@127.0.0.1:5432/test" },
  },
});

const providers = databasesOf(args.db, args["postgres-url"]);
const subscribers = positive("subscribers", args.subscribers);
const exportRows = positive("export-rows", args["export-rows"]);
const importRows = positive("import-rows", args["import-rows"]);
const runs = positive("runs", args.runs);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-admin-"));

const LIST_SHOP = "bench-list.myshopify.com";
const EXPORT_SHOP = "bench-export.myshopify.com";
const IMPORT_SHOP = "bench-import.myshopify.com";
const NOW = new Date();
const DAY_MS = 24 * 3600_000;
const count = (n: number) => n.toLocaleString("en-US");

/** A deterministic pseudo-random number in [0, 1) for (i, salt): an integer hash, so that two salts give independent draws (names, sources, statuses mix). */
function spread(i: number, salt: number): number {
  let x = Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  return ((x ^ (x >>> 16)) >>> 0) / 4_294_967_296;
}
const pick = <T>(list: readonly T[], i: number, salt: number): T => list[Math.floor(spread(i, salt) * list.length)]!;

const FIRST_NAMES = ["Ava", "Liam", "Maya", "Noah", "Zoe", "Ethan", "Ines", "Omar", "Lena", "Kai", "Rosa", "Theo"];
const LAST_NAMES = ["Garcia", "Smith", "Nguyen", "Johnson", "Brown", "Martinez", "Lee", "Walker", "Patel", "Kim", "Lopez", "Clark"];
const REGIONS = ["US-NY", "US-CA", "US-TX", "US-FL", "US-IL", "US-WA", "US-MA", null];
const SOURCES = ["checkout", "checkout", "checkout", "keyword", "form", "import"];
const AREAS = ["212", "310", "415", "617", "713", "305", "206", "312", "404", "303"];

/** Distinct per (shop, i): a number that reads as a US number, area codes spread. */
const phoneOf = (i: number) => `+1${AREAS[i % AREAS.length]}${String(2_000_000 + Math.floor(i / AREAS.length)).padStart(7, "0")}`;

function subscriberRow(shop: string, i: number): BulkRow {
  const r = spread(i, 1);
  const status = r < 0.85 ? "subscribed" : r < 0.95 ? "unsubscribed" : "pending";
  const subscribedAt = new Date(NOW.getTime() - Math.floor(spread(i, 2) * 365 * DAY_MS));
  const updatedAt = new Date(subscribedAt.getTime() + Math.floor(spread(i, 3) * 30 * DAY_MS));
  const first = pick(FIRST_NAMES, i, 4);
  const last = pick(LAST_NAMES, i, 5);
  return {
    id: `${shop.slice(6, 9)}-sub-${i}`,
    shop,
    phone: phoneOf(i),
    status,
    optInLevel: status === "pending" ? null : spread(i, 6) < 0.6 ? "confirmed" : "single",
    region: pick(REGIONS, i, 7),
    locale: "en",
    firstName: first,
    lastName: last,
    email: `${first.toLowerCase()}.${last.toLowerCase()}${i}@example.com`,
    subscribedAt: status === "pending" ? null : subscribedAt,
    unsubscribedAt: status === "unsubscribed" ? updatedAt : null,
    createdAt: subscribedAt,
    updatedAt,
  };
}

function eventRow(shop: string, i: number, subscriber: BulkRow): BulkRow {
  const pending = subscriber.status === "pending";
  return {
    id: `${shop.slice(6, 9)}-event-${i}`,
    shop,
    seq: i + 1,
    subscriberId: subscriber.id as string,
    phone: subscriber.phone as string,
    kind: pending ? "opt_in_requested" : "opted_in",
    source: pick(SOURCES, i, 8),
    toStatus: pending ? "pending" : "subscribed",
    occurredAt: subscriber.createdAt as Date,
    recordedAt: subscriber.createdAt as Date,
    evidence: "{}",
    evidenceDigest: "bench",
    prevHash: "bench",
    hash: `bench-${i}`,
  };
}

async function seedShop(writer: BulkWriter, shop: string, rows: number, withEvents: boolean): Promise<void> {
  await writer.insert("Shop", [{ shop, brandName: "Bench Outfitters", supportContact: "help@bench.example", timezone: "America/New_York", installedAt: NOW, updatedAt: NOW }]);
  const batch = 10_000;
  for (let from = 0; from < rows; from += batch) {
    const subscriberRows = Array.from({ length: Math.min(batch, rows - from) }, (_, k) => subscriberRow(shop, from + k));
    await writer.insert("Subscriber", subscriberRows);
    if (withEvents)
      await writer.insert(
        "ConsentEvent",
        subscriberRows.map((row, k) => eventRow(shop, from + k, row))
      );
  }
}

interface ChildResult {
  [key: string]: unknown;
  loadAverage: number;
}

/** Runs one measurement in its own process; its `RESULT` line, parsed. */
function measure(databaseUrl: string, env: Record<string, string>): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", "node_modules/tsx/dist/cli.mjs", "scripts/bench/admin-child.ts"], {
      env: { ...process.env, ...BENCH_ENV, DATABASE_URL: databaseUrl, NODE_ENV: "production", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      const line = output.split("\n").find((text) => text.startsWith("RESULT "));
      if (code === 0 && line) resolve(JSON.parse(line.slice("RESULT ".length)) as ChildResult);
      else reject(new Error(`${env.BENCH_TASK} exited with ${code}:\n${output.slice(-4000)}`));
    });
  });
}

const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
const summary: string[] = [];
let failed = false;

for (const provider of providers) {
  const database = await createBenchDatabase(provider, "admin", { tmp, postgresUrl: args["postgres-url"] });
  try {
    await migrate(database.url);
    const seedStarted = performance.now();
    const writer = await openBulkWriter(database.url);
    try {
      await seedShop(writer, LIST_SHOP, subscribers, true);
      // The export's shop: subscribers only (their consent source reads as empty), since the export's memory is what is measured.
      await seedShop(writer, EXPORT_SHOP, exportRows, false);
    } finally {
      await writer.close();
    }
    if (provider === "postgresql") {
      // As autovacuum would soon after such a load in production: the planner's statistics.
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      await client.query("ANALYZE");
      await client.end();
    }
    console.log(
      `\n${provider}: seeded ${count(subscribers)} subscribers with their consent events and ${count(exportRows)} more for the export in ${Math.round(
        (performance.now() - seedStarted) / 1000
      )} s`
    );

    // A subscriber in the middle of the list: its last name (shared by a twelfth of the list) and the last six digits of its number.
    const sample = subscriberRow(LIST_SHOP, Math.floor(subscribers / 2));
    const queries = [
      { name: "first page", params: {} },
      { name: "name search + status + source", params: { q: String(sample.lastName).toLowerCase(), status: "subscribed", source: "checkout" } },
      // The two halves of the query above, to tell which one costs what.
      { name: "name search alone", params: { q: String(sample.lastName).toLowerCase() } },
      { name: "status + source alone", params: { status: "subscribed", source: "checkout" } },
      { name: "part of a phone number", params: { q: String(sample.phone).slice(-6) } },
    ];
    const loader = await measure(database.url, { BENCH_TASK: "loader", BENCH_SHOP: LIST_SHOP, BENCH_RUNS: String(runs), BENCH_QUERIES: JSON.stringify(queries) });
    const loaded = loader.queries as { name: string; total: number; rows: number; p50: number; p95: number; cpuP50: number }[];
    console.table(loaded.map(({ name, total, rows, p50, p95, cpuP50 }) => ({ query: name, matching: total, shown: rows, "p50 ms": p50, "p95 ms": p95, "CPU p50 ms": cpuP50 })));
    for (const query of loaded) {
      const ok = query.p50 <= TARGET_LOADER_P50_MS;
      failed ||= !ok;
      summary.push(
        `${provider}: subscribers loader, ${query.name}, ${count(subscribers)} subscribers: p50 ${query.p50} ms over ${runs} (target ≤ ${TARGET_LOADER_P50_MS} ms: ${verdict(
          ok
        )}; load ${loader.loadAverage})`
      );
    }

    const small = await measure(database.url, { BENCH_TASK: "export", BENCH_SHOP: LIST_SHOP });
    const large = await measure(database.url, { BENCH_TASK: "export", BENCH_SHOP: EXPORT_SHOP });
    console.table(
      [small, large].map((run) => ({
        rows: run.rows,
        MB: run.megabytes,
        seconds: run.seconds,
        "RSS before MB": run.rssBeforeMb,
        "peak RSS MB": run.peakRssMb,
        load: run.loadAverage,
      }))
    );
    const peak = Number(large.peakRssMb);
    const growth = Math.round((peak - Number(small.peakRssMb)) * 10) / 10;
    const exportOk = peak <= TARGET_EXPORT_PEAK_MB && growth <= TARGET_EXPORT_GROWTH_MB && large.rows === exportRows;
    failed ||= !exportOk;
    summary.push(
      `${provider}: export of ${count(Number(large.rows))} rows (${large.megabytes} MB of CSV in ${large.seconds} s): peak RSS ${peak} MB, ${
        growth >= 0 ? "+" : ""
      }${growth} MB over ` +
        `the ${count(Number(small.rows))}-row export (target ≤ ${TARGET_EXPORT_PEAK_MB} MB and ≤ +${TARGET_EXPORT_GROWTH_MB} MB: ${verdict(exportOk)}; load ${large.loadAverage})`
    );

    const imported = await measure(database.url, { BENCH_TASK: "import", BENCH_SHOP: IMPORT_SHOP, BENCH_ROWS: String(importRows) });
    console.log(`${provider}: import`, imported);
    const importOk = imported.status === "done" && Number(imported.seconds) < TARGET_IMPORT_SECONDS;
    failed ||= !importOk;
    summary.push(
      `${provider}: import of ${count(importRows)} rows: ${imported.seconds} s, ${count(Number(imported.rowsPerSecond))} rows/s (${count(
        Number(imported.pending)
      )} asked to confirm, ` +
        `${count(Number(imported.subscribed))} subscribed, ${count(Number(imported.refused))} refused, ${count(Number(imported.unchanged))} unchanged) ` +
        `(target < ${TARGET_IMPORT_SECONDS} s: ${verdict(importOk)}; load ${imported.loadAverage})`
    );
  } finally {
    await database.drop();
  }
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`\nnpm run bench:admin, ${new Date().toISOString()}, ${os.cpus().length} CPUs:\n${summary.join("\n")}`);
process.exitCode = failed ? 1 : 0;
