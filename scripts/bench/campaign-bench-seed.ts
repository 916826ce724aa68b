/**
 * What the campaign benchmark plans and sends to: one shop with its sending
 * rules on (quiet hours, daily and monthly caps, smart sending, a throughput
 * limit), subscribers spread over real US area codes in every zone (some
 * spanning two zones, some in states with stricter quiet hours), a share of
 * them with a zone or state known from their address, a first name or none,
 * and some prior marketing history that the caps must see. Also numbers that
 * must never be planned: unsubscribed, pending, unreachable.
 *
 * Deterministic (a seeded PRNG). The shop and campaigns go through Prisma;
 * the many rows through the bare driver's batched INSERTs (bulk-insert.ts),
 * since Prisma's createMany would take minutes for 100,000 rows on SQLite.
 * Seeding is not measured. Runs in a child process whose DATABASE_URL is the
 * bench database.
 */
import { randomBytes } from "node:crypto";
import { DateTime } from "luxon";
import prisma from "../../app/db.server";
import { saveShopSettings } from "../../app/shops/shop-settings.server";
import { openBulkWriter, type BulkRow, type BulkWriter } from "./bulk-insert";

export const BENCH_SHOP = "bench-campaigns.myshopify.com";
export const BENCH_SHOP_ZONE = "America/New_York";
export const BENCH_ACCOUNT_SID = `AC${"c".repeat(32)}`;
export const BENCH_AUTH_TOKEN = "bench-campaign-twilio-auth-token";
export const BENCH_SENDER = "+12025550123";
export const BENCH_TEMPLATE =
  "{shop_name}: {first_name|there}, our winter sale starts now. 20% off everything with code {discount_code} until Sunday. Reply STOP to opt out.";
export const BENCH_DISCOUNT_CODE = "WINTER20";

const HOUR = 60 * 60_000;

/** A Prisma-style unique id for rows written without Prisma. */
export const benchId = (prefix: string) => `${prefix}${randomBytes(12).toString("hex")}`;

/**
 * Real area codes, by what they stress: single zones coast to coast, states with
 * their own quiet hours (FL, OK, MD, CT, TX, NJ), Arizona (no DST), Alaska and
 * Hawaii, and codes whose prefixes span two zones (Google's data gives both).
 */
export const BENCH_AREA_CODES = [
  "212", "404", "617", "305", "850", "203", "301", "201", // Eastern (FL, CT, MD, NJ)
  "312", "214", "405", "615", "270", // Central (TX, OK; 270 Kentucky spans Central and Eastern)
  "303", "602", "801", "915", "605", // Mountain (AZ without DST, El Paso TX; 605 South Dakota spans two)
  "415", "206", "702", "541", // Pacific (541 Oregon spans Pacific and Mountain)
  "907", "808", // Alaska, Hawaii
] as const;

const KNOWN_LOCATIONS: { timezone: string; region: string }[] = [
  { timezone: "America/New_York", region: "US-NY" },
  { timezone: "America/New_York", region: "US-FL" },
  { timezone: "America/Chicago", region: "US-TX" },
  { timezone: "America/Chicago", region: "US-OK" },
  { timezone: "America/Denver", region: "US-CO" },
  { timezone: "America/Phoenix", region: "US-AZ" },
  { timezone: "America/Los_Angeles", region: "US-CA" },
  { timezone: "America/New_York", region: "US-CT" },
];

const FIRST_NAMES = ["Ava", "Liam", "Sofía", "Noah", "Maya", "Ethan", "Chloé", "Mateo", "Zoe", "Amara", "Kai", "Nora"];

/** Small deterministic PRNG (mulberry32): every run plans the same population. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A distinct number per index: the area code cycles through BENCH_AREA_CODES,
 * the line number counts up within it, and the exchange (200–999, never 555)
 * varies with the line so the numbers spread over many real prefixes.
 */
export function benchPhone(index: number): string {
  const areaCode = BENCH_AREA_CODES[index % BENCH_AREA_CODES.length]!;
  const line = Math.floor(index / BENCH_AREA_CODES.length) % 10_000;
  const lap = Math.floor(index / (BENCH_AREA_CODES.length * 10_000));
  let exchange = 200 + ((line * 37 + lap) % 800);
  if (exchange === 555) exchange = 554 - (lap % 300); // stays distinct: 555 comes from one line per lap only
  return `+1${areaCode}${exchange}${String(line).padStart(4, "0")}`;
}

