/**
 * `npm run bench:campaign [-- --db sqlite|postgresql|both --only plan,dispatch,workers
 *   --recipients 100000 --raw-chunk 1000 --latency 50 --concurrency 10,50 --dispatch-seconds 6 --warmup-seconds 2
 *   --rate-limit 30 --rate-seconds 8 --workers 1,2,4 --worker-concurrency 10 --batch 500 --profile]`
 *
 * Campaigns at scale, on SQLite and PostgreSQL in one run (each measurement on
 * a fresh database: a SQLite file in a temp dir, or a new database on the
 * server of --postgres-url, dropped at the end):
 *
 * (a) Planning: `planDueCampaigns` for one campaign to --recipients subscribers
 *     with every rule on (consent, quiet hours in each recipient's zone from
 *     real area codes across the US zones, daily/monthly caps and smart sending
 *     against prior history, a personalised template), beside the floor: the
 *     same number of Message rows written by the bare driver as batched
 *     multi-row INSERTs. Targets: ≤ 10 s, ≥ 0.3 of the raw rate, and the rows
 *     planned = countAudience.
 * (b) Dispatch: one worker calling `dispatchDueMessages({ limit, concurrency })`
 *     against the local Twilio test server answering after --latency ms, at
 *     each --concurrency C: target ≥ 0.8 × C / latency, over --dispatch-seconds
 *     of texts at that pace. Workers and the server first send
 *     --warmup-seconds of other texts, unmeasured, as a worker that has been
 *     running would have (what the benchmark measures is the pace of a running
 *     worker, not a new process compiling its code). Then with the shop's
 *     throughput limit set to --rate-limit: never more in any second at the
 *     server. Duplicates counted at the server by recipient and by outbox row.
 * (c) PostgreSQL only: --workers processes at once on one database: throughput
 *     and duplicates.
 *
 * Every dispatch row says what each text cost the workers: CPU time, and
 * database calls (on PostgreSQL queries sent, each a round trip; on SQLite
 * COMMITs, each a wait for the disk). On a busy machine these vary far less
 * than the throughput.
 *
 * Each database and Twilio server runs in a child process (scripts/bench/);
 * everything stops by itself. --profile writes a V8 CPU profile of every
 * dispatch worker (open it in Chrome DevTools or speedscope) and prints where.
 */
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { DatabaseProvider } from "../app/db/database-url";
import { createBenchDatabase, type BenchDatabase } from "./bench/bench-databases";
import type { TwilioServerStats } from "./bench/twilio-server-child";
import { BENCH_APP_ENV, databasesOf, positive } from "./bench/bench-args";

const TARGET = { planSeconds: 10, planShareOfRaw: 0.3, dispatchShareOfIdeal: 0.8 };
// The test environment's values (tests/setup/test-env.ts): nothing here is a real secret.
const BENCH_ENV = { ...BENCH_APP_ENV, NODE_ENV: "production" as const };

const { values: args } = parseArgs({
  options: {
    db: { type: "string", default: "both" },
    only: { type: "string", default: "plan,dispatch,workers" },
    recipients: { type: "string", default: "100000" },
    "raw-chunk": { type: "string", default: "1000" },
    latency: { type: "string", default: "50" },
    concurrency: { type: "string", default: "10,50" },
    "dispatch-seconds": { type: "string", default: "6" },
    "warmup-seconds": { type: "string", default: "2" },
    "rate-limit": { type: "string", default: "30" },
    "rate-seconds": { type: "string", default: "8" },
    workers: { type: "string", default: "1,2,4" },
    "worker-concurrency": { type: "string", default: "10" },
    batch: { type: "string" }, // default: as npm run worker, 50 × the concurrency
    profile: { type: "boolean", default: false },
    "postgres-url": { type: "string", default: process.env.TEST_POSTGRES_URL || "postgresql://postgres@127.0.0.1:5432/test" },
  },
});

const positiveList = (name: string, value: string) => value.split(",").map((item) => positive(name, item.trim()));

