/**
 * `npm run worker`: plans due campaigns into the outbox and marks finished
 * ones sent, dispatches the outbox, keeps Shopify's customer SMS consent in
 * step (the durable sync jobs), expires unconfirmed opt-in requests and prunes
 * old webhook idempotency records and ended rate-limit windows.
 *
 * Run one or more next to the app: any number of workers, on any number of
 * machines, can share one PostgreSQL database (claims are single statements
 * that skip rows another worker holds, and each sender's pace is counted in
 * the database, across all of them). WORKER_CONCURRENCY (default 10) is how
 * many texts one worker has in flight at once.
 */
import { z } from "zod";
import { completeFinishedCampaigns, planDueCampaigns } from "../app/campaigns/plan-campaign.server";
import { purgeExpiredMessageBodies } from "../app/compliance/retention.server";
import { expireStalePending } from "../app/consent/consent-engine.server";
import prisma, { disconnectPrisma } from "../app/db.server";
import { env } from "../app/env.server";
import { dispatchDueMessages, prepareDispatch } from "../app/messaging/outbox.server";
import { purgeExpiredRateLimitWindows } from "../app/security/rate-limit.server";
import { runShopifySyncJobs } from "../app/shopify/consent-sync.server";
import { runSubscriberImports } from "../app/subscribers/import/subscriber-import.server";
import { pruneProcessedWebhooks } from "../app/shopify/processed-webhook-retention.server";

env();
const concurrency = z.coerce.number().int().min(1).max(500).default(10).parse(process.env.WORKER_CONCURRENCY || undefined);
/** Rows one dispatch call claims (in steps of about `concurrency`) before the loop looks at its other work. */
const DISPATCH_PER_TURN = concurrency * 50;
const PLAN_EVERY_MS = 2_000;

let running = true;
const sleepers = new Set<() => void>();
const stop = () => {
  running = false;
  for (const wake of sleepers) wake();
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

/** Waits `ms`, or less when the worker is told to stop. */
function idle(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      sleepers.delete(wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    sleepers.add(wake);
  });
}

/** One turn of a loop: an error is logged and the loop goes on (a busy database, a dropped connection). */
async function guarded<T>(what: string, work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    console.error(`worker: ${what} failed`, error);
    return null;
  }
}

// Planning a large campaign takes seconds: it runs beside dispatch, not between its turns.
async function planningLoop() {
  while (running) {
    const plans = await guarded("planning campaigns", () => planDueCampaigns(new Date()));
    for (const plan of plans ?? []) console.log(`worker: planned campaign ${JSON.stringify(plan)}`);
    const completed = await guarded("completing campaigns", () => completeFinishedCampaigns(new Date()));
    if (completed && completed.length > 0) console.log(`worker: campaigns sent: ${completed.join(", ")}`);
    if (running) await idle(PLAN_EVERY_MS);
  }
}

async function dispatchLoop() {
  let lastExpiry = 0;
  let lastPrune = 0;
  while (running) {
    const report = await guarded("dispatching the outbox", () => dispatchDueMessages({ limit: DISPATCH_PER_TURN, concurrency }));
    if (report && report.claimed + report.unknown > 0) console.log(`worker: ${JSON.stringify(report)}`);
    const sync = await guarded("Shopify consent sync", () => runShopifySyncJobs({ limit: 50 }));
    if (sync && sync.claimed + sync.superseded > 0) console.log(`worker: Shopify consent sync ${JSON.stringify(sync)}`);
    if (Date.now() - lastExpiry > 60_000) {
      const expired = await guarded("expiring opt-in requests", () => expireStalePending(new Date()));
      if (expired) console.log(`worker: expired ${expired} unconfirmed opt-in requests`);
      lastExpiry = Date.now();
    }
    if (Date.now() - lastPrune > 60 * 60_000) {
      const pruned = await guarded("pruning webhook records", () => pruneProcessedWebhooks(new Date()));
      if (pruned) console.log(`worker: forgot ${pruned} webhook deliveries older than the retry window`);
      const purged = await guarded("purging rate-limit windows", () => purgeExpiredRateLimitWindows(prisma, new Date()));
      if (purged) console.log(`worker: deleted ${purged} ended rate-limit windows`);
      // Message bodies past each shop's retention setting (consent evidence is kept): app/compliance/retention.server.ts.
      const blanked = await guarded("blanking old message bodies", () => purgeExpiredMessageBodies(new Date(), { limit: 20_000 }));
      if (blanked && blanked.messages + blanked.inbound > 0) console.log(`worker: blanked ${blanked.messages} sent and ${blanked.inbound} received texts past their shop's retention`);
      lastPrune = Date.now();
    }
    // A list import goes on a few chunks at a time between the outbox's turns (app/subscribers/import).
    const imported = await guarded("importing subscriber lists", () => runSubscriberImports({ limit: 2_000 }));
    if (imported?.finished.length) console.log(`worker: imports finished: ${imported.finished.join(", ")}`);
    if (running && !report?.claimed && !sync?.claimed && !imported?.rows) await idle(1000);
  }
}

await prepareDispatch();
console.log(`worker: dispatching the outbox (${concurrency} texts at once)`);
await Promise.all([planningLoop(), dispatchLoop()]);
// Closes the database pool now rather than when its idle connections time out, so a restart is quick.
await disconnectPrisma();
console.log("worker: stopped");
