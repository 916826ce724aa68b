/**
 * How the shop's list and its SMS revenue grew, day by day in the shop's time
 * zone, over the last 30 or 90 days: the dashboard's charts. One SQL
 * aggregate each (by 15-minute slot, folded into local days: time-buckets.ts).
 */
import { DateTime } from "luxon";
import prisma from "../db.server";
import { readSlot, readTotal, resultsSql, slotExpression } from "./results-sql.server";
import { OPT_IN_KINDS, OPT_OUT_KINDS } from "./consent-kinds";
import type { GrowthSpan } from "./growth-span";
import { bucketKeyOfSlot, bucketsBetween, type TimeBucket } from "./time-buckets";

export type { GrowthSpan } from "./growth-span";


export interface GrowthDay extends TimeBucket {
  /** Opt-ins by where consent was given (checkout, keyword, form…). */
  optInsBySource: Record<string, number>;
  optIns: number;
  optOuts: number;
}

export interface ListGrowth {
  days: GrowthDay[];
  /** Every source with an opt-in in the span, most opt-ins first. */
  sources: string[];
}

/** The first instant of the span: midnight in the shop's zone, `span` days back counting today. */
export function spanStart(span: GrowthSpan, now: Date, zone: string): Date {
  return DateTime.fromJSDate(now, { zone }).startOf("day").minus({ days: span - 1 }).toJSDate();
}

const placeholders = (values: readonly unknown[]) => values.map(() => "?").join(", ");

/**
 * Opt-ins by source and opt-outs per day. A confirmation (the Y to a double
 * opt-in) counts under the source of the request it confirms: the checkout
 * where consent was given, not the reply. ConsentEvent @@index([shop, occurredAt]),
 * the request by @@index([subscriberId, seq]).
 */
export async function listGrowthByDay(shop: string, span: GrowthSpan, now: Date, zone: string): Promise<ListGrowth> {
  const sql = resultsSql();
  const since = spanStart(span, now, zone);
  const kinds = [...OPT_IN_KINDS, ...OPT_OUT_KINDS];
  const rows = await sql.all(
    `SELECT slot, kind, source, COUNT(*) AS n FROM (
       SELECT ${slotExpression(sql.provider, 'ce."occurredAt"')} AS slot, ce."kind" AS kind,
              CASE WHEN ce."kind" = 'confirmed' THEN COALESCE(
                (SELECT r."source" FROM "ConsentEvent" r
                 WHERE r."subscriberId" = ce."subscriberId" AND r."seq" < ce."seq" AND r."kind" = 'opt_in_requested'
                 ORDER BY r."seq" DESC LIMIT 1), ce."source") ELSE ce."source" END AS source
       FROM "ConsentEvent" ce
       WHERE ce."shop" = ? AND ce."occurredAt" >= ? AND ce."occurredAt" <= ? AND ce."kind" IN (${placeholders(kinds)})
     ) events GROUP BY slot, kind, source`,
    [shop, since, now, ...kinds],
  );
  const buckets = bucketsBetween(since, now, "day", zone);
  const byKey = new Map(buckets.map((bucket) => [bucket.key, { ...bucket, optInsBySource: {} as Record<string, number>, optIns: 0, optOuts: 0 }]));
  const sourceTotals = new Map<string, number>();
  for (const row of rows) {
    const day = byKey.get(bucketKeyOfSlot(readSlot(row.slot), "day", zone));
    if (!day) continue;
    const count = readTotal(row.n);
    if ((OPT_OUT_KINDS as readonly unknown[]).includes(row.kind)) {
      day.optOuts += count;
      continue;
    }
    const source = String(row.source);
    day.optIns += count;
    day.optInsBySource[source] = (day.optInsBySource[source] ?? 0) + count;
    sourceTotals.set(source, (sourceTotals.get(source) ?? 0) + count);
  }
  const sources = [...sourceTotals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([source]) => source);
  return { days: [...byKey.values()], sources };
}

export interface RevenueDay extends TimeBucket {
  /** Credited revenue net of refunds, in minor units, per currency. */
  revenueMinor: Record<string, number>;
  orders: number;
}

export interface RevenueGrowth {
  days: RevenueDay[];
  /** Every currency with credited revenue in the span, largest first. */
  currencies: string[];
}

/** Revenue of orders credited to any campaign, per day it was placed. Order @@index([shop, placedAt]). */
export async function attributedRevenueByDay(shop: string, span: GrowthSpan, now: Date, zone: string): Promise<RevenueGrowth> {
  const sql = resultsSql();
  const since = spanStart(span, now, zone);
  const rows = await sql.all(
    `SELECT ${slotExpression(sql.provider, '"placedAt"')} AS slot, "currency", COUNT(*) AS orders, SUM("totalMinor" - "refundedMinor") AS revenue
     FROM "Order" WHERE "shop" = ? AND "placedAt" >= ? AND "placedAt" <= ? AND "attributedCampaignId" IS NOT NULL
     GROUP BY 1, "currency"`,
    [shop, since, now],
  );
  const buckets = bucketsBetween(since, now, "day", zone);
  const byKey = new Map(buckets.map((bucket) => [bucket.key, { ...bucket, revenueMinor: {} as Record<string, number>, orders: 0 }]));
  const currencyTotals = new Map<string, number>();
  for (const row of rows) {
    const day = byKey.get(bucketKeyOfSlot(readSlot(row.slot), "day", zone));
    if (!day) continue;
    const currency = String(row.currency);
    const revenue = readTotal(row.revenue);
    day.orders += readTotal(row.orders);
    day.revenueMinor[currency] = (day.revenueMinor[currency] ?? 0) + revenue;
    currencyTotals.set(currency, (currencyTotals.get(currency) ?? 0) + revenue);
  }
  const currencies = [...currencyTotals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([currency]) => currency);
  return { days: [...byKey.values()], currencies };
}

export interface ShopGrowth {
  span: GrowthSpan;
  list: ListGrowth;
  revenue: RevenueGrowth;
}

/** Both dashboard charts for the shop's last `span` days, or null when the shop has not set up its program. */
export async function getShopGrowth(shop: string, span: GrowthSpan, now = new Date()): Promise<ShopGrowth | null> {
  const settings = await prisma.shop.findUnique({ where: { shop }, select: { timezone: true } });
  if (!settings) return null;
  const [list, revenue] = await Promise.all([listGrowthByDay(shop, span, now, settings.timezone), attributedRevenueByDay(shop, span, now, settings.timezone)]);
  return { span, list, revenue };
}
