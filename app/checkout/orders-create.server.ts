/**
 * orders/create: the consent the shopper gave at the contact step arrives with
 * the order (note_attributes). Idempotent twice over, in the transaction that
 * does the work: on the delivery (X-Shopify-Webhook-Id, as Shopify retries)
 * and on the order (Shopify can deliver one order under two webhook ids).
 * Every delivery is recorded as processed, with or without consent in it; the
 * payload itself is never stored.
 */
import { claimKey, inIdempotentTransaction } from "../webhooks/idempotency.server";
import { recordCheckoutConsent, type CheckoutConsentResult } from "./checkout-consent.server";
import { parseOrdersCreate } from "./order-consent";
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

  // A concurrent duplicate fails on a key's insert and rolls back whole; once
  // more, it finds the keys the other delivery committed and stops there.
  return inIdempotentTransaction(async (tx): Promise<OrdersCreateOutcome> => {
    if (!(await claimKey(tx, { key: webhookId, shop, topic: ORDERS_CREATE_TOPIC }, now))) return { status: "duplicate_webhook" };
    if (!parsed.ok) {
      log(`orders/create ${webhookId} (shop ${shop}) ignored: ${parsed.reason}`);
      return { status: "not_an_order", reason: parsed.reason };
    }
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
  }, TRANSACTION_OPTIONS);
}
