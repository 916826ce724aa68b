/**
 * Every consent change made here is queued for Shopify's customer record
 * (customerSmsMarketingConsentUpdate), in the same transaction as the change,
 * so it cannot be lost even if Shopify is down. Changes that came from Shopify
 * itself are not sent back: that is what keeps the two from echoing forever.
 */
import type { ConsentEvent, Subscriber } from "@prisma/client";
import type { DbTx } from "../db.server";

export type ShopifyMarketingState = "SUBSCRIBED" | "UNSUBSCRIBED" | "PENDING" | "NOT_SUBSCRIBED";
export type ShopifyOptInLevel = "SINGLE_OPT_IN" | "CONFIRMED_OPT_IN" | "UNKNOWN";

export function shopifyConsentOf(subscriber: Pick<Subscriber, "status" | "optInLevel">): {
  marketingState: ShopifyMarketingState;
  optInLevel: ShopifyOptInLevel;
} {
  const optInLevel: ShopifyOptInLevel =
    subscriber.optInLevel === "confirmed" ? "CONFIRMED_OPT_IN" : subscriber.optInLevel === "single" ? "SINGLE_OPT_IN" : "UNKNOWN";
  switch (subscriber.status) {
    case "subscribed":
      return { marketingState: "SUBSCRIBED", optInLevel };
    case "unsubscribed":
      return { marketingState: "UNSUBSCRIBED", optInLevel };
    case "pending":
      return { marketingState: "PENDING", optInLevel: "CONFIRMED_OPT_IN" };
    default:
      return { marketingState: "NOT_SUBSCRIBED", optInLevel: "UNKNOWN" };
  }
}

export async function queueShopifyConsentSync(tx: DbTx, subscriber: Subscriber, event: ConsentEvent): Promise<void> {
  if (event.source === "shopify_sync") return;
  await tx.shopifySyncJob.create({
    data: {
      shop: subscriber.shop,
      subscriberId: subscriber.id,
      consentEventSeq: event.seq,
      phone: subscriber.phone,
      shopifyCustomerId: subscriber.shopifyCustomerId,
      ...shopifyConsentOf(subscriber),
      consentUpdatedAt: event.occurredAt,
    },
  });
}
