/**
 * Orders and refunds, as attribution needs them: the minimal facts of each
 * order (order-facts.ts), the subscriber it belongs to, and the one campaign
 * it is credited to (attribution.ts), decided once when the order arrives and
 * never again: a later click cannot reach back and claim an order.
 *
 * Two indexed lookups decide it, each returning at most one row:
 * - the latest click within the click window: LinkClick(subscriberId, clickedAt);
 * - the latest campaign text delivered within the delivery window:
 *   Message(subscriberId, kind, sentAt), bounded by sentAt ≤ the order (a text
 *   is delivered after it is sent). That range holds the buyer's marketing
 *   texts up to the order, which the frequency caps keep to a handful a month,
 *   so deliveredAt needs no index of its own (one would cost a write on every
 *   delivery report, to speed up a read of a few dozen index entries).
 *
 * Idempotent: Order is unique on (shop, shopifyOrderId) and OrderRefund on
 * (shop, shopifyRefundId); an order or refund seen before changes nothing. A
 * concurrent duplicate fails on the unique key and its transaction runs again
 * (inIdempotentTransaction), when it finds the first one's row.
 */
import { sqlOf, type DbTx } from "../db.server";
import type { MessageStatus } from "../messaging/message-status";
import { e164OrNull } from "../phone/phone-number";
import { inIdempotentTransaction } from "../webhooks/idempotency.server";
import { attributeOrder, attributionWindowStarts, DEFAULT_ATTRIBUTION_WINDOWS, type Attribution, type AttributionWindows } from "./attribution";
import type { OrderAttributionFacts, RefundFacts } from "./order-facts";

export type RecordOrderOutcome =
  | { status: "recorded"; orderId: string; subscriberId: string | null; attribution: Attribution }
  | { status: "duplicate"; orderId: string; subscriberId: string | null };

export type RecordRefundOutcome =
  | { status: "recorded"; shopifyOrderId: string; amountMinor: number; ignoredTransactions: number }
  | { status: "duplicate" }
  | { status: "unknown_order" };

// Shopify waits 5 s for a webhook's answer; on SQLite a transaction may queue behind others first.
const TRANSACTION_OPTIONS = { maxWait: 5_000, timeout: 10_000 };

/** Records an order once, with its subscriber and the campaign it is credited to. Pass `tx` to join the caller's transaction. */
export async function recordOrder(shop: string, facts: OrderAttributionFacts, options: { tx?: DbTx } = {}): Promise<RecordOrderOutcome> {
  const work = (tx: DbTx) => recordOrderIn(tx, shop, facts);
  return options.tx ? work(options.tx) : inIdempotentTransaction(work, TRANSACTION_OPTIONS);
}

async function recordOrderIn(tx: DbTx, shop: string, facts: OrderAttributionFacts): Promise<RecordOrderOutcome> {
  const existing = await tx.order.findUnique({
    where: { shop_shopifyOrderId: { shop, shopifyOrderId: facts.shopifyOrderId } },
    select: { id: true, subscriberId: true },
  });
  if (existing) return { status: "duplicate", orderId: existing.id, subscriberId: existing.subscriberId };

  const subscriberIds = await buyerSubscriberIds(tx, shop, facts);
  const windows = await windowsOf(tx, shop);
  const decided = subscriberIds.length > 0 ? await attribute(tx, shop, subscriberIds, facts.placedAt, windows) : { attribution: null, subscriberId: null };
  const subscriberId = decided.subscriberId ?? subscriberIds[0] ?? null;
  const order = await tx.order.create({
    data: {
      shop,
      shopifyOrderId: facts.shopifyOrderId,
      subscriberId,
      shopifyCustomerId: facts.shopifyCustomerId,
      totalMinor: facts.totalMinor,
      currency: facts.currency,
      placedAt: facts.placedAt,
      attributedCampaignId: decided.attribution?.campaignId ?? null,
      attribution: decided.attribution?.kind ?? null,
    },
    select: { id: true },
  });
  return { status: "recorded", orderId: order.id, subscriberId, attribution: decided.attribution };
}

/**
 * The buyer's subscriber rows: by Shopify customer id (one customer may have
 * subscribed more than one number), else by the order's phone in E.164. The
 * phone is matched as "possible", not "valid": it is compared with numbers we
 * hold, never texted on this account. Newest first.
 */
async function buyerSubscriberIds(tx: DbTx, shop: string, facts: OrderAttributionFacts): Promise<string[]> {
  if (facts.shopifyCustomerId) {
    const byCustomer = await tx.subscriber.findMany({
      where: { shop, shopifyCustomerId: facts.shopifyCustomerId },
      select: { id: true },
      orderBy: { createdAt: "desc" },
    });
    if (byCustomer.length > 0) return byCustomer.map((s) => s.id);
  }
  const phone = e164OrNull(facts.phone, { strictness: "possible" });
  if (!phone) return [];
  const byPhone = await tx.subscriber.findUnique({ where: { shop_phone: { shop, phone } }, select: { id: true } });
  return byPhone ? [byPhone.id] : [];
}

async function windowsOf(tx: DbTx, shop: string): Promise<AttributionWindows> {
  const settings = await tx.shop.findUnique({ where: { shop }, select: { clickWindowDays: true, deliveryWindowHours: true } });
  return settings ?? DEFAULT_ATTRIBUTION_WINDOWS;
}

