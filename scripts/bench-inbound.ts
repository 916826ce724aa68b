/**
 * `npm run bench:inbound [-- --db sqlite|postgresql --duration 10 --warmup 3 --connections 50 --pool 250000 --bodies "STOP|HELP" --profile]`
 *
 * Drives POST /webhooks/twilio/sms of the built app with autocannon on
 * loopback: correctly signed STOP / HELP / free-text messages, each from its
 * own number with its own MessageSid. Then the same load against a bare
 * node:http server doing only the inbound row's insert on the same database
 * (better-sqlite3, or pg with the same durability), and prints both. A third run sends the app the same requests with a wrong
 * signature: refused before any database work, it shows what HTTP and the
 * request checks cost on their own (a refusal tries every URL form Twilio may
 * have signed, so it costs more HMACs than an accepted text). Each server runs
 * in a child process on a fresh database: a SQLite file in a temp dir, or
 * with --db postgresql a new database on the server of --postgres-url
 * (default TEST_POSTGRES_URL or postgresql://postgres@127.0.0.1:5432/test),
 * dropped at the end; everything stops by itself. At the end the app's
 * consent ledger is verified link by link. Targets (2 cores, p99 ≤ 50 ms for
 * the app): on SQLite ≥ 1,000 req/s; on PostgreSQL ≥ half the bare server's rate.
 *
 * --bodies replaces the default mix (|-separated), e.g. "HELP" alone to see the
 * cost without consent changes, "STOP" alone for opt-outs only.
 * --profile writes a V8 CPU profile of the app process (open it in Chrome
 * DevTools or speedscope) and prints where it is.
 */
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { providerOf, type DatabaseProvider } from "../app/db/database-url";
import { createBenchDatabase, type BenchDatabase } from "./bench/bench-databases";
import { BENCH_BODIES, BENCH_PUBLIC_URL, signedInboundPool, WEBHOOK_PATH, type SignedRequest } from "./bench/signed-inbound-pool";
import { ensureBuilt } from "./ensure-built";
import { positive } from "./bench/bench-args";

const TARGET = { sqliteRequestsPerSecond: 1_000, postgresShareOfBare: 0.5, p99Ms: 50 };
// The test environment's values (tests/setup/test-env.ts): nothing here is a real secret.
const BENCH_ENV = {
  NODE_ENV: "production" as const,
  SHOPIFY_API_KEY: "bench-api-key",
  SHOPIFY_API_SECRET: "bench-api-secret",
  SHOPIFY_APP_URL: BENCH_PUBLIC_URL,
  ENCRYPTION_KEY: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  SCOPES: "read_customers,write_customers,read_orders",
};

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "50" },
    pool: { type: "string", default: "250000" },
    bodies: { type: "string" },
    profile: { type: "boolean", default: false },
    db: { type: "string", default: "sqlite" },
    "postgres-url": { type: "string", default: process.env.TEST_POSTGRES_URL || "postgresql://postgres@127.0.0.1:5432/test" },
  },
});
if (args.db !== "sqlite" && args.db !== "postgresql") throw new Error(`--db must be sqlite or postgresql, got ${args.db}`);
const provider: DatabaseProvider = args.db;
if (provider === "postgresql") providerOf(args["postgres-url"]); // refuses anything but a postgresql:// URL
const duration = positive("duration", args.duration);
const warmup = Number(args.warmup); // seconds of the same load, not measured: JIT, caches, WASM compiler
if (!Number.isInteger(warmup) || warmup < 0) throw new Error(`--warmup must be a whole number of seconds, got ${args.warmup}`);
const connections = positive("connections", args.connections);
const poolSize = positive("pool", args.pool);
const bodies = args.bodies === undefined ? BENCH_BODIES : args.bodies.split("|");


const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-inbound-"));

interface Child {
  process: ChildProcess;
  port: number;
}

