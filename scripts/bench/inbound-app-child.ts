/**
 * The app under test, in a process of its own (as in production, and so the
 * load generator does not share its event loop): a fresh migrated SQLite
 * database, one seeded shop answering keywords itself, the built app on
 * 127.0.0.1. Started by scripts/bench-inbound.ts over IPC.
 */
import { migrate } from "../../app/db/migrator";
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN, BENCH_INBOUND_NUMBER } from "./signed-inbound-pool";

const send = (message: unknown) => process.send!(message);

const databaseUrl = process.env.DATABASE_URL!;
await migrate(databaseUrl);

// Imported after the environment is set: the app reads it on first use.
const { saveShopSettings } = await import("../../app/shops/shop-settings.server");
const { startAppServer } = await import("../../server/app-server");
const { disconnectPrisma } = await import("../../app/db.server");
const { verifyConsentChain } = await import("../../app/consent/ledger.server");

const BENCH_SHOP = "bench-shop.myshopify.com";
await saveShopSettings(BENCH_SHOP, {
  brandName: "Bench Outfitters",
  supportContact: "help@bench.test",
  twilioAccountSid: BENCH_ACCOUNT_SID,
  twilioAuthToken: BENCH_AUTH_TOKEN,
  senderPhoneNumber: BENCH_INBOUND_NUMBER,
  keywordMode: "app",
});

// SHOPIFY_APP_URL is the public URL the requests are signed for (BENCH_PUBLIC_URL), not this loopback address.
const server = await startAppServer({ port: 0, host: "127.0.0.1" });
send({ ready: true, port: server.port });

process.on("message", async (message: { stop?: boolean; cpu?: boolean; verify?: boolean }) => {
  if (message.verify) send({ chain: await verifyConsentChain(BENCH_SHOP) });
  // CPU time is what the benchmark divides by requests: unlike req/s, it barely moves when other processes share the cores.
  if (message.cpu) send({ cpu: process.cpuUsage() });
  if (!message.stop) return;
  await server.close();
  await disconnectPrisma();
  process.exit(0);
});
