/**
 * Shopify retries a webhook until it gets a 2xx, under the same
 * X-Shopify-Webhook-Id. The delivery's ProcessedWebhook row is inserted first
 * in the transaction that does the work, so the work and the mark commit
 * together: a retry (or a concurrent duplicate, which waits on the key and then
 * fails) changes nothing.
 */
import prisma, { type DbTx } from "../db.server";
import { isUniqueViolation } from "../db/sql.server";

export type OnceResult<T> = { replayed: true } | { replayed: false; result: T };

const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 60_000 };

export async function oncePerWebhook<T>(
  delivery: { webhookId: string; shop: string; topic: string },
  work: (tx: DbTx) => Promise<T>,
  now: Date = new Date(),
): Promise<OnceResult<T>> {
  if (await alreadyProcessed(delivery.webhookId)) return { replayed: true };
  try {
    const result = await prisma.$transaction(async (tx) => {
      await tx.processedWebhook.create({
        data: { webhookId: delivery.webhookId, shop: delivery.shop, topic: delivery.topic, processedAt: now },
      });
      return work(tx);
    }, TRANSACTION_OPTIONS);
    return { replayed: false, result };
  } catch (error) {
    if (isUniqueViolation(error) && (await alreadyProcessed(delivery.webhookId))) return { replayed: true };
    throw error;
  }
}

async function alreadyProcessed(webhookId: string): Promise<boolean> {
  return (await prisma.processedWebhook.findUnique({ where: { webhookId }, select: { webhookId: true } })) !== null;
}
