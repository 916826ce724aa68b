/**
 * `npm run worker`: dispatches the outbox, keeps Shopify's customer SMS consent
 * in step (the durable sync jobs) and expires unconfirmed opt-in requests.
 * Run one or more next to the app; on PostgreSQL any number of workers can
 * share the database (claims are conditional updates).
 */
import { expireStalePending } from "../app/consent/consent-engine.server";
import { env } from "../app/env.server";
import { dispatchDueMessages } from "../app/messaging/outbox.server";
import { runShopifySyncJobs } from "../app/shopify/consent-sync.server";

env();
let running = true;
const stop = () => {
  running = false;
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

let lastExpiry = 0;
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
  if (report.claimed === 0 && sync.claimed === 0) await new Promise((resolve) => setTimeout(resolve, 1000));
}