export interface BenchShopOptions {
  /** Messages per second across every worker; null = the sender type's default. */
  maxMessagesPerSecond: number | null;
  smartSendingHours?: number;
  senderType?: string;
}

export async function seedBenchShop(options: BenchShopOptions): Promise<void> {
  await saveShopSettings(BENCH_SHOP, {
    brandName: "Bench Outfitters",
    supportContact: "help@bench.test",
    twilioAccountSid: BENCH_ACCOUNT_SID,
    twilioAuthToken: BENCH_AUTH_TOKEN,
    senderPhoneNumber: BENCH_SENDER,
    keywordMode: "app",
  });
  // Written directly: the settings form's limits are for merchants, the benchmark needs rates past them.
  await prisma.shop.update({
    where: { shop: BENCH_SHOP },
    data: {
      timezone: BENCH_SHOP_ZONE,
      quietHoursStart: "21:00",
      quietHoursEnd: "08:00",
      maxMessagesPerDay: 3,
      maxMessagesPerMonth: 6,
      smartSendingHours: options.smartSendingHours ?? 0,
      senderType: options.senderType ?? "short_code",
      maxMessagesPerSecond: options.maxMessagesPerSecond,
    },
  });
}

export interface AudienceSeed {
  /** Subscribed numbers (the audience of a campaign to everyone). */
  subscribed: number;
  /** Share with a zone and state known from an address (the rest: from the area code). */
  knownLocationShare: number;
  /** Prior marketing texts: shares of the audience over the daily cap, the monthly cap, inside the smart-sending gap. */
  history?: { dailyCapShare: number; monthlyCapShare: number; smartSendingShare: number; smartSendingHours: number };
  /** Numbers that must never be planned, on top of `subscribed`. */
  excluded?: { unsubscribed: number; pending: number; unreachable: number };
  /** Every subscriber's zone, when the run must not depend on the hour (dispatch runs). */
  fixedTimezone?: string;
  now: Date;
}

export interface BenchRecipient {
  id: string;
  phone: string;
}

export interface AudienceSeedResult {
  subscribers: BenchRecipient[];
  historyRows: number;
  expectedDailyCap: number;
  expectedMonthlyCap: number;
  expectedSmartSending: number;
}

/** Subscribers with ids known in advance, so history and outbox rows can be written without reading them back. */
export async function seedAudience(seed: AudienceSeed): Promise<AudienceSeedResult> {
  const random = prng(20261127);
  const { now } = seed;
  const excluded = seed.excluded ?? { unsubscribed: 0, pending: 0, unreachable: 0 };
  const total = seed.subscribed + excluded.unsubscribed + excluded.pending + excluded.unreachable;
  const subscribedAt = new Date(now.getTime() - 40 * 24 * HOUR);
  const subscribers: BenchRecipient[] = [];
  const rows: BulkRow[] = [];
  for (let i = 0; i < total; i++) {
    const id = `benchsub${String(i).padStart(9, "0")}`;
    const kind =
      i < seed.subscribed
        ? "subscribed"
        : i < seed.subscribed + excluded.unsubscribed
          ? "unsubscribed"
          : i < seed.subscribed + excluded.unsubscribed + excluded.pending
            ? "pending"
            : "unreachable";
    const known = seed.fixedTimezone ? null : random() < seed.knownLocationShare ? KNOWN_LOCATIONS[Math.floor(random() * KNOWN_LOCATIONS.length)]! : null;
    const hasName = random() < 0.8;
    const phone = benchPhone(i);
    if (kind === "subscribed") subscribers.push({ id, phone });
    rows.push({
      id,
      shop: BENCH_SHOP,
      phone,
      status: kind === "unreachable" ? "subscribed" : kind,
      optInLevel: "single",
      firstName: hasName ? FIRST_NAMES[i % FIRST_NAMES.length]! : null,
      timezone: seed.fixedTimezone ?? known?.timezone ?? null,
      region: known?.region ?? null,
      subscribedAt: kind === "pending" ? null : subscribedAt,
      unsubscribedAt: kind === "unsubscribed" ? new Date(now.getTime() - 5 * 24 * HOUR) : null,
      pendingExpiresAt: kind === "pending" ? new Date(now.getTime() + 48 * HOUR) : null,
      unreachableAt: kind === "unreachable" ? new Date(now.getTime() - 2 * 24 * HOUR) : null,
      createdAt: subscribedAt,
      updatedAt: subscribedAt,
    });
  }
  const writer = await openBulkWriter(process.env.DATABASE_URL!);
  try {
    await writer.insert("Subscriber", rows);
    const result: AudienceSeedResult = { subscribers, historyRows: 0, expectedDailyCap: 0, expectedMonthlyCap: 0, expectedSmartSending: 0 };
    if (seed.history) result.historyRows = await seedHistory(writer, seed.history, subscribers, now, result);
    return result;
  } finally {
    await writer.close();
  }
}

