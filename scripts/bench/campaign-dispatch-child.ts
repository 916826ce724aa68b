/**
 * Parts (b) and (c) of `npm run bench:campaign`: a process on the bench
 * database (DATABASE_URL), started by scripts/bench-campaign.ts over IPC.
 *
 * BENCH_MODE=seed: migrates, seeds the shop (its throughput limit from
 * BENCH_RATE_LIMIT, none if empty) and BENCH_ROWS subscribed recipients, and
 * queues one marketing text to each for a campaign, as planning would have;
 * with BENCH_WARMUP_ROWS, that campaign is paused and as many other
 * recipients get a warm-up campaign that is sending. On PostgreSQL it then
 * gathers statistics, as autovacuum keeps them on a database in service, and
 * makes a checkpoint (the server writes back what earlier runs wrote now, not
 * during the measured run). Then it exits. Every recipient's zone is one where it is now early afternoon, so
 * quiet hours never hold a text back, whatever the hour of the run.
 *
 * BENCH_MODE=work: a worker, started as scripts/worker.ts starts
 * (prepareDispatch). On {warm: campaign id} it sends the warm-up campaign as
 * below, unmeasured, so that the measured run finds the process as a worker
 * that has been running is (compiled, its connections open); then {warmed}.
 * On {go: campaign id} it lets that campaign go and calls
 * dispatchDueMessages({ limit, concurrency }) in a loop, as scripts/worker.ts
 * does, until a round claims nothing and none of its texts is left due, then
 * reports its rounds, its CPU time and its database calls, and exits.
 * Database calls are what costs a worker most on each database: on
 * PostgreSQL every query it sends (a round trip), on SQLite every COMMIT (each
 * waits for the disk, with the event loop blocked).
 */
import { DateTime } from "luxon";
import { migrate } from "../../app/db/migrator";

const databaseUrl = process.env.DATABASE_URL!;
const mode = process.env.BENCH_MODE;
if (mode !== "seed" && mode !== "work") throw new Error(`BENCH_MODE must be seed or work, got ${mode}`);

/**
 * A real zone (Area/Location: the app ignores bare offsets like Etc/GMT-3)
 * where the local time is closest to 14:00 now: inside every quiet-hours
 * window of every state, on any day.
 */
function afternoonZoneNow(now: Date): string {
  let best: { zone: string; distance: number } | null = null;
  for (const zone of Intl.supportedValuesOf("timeZone")) {
    if (!zone.includes("/") || zone.startsWith("Etc/")) continue;
    const local = DateTime.fromJSDate(now, { zone });
    const distance = Math.abs(local.hour + local.minute / 60 - 14);
    if (!best || distance < best.distance) best = { zone, distance };
  }
  if (!best || best.distance > 1.5) throw new Error(`no zone is near 14:00 at ${now.toISOString()}`);
  return best.zone;
}