const providers = databasesOf(args.db, args["postgres-url"]);
const parts = new Set(args.only.split(",").map((part) => part.trim()));
for (const part of parts) if (!["plan", "dispatch", "workers"].includes(part)) throw new Error(`--only takes plan, dispatch, workers; got ${part}`);
const recipients = positive("recipients", args.recipients);
const rawChunk = positive("raw-chunk", args["raw-chunk"]);
const latencyMs = positive("latency", args.latency);
const concurrencies = positiveList("concurrency", args.concurrency);
const dispatchSeconds = positive("dispatch-seconds", args["dispatch-seconds"]);
const warmupSeconds = Number(args["warmup-seconds"]);
if (!(warmupSeconds >= 0)) throw new Error(`--warmup-seconds must be 0 or more, got ${args["warmup-seconds"]}`);
const rateLimit = positive("rate-limit", args["rate-limit"]);
const rateSeconds = positive("rate-seconds", args["rate-seconds"]);
const workerCounts = positiveList("workers", args.workers);
const workerConcurrency = positive("worker-concurrency", args["worker-concurrency"]);
/** Rows one dispatchDueMessages call may claim: --batch, else what scripts/worker.ts asks for at this concurrency. */
const batchFor = (concurrency: number) => (args.batch === undefined ? 50 * concurrency : positive("batch", args.batch));

const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-campaign-"));
const profileDir = path.join(os.tmpdir(), `bench-campaign-profiles-${Date.now()}`);
const databases: BenchDatabase[] = [];
const children = new Set<ChildProcess>();

// ---- child processes ---------------------------------------------------------