/** The two lookups, then the rule itself (which checks the windows again: the SQL only narrows). */
async function attribute(
  tx: DbTx,
  shop: string,
  subscriberIds: string[],
  placedAt: Date,
  windows: AttributionWindows,
): Promise<{ attribution: Attribution; subscriberId: string | null }> {
  const { clicksFrom, deliveriesFrom } = attributionWindowStarts(placedAt, windows);
  const click = await tx.linkClick.findFirst({
    where: { shop, subscriberId: { in: subscriberIds }, campaignId: { not: null }, clickedAt: { gte: clicksFrom, lte: placedAt } },
    orderBy: [{ clickedAt: "desc" }, { campaignId: "desc" }],
    select: { campaignId: true, subscriberId: true, clickedAt: true },
  });
  const delivery = click
    ? null
    : await tx.message.findFirst({
        where: {
          shop,
          subscriberId: { in: subscriberIds },
          kind: "marketing",
          sentAt: { lte: placedAt },
          status: "delivered" satisfies MessageStatus,
          campaignId: { not: null },
          deliveredAt: { gte: deliveriesFrom, lte: placedAt },
        },
        orderBy: [{ deliveredAt: "desc" }, { campaignId: "desc" }],
        select: { campaignId: true, subscriberId: true, deliveredAt: true },
      });
  const attribution = attributeOrder(
    { placedAt },
    {
      clicks: click?.campaignId ? [{ campaignId: click.campaignId, clickedAt: click.clickedAt }] : [],
      deliveries: delivery?.campaignId && delivery.deliveredAt ? [{ campaignId: delivery.campaignId, deliveredAt: delivery.deliveredAt }] : [],
    },
    windows,
  );
  const subscriberId = attribution?.kind === "click" ? click?.subscriberId : attribution?.kind === "delivery" ? delivery?.subscriberId : null;
  return { attribution, subscriberId: subscriberId ?? null };
}

/**
 * Takes a refund's money off its order, once per refund. A refund of an order
 * we never recorded (placed before the app was installed, or before orders
 * were recorded) is ignored: there is no revenue of ours to reduce, and an
 * error would only make Shopify retry it for two days. Money in a currency
 * other than the order's is not added (it cannot be converted exactly) and is
 * reported as ignored.
 */
export async function recordRefund(
  shop: string,
  refund: RefundFacts,
  options: { tx?: DbTx; log?: (line: string) => void } = {},
): Promise<RecordRefundOutcome> {
  const log = options.log ?? ((line: string) => console.warn(line));
  const work = (tx: DbTx) => recordRefundIn(tx, shop, refund, log);
  return options.tx ? work(options.tx) : inIdempotentTransaction(work, TRANSACTION_OPTIONS);
}

async function recordRefundIn(tx: DbTx, shop: string, refund: RefundFacts, log: (line: string) => void): Promise<RecordRefundOutcome> {
  const order = await tx.order.findUnique({
    where: { shop_shopifyOrderId: { shop, shopifyOrderId: refund.shopifyOrderId } },
    select: { id: true, currency: true, totalMinor: true, refundedMinor: true },
  });
  if (!order) return { status: "unknown_order" };
  const seen = await tx.orderRefund.findUnique({
    where: { shop_shopifyRefundId: { shop, shopifyRefundId: refund.shopifyRefundId } },
    select: { shopifyRefundId: true },
  });
  if (seen) return { status: "duplicate" };

  const inOrderCurrency = refund.refunded.filter((money) => money.currency === order.currency);
  const refundedMinor = inOrderCurrency.reduce((sum, money) => sum + money.amountMinor, 0);
  const ignoredTransactions = refund.refunded.length - inOrderCurrency.length + refund.unreadable;
  if (ignoredTransactions > 0) {
    log(`refunds/create ${refund.shopifyRefundId} (shop ${shop}): ${ignoredTransactions} transaction(s) not in ${order.currency} or unreadable, not counted`);
  }
  // Revenue never goes below nothing: what an order's refunds take off it stops at its total (a refund
  // larger than what is left would make a campaign's revenue negative, and overflow the Int columns).
  const left = Math.max(0, order.totalMinor - order.refundedMinor);
  const amountMinor = Math.min(refundedMinor, left);
  if (amountMinor < refundedMinor) {
    log(`refunds/create ${refund.shopifyRefundId} (shop ${shop}): ${refundedMinor} refunded, more than was left of order ${refund.shopifyOrderId} (${left}); counted ${amountMinor}`);
  }
  await tx.orderRefund.create({ data: { shop, shopifyRefundId: refund.shopifyRefundId, shopifyOrderId: refund.shopifyOrderId, amountMinor } });
  if (amountMinor > 0) await takeOffOrder(tx, order.id, amountMinor);
  return { status: "recorded", shopifyOrderId: refund.shopifyOrderId, amountMinor, ignoredTransactions };
}

/**
 * Adds a refund's money to the order's refunded total in one statement that
 * stops at the order's total, so refunds of one order committing at the same
 * time (each having read what was left before the other) cannot take more
 * than it was worth. The comparison subtracts rather than adds, so the
 * 32-bit arithmetic of PostgreSQL never overflows on the way.
 */
async function takeOffOrder(tx: DbTx, orderId: string, amountMinor: number): Promise<void> {
  await sqlOf(tx).run(
    `UPDATE "Order" SET "refundedMinor" = CASE WHEN ? > "totalMinor" - "refundedMinor" THEN "totalMinor" ELSE "refundedMinor" + ? END WHERE "id" = ?`,
    [amountMinor, amountMinor, orderId],
  );
}
