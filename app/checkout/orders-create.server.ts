/**
 * orders/create: the consent the shopper gave at the contact step arrives with
 * the order (note_attributes). Idempotent twice over, in the transaction that
 * does the work: on the delivery (X-Shopify-Webhook-Id, as Shopify retries)
 * and on the order (Shopify can deliver one order under two webhook ids).
 * Every delivery is recorded as processed, with or without consent in it; the
 * payload itself is never stored.
 */
import prisma from "../db.server";
import { recordCheckoutConsent, type CheckoutConsentResult } from "./checkout-consent.server";
import { parseOrdersCreate } from "./order-consent";
import { isProcessed, markProcessed, orderKeyOf, ORDERS_CREATE_TOPIC } from "./processed-keys.server";
import { isUniqueViolation } from "../db/sql.server";

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
  for (let attempt = 1; ; attempt++) {
    try {
      return await prisma.$transaction(async (tx): Promise<OrdersCreateOutcome> => {
        if (await isProcessed(tx, webhookId)) return { status: "duplicate_webhook" };
        await markProcessed(tx, shop, webhookId, ORDERS_CREATE_TOPIC, now);
        if (!parsed.ok) {
          log(`orders/create ${webhookId} (shop ${shop}) ignored: ${parsed.reason}`);
          return { status: "not_an_order", reason: parsed.reason };
        }
        if (!parsed.answer) {
          if (parsed.problem) log(`orders/create for ${parsed.order.orderId} (shop ${shop}): ${parsed.problem}`);
          return { status: "no_consent" };
        }
        const orderKey = orderKeyOf(shop, parsed.order.orderId);
        if (await isProcessed(tx, orderKey)) return { status: "duplicate_order" };
        await markProcessed(tx, shop, orderKey, ORDERS_CREATE_TOPIC, now);

        const { orderId, createdAt, ip, userAgent, shopifyCustomerId } = parsed.order;
        const consent = await recordCheckoutConsent(
          shop,
          { ...parsed.answer, orderId, orderCreatedAt: createdAt, ip, userAgent, shopifyCustomerId, channel: "contact_step" },
          { tx, now, log },
        );
        return { status: "handled", consent };
      }, TRANSACTION_OPTIONS);
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 2) throw error;
    }
  }
}
