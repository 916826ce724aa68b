/**
 * What one campaign did and earned: one function per figure, each a single
 * SQL aggregate scoped by the shop, so the page stays fast for a campaign of
 * 100,000 recipients (npm run bench:results). The indexes each statement
 * relies on are named beside it.
 */
import { describeAttributionRule } from "../attribution/attribution";
import prisma from "../db.server";
import { twilioErrorMeaning } from "../messaging/delivery-status";
import { FAILED_DELIVERY_STATUSES, type MessageStatus } from "../messaging/message-status";
import { clickRate, costMicros, revenueReturns, totalRevenue, type RevenueInCurrency, type RevenueReturn } from "./campaign-figures";
import { OPT_OUT_KINDS } from "./consent-kinds";
import { readSlot, readTotal, resultsSql, slotExpression } from "./results-sql.server";
import { bucketsBetween, bucketUnitFor, foldSlots, SLOT_SECONDS, type BucketUnit, type TimeBucket } from "./time-buckets";

export interface CampaignRef {
  shop: string;
  campaignId: string;
}

const placeholders = (values: readonly unknown[]) => values.map(() => "?").join(", ");

/**
 * The campaign's outbox rows, scoped by shop through the campaign itself
 * (planning writes a campaign's rows in its shop). Filtering Message.shop
 * directly instead would let SQLite's planner take the (shop, createdAt)
 * index and walk every text the shop ever sent; this way each statement uses
 * Message @@index([campaignId, status]), covering for the counts.
 */
const CAMPAIGN_ROWS = `"campaignId" = (SELECT c."id" FROM "Campaign" c WHERE c."id" = ? AND c."shop" = ?)`;

/** Texts the carrier took: what the shop pays for (Twilio bills undelivered texts too, not failed ones). */
export const SENT_STATUSES = ["sent", "delivered", "undelivered"] as const satisfies readonly MessageStatus[];
/** Texts that never went out, each with why. */
const NOT_SENT_STATUSES = ["skipped", "suppressed", "cancelled"] as const satisfies readonly MessageStatus[];
/** A recipient who opts out this long after a delivery counts against that campaign. */
export const OPT_OUT_BLAME_HOURS = 24;

// ─── the outbox: Message @@index([campaignId, status]) ───

/**
 * The campaign's outbox in one pass, per status: texts, their segments, and
 * how many planning deferred for quiet hours. Segments and deferrals are not
 * in any index, so the figures that need them share this one read of the rows
 * (grouped in the index's own order, no sort) rather than each walking
 * 100,000 rows again; the figures below are each a function of it.
 */
export type OutboxTally = ReadonlyMap<string, { texts: number; segments: number; deferredForQuietHours: number }>;

export async function readOutboxTally({ shop, campaignId }: CampaignRef): Promise<OutboxTally> {
  const rows = await resultsSql().all(
    `SELECT "status", COUNT(*) AS texts, SUM("segments") AS segments, SUM(CASE WHEN "deferredBy" = 'quiet_hours' THEN 1 ELSE 0 END) AS deferred
     FROM "Message" WHERE ${CAMPAIGN_ROWS} GROUP BY "status"`,
    [campaignId, shop],
  );
  return new Map(rows.map((row) => [String(row.status), { texts: readTotal(row.texts), segments: readTotal(row.segments), deferredForQuietHours: readTotal(row.deferred) }]));
}

const sumOf = (tally: OutboxTally, field: "texts" | "segments" | "deferredForQuietHours", statuses?: readonly MessageStatus[]) =>
  [...tally].reduce((sum, [status, row]) => (statuses && !(statuses as readonly string[]).includes(status) ? sum : sum + row[field]), 0);

/** Texts planned: one outbox row per recipient. */
export function plannedCount(tally: OutboxTally): number {
  return sumOf(tally, "texts");
}

export function sentCount(tally: OutboxTally): number {
  return sumOf(tally, "texts", SENT_STATUSES);
}

export function deliveredCount(tally: OutboxTally): number {
  return sumOf(tally, "texts", ["delivered"]);
}

/** A worker died between handing the text to Twilio and recording the answer: it may or may not have gone. */
export function unknownCount(tally: OutboxTally): number {
  return sumOf(tally, "texts", ["unknown"]);
}