if (mode === "seed") {
  await migrate(databaseUrl);
  const { default: prisma, disconnectPrisma } = await import("../../app/db.server");
  const seed = await import("./campaign-bench-seed");
  const rows = Number(process.env.BENCH_ROWS);
  const warmRows = Number(process.env.BENCH_WARMUP_ROWS || 0);
  const rateLimit = process.env.BENCH_RATE_LIMIT ? Number(process.env.BENCH_RATE_LIMIT) : null;
  const now = new Date();
  await seed.seedBenchShop({ maxMessagesPerSecond: rateLimit });
  const { subscribers } = await seed.seedAudience({ subscribed: rows + warmRows, knownLocationShare: 0, fixedTimezone: afternoonZoneNow(now), now });
  const body = `Bench Outfitters: Maya, our winter sale starts now. 20% off everything with code ${seed.BENCH_DISCOUNT_CODE} until Sunday. Reply STOP to opt out.`;
  // The measured campaign waits, paused, while the workers warm up on a campaign of their own (other recipients).
  const queueCampaign = async (name: string, status: "sending" | "paused", recipients: typeof subscribers) => {
    const campaign = await prisma.campaign.create({
      data: { shop: seed.BENCH_SHOP, name, body: seed.BENCH_TEMPLATE, discountCode: seed.BENCH_DISCOUNT_CODE, status, scheduleMode: "now", plannedAt: now, startedAt: now },
    });
    await seed.queueCampaignTexts(campaign.id, recipients, body, now);
    return campaign.id;
  };
  const campaignId = await queueCampaign("Dispatch bench", warmRows > 0 ? "paused" : "sending", subscribers.slice(0, rows));
  const warmupCampaignId = warmRows > 0 ? await queueCampaign("Warm-up", "sending", subscribers.slice(rows)) : null;
  if (databaseUrl.startsWith("postgres")) {
    // Statistics, as a database in service has them (autovacuum's ANALYZE): rows written in bulk a moment ago have none.
    await prisma.$executeRawUnsafe("ANALYZE");
    // And the server's own write-back of this seeding and of earlier runs (planning's 100,000 rows) done now, not
    // during the measured run, where every COMMIT would wait behind it.
    await prisma.$executeRawUnsafe("CHECKPOINT");
  }
  await disconnectPrisma();
  process.send!({ seeded: { rows, campaignId, warmupCampaignId } });
  process.disconnect();
} else {
  const { default: prisma, disconnectPrisma } = await import("../../app/db.server");
  const { dispatchDueMessages, prepareDispatch } = await import("../../app/messaging/outbox.server");
  const limit = Number(process.env.BENCH_LIMIT || 100);
  const concurrency = Number(process.env.BENCH_CONCURRENCY);

  const countDbCalls = await dbCallCounter(databaseUrl);

  type Round = Awaited<ReturnType<typeof dispatchDueMessages>>;
  const totals: Record<string, number> = {};
  let rounds = 0;
  /** Dispatches as scripts/worker.ts does until none of `campaignId`'s texts is left due. */
  const dispatchAll = async (campaignId: string, count: boolean) => {
    for (;;) {
      const report: Round = await dispatchDueMessages({ limit, concurrency });
      if (count) {
        rounds += 1;
        for (const [key, value] of Object.entries(report)) if (typeof value === "number") totals[key] = (totals[key] ?? 0) + value;
      }
      if (report.claimed > 0) continue;
      const due = await prisma.message.count({ where: { status: "queued", nextAttemptAt: { lte: new Date() }, campaignId } });
      if (due === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const work = async (campaignId: string) => {
    const started = Date.now();
    const cpuBefore = process.cpuUsage();
    const callsBefore = countDbCalls();
    // The first worker told to go lets the measured campaign go; the others may find nothing for a moment, and look again.
    await prisma.campaign.updateMany({ where: { id: campaignId, status: "paused" }, data: { status: "sending" } });
    await dispatchAll(campaignId, true);
    const cpu = process.cpuUsage(cpuBefore);
    return { started, finished: Date.now(), cpuMs: (cpu.user + cpu.system) / 1000, dbCalls: countDbCalls() - callsBefore };
  };
  process.on("message", (message: { warm?: string | null; go?: string }) => {
    // Warm-up: the warm-up campaign's texts, as a long-running worker would have sent texts before (not measured).
    if (message.warm !== undefined) void (message.warm ? dispatchAll(message.warm, false) : Promise.resolve()).then(() => process.send!({ warmed: true }), (error: Error) => (console.error(error), process.exit(1)));
    if (!message.go) return;
    work(message.go).then(
      async (times) => {
        await disconnectPrisma();
        process.send!({ done: { ...times, rounds, totals } });
        process.disconnect();
      },
      (error: Error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
  // Connect and load what a worker loads when it starts (scripts/worker.ts) before the start signal: they are not timed.
  await prisma.shop.count();
  await prepareDispatch();
  process.send!({ ready: true });
}

/** A function that says how many database calls (see the header) this process has made so far. */
async function dbCallCounter(url: string): Promise<() => number> {
  let calls = 0;
  if (url.startsWith("postgres")) {
    const { default: pg } = await import("pg");
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
      calls += 1;
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
  } else {
    const { default: Database } = await import("better-sqlite3");
    const probe = new Database(":memory:");
    const statement = Object.getPrototypeOf(probe.prepare("SELECT 1")) as { run: (...args: unknown[]) => unknown };
    probe.close();
    const run = statement.run;
    statement.run = function (this: { source: string }, ...args: unknown[]) {
      if (/^\s*COMMIT\b/i.test(this.source)) calls += 1;
      return run.apply(this, args);
    };
  }
  return () => calls;
}
