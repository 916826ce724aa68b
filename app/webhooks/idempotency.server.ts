/**
 * Acting once on a request that may come again: Shopify retries a webhook
 * under the same X-Shopify-Webhook-Id until it gets a 2xx, and may deliver one
 * order twice under two ids; the Thank-you block may repeat its answer. Each
 * such request has a key, kept as a ProcessedWebhook row (its primary key is
 * unique across shops; its shop column lets shop/redact delete the keys).
 *
 * The key is written in the transaction that does the work, so the work and
 * the key commit together or not at all: work that fails leaves no key, and
 * the retry does it again. A concurrent duplicate finds no key (the first has
 * not committed yet), then fails on the key's insert (PostgreSQL makes it wait
 * for the first and then refuses the duplicate); its transaction rolls back
 * whole and runs once more, and this time it finds the key.
 */
import prisma, { type DbTx } from "../db.server";
import { isUniqueViolation } from "../db/sql.server";

export interface ProcessedKey {
  /** X-Shopify-Webhook-Id, or a prefixed key no webhook id (a UUID) can be. */
  key: string;
  shop: string;
  topic: string;
  /** What became of the request: "processed" (the default), or e.g. "malformed" for a delivery refused unread. */
  outcome?: string;
}

export type OnceResult<T> = { replayed: true } | { replayed: false; result: T };

export interface TransactionOptions {
  /** How long to wait for a connection (SQLite: for the one connection). */
  maxWait: number;
  /** How long the work may take. */
  timeout: number;
}

// Privacy work (an export, an erasure) can take a while for a customer with many texts.
const DEFAULT_TRANSACTION_OPTIONS: TransactionOptions = { maxWait: 10_000, timeout: 60_000 };

export async function isProcessed(tx: DbTx, key: string): Promise<boolean> {
  return (await tx.processedWebhook.findUnique({ where: { webhookId: key }, select: { webhookId: true } })) !== null;
}

export async function markProcessed(tx: DbTx, { key, shop, topic, outcome }: ProcessedKey, now: Date): Promise<void> {
  await tx.processedWebhook.create({ data: { webhookId: key, shop, topic, processedAt: now, ...(outcome ? { outcome } : {}) } });
}

/** Marks the key, unless it was marked before: true when this call claimed it. */
export async function claimKey(tx: DbTx, key: ProcessedKey, now: Date): Promise<boolean> {
  if (await isProcessed(tx, key.key)) return false;
  await markProcessed(tx, key, now);
  return true;
}

/**
 * Runs `work` in a transaction; a unique violation (a concurrent duplicate
 * that lost the race for a key, or for any other row the work creates) rolls
 * it back and runs it once more, when the winner's rows are visible.
 */
export async function inIdempotentTransaction<T>(
  work: (tx: DbTx) => Promise<T>,
  options: TransactionOptions = DEFAULT_TRANSACTION_OPTIONS,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await prisma.$transaction(work, options);
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 2) throw error;
    }
  }
}

/** One Shopify webhook delivery, acted on once: a retry of a delivery that committed is `replayed`. */
export async function oncePerWebhook<T>(
  delivery: { webhookId: string; shop: string; topic: string },
  work: (tx: DbTx) => Promise<T>,
  now: Date = new Date(),
  options?: TransactionOptions,
): Promise<OnceResult<T>> {
  return inIdempotentTransaction(async (tx): Promise<OnceResult<T>> => {
    const claimed = await claimKey(tx, { key: delivery.webhookId, shop: delivery.shop, topic: delivery.topic }, now);
    if (!claimed) return { replayed: true };
    return { replayed: false, result: await work(tx) };
  }, options);
}
