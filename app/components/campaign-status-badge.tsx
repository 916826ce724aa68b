import { Badge, type BadgeProps } from "@shopify/polaris";
import type { CampaignStatus } from "~/campaigns/campaign-status";

const LOOK: Record<CampaignStatus, { tone?: BadgeProps["tone"]; progress?: BadgeProps["progress"]; label: string }> = {
  draft: { label: "Draft", progress: "incomplete" },
  scheduled: { label: "Scheduled", tone: "info", progress: "incomplete" },
  sending: { label: "Sending", tone: "attention", progress: "partiallyComplete" },
  paused: { label: "Paused", tone: "warning", progress: "partiallyComplete" },
  sent: { label: "Sent", tone: "success", progress: "complete" },
  cancelled: { label: "Cancelled", tone: "critical" },
};

export function CampaignStatusBadge({ status }: { status: CampaignStatus }) {
  const { label, ...look } = LOOK[status];
  return <Badge {...look}>{label}</Badge>;
}