/** One marketing text per recipient for a campaign that is sending, due at `dueAt`, as planning would have queued them. */
export async function queueCampaignTexts(campaignId: string, recipients: BenchRecipient[], body: string, dueAt: Date): Promise<void> {
  const writer = await openBulkWriter(process.env.DATABASE_URL!);
  try {
    await writer.insert(
      "Message",
      recipients.map((recipient) => ({
        id: benchId("c"),
        shop: BENCH_SHOP,
        subscriberId: recipient.id,
        campaignId,
        phone: recipient.phone,
        body,
        kind: "marketing",
        status: "queued",
        nextAttemptAt: dueAt,
        createdAt: dueAt,
        updatedAt: dueAt,
      })),
    );
  } finally {
    await writer.close();
  }
}

/**
 * Prior campaigns and their delivered texts: the first share of the audience got
 * three texts in the last 24 hours (over the daily cap of 3), the next got six
 * this calendar month but none in the last day (over the monthly cap of 6), the
 * next one text inside the smart-sending gap. Disjoint groups, so the expected
 * skips are known.
 */
async function seedHistory(
  writer: BulkWriter,
  history: NonNullable<AudienceSeed["history"]>,
  subscribers: BenchRecipient[],
  now: Date,
  result: AudienceSeedResult,
): Promise<number> {
  const monthStart = DateTime.fromJSDate(now, { zone: BENCH_SHOP_ZONE }).startOf("month").toJSDate();
  const daily = Math.round(subscribers.length * history.dailyCapShare);
  const monthly = Math.round(subscribers.length * history.monthlyCapShare);
  const smart = Math.round(subscribers.length * history.smartSendingShare);
  // Six texts this month, all older than a day: only possible once the month is more than a day old.
  const monthlyFits = now.getTime() - monthStart.getTime() > 26 * HOUR;
  result.expectedDailyCap = daily;
  result.expectedMonthlyCap = monthlyFits ? monthly : 0;
  result.expectedSmartSending = history.smartSendingHours > 0 ? smart : 0;

  const campaigns = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      prisma.campaign.create({
        data: { shop: BENCH_SHOP, name: `Earlier campaign ${i + 1}`, body: "Bench Outfitters: earlier news. Reply STOP to opt out.", status: "sent" },
      }),
    ),
  );
  const rows: { subscriber: BenchRecipient; campaignId: string; sentAt: Date }[] = [];
  subscribers.slice(0, daily).forEach((subscriber) => {
    for (let k = 0; k < 3; k++) rows.push({ subscriber, campaignId: campaigns[k]!.id, sentAt: new Date(now.getTime() - (2 + 6 * k) * HOUR) });
  });
  if (monthlyFits) {
    const span = now.getTime() - 25 * HOUR - monthStart.getTime();
    subscribers.slice(daily, daily + monthly).forEach((subscriber) => {
      for (let k = 0; k < 6; k++) rows.push({ subscriber, campaignId: campaigns[k]!.id, sentAt: new Date(monthStart.getTime() + ((k + 0.5) / 6) * span) });
    });
  }
  if (history.smartSendingHours > 0) {
    subscribers.slice(daily + monthly, daily + monthly + smart).forEach((subscriber) => {
      rows.push({ subscriber, campaignId: campaigns[5]!.id, sentAt: new Date(now.getTime() - (history.smartSendingHours / 2) * HOUR) });
    });
  }
  await writer.insert(
    "Message",
    rows.map((row) => ({
      id: benchId("c"),
      shop: BENCH_SHOP,
      subscriberId: row.subscriber.id,
      campaignId: row.campaignId,
      phone: row.subscriber.phone,
      body: "Bench Outfitters: earlier news. Reply STOP to opt out.",
      kind: "marketing",
      status: "delivered",
      attempts: 1,
      sentAt: row.sentAt,
      deliveredAt: new Date(row.sentAt.getTime() + 5_000),
      nextAttemptAt: row.sentAt,
      createdAt: row.sentAt,
      updatedAt: row.sentAt,
    })),
  );
  return rows.length;
}
