import prisma from "../db.server";
import { FAILED_DELIVERY_STATUSES, type MessageStatus } from "../messaging/message-status";

export interface CampaignSummary {
  id: string;
  name: string;
  status: string;
  scheduledAt: Date | null;
  recipients: number;
  delivered: number;
  failed: number;
}

/** A shop's campaigns, newest first, with their delivery figures from the outbox. */
export async function listCampaigns(shop: string, options: { take?: number } = {}): Promise<CampaignSummary[]> {
  const campaigns = await prisma.campaign.findMany({
    where: { shop },
    orderBy: { createdAt: "desc" },
    take: options.take ?? 100,
  });
  const counts = await prisma.message.groupBy({
    by: ["campaignId", "status"],
    where: { shop, campaignId: { in: campaigns.map((campaign) => campaign.id) } },
    _count: { _all: true },
  });
  const countOf = (campaignId: string, statuses?: readonly MessageStatus[]) =>
    counts
      .filter((row) => row.campaignId === campaignId && (!statuses || statuses.some((status) => status === row.status)))
      .reduce((sum, row) => sum + row._count._all, 0);
  return campaigns.map((campaign) => ({
    id: campaign.id,
    name: campaign.name,
    status: campaign.status,
    scheduledAt: campaign.scheduledAt,
    recipients: countOf(campaign.id),
    delivered: countOf(campaign.id, ["delivered"]),
    failed: countOf(campaign.id, FAILED_DELIVERY_STATUSES),
  }));
}
