/**
 * refunds/create: a refund's money comes off the revenue of the order it
 * belongs to (recordRefund), once per delivery (X-Shopify-Webhook-Id) and
 * once per refund (OrderRefund), in one transaction. Nothing of the payload
 * is kept but the refund's id, its order's id and the amount.
 */
import { oncePerWebhook } from "../webhooks/idempotency.server";
import type { RefundFacts } from "./order-facts";
import { recordRefund, type RecordRefundOutcome } from "./orders.server";

export const REFUNDS_CREATE_TOPIC = "refunds/create";

export type RefundsCreateOutcome = { status: "duplicate_webhook" } | RecordRefundOutcome;

// Shopify waits 5 s for the answer; on SQLite a transaction may queue behind others first.
const TRANSACTION_OPTIONS = { maxWait: 5_000, timeout: 10_000 };

export async function handleRefundsCreate(
  shop: string,
  webhookId: string,
  refund: RefundFacts,
  options: { now?: Date; log?: (line: string) => void } = {},
): Promise<RefundsCreateOutcome> {
  const log = options.log ?? ((line: string) => console.warn(line));
  const once = await oncePerWebhook(
    { webhookId, shop, topic: REFUNDS_CREATE_TOPIC },
    (tx) => recordRefund(shop, refund, { tx, log }),
    options.now ?? new Date(),
    TRANSACTION_OPTIONS,
  );
  if (once.replayed) return { status: "duplicate_webhook" };
  if (once.result.status === "unknown_order") {
    log(`refunds/create ${refund.shopifyRefundId} (shop ${shop}): order ${refund.shopifyOrderId} was never recorded; nothing to reduce`);
  }
  return once.result;
}
