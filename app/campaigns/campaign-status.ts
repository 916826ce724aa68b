/**
 * The one vocabulary of Campaign.status.
 *
 *   draft ─► scheduled ─► sending ─► sent
 *                │           │ ▲
 *                │           ▼ │
 *                │         paused
 *                └──────────┴────► cancelled   (from draft, scheduled, sending or paused)
 *
 * The text and audience can change only in draft and scheduled: from the
 * moment the outbox rows are planned ("sending") the campaign is fixed.
 */
export const CAMPAIGN_STATUSES = ["draft", "scheduled", "sending", "paused", "sent", "cancelled"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

const KNOWN: ReadonlySet<string> = new Set(CAMPAIGN_STATUSES);

export function readCampaignStatus(stored: string): CampaignStatus {
  if (!KNOWN.has(stored)) throw new Error(`Unknown campaign status "${stored}"`);
  return stored as CampaignStatus;
}

/** Whether the merchant may still edit the text, audience and schedule. */
export function isEditable(status: CampaignStatus): boolean {
  return status === "draft" || status === "scheduled";
}
