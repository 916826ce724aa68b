import { listCampaigns, type CampaignSummary } from "../campaigns/campaigns.server";
import prisma from "../db.server";
import type { MessageStatus } from "../messaging/message-status";
import { OPT_IN_KINDS, OPT_OUT_KINDS } from "../results/consent-kinds";
import { getShopGrowth, type GrowthSpan, type ShopGrowth } from "../results/shop-growth.server";

export interface DashboardSummary {
  brandName: string;
  subscribers: { total: number; subscribed: number; pending: number; unsubscribed: number; expired: number };
  last30Days: { optIns: number; optOuts: number; messagesSent: number; messagesDelivered: number };
  campaigns: CampaignSummary[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

export async function getDashboardSummary(shop: string, now = new Date()): Promise<DashboardSummary | null> {
  const settings = await prisma.shop.findUnique({ where: { shop }, select: { brandName: true } });
  if (!settings) return null;
  const since = new Date(now.getTime() - 30 * DAY_MS);

  const [byStatus, optIns, optOuts, sent, delivered, campaigns] = await Promise.all([
    prisma.subscriber.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } }),
    prisma.consentEvent.count({ where: { shop, kind: { in: [...OPT_IN_KINDS] }, occurredAt: { gte: since } } }),
    prisma.consentEvent.count({ where: { shop, kind: { in: [...OPT_OUT_KINDS] }, occurredAt: { gte: since } } }),
    prisma.message.count({ where: { shop, sentAt: { gte: since } } }),
    prisma.message.count({ where: { shop, status: "delivered" satisfies MessageStatus, deliveredAt: { gte: since } } }),
    listCampaigns(shop, { take: 5 }),
  ]);

  const count = (status: string) => byStatus.find((row) => row.status === status)?._count._all ?? 0;
  return {
    brandName: settings.brandName,
    subscribers: {
      total: byStatus.reduce((sum, row) => sum + row._count._all, 0),
      subscribed: count("subscribed"),
      pending: count("pending"),
      unsubscribed: count("unsubscribed"),
      expired: count("expired"),
    },
    last30Days: { optIns, optOuts, messagesSent: sent, messagesDelivered: delivered },
    campaigns,
  };
}

export interface Dashboard {
  summary: DashboardSummary;
  growth: ShopGrowth;
}

/** The dashboard: the summary and the list-growth and revenue charts over the last `span` days; null before setup. */
export async function getDashboard(shop: string, span: GrowthSpan, now = new Date()): Promise<Dashboard | null> {
  const [summary, growth] = await Promise.all([getDashboardSummary(shop, now), getShopGrowth(shop, span, now)]);
  return summary && growth ? { summary, growth } : null;
}
