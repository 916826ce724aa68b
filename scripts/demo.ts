/**
 * `npm run demo`: the whole product on one machine, no Shopify store and no
 * network. Builds the app if needed, migrates and seeds the embedded SQLite
 * database, starts the local Twilio-compatible server, the app and the worker
 * (`npm run worker` in a child process: it plans campaigns, sends the outbox
 * to the Twilio test server, whose signed status callbacks come back to the
 * app), and prints the admin link. Ctrl-C or SIGTERM stops all three.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  DEFAULT_DEMO_TWILIO_AUTH_TOKEN,
  DEMO_ENCRYPTION_KEY,
  DEMO_INBOUND_NUMBER,
  DEMO_SHOP,
  DEMO_SHOPIFY_API_KEY,
  DEMO_SHOPIFY_API_SECRET,
  DEMO_TWILIO_ACCOUNT_SID,
  isDemoMode,
} from "../app/demo/demo-mode.server";
import { ensureBuilt } from "./ensure-built";

if (process.env.NODE_ENV === "production") {
  console.error("npm run demo refuses to run with NODE_ENV=production: the demo link must never exist in production.");
  process.exit(1);
}

const port = Number(process.env.PORT || 3000);
// Loopback only unless asked: the demo's admin link and secrets are public, so other machines must not reach it.
const host = process.env.HOST || "127.0.0.1";
const appUrl = `http://localhost:${port}`;
const twilioAuthToken = process.env.DEMO_TWILIO_AUTH_TOKEN || DEFAULT_DEMO_TWILIO_AUTH_TOKEN;
Object.assign(process.env, {
  NODE_ENV: process.env.NODE_ENV || "development",
  DEMO_MODE: "1",
  SHOPIFY_API_KEY: process.env.SHOPIFY_API_KEY || DEMO_SHOPIFY_API_KEY,
  SHOPIFY_API_SECRET: process.env.SHOPIFY_API_SECRET || DEMO_SHOPIFY_API_SECRET,
  SHOPIFY_APP_URL: process.env.SHOPIFY_APP_URL || appUrl,
  // A fixed, public key: fine for demo data, never for a real shop (see README).
  ENCRYPTION_KEY: process.env.ENCRYPTION_KEY || DEMO_ENCRYPTION_KEY,
});
if (!isDemoMode()) throw new Error("demo mode did not switch on");

await ensureBuilt();

const { resolveDatabaseUrl } = await import("../app/db/database-url");
const { migrate } = await import("../app/db/migrator");
const { seedDemoShop, seedDemoSession } = await import("../app/demo/seed.server");
const { demoAdminUrl } = await import("../app/demo/demo-link.server");
const { startTwilioSandbox } = await import("../app/messaging/twilio-sandbox.server");
const { startAppServer } = await import("../server/app-server");
const { env } = await import("../app/env.server");

await migrate(resolveDatabaseUrl());
const seeded = await seedDemoShop({ twilioAuthToken });
await seedDemoSession(env().SCOPES);

const sandbox = await startTwilioSandbox({
  port: Number(process.env.TWILIO_SANDBOX_PORT || 0),
  accounts: [{ accountSid: DEMO_TWILIO_ACCOUNT_SID, authToken: twilioAuthToken }],
});
process.env.TWILIO_API_BASE_URL = sandbox.url;

const server = await startAppServer({ port, host });
let stopping = false;
const worker = startWorker({ ...process.env, DATABASE_URL: resolveDatabaseUrl(), TWILIO_API_BASE_URL: sandbox.url });
const link = demoAdminUrl({ appUrl: server.url, shop: DEMO_SHOP, apiKey: env().SHOPIFY_API_KEY, apiSecret: env().SHOPIFY_API_SECRET });

console.log(`
Demo shop ${DEMO_SHOP}: ${seeded.subscribers} subscribers (${seeded.created ? "seeded now" : "already seeded"})
App:                 ${server.url}
Twilio test server:  ${sandbox.url}
Inbound SMS webhook: POST ${server.url}/webhooks/twilio/sms  (To=${DEMO_INBOUND_NUMBER}, signed with DEMO_TWILIO_AUTH_TOKEN)
Status callback:     POST ${server.url}/webhooks/twilio/status
Worker:              sending campaigns and the outbox to the Twilio test server (pid ${worker.pid})

Admin link (demo mode only, valid 12 hours):
${link}
`);

/**
 * The worker as `npm run worker` runs it, in its own process: its loop, its
 * signal handling and its database connections stay its own, and a campaign
 * created in the admin is planned and sent exactly as in production.
 */
function startWorker(workerEnv: NodeJS.ProcessEnv): ChildProcess {
  const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
  const child = spawn(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), path.join(root, "scripts", "worker.ts")], {
    cwd: root,
    env: workerEnv,
    stdio: ["ignore", "inherit", "inherit"],
  });
  child.once("exit", (code, signal) => {
    if (!stopping) console.error(`The demo's worker stopped (${signal ?? `exit code ${code}`}): campaigns will not be sent until npm run demo is restarted.`);
  });
  return child;
}

function workerStopped(timeoutMs: number): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // The worker finishes its round (a batch of sends) before it exits; one that hangs is not waited for forever.
    const timer = setTimeout(() => {
      worker.kill("SIGKILL");
      resolve();
    }, timeoutMs);
    worker.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const stop = async () => {
  if (stopping) return;
  stopping = true;
  worker.kill("SIGTERM");
  await workerStopped(10_000);
  await server.close();
  await sandbox.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
// Should the demo die of an error instead, its worker must not go on sending alone.
process.on("exit", () => {
  if (worker.exitCode === null && worker.signalCode === null) worker.kill("SIGTERM");
});
