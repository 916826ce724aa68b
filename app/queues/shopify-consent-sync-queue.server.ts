/**
 * Every consent change made here is queued for Shopify's customer record
 * (customerSmsMarketingConsentUpdate), in the same transaction as the change,
 * so it cannot be lost even if Shopify is down. Changes that came from Shopify
 * itself are not sent back: that is what keeps the two from echoing forever.
 */
import { randomUUID } from "node:crypto";
import type { ConsentEvent, Subscriber } from "@prisma/client";
import { sqlOf, type DbTx } from "../db.server";
import type { Sql } from "../db/sql.server";

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

/** Plain SQL: this runs inside every consent change (see app/db/sql.server.ts). */
export async function queueShopifyConsentSync(tx: DbTx | Sql, subscriber: Subscriber, event: ConsentEvent): Promise<void> {
  if (event.source === "shopify_sync") return;
  const { marketingState, optInLevel } = shopifyConsentOf(subscriber);
  const now = new Date();
  await sqlOf(tx).defer(
    `INSERT INTO "ShopifySyncJob" ("id", "shop", "subscriberId", "consentEventSeq", "phone", "shopifyCustomerId", "marketingState",
       "optInLevel", "consentUpdatedAt", "status", "attempts", "nextAttemptAt", "createdAt", "updatedAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
    [
      randomUUID(), subscriber.shop, subscriber.id, event.seq, subscriber.phone, subscriber.shopifyCustomerId, marketingState,
      optInLevel, event.occurredAt, now, now, now,
    ],
  );
}
