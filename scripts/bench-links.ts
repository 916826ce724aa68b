/**
 * `npm run bench:links [-- --db sqlite,postgresql --duration 10 --warmup 3 --connections 50 --links 50000]`
 *
 * The tracked-link redirect (GET /l/<code>) of the built app, as `npm start`
 * serves it, under autocannon at 50 connections on loopback: each request a
 * person's click (a phone browser's User-Agent) on one of --links links of
 * one campaign, so each is a lookup by code, a click INSERT and a 302. Then,
 * in the same run and on the same database, a bare node:http server doing
 * the same lookup and insert (scripts/bench/bare-links-child.ts). Prints
 * both, and the app's share of the bare rate. Targets: ≥ 0.5 of the bare
 * rate, p99 ≤ 50 ms, every answer a 302, every click recorded.
 *
 * Each database is fresh: a SQLite file in a temp dir, or a new PostgreSQL
 * database on the server of --postgres-url (default TEST_POSTGRES_URL or
 * postgresql://postgres@127.0.0.1:5432/test), dropped at the end.
 */
import { randomUUID } from "node:crypto";
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import pg from "pg";
import { providerOf, sqliteFilePath, type DatabaseProvider } from "../app/db/database-url";
import { migrate } from "../app/db/migrator";
import { newShortCode } from "../app/links/short-code";
import { createBenchDatabase, type BenchDatabase } from "./bench/bench-databases";
import { ensureBuilt } from "./ensure-built";
import { positive } from "./bench/bench-args";

const TARGET = { shareOfBare: 0.5, p99Ms: 50 };
const PUBLIC_URL = "https://sms-consent.bench";
// The test environment's values (tests/setup/test-env.ts): nothing here is a real secret.
const BENCH_ENV = {
  NODE_ENV: "production" as const,
  SHOPIFY_API_KEY: "bench-api-key",
  SHOPIFY_API_SECRET: "bench-api-secret",
  SHOPIFY_APP_URL: PUBLIC_URL,
  ENCRYPTION_KEY: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  SCOPES: "read_customers,write_customers,read_orders",
};
const PHONE_BROWSER =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
const SHOP = "bench-shop.myshopify.com";

const { values: args } = parseArgs({
  options: {
    db: { type: "string", default: "sqlite,postgresql" },
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "50" },
    links: { type: "string", default: "50000" },
    "postgres-url": { type: "string", default: process.env.TEST_POSTGRES_URL || "postgresql://postgres@127.0.0.1:5432/test" },
  },
});
const providers = args.db.split(",").map((name) => {
  if (name !== "sqlite" && name !== "postgresql") throw new Error(`--db takes sqlite, postgresql or both, got ${name}`);
  return name as DatabaseProvider;
});
if (providers.includes("postgresql")) providerOf(args["postgres-url"]);
const duration = positive("duration", args.duration);
const warmup = Number(args.warmup);
if (!Number.isInteger(warmup) || warmup < 0) throw new Error(`--warmup must be a whole number of seconds, got ${args.warmup}`);
const connections = positive("connections", args.connections);
const linkCount = positive("links", args.links);


const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-links-"));

interface Child {
  process: ChildProcess;
  port: number;
}

function startChild(script: string, databaseUrl: string): Promise<Child> {
  const child = fork(path.join(here, "bench", script), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, ...BENCH_ENV, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${script} exited with code ${code} before it was ready`)));
    child.on("message", (message: { ready?: boolean; port?: number }) => {
      if (message.ready && message.port) resolve({ process: child, port: message.port });
    });
  });
}

function cpuTimeOf(child: Child): Promise<number> {
  return new Promise((resolve) => {
    const listener = (message: { cpu?: NodeJS.CpuUsage }) => {
      if (!message.cpu) return;
      child.process.off("message", listener);
      resolve((message.cpu.user + message.cpu.system) / 1000);
    };
    child.process.on("message", listener);
    child.process.send({ cpu: true });
  });
}

function stopChild(child: Child): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.process.kill("SIGKILL"), 10_000);
    child.process.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.process.send({ stop: true });
  });
}

/** `count` links of one campaign, one subscriber each, live for 90 days: written straight to the database. */
async function seedLinks(provider: DatabaseProvider, url: string, count: number): Promise<string[]> {
  const now = new Date();
  const expires = new Date(now.getTime() + 90 * 86_400_000);
  const rows = Array.from({ length: count }, (_, i) => [
    randomUUID(),
    SHOP,
    "bench-campaign",
    `bench-subscriber-${i}`,
    newShortCode(),
    `https://bench-shop.example.com/products/${i}?utm_source=sms&utm_medium=campaign&utm_campaign=bench`,
  ]);
  const columns = `"id", "shop", "campaignId", "subscriberId", "code", "url", "expiresAt", "createdAt"`;
  if (provider === "sqlite") {
    const db = new Database(sqliteFilePath(url));
    const insert = db.prepare(`INSERT INTO "TrackedLink" (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    const iso = (date: Date) => date.toISOString().replace("Z", "+00:00");
    db.transaction(() => rows.forEach((row) => insert.run(...row, iso(expires), iso(now))))();
    db.close();
  } else {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    for (let start = 0; start < rows.length; start += 1000) {
      const chunk = rows.slice(start, start + 1000);
      const values = chunk.map((_, i) => `(${Array.from({ length: 8 }, (__, j) => `$${i * 8 + j + 1}`).join(", ")})`).join(", ");
      await client.query(`INSERT INTO "TrackedLink" (${columns}) VALUES ${values}`, chunk.flatMap((row) => [...row, expires, now]));
    }
    await client.end();
  }
  return rows.map((row) => row[4]!);
}

function load(port: number, codes: string[], cursor: { next: number }, seconds: number) {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: "GET",
        headers: { "user-agent": PHONE_BROWSER },
        setupRequest: (request) => ({ ...request, path: `/l/${codes[cursor.next++ % codes.length]}` }),
      },
    ],
  });
}

async function measure(server: Child, codes: string[]) {
  const cursor = { next: 0 };
  if (warmup > 0) await load(server.port, codes, cursor, warmup);
  const cpuBefore = await cpuTimeOf(server);
  const result = await load(server.port, codes, cursor, duration);
  const cpuMs = (await cpuTimeOf(server)) - cpuBefore;
  return { result, cpuMsPerRequest: cpuMs / Math.max(1, result.requests.total), sent: cursor.next };
}

/** One click, before the run: fails loudly on a setup problem instead of benchmarking 404s. */
async function smokeTest(port: number, code: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/l/${code}`, { headers: { "user-agent": PHONE_BROWSER }, redirect: "manual" });
  await response.text();
  if (response.status !== 302) throw new Error(`Smoke test failed: HTTP ${response.status} for a seeded link`);
}

