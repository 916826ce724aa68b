/**
 * Part (a) of `npm run bench:campaign`, in a process of its own on a fresh
 * database (DATABASE_URL), started by scripts/bench-campaign.ts over IPC.
 *
 * BENCH_MODE=plan: seeds the shop and audience (campaign-bench-seed.ts),
 * schedules one campaign to everyone with a personalised template, counts the
 * audience, then times `planDueCampaigns` — every rule: consent, quiet hours
 * in each recipient's zone, caps against the prior history — and reports what
 * it wrote, by status and reason.
 *
 * BENCH_MODE=raw: the same seed, then times the floor: the same number of
 * Message rows (bodies rendered beforehand) written with the bare driver
 * (better-sqlite3 or pg) as batched multi-row INSERTs, each batch committed on
 * its own, with the app's durability (bulk-insert.ts).
 */
import { migrate } from "../../app/db/migrator";
import { openBulkWriter, type BulkRow } from "./bulk-insert";

const databaseUrl = process.env.DATABASE_URL!;
const mode = process.env.BENCH_MODE;
const recipients = Number(process.env.BENCH_RECIPIENTS);
const rawChunk = Number(process.env.BENCH_RAW_CHUNK || 1000);
if (mode !== "plan" && mode !== "raw") throw new Error(`BENCH_MODE must be plan or raw, got ${mode}`);
await migrate(databaseUrl);

// Imported after the environment is set: the app reads it on first use.
const { default: prisma, disconnectPrisma } = await import("../../app/db.server");
const seed = await import("./campaign-bench-seed");

const SMART_SENDING_HOURS = 12;
const now = new Date();
const seedStarted = performance.now();
await seed.seedBenchShop({ maxMessagesPerSecond: null, smartSendingHours: SMART_SENDING_HOURS });
const audience = await seed.seedAudience({
  subscribed: recipients,
  knownLocationShare: 0.3,
  history: { dailyCapShare: 0.03, monthlyCapShare: 0.03, smartSendingShare: 0.03, smartSendingHours: SMART_SENDING_HOURS },
  excluded: {
    unsubscribed: Math.round(recipients * 0.1),
    pending: Math.round(recipients * 0.02),
    unreachable: Math.round(recipients * 0.01),
  },
  now,
});
const seedMs = performance.now() - seedStarted;
const campaign = await prisma.campaign.create({
  data: {
    shop: seed.BENCH_SHOP,
    name: "Winter sale",
    body: seed.BENCH_TEMPLATE,
    discountCode: seed.BENCH_DISCOUNT_CODE,
    audience: JSON.stringify({ kind: "all" }),
    status: "scheduled",
    scheduleMode: "now",
    scheduledAt: new Date(now.getTime() - 60_000),
  },
});

type Report = {
  mode: "plan" | "raw";
  ms: number;
  rows: number;
  seedMs: number;
  historyRows: number;
  audienceCount?: number;
  countMs?: number;
  byOutcome?: Record<string, number>;
  expected?: { dailyCap: number; monthlyCap: number; smartSending: number };
  planReports?: unknown;
};
let report: Report;

if (mode === "plan") {
  const { countAudience } = await import("../../app/campaigns/audience.server");
  const { planDueCampaigns } = await import("../../app/campaigns/plan-campaign.server");
  const countStarted = performance.now();
  const audienceCount = await countAudience(seed.BENCH_SHOP, { kind: "all" }, now);
  const countMs = performance.now() - countStarted;

  const started = performance.now();
  const planReports = await planDueCampaigns(now);
  const ms = performance.now() - started;

  const groups = await prisma.message.groupBy({
    by: ["status", "skipReason", "deferredBy"],
    where: { campaignId: campaign.id },
    _count: { _all: true },
  });
  const byOutcome: Record<string, number> = {};
  for (const group of groups) {
    const key = [group.status, group.skipReason, group.deferredBy].filter(Boolean).join(" / ");
    byOutcome[key] = (byOutcome[key] ?? 0) + group._count._all;
  }
  report = {
    mode,
    ms,
    rows: groups.reduce((sum, group) => sum + group._count._all, 0),
    seedMs,
    historyRows: audience.historyRows,
    audienceCount,
    countMs,
    byOutcome,
    expected: { dailyCap: audience.expectedDailyCap, monthlyCap: audience.expectedMonthlyCap, smartSending: audience.expectedSmartSending },
    planReports,
  };
} else {
  await disconnectPrisma();
  // The rows planning would write, prepared before the clock starts: only the writing is timed.
  const createdAt = new Date();
  const rows: BulkRow[] = audience.subscribers.map((subscriber, i) => ({
    id: seed.benchId("c"),
    shop: seed.BENCH_SHOP,
    subscriberId: subscriber.id,
    campaignId: campaign.id,
    phone: subscriber.phone,
    body: `Bench Outfitters: ${i % 5 === 0 ? "there" : "Maya"}, our winter sale starts now. 20% off everything with code ${seed.BENCH_DISCOUNT_CODE} until Sunday. Reply STOP to opt out.`,
    kind: "marketing",
    status: "queued",
    nextAttemptAt: createdAt,
    segments: 1,
    skipReason: null,
    deferredBy: null,
    createdAt,
    updatedAt: createdAt,
  }));
  const writer = await openBulkWriter(databaseUrl);
  const started = performance.now();
  await writer.insert("Message", rows, rawChunk);
  const ms = performance.now() - started;
  await writer.close();
  report = { mode, ms, rows: rows.length, seedMs, historyRows: audience.historyRows };
}

if (mode === "plan") await disconnectPrisma();
process.send!({ report });
process.disconnect();