function start(script: string, env: Record<string, string>, execArgv: string[] = []): ChildProcess {
  const child = fork(path.join(here, "bench", script), [], {
    execArgv: ["--import", "tsx", ...execArgv],
    env: { ...process.env, ...BENCH_ENV, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** The child's first IPC message that has `key`; rejects if it exits first. */
function next<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`a bench child exited with code ${code} before sending "${key}"`));
    const onMessage = (message: Record<string, unknown>) => {
      if (!(key in message)) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message[key] as T);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

async function newDatabase(provider: DatabaseProvider, name: string): Promise<BenchDatabase> {
  const database = await createBenchDatabase(provider, `${name}_${databases.length}`, { tmp, postgresUrl: args["postgres-url"] });
  databases.push(database);
  return database;
}

// ---- printing ----------------------------------------------------------------

function printTable(header: string[], rows: (string | number)[][]): void {
  const cells = rows.map((row) => row.map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join("  ");
  console.log(`\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const c of cells) console.log(line(c));
}

const integer = (value: number) => Math.round(value).toLocaleString("en-US");
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const verdict = (met: boolean) => (met ? "met" : "MISSED");

// ---- (a) planning ------------------------------------------------------------

interface PlanReport {
  mode: "plan" | "raw";
  ms: number;
  rows: number;
  seedMs: number;
  historyRows: number;
  audienceCount?: number;
  countMs?: number;
  byOutcome?: Record<string, number>;
  expected?: { dailyCap: number; monthlyCap: number; smartSending: number };
}

async function runPlanChild(provider: DatabaseProvider, mode: "plan" | "raw"): Promise<PlanReport> {
  const database = await newDatabase(provider, mode);
  const child = start("campaign-plan-child.ts", {
    DATABASE_URL: database.url,
    BENCH_MODE: mode,
    BENCH_RECIPIENTS: String(recipients),
    BENCH_RAW_CHUNK: String(rawChunk),
  });
  const report = await next<PlanReport>(child, "report");
  await exited(child);
  return report;
}

async function benchPlanning(provider: DatabaseProvider): Promise<boolean> {
  console.log(`\n(a) planning ${integer(recipients)} recipients on ${provider}: seeding two identical databases…`);
  const raw = await runPlanChild(provider, "raw");
  const plan = await runPlanChild(provider, "plan");
  const rate = (report: PlanReport) => report.rows / (report.ms / 1000);
  printTable(
    ["write", "rows", "seconds", "rows/s"],
    [
      [`bare driver, multi-row INSERT × ${rawChunk}`, integer(raw.rows), seconds(raw.ms), integer(rate(raw))],
      ["planDueCampaigns (every rule)", integer(plan.rows), seconds(plan.ms), integer(rate(plan))],
    ],
  );
  const share = rate(plan) / rate(raw);
  console.log(
    `seeded ${integer(recipients)} subscribed + excluded numbers and ${integer(plan.historyRows)} earlier texts in ${seconds(plan.seedMs)} s; ` +
      `countAudience = ${integer(plan.audienceCount ?? 0)} (${seconds(plan.countMs ?? 0)} s)`,
  );
  console.log("planned rows by outcome (status / skip reason / deferred by):");
  for (const [outcome, count] of Object.entries(plan.byOutcome ?? {}).sort((a, b) => b[1] - a[1])) {
    console.log(`  ${outcome.padEnd(36)} ${integer(count).padStart(9)}`);
  }
  if (plan.expected) {
    console.log(
      `  (seeded over a cap: daily ${integer(plan.expected.dailyCap)}, monthly ${integer(plan.expected.monthlyCap)}, smart sending ${integer(plan.expected.smartSending)})`,
    );
  }
  const countMatches = plan.rows === plan.audienceCount;
  const met = plan.ms <= TARGET.planSeconds * 1000 && share >= TARGET.planShareOfRaw && countMatches;
  console.log(
    `target ≤ ${TARGET.planSeconds} s, ≥ ${TARGET.planShareOfRaw} of the raw rate, planned = countAudience: ${verdict(met)} ` +
      `(${seconds(plan.ms)} s, ${share.toFixed(2)} of the raw rate, ${integer(plan.rows)} planned vs ${integer(plan.audienceCount ?? 0)} counted)`,
  );
  return met;
}

// ---- (b) and (c) dispatch ----------------------------------------------------

/**
 * The shop's rate for runs that measure the workers, not the limit: ten times
 * what the concurrency allows (a null rate would be the sender type's default,
 * 100/s for the benchmark's short code, and would cap the C=50 runs).
 */
const unthrottled = (idealPerSecond: number) => Math.ceil(10 * idealPerSecond);

interface DispatchRun {
  label: string;
  rows: number;
  workers: number;
  concurrency: number;
  rateLimit: number;
}

interface DispatchResult {
  run: DispatchRun;
  wallMs: number;
  server: TwilioServerStats;
  sentRows: number;
  leftQueued: number;
  unknown: number;
  failed: number;
  workerTotals: Record<string, number>;
  /** CPU time of every worker process from the start signal to its end (user + system). */
  workerCpuMs: number;
  /** Database calls of every worker process in that time: queries sent on PostgreSQL, COMMITs on SQLite. */
  workerDbCalls: number;
}

/** Texts sent before the measured run, unmeasured: --warmup-seconds at the run's ideal pace (its rate limit when that is lower). */
function warmupRows(run: DispatchRun): number {
  return Math.ceil(warmupSeconds * run.workers * Math.min((run.concurrency * 1000) / latencyMs, run.rateLimit));
}

async function dispatch(provider: DatabaseProvider, run: DispatchRun): Promise<DispatchResult> {
  const database = await newDatabase(provider, "dispatch");
  const seeder = start("campaign-dispatch-child.ts", {
    DATABASE_URL: database.url,
    BENCH_MODE: "seed",
    BENCH_ROWS: String(run.rows),
    BENCH_RATE_LIMIT: String(run.rateLimit),
    BENCH_WARMUP_ROWS: String(warmupRows(run)),
  });
  const { campaignId, warmupCampaignId } = await next<{ campaignId: string; warmupCampaignId: string | null }>(seeder, "seeded");
  await exited(seeder);

  const twilioServer = start("twilio-server-child.ts", { BENCH_LATENCY_MS: String(latencyMs) });
  const sandboxUrl = await next<string>(twilioServer, "url");
  const workers = Array.from({ length: run.workers }, () =>
    start("campaign-dispatch-child.ts", {
      DATABASE_URL: database.url,
      BENCH_MODE: "work",
      BENCH_LIMIT: String(batchFor(run.concurrency)),
      BENCH_CONCURRENCY: String(run.concurrency),
      TWILIO_API_BASE_URL: sandboxUrl,
    }, args.profile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []),
  );
  await Promise.all(workers.map((worker) => next(worker, "ready")));
  const warmed = workers.map((worker) => next(worker, "warmed"));
  for (const worker of workers) worker.send({ warm: warmupCampaignId });
  await Promise.all(warmed);
  twilioServer.send({ forget: true });
  await next(twilioServer, "forgotten");
  // What earlier runs and the seeding wrote is still being written back to the disk, and would slow this run's own
  // syncs (every claim's COMMIT waits for the disk): flush it first, so each run is measured on its own.
  execFileSync("sync");
  const started = Date.now();
  const done = workers.map((worker) => next<{ finished: number; cpuMs: number; dbCalls: number; totals: Record<string, number> }>(worker, "done"));
  for (const worker of workers) worker.send({ go: campaignId });
  const reports = await Promise.all(done);
  const wallMs = Math.max(...reports.map((report) => report.finished)) - started;
  await Promise.all(workers.map(exited));

  twilioServer.send({ stats: true });
  const server = await next<TwilioServerStats>(twilioServer, "stats");
  twilioServer.send({ stop: true });
  await exited(twilioServer);

  // The measured campaign's rows (an id the seeder made: a UUID or cuid, nothing to escape).
  const measured = `"campaignId" = '${campaignId.replace(/[^\w-]/g, "")}'`;
  const workerTotals: Record<string, number> = {};
  for (const report of reports) for (const [key, value] of Object.entries(report.totals)) workerTotals[key] = (workerTotals[key] ?? 0) + value;
  return {
    run,
    wallMs,
    server,
    sentRows: await database.count(`SELECT COUNT(*) FROM "Message" WHERE ${measured} AND "twilioSid" IS NOT NULL`),
    leftQueued: await database.count(`SELECT COUNT(*) FROM "Message" WHERE ${measured} AND "status" = 'queued'`),
    unknown: await database.count(`SELECT COUNT(*) FROM "Message" WHERE ${measured} AND "status" = 'unknown'`),
    failed: await database.count(`SELECT COUNT(*) FROM "Message" WHERE ${measured} AND "status" IN ('failed', 'skipped', 'suppressed')`),
    workerTotals,
    workerCpuMs: reports.reduce((sum, report) => sum + report.cpuMs, 0),
    workerDbCalls: reports.reduce((sum, report) => sum + report.dbCalls, 0),
  };
}

function dispatchRow(result: DispatchResult, idealPerSecond: number | null): (string | number)[] {
  const rate = result.server.accepted / (result.wallMs / 1000);
  return [
    result.run.label,
    result.run.workers,
    result.run.concurrency,
    integer(result.run.rows),
    integer(result.server.accepted),
    seconds(result.wallMs),
    integer(rate),
    idealPerSecond === null ? "-" : `${((100 * rate) / idealPerSecond).toFixed(0)}%`,
    result.server.maxPerSecond,
    result.server.maxInAnyWindow,
    result.server.duplicateRecipients + result.server.duplicateRows,
    result.leftQueued,
    result.unknown,
    (result.workerCpuMs / Math.max(1, result.server.accepted)).toFixed(2),
    (result.workerDbCalls / Math.max(1, result.server.accepted)).toFixed(2),
  ];
}

const DISPATCH_HEADER = ["run", "workers", "C", "rows", "sent", "seconds", "sent/s", "of C/latency", "max/s", "max/1000ms", "dups", "left", "unknown", "worker CPU ms/text", "DB calls/text"];

/** What the workers' dispatchDueMessages calls reported, summed: anything but "accepted" says why a row was not sent. */
function printOutcomes(results: DispatchResult[]): void {
  for (const result of results) {
    const outcomes = Object.entries(result.workerTotals)
      .filter(([key, value]) => key !== "claimed" && value > 0)
      .map(([key, value]) => `${key} ${value}`);
    console.log(`  ${result.run.label}, C=${result.run.concurrency}, ${result.run.workers} worker(s): ${outcomes.join(", ") || "nothing"} (claims ${result.workerTotals.claimed ?? 0})`);
  }
}

function describeResultProblems(result: DispatchResult): string[] {
  const problems: string[] = [];
  if (result.server.accepted !== result.run.rows) problems.push(`${result.server.accepted} sends at the server for ${result.run.rows} rows`);
  if (result.sentRows !== result.server.accepted) problems.push(`${result.sentRows} rows recorded as sent, ${result.server.accepted} at the server`);
  if (result.failed > 0) problems.push(`${result.failed} rows failed, skipped or suppressed`);
  if (result.server.rejected > 0) problems.push(`${result.server.rejected} sends refused by the server`);
  return problems;
}

async function benchDispatch(provider: DatabaseProvider): Promise<boolean> {
  console.log(`\n(b) dispatch on ${provider}: one worker, up to ${args.batch ?? "50 × C"} rows per dispatch call, Twilio answering after ${latencyMs} ms`);
  const results: { result: DispatchResult; ideal: number | null }[] = [];
  for (const concurrency of concurrencies) {
    const ideal = (concurrency * 1000) / latencyMs;
    const rows = Math.round(ideal * dispatchSeconds);
    results.push({ result: await dispatch(provider, { label: "unthrottled", rows, workers: 1, concurrency, rateLimit: unthrottled(ideal) }), ideal });
  }
  const limitedConcurrency = Math.max(...concurrencies);
  const limited = await dispatch(provider, {
    label: `limit ${rateLimit}/s`,
    rows: rateLimit * rateSeconds,
    workers: 1,
    concurrency: limitedConcurrency,
    rateLimit,
  });
  printTable(DISPATCH_HEADER, [...results.map(({ result, ideal }) => dispatchRow(result, ideal)), dispatchRow(limited, null)]);
  printOutcomes([...results.map(({ result }) => result), limited]);

  let met = true;
  for (const { result, ideal } of results) {
    const rate = result.server.accepted / (result.wallMs / 1000);
    const problems = describeResultProblems(result);
    const ok = rate >= TARGET.dispatchShareOfIdeal * (ideal ?? 0) && result.server.duplicateRecipients + result.server.duplicateRows === 0 && problems.length === 0;
    met &&= ok;
    console.log(
      `C=${result.run.concurrency}: target ≥ ${integer(TARGET.dispatchShareOfIdeal * (ideal ?? 0))}/s, 0 duplicates: ${verdict(ok)} (${integer(rate)}/s)` +
        (problems.length > 0 ? `; ${problems.join("; ")}` : ""),
    );
  }
  const limitProblems = describeResultProblems(limited);
  const limitOk = limited.server.maxPerSecond <= rateLimit && limited.server.duplicateRecipients + limited.server.duplicateRows === 0 && limitProblems.length === 0;
  met &&= limitOk;
  console.log(
    `limit ${rateLimit}/s at C=${limitedConcurrency}: never more in any second at the server, 0 duplicates: ${verdict(limitOk)} ` +
      `(busiest second ${limited.server.maxPerSecond}, busiest 1,000 ms window ${limited.server.maxInAnyWindow}; per second: ${limited.server.perSecond.join(" ")})` +
      (limitProblems.length > 0 ? `; ${limitProblems.join("; ")}` : ""),
  );
  return met;
}

async function benchWorkers(): Promise<boolean> {
  console.log(`\n(c) worker processes on postgresql: C=${workerConcurrency} each, up to ${batchFor(workerConcurrency)} rows per dispatch call, Twilio answering after ${latencyMs} ms`);
  const results: { result: DispatchResult; ideal: number }[] = [];
  for (const workers of workerCounts) {
    const ideal = (workers * workerConcurrency * 1000) / latencyMs;
    const rows = Math.round(ideal * dispatchSeconds);
    const label = `${workers} process${workers > 1 ? "es" : ""}`;
    results.push({ result: await dispatch("postgresql", { label, rows, workers, concurrency: workerConcurrency, rateLimit: unthrottled(ideal) }), ideal });
  }
  printTable(DISPATCH_HEADER, results.map(({ result, ideal }) => dispatchRow(result, ideal)));
  printOutcomes(results.map(({ result }) => result));
  let met = true;
  for (const { result } of results) {
    const problems = describeResultProblems(result);
    const dups = result.server.duplicateRecipients + result.server.duplicateRows;
    met &&= dups === 0 && problems.length === 0;
    console.log(`${result.run.label}: ${dups} duplicates${problems.length > 0 ? `; ${problems.join("; ")}` : ", every row sent once"}`);
  }
  return met;
}

// ---- main --------------------------------------------------------------------

async function main(): Promise<void> {
  // Other work on the machine moves every figure here: the load average says how much there was.
  const load = () => os.loadavg().map((value) => value.toFixed(1)).join(" ");
  console.log(`campaign benchmark on ${providers.join(" and ")}, ${os.cpus().length} CPUs, load average ${load()}, ${new Date().toISOString()}`);
  const verdicts: string[] = [];
  for (const provider of providers) {
    if (parts.has("plan")) verdicts.push(`${provider} planning: ${verdict(await benchPlanning(provider))}`);
    if (parts.has("dispatch")) verdicts.push(`${provider} dispatch: ${verdict(await benchDispatch(provider))}`);
  }
  if (parts.has("workers") && providers.includes("postgresql")) verdicts.push(`postgresql worker processes: ${verdict(await benchWorkers())}`);
  console.log(`\n${verdicts.join("\n")}\nload average at the end: ${load()}`);
  if (args.profile && fs.existsSync(profileDir)) console.log(`CPU profiles of the dispatch workers: ${profileDir}`);
}

const stopChildren = () => {
  for (const child of children) child.kill("SIGKILL");
};
process.on("SIGINT", () => {
  stopChildren();
  process.exitCode = 130;
});
try {
  await main();
} finally {
  stopChildren();
  for (const database of databases) await database.drop().catch((error: Error) => console.error(`could not drop a bench database: ${error.message}`));
  fs.rmSync(tmp, { recursive: true, force: true });
}