interface Row {
  server: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  redirects: number;
  failures: number;
  clicks: number;
  cpuMsPerRequest: number;
}

function rowOf(server: string, run: Awaited<ReturnType<typeof measure>>, clicks: number): Row {
  const { result } = run;
  return {
    server,
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    redirects: result["3xx"],
    failures: result.requests.total - result["3xx"] + result.errors + result.timeouts,
    clicks,
    cpuMsPerRequest: run.cpuMsPerRequest,
  };
}

function printTable(rows: Row[]): void {
  const header = ["server", "requests", "req/s", "p50 ms", "p99 ms", "302s", "failures", "clicks recorded", "server CPU ms/req"];
  const cells = rows.map((r) =>
    [r.server, r.requests, Math.round(r.rps), r.p50, r.p99, r.redirects, r.failures, r.clicks, r.cpuMsPerRequest.toFixed(2)].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join("  ");
  console.log(`${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const c of cells) console.log(line(c));
}

const databases: BenchDatabase[] = [];

async function benchProvider(provider: DatabaseProvider): Promise<boolean> {
  const database = await createBenchDatabase(provider, "links", { tmp, postgresUrl: args["postgres-url"] });
  databases.push(database);
  await migrate(database.url);
  const codes = await seedLinks(provider, database.url, linkCount);
  const clicks = () => database.count(`SELECT COUNT(*) FROM "LinkClick"`);

  const app = await startChild("links-app-child.ts", database.url);
  await smokeTest(app.port, codes[0]!);
  const beforeApp = await clicks();
  const appRun = await measure(app, codes);
  await stopChild(app);
  const appClicks = (await clicks()) - beforeApp;

  const bare = await startChild("bare-links-child.ts", database.url);
  const bareRun = await measure(bare, codes);
  await stopChild(bare);
  const bareClicks = (await clicks()) - beforeApp - appClicks;

  console.log(`\n${provider}: ${linkCount} links, ${duration} s measured after ${warmup} s of warm-up, ${connections} connections, every request a click`);
  const appRow = rowOf("app (npm start's server)", appRun, appClicks);
  const bareRow = rowOf(provider === "sqlite" ? "bare node:http + better-sqlite3" : "bare node:http + pg", bareRun, bareClicks);
  printTable([appRow, bareRow]);
  const share = appRow.rps / Math.max(1, bareRow.rps);
  // Clicks include the warm-up's; a request in flight when a run stops may be recorded without being counted as answered.
  const allRecorded = appClicks >= appRow.redirects && appClicks <= appRun.sent;
  const met = share >= TARGET.shareOfBare && appRow.p99 <= TARGET.p99Ms && appRow.failures === 0 && allRecorded;
  console.log(
    `${provider}: app/bare = ${share.toFixed(2)} (target ≥ ${TARGET.shareOfBare}), app p99 ${appRow.p99} ms (target ≤ ${TARGET.p99Ms} ms), ` +
      `${appRow.failures} failures, clicks recorded ${allRecorded ? "for every redirect" : "NOT for every redirect"}: ${met ? "met" : "MISSED"}`,
  );
  return met;
}

async function main(): Promise<void> {
  await ensureBuilt();
  console.log(`load average before: ${os.loadavg().map((n) => n.toFixed(2)).join(" ")} on ${os.cpus().length} cores`);
  const results: boolean[] = [];
  for (const provider of providers) results.push(await benchProvider(provider));
  console.log(`\nload average after: ${os.loadavg().map((n) => n.toFixed(2)).join(" ")} (other work on the machine moves every figure)`);
  if (results.some((met) => !met)) process.exitCode = 1;
}

try {
  await main();
} finally {
  for (const database of databases) await database.drop().catch((error: Error) => console.error(`could not drop a bench database: ${error.message}`));
  fs.rmSync(tmp, { recursive: true, force: true });
}
