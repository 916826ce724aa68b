/**
 * ProcessedWebhook rows only make retried webhooks idempotent (by webhook id,
 * or by order for orders/create and the Thank-you block): nothing is proven
 * with them, the consent ledger and privacy requests keep their own records.
 * Shopify retries a delivery for up to 48 hours, so a month-old row can only
 * take up space. The worker prunes them.
 */
import prisma from "../db.server";

export const PROCESSED_WEBHOOK_RETENTION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Deletes the idempotency records older than the retention period. Returns how many. */
export async function pruneProcessedWebhooks(now: Date = new Date(), retentionDays = PROCESSED_WEBHOOK_RETENTION_DAYS): Promise<number> {
  const { count } = await prisma.processedWebhook.deleteMany({ where: { processedAt: { lt: new Date(now.getTime() - retentionDays * DAY_MS) } } });
  return count;
}