/** Texts planning moved out of the recipient's quiet hours, whatever became of them. */
export function deferredForQuietHoursCount(tally: OutboxTally): number {
  return sumOf(tally, "deferredForQuietHours");
}

/** Segments of the texts the carrier took (what Twilio bills). */
export function segmentsSent(tally: OutboxTally): number {
  return sumOf(tally, "segments", SENT_STATUSES);
}

export interface NotSentGroup {
  status: (typeof NOT_SENT_STATUSES)[number];
  /** skipped: daily_cap, monthly_cap, smart_sending…; suppressed: not_subscribed (or the reason stored); cancelled: cancelled. */
  reason: string;
  count: number;
}

/** Texts that never went out, by status and reason. */
export async function notSentByReason({ shop, campaignId }: CampaignRef): Promise<NotSentGroup[]> {
  const rows = await resultsSql().all(
    `SELECT "status", "skipReason", COUNT(*) AS n FROM "Message"
     WHERE ${CAMPAIGN_ROWS} AND "status" IN (${placeholders(NOT_SENT_STATUSES)})
     GROUP BY "status", "skipReason"`,
    [campaignId, shop, ...NOT_SENT_STATUSES],
  );
  const defaults: Record<NotSentGroup["status"], string> = { skipped: "unknown", suppressed: "not_subscribed", cancelled: "cancelled" };
  const groups = new Map<string, NotSentGroup>();
  for (const row of rows) {
    const status = row.status as NotSentGroup["status"];
    const reason = (row.skipReason as string | null) ?? defaults[status];
    const key = `${status}:${reason}`;
    const group = groups.get(key) ?? { status, reason, count: 0 };
    group.count += readTotal(row.n);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

export interface FailureGroup {
  errorCode: number | null;
  meaning: string;
  count: number;
}

/** Texts Twilio or the carrier could not deliver, by error code, most frequent first. */
export async function failedByErrorCode({ shop, campaignId }: CampaignRef): Promise<FailureGroup[]> {
  const rows = await resultsSql().all(
    `SELECT "errorCode", COUNT(*) AS n FROM "Message"
     WHERE ${CAMPAIGN_ROWS} AND "status" IN (${placeholders(FAILED_DELIVERY_STATUSES)})
     GROUP BY "errorCode"`,
    [campaignId, shop, ...FAILED_DELIVERY_STATUSES],
  );
  return rows
    .map((row) => {
      const errorCode = row.errorCode === null ? null : readTotal(row.errorCode);
      return { errorCode, meaning: twilioErrorMeaning(errorCode), count: readTotal(row.n) };
    })
    .sort((a, b) => b.count - a.count || (a.errorCode ?? 0) - (b.errorCode ?? 0));
}

// ─── clicks: LinkClick @@index([shop, campaignId, clickedAt]) ───

export interface ClickCounts {
  /** Every click by a person (previews and bots are never recorded). */
  clicks: number;
  /** Recipients who clicked at least once. */
  uniqueClickers: number;
}

export async function clickCounts({ shop, campaignId }: CampaignRef): Promise<ClickCounts> {
  // A click whose link carried no recipient is its link's own clicker.
  const [row] = await resultsSql().all(
    `SELECT COUNT(*) AS clicks, COUNT(DISTINCT COALESCE("subscriberId", 'link:' || "linkId")) AS clickers FROM "LinkClick" WHERE "shop" = ? AND "campaignId" = ?`,
    [shop, campaignId],
  );
  return { clicks: readTotal(row?.clicks), uniqueClickers: readTotal(row?.clickers) };
}

// ─── orders: Order @@index([shop, attributedCampaignId]) ───

export interface AttributedRevenue {
  /** Orders whose buyer last clicked this campaign's link within the click window. */
  click: RevenueInCurrency[];
  /** Orders with no click in the window, credited to the last campaign delivered within the delivery window. */
  delivery: RevenueInCurrency[];
}

/** Orders credited to the campaign and their revenue net of refunds, click- and delivery-credited apart, per currency. */
export async function attributedRevenue({ shop, campaignId }: CampaignRef): Promise<AttributedRevenue> {
  const rows = await resultsSql().all(
    `SELECT "attribution", "currency", COUNT(*) AS orders, SUM("totalMinor" - "refundedMinor") AS revenue FROM "Order"
     WHERE "shop" = ? AND "attributedCampaignId" = ? GROUP BY "attribution", "currency" ORDER BY "currency"`,
    [shop, campaignId],
  );
  const revenue: AttributedRevenue = { click: [], delivery: [] };
  for (const row of rows) {
    const kind = row.attribution === "click" ? "click" : row.attribution === "delivery" ? "delivery" : null;
    if (kind) revenue[kind].push({ currency: String(row.currency), orders: readTotal(row.orders), revenueMinor: readTotal(row.revenue) });
  }
  return revenue;
}

// ─── opt-outs: ConsentEvent @@index([shop, occurredAt]), then Message @@unique([campaignId, subscriberId]) ───

/**
 * Subscribers who opted out (STOP, or at the carrier) within 24 hours after
 * this campaign was delivered to them. `since`: when the campaign started
 * sending; no delivery, so no opt-out it is blamed for, comes earlier.
 */
export async function optOutsAfterDelivery({ shop, campaignId }: CampaignRef, since: Date): Promise<number> {
  const sql = resultsSql();
  // Both sides compare as the same type: ISO text on SQLite (strftime writes the stored format), TIMESTAMP on PostgreSQL.
  const windowStart =
    sql.provider === "sqlite"
      ? `strftime('%Y-%m-%dT%H:%M:%f+00:00', ce."occurredAt", '-${OPT_OUT_BLAME_HOURS} hours')`
      : `ce."occurredAt" - INTERVAL '${OPT_OUT_BLAME_HOURS} hours'`;
  // The shop's opt-outs since the campaign started come first (MATERIALIZED: a planner without statistics
  // would otherwise walk the campaign's deliveries instead), then each is one lookup by
  // Message @@unique([campaignId, subscriberId]). A text has a deliveredAt only once delivered.
  const [row] = await sql.all(
    `WITH opt_outs AS MATERIALIZED (
       SELECT ce."subscriberId", ce."occurredAt" FROM "ConsentEvent" ce
       WHERE ce."shop" = ? AND ce."occurredAt" >= ? AND ce."kind" IN (${placeholders(OPT_OUT_KINDS)})
     )
     SELECT COUNT(DISTINCT ce."subscriberId") AS n FROM opt_outs ce
     WHERE EXISTS (SELECT 1 FROM "Message" m
                   WHERE m.${CAMPAIGN_ROWS} AND m."subscriberId" = ce."subscriberId"
                     AND m."deliveredAt" <= ce."occurredAt" AND m."deliveredAt" >= ${windowStart})`,
    [shop, since, ...OPT_OUT_KINDS, campaignId, shop],
  );
  return readTotal(row?.n);
}

// ─── over time ───

export const ACTIVITY_SERIES = ["deliveries", "clicks", "orders"] as const;
type ActivityName = (typeof ACTIVITY_SERIES)[number];
export type ActivityPoint = TimeBucket & Record<ActivityName, number>;

export interface ActivityOverTime {
  unit: BucketUnit;
  points: ActivityPoint[];
}

/**
 * Deliveries, clicks and credited orders per hour (a span up to three days)
 * or per day, in the shop's time zone, from `since` to the last of them (at
 * most `now`).
 */
export async function activityOverTime({ shop, campaignId }: CampaignRef, since: Date, now: Date, zone: string): Promise<ActivityOverTime> {
  const sql = resultsSql();
  const slot = (column: string) => slotExpression(sql.provider, column);
  const [deliveries, clicks, orders] = await Promise.all([
    sql.all(`SELECT ${slot('"deliveredAt"')} AS slot, COUNT(*) AS n FROM "Message" WHERE ${CAMPAIGN_ROWS} AND "status" = 'delivered' GROUP BY 1`, [campaignId, shop]),
    sql.all(`SELECT ${slot('"clickedAt"')} AS slot, COUNT(*) AS n FROM "LinkClick" WHERE "shop" = ? AND "campaignId" = ? GROUP BY 1`, [shop, campaignId]),
    sql.all(`SELECT ${slot('"placedAt"')} AS slot, COUNT(*) AS n FROM "Order" WHERE "shop" = ? AND "attributedCampaignId" = ? GROUP BY 1`, [shop, campaignId]),
  ]);
  const rows = [
    ...deliveries.map((row) => ({ slot: readSlot(row.slot), name: "deliveries" as const, value: readTotal(row.n) })),
    ...clicks.map((row) => ({ slot: readSlot(row.slot), name: "clicks" as const, value: readTotal(row.n) })),
    ...orders.map((row) => ({ slot: readSlot(row.slot), name: "orders" as const, value: readTotal(row.n) })),
  ];
  const lastSlot = rows.reduce((last, row) => Math.max(last, row.slot), -Infinity);
  const until = new Date(Math.min(now.getTime(), Math.max(since.getTime(), (lastSlot + 1) * SLOT_SECONDS * 1000 - 1)));
  const unit = bucketUnitFor(since, until);
  return { unit, points: foldSlots(bucketsBetween(since, until, unit, zone), unit, zone, rows, ACTIVITY_SERIES) };
}

// ─── the whole page ───

export interface CampaignResults {
  campaign: { id: string; name: string; status: string; startedAt: Date | null; completedAt: Date | null };
  planned: number;
  notSent: NotSentGroup[];
  deferredForQuietHours: number;
  sent: number;
  delivered: number;
  failed: FailureGroup[];
  unknown: number;
  clicks: number;
  uniqueClickers: number;
  clickRate: number | null;
  revenue: AttributedRevenue & { total: RevenueInCurrency[] };
  optOutsWithin24Hours: number;
  segmentsSent: number;
  costMicros: number;
  returns: RevenueReturn[];
  activity: ActivityOverTime;
  attributionWindows: { clickWindowDays: number; deliveryWindowHours: number };
  /** The rule in plain words with the shop's windows, shown next to the revenue. */
  attributionRule: string;
}

/** Every figure of the campaign results page, or null when the shop has no such campaign. */
export async function getCampaignResults(shop: string, campaignId: string, now = new Date()): Promise<CampaignResults | null> {
  const [campaign, settings] = await Promise.all([
    prisma.campaign.findFirst({ where: { id: campaignId, shop } }),
    prisma.shop.findUnique({ where: { shop }, select: { timezone: true, segmentPriceMicros: true, clickWindowDays: true, deliveryWindowHours: true } }),
  ]);
  if (!campaign || !settings) return null;
  const ref = { shop, campaignId };
  // Nothing of the campaign's happens before its texts were planned.
  const since = campaign.startedAt ?? campaign.plannedAt ?? campaign.createdAt;
  const [tally, notSent, failed, clicks, revenue, optOuts, activity] = await Promise.all([
    readOutboxTally(ref),
    notSentByReason(ref),
    failedByErrorCode(ref),
    clickCounts(ref),
    attributedRevenue(ref),
    optOutsAfterDelivery(ref, since),
    activityOverTime(ref, since, now, settings.timezone),
  ]);
  const [planned, deferred, sent, delivered, unknown, segments] = [
    plannedCount(tally),
    deferredForQuietHoursCount(tally),
    sentCount(tally),
    deliveredCount(tally),
    unknownCount(tally),
    segmentsSent(tally),
  ];
  const total = totalRevenue(revenue.click, revenue.delivery);
  const spent = costMicros(segments, settings.segmentPriceMicros);
  const windows = { clickWindowDays: settings.clickWindowDays, deliveryWindowHours: settings.deliveryWindowHours };
  return {
    campaign: { id: campaign.id, name: campaign.name, status: campaign.status, startedAt: campaign.startedAt, completedAt: campaign.completedAt },
    planned,
    notSent,
    deferredForQuietHours: deferred,
    sent,
    delivered,
    failed,
    unknown,
    clicks: clicks.clicks,
    uniqueClickers: clicks.uniqueClickers,
    clickRate: clickRate(clicks.uniqueClickers, delivered),
    revenue: { ...revenue, total },
    optOutsWithin24Hours: optOuts,
    segmentsSent: segments,
    costMicros: spent,
    returns: revenueReturns(total, sent, spent),
    activity,
    attributionWindows: windows,
    attributionRule: describeAttributionRule(windows),
  };
}
