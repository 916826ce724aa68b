/**
 * `npm run worker`: dispatches the outbox, keeps Shopify's customer SMS consent
 * in step (the durable sync jobs), expires unconfirmed opt-in requests and
 * prunes old webhook idempotency records and ended rate-limit windows.
 * Run one or more next to the app; on PostgreSQL any number of workers can
 * share the database (claims are conditional updates).
 */
import { expireStalePending } from "../app/consent/consent-engine.server";
import prisma, { disconnectPrisma } from "../app/db.server";
import { env } from "../app/env.server";
import { dispatchDueMessages } from "../app/messaging/outbox.server";
import { purgeExpiredRateLimitWindows } from "../app/security/rate-limit.server";
import { runShopifySyncJobs } from "../app/shopify/consent-sync.server";
import { pruneProcessedWebhooks } from "../app/shopify/processed-webhook-retention.server";

env();
let running = true;
const stop = () => {
  running = false;
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

let lastExpiry = 0;
let lastPrune = 0;
console.log("worker: dispatching the outbox");
while (running) {
  const report = await dispatchDueMessages({ limit: 100 });
  if (report.claimed > 0) console.log(`worker: ${JSON.stringify(report)}`);
  const sync = await runShopifySyncJobs({ limit: 50 });
  if (sync.claimed + sync.superseded > 0) console.log(`worker: Shopify consent sync ${JSON.stringify(sync)}`);
  if (Date.now() - lastExpiry > 60_000) {
    const expired = await expireStalePending(new Date());
    if (expired > 0) console.log(`worker: expired ${expired} unconfirmed opt-in requests`);
    lastExpiry = Date.now();
  }
  if (Date.now() - lastPrune > 60 * 60_000) {
    const pruned = await pruneProcessedWebhooks(new Date());
    if (pruned > 0) console.log(`worker: forgot ${pruned} webhook deliveries older than the retry window`);
    const purged = await purgeExpiredRateLimitWindows(prisma, new Date());
    if (purged > 0) console.log(`worker: deleted ${purged} ended rate-limit windows`);
    lastPrune = Date.now();
  }
  if (report.claimed === 0 && sync.claimed === 0) await new Promise((resolve) => setTimeout(resolve, 1000));
}
// Closes the database pool now rather than when its idle connections time out, so a restart is quick.
await disconnectPrisma();
console.log("worker: stopped");
