/**
 * A second process writing to the test database without end, as `npm run
 * worker` does beside the app: outbox claims, one after another, each held
 * open for a few milliseconds (a worker's write transaction stays open while
 * it waits a turn of the event loop and for the disk), with a moment between
 * them (its reads, and its calls to Twilio and Shopify). It uses the app's own
 * database client, so on SQLite it takes the file's one write lock exactly as
 * the worker does. argv: shop, and "hold" to hold one write transaction open
 * until stopped instead. DATABASE_URL comes from the parent.
 * Sends "writing" once its first write is made; on any message from the
 * parent it stops, sends { committed } and exits.
 */
import prisma, { disconnectPrisma } from "../../app/db.server";

const [shop, mode] = process.argv.slice(2) as [string, string | undefined];
const HOLD_MS = 3;
const BETWEEN_MS = 2;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let running = true;
let stopped!: () => void;
const stopRequested = new Promise<void>((resolve) => (stopped = resolve));
process.on("message", () => {
  running = false;
  stopped();
});

const claimed = await prisma.message.create({ data: { shop, phone: "+13125559999", body: "worker's own row", kind: "compliance" } });
let committed = 0;
if (mode === "hold") {
  await prisma.$transaction(
    async (tx) => {
      await tx.message.updateMany({ where: { id: claimed.id }, data: { attempts: { increment: 1 } } });
      process.send!("writing");
      await stopRequested;
    },
    { timeout: 120_000 },
  );
  committed = 1;
}
while (running) {
  await prisma.$transaction(async (tx) => {
    await tx.message.updateMany({ where: { id: claimed.id }, data: { attempts: { increment: 1 }, lockedUntil: new Date(Date.now() + 60_000) } });
    await pause(HOLD_MS);
  });
  committed += 1;
  await pause(BETWEEN_MS);
  if (committed === 1) process.send!("writing");
}
process.send!({ committed });
await disconnectPrisma();
process.disconnect();
