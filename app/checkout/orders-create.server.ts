/**
 * orders/create: the consent the shopper gave at the contact step arrives with
 * the order (note_attributes). Idempotent twice over, in the transaction that
 * does the work: on the delivery (X-Shopify-Webhook-Id, as Shopify retries)
 * and on the order (Shopify can deliver one order under two webhook ids).
 * Every delivery is recorded as processed, with or without consent in it; the
 * payload itself is never stored. Every order also moves its customer's
 * subscriber rows' lastOrderAt and firstName, which campaigns read, and is
 * recorded with the campaign it is credited to (app/attribution/orders.server.ts).
 */
import { orderFactsFrom } from "../attribution/order-facts";
import { recordOrder } from "../attribution/orders.server";
import type { DbTx } from "../db.server";
import { claimKey, inIdempotentTransaction } from "../webhooks/idempotency.server";
import { recordCheckoutConsent, type CheckoutConsentResult } from "./checkout-consent.server";
import { parseOrdersCreate, type OrderFacts, type ParsedOrder } from "./order-consent";
import { orderKeyOf, ORDERS_CREATE_TOPIC } from "./processed-keys.server";

export type OrdersCreateOutcome =
  | { status: "duplicate_webhook" }
  | { status: "duplicate_order" }
  | { status: "not_an_order"; reason: string }
  | { status: "no_consent" }
  | { status: "handled"; consent: CheckoutConsentResult };

// Shopify waits 5 s for the answer; on SQLite a transaction may queue behind others first.
const TRANSACTION_OPTIONS = { maxWait: 5_000, timeout: 10_000 };

export async function handleOrdersCreate(
  shop: string,
  webhookId: string,
  payload: unknown,
  options: { now?: Date; log?: (line: string) => void } = {},
): Promise<OrdersCreateOutcome> {
  const now = options.now ?? new Date();
  const log = options.log ?? ((line: string) => console.warn(line));
  const parsed = parseOrdersCreate(payload);
  const orderFacts = orderFactsFrom(payload, now);

  // A concurrent duplicate fails on a key's insert and rolls back whole; once
  // more, it finds the keys the other delivery committed and stops there.
  return inIdempotentTransaction(async (tx): Promise<OrdersCreateOutcome> => {
    if (!(await claimKey(tx, { key: webhookId, shop, topic: ORDERS_CREATE_TOPIC }, now))) return { status: "duplicate_webhook" };
    if (!parsed.ok) {
      log(`orders/create ${webhookId} (shop ${shop}) ignored: ${parsed.reason}`);
      return { status: "not_an_order", reason: parsed.reason };
    }
    const outcome = await handleConsent(tx, shop, parsed, { now, log });
    const consentSubscriberId = outcome.status === "handled" && "subscriberId" in outcome.consent ? outcome.consent.subscriberId : null;
    // After the consent: a buyer who subscribed with this very order is this order's subscriber.
    if (!orderFacts.ok) log(`orders/create for ${parsed.order.orderId} (shop ${shop}) not recorded for attribution: ${orderFacts.reason}`);
    const recorded = orderFacts.ok ? await recordOrder(shop, orderFacts.facts, { tx }) : null;
    const buyers = [consentSubscriberId, recorded?.subscriberId ?? null].filter((id): id is string => id !== null);
    await noteOrderOnSubscribers(tx, shop, parsed.order, buyers, now);
    return outcome;
  }, TRANSACTION_OPTIONS);
}

async function handleConsent(
  tx: DbTx,
  shop: string,
  parsed: Extract<ParsedOrder, { ok: true }>,
  { now, log }: { now: Date; log: (line: string) => void },
): Promise<OrdersCreateOutcome> {
  if (!parsed.answer) {
    if (parsed.problem) log(`orders/create for ${parsed.order.orderId} (shop ${shop}): ${parsed.problem}`);
    return { status: "no_consent" };
  }
  const orderKey = { key: orderKeyOf(shop, parsed.order.orderId), shop, topic: ORDERS_CREATE_TOPIC };
  if (!(await claimKey(tx, orderKey, now))) return { status: "duplicate_order" };

  const { orderId, createdAt, ip, userAgent, shopifyCustomerId } = parsed.order;
  const consent = await recordCheckoutConsent(
    shop,
    { ...parsed.answer, orderId, orderCreatedAt: createdAt, ip, userAgent, shopifyCustomerId, channel: "contact_step" },
    { tx, now, log },
  );
  return { status: "handled", consent };
}

/**
 * The order's customer ordered (campaign audiences: "ordered in the last N
 * days") and has this first name ({first_name} in campaign texts). Matched by
 * Shopify customer id, by the subscriber this order's consent is about (a
 * guest checkout has no customer id), and by the one the order was recorded
 * for (found by its phone too). Only a newer order moves them, so a
 * late or repeated delivery of an older order changes nothing.
 */
async function noteOrderOnSubscribers(tx: DbTx, shop: string, order: OrderFacts, subscriberIds: string[], now: Date): Promise<void> {
  const whose = [
    ...(order.shopifyCustomerId ? [{ shopifyCustomerId: order.shopifyCustomerId }] : []),
    ...(subscriberIds.length > 0 ? [{ id: { in: subscriberIds } }] : []),
  ];
  if (whose.length === 0) return;
  const placedAt = order.createdAt ?? now;
  await tx.subscriber.updateMany({
    where: { shop, OR: whose, AND: [{ OR: [{ lastOrderAt: null }, { lastOrderAt: { lt: placedAt } }] }] },
    data: { lastOrderAt: placedAt, ...(order.customerFirstName ? { firstName: order.customerFirstName } : {}) },
  });
}