function startChild(script: string, databaseUrl: string, execArgv: string[] = []): Promise<Child> {
  const child = fork(path.join(here, "bench", script), [], {
    execArgv: ["--import", "tsx", ...execArgv],
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

/** The child's CPU time so far (user + system), in ms. */
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

type ChainVerification = { ok: true; events: number } | { ok: false; brokenAt: number; reason: string };

/** The app's own verifyConsentChain over everything the runs wrote. */
function chainOf(child: Child): Promise<ChainVerification> {
  return new Promise((resolve) => {
    const listener = (message: { chain?: ChainVerification }) => {
      if (!message.chain) return;
      child.process.off("message", listener);
      resolve(message.chain);
    };
    child.process.on("message", listener);
    child.process.send({ verify: true });
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

/** Where a server's runs are in the pool: shared by all connections and runs, so no MessageSid is sent twice. */
interface Cursor {
  next: number;
  wrapped: boolean;
}

function load(port: number, pool: SignedRequest[], cursor: Cursor, options: { seconds: number; refuseSignature?: boolean }) {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: options.seconds,
    timeout: 10,
    requests: [
      {
        method: "POST",
        path: WEBHOOK_PATH,
        setupRequest: (request) => {
          if (cursor.next === pool.length) cursor.wrapped = true;
          const entry = pool[cursor.next++ % pool.length]!;
          return {
            ...request,
            body: entry.body,
            headers: {
              "content-type": "application/x-www-form-urlencoded",
              "x-twilio-signature": options.refuseSignature ? "bm90LXR3aWxpbw==" : entry.signature,
            },
          };
        },
      },
    ],
  });
}

/** Warm-up (unmeasured), then the measured run, with the server's CPU time per answered request. */
async function measure(server: Child, pool: SignedRequest[], cursor: Cursor, refuseSignature = false) {
  if (warmup > 0) await load(server.port, pool, cursor, { seconds: warmup, refuseSignature });
  const cpuBefore = await cpuTimeOf(server);
  const result = await load(server.port, pool, cursor, { seconds: duration, refuseSignature });
  const cpuMs = (await cpuTimeOf(server)) - cpuBefore;
  return { result, cpuMsPerRequest: cpuMs / Math.max(1, result.requests.total) };
}

/** A few requests before the run, to fail loudly on a setup problem instead of benchmarking 403s. */
async function smokeTest(port: number, pool: SignedRequest[]): Promise<void> {
  for (const entry of pool) {
    const response = await fetch(`http://127.0.0.1:${port}${WEBHOOK_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": entry.signature },
      body: entry.body,
    });
    const body = await response.text();
    if (response.status !== 200 || !body.includes("<Response")) {
      throw new Error(`Smoke test failed: HTTP ${response.status}: ${body.slice(0, 200)}`);
    }
  }
}

async function countRows(database: BenchDatabase): Promise<{ inbound: number; events: number; unsubscribed: number }> {
  return {
    inbound: await database.count(`SELECT COUNT(*) FROM "InboundMessage"`),
    events: await database.count(`SELECT COUNT(*) FROM "ConsentEvent"`),
    unsubscribed: await database.count(`SELECT COUNT(*) FROM "Subscriber" WHERE "status" = 'unsubscribed'`),
  };
}

interface Row {
  server: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  rows: number;
  cpuMsPerRequest: number;
}

function rowOf(server: string, { result, cpuMsPerRequest }: Awaited<ReturnType<typeof measure>>, rows: number): Row {
  return {
    server,
    cpuMsPerRequest,
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    rows,
  };
}

function printTable(rows: Row[]): void {
  const header = ["server", "requests", "req/s", "p50 ms", "p99 ms", "non-2xx", "errors", "server CPU ms/req", "rows incl. warm-up"];
  const cells = rows.map((r) =>
    [r.server, r.requests, Math.round(r.rps), r.p50, r.p99, r.non2xx, r.errors, r.cpuMsPerRequest.toFixed(2), r.rows].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join("  ");
  console.log(`\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const c of cells) console.log(line(c));
}

const databases: BenchDatabase[] = [];
const newDatabase = async (name: string) => {
  const database = await createBenchDatabase(provider, name, { tmp, postgresUrl: args["postgres-url"] });
  databases.push(database);
  return database;
};

async function main(): Promise<void> {
  await ensureBuilt();
  console.log(
    `inbound SMS webhook on ${provider}: ${duration} s measured after ${warmup} s of warm-up, ${connections} connections, bodies ${bodies.map((b) => JSON.stringify(b)).join(" / ")}, one number and MessageSid per request`,
  );

  const profileDir = path.join(tmp, "profile");
  const appDb = await newDatabase("app");
  const app = await startChild("inbound-app-child.ts", appDb.url, args.profile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []);
  const publicUrl = `${BENCH_PUBLIC_URL}${WEBHOOK_PATH}`;
  const started = Date.now();
  const pool = signedInboundPool(poolSize + bodies.length, publicUrl, bodies);
  console.log(`signed ${pool.length} requests in ${Date.now() - started} ms`);
  const smoke = pool.splice(0, bodies.length);
  await smokeTest(app.port, smoke);

  const appCursor: Cursor = { next: 0, wrapped: false };
  const appRun = await measure(app, pool, appCursor);
  const floorRun = await measure(app, pool, { next: 0, wrapped: false }, true);
  const chain = await chainOf(app);
  await stopChild(app);
  const appRows = await countRows(appDb);

  const bareDb = await newDatabase("bare");
  const bare = await startChild(provider === "sqlite" ? "bare-sqlite-child.ts" : "bare-postgres-child.ts", bareDb.url);
  const bareCursor: Cursor = { next: 0, wrapped: false };
  const bareRun = await measure(bare, pool, bareCursor);
  await stopChild(bare);
  const bareRows = await countRows(bareDb);

  // Rows include the warm-up and the requests in flight when a run stops: a check that answers were recorded.
  const table = [
    rowOf("app (npm start's server)", appRun, appRows.inbound - smoke.length),
    rowOf("app, every signature refused (403s)", floorRun, 0),
    rowOf(provider === "sqlite" ? "bare node:http + better-sqlite3" : "bare node:http + pg", bareRun, bareRows.inbound),
  ];
  printTable(table);
  console.log(
    `\napp: ${appRows.inbound} inbound rows, ${appRows.events} consent events, ${appRows.unsubscribed} numbers unsubscribed; ` +
      (chain.ok ? `the ledger verifies (${chain.events} events)` : `THE LEDGER IS BROKEN at event ${chain.brokenAt}: ${chain.reason}`),
  );
  for (const [name, run] of [["app", appCursor], ["bare", bareCursor]] as const) {
    if (run.wrapped) console.log(`warning: the ${name} run used up the pool of ${pool.length} and re-sent MessageSids; raise --pool`);
  }
  if (args.profile) {
    for (const file of fs.readdirSync(profileDir)) {
      const kept = path.join(os.tmpdir(), `bench-inbound-${Date.now()}-${file}`);
      fs.copyFileSync(path.join(profileDir, file), kept);
      console.log(`CPU profile of the app: ${kept}`);
    }
  }

  console.log("(the 403 row: HTTP and the request checks alone, no database work, no consent logic;");
  console.log(" server CPU counts all of the server process's threads, GC helpers included, and varies less than req/s on a busy machine)");
  const [appRow, , bareRow] = table;
  const targetRate =
    provider === "sqlite" ? TARGET.sqliteRequestsPerSecond : Math.round(TARGET.postgresShareOfBare * bareRow!.rps);
  const met = appRow!.rps >= targetRate && appRow!.p99 <= TARGET.p99Ms && appRow!.non2xx === 0 && appRow!.errors === 0 && chain.ok;
  const share = `${((100 * appRow!.rps) / Math.max(1, bareRow!.rps)).toFixed(0)}% of the bare server's rate`;
  console.log(
    `\ntarget ≥ ${targetRate} req/s${provider === "postgresql" ? ` (${TARGET.postgresShareOfBare} of the bare server's)` : ""}, p99 ≤ ${TARGET.p99Ms} ms, ` +
      `no failures, ledger intact: ${met ? "met" : "MISSED"} ` +
      `(${Math.round(appRow!.rps)} req/s, ${share}, p99 ${appRow!.p99} ms, ${appRow!.cpuMsPerRequest.toFixed(2)} ms of server CPU per request)`,
  );
}

try {
  await main();
} finally {
  for (const database of databases) await database.drop().catch((error: Error) => console.error(`could not drop a bench database: ${error.message}`));
  fs.rmSync(tmp, { recursive: true, force: true });
}
