/**
 * `customers_marketing_consent/update`: a customer's SMS consent changed in
 * Shopify (the merchant edited the customer, another app, or Shopify echoing
 * our own customerSmsMarketingConsentUpdate back). The route has verified the
 * HMAC; this records the change in our ledger with source "shopify_sync".
 *
 * No echo loops, in three layers:
 * - a change with source "shopify_sync" never queues a sync job back to Shopify;
 * - an echo of our own update states what we already hold, so the consent
 *   engine finds nothing to change and writes nothing;
 * - a webhook older than our latest event for that number (Shopify does not
 *   promise delivery order) is ignored, so a late echo of an earlier state
 *   cannot undo a newer change.
 * Idempotent by X-Shopify-Webhook-Id (oncePerWebhook): the ProcessedWebhook row
 * is written in the same transaction as the change, so a retry of a delivery
 * that failed half-way is processed again and one that succeeded changes nothing.
 */
import type { ConsentEvent } from "@prisma/client";
import { applyConsentChange } from "../consent/consent-engine.server";
import type { DbTx } from "../db.server";
import { oncePerWebhook } from "../webhooks/idempotency.server";
import { decideShopifyConsentChange, isOlderThan, marketingConsentWebhookSchema } from "./shopify-consent-change";

export const MARKETING_CONSENT_TOPIC = "customers_marketing_consent/update";

export type MarketingConsentOutcome =
  | { outcome: "applied"; event: ConsentEvent; cancelledMessages: number }
  | { outcome: "unchanged" | "ignored" | "duplicate"; reason: string };

export async function handleMarketingConsentUpdate(input: {
  shop: string;
  webhookId: string;
  payload: unknown;
  receivedAt?: Date;
}): Promise<MarketingConsentOutcome> {
  const receivedAt = input.receivedAt ?? new Date();
  const once = await oncePerWebhook(
    { webhookId: input.webhookId, shop: input.shop, topic: MARKETING_CONSENT_TOPIC },
    (tx) => record(tx, input.shop, input.webhookId, input.payload, receivedAt),
    receivedAt,
  );
  return once.replayed ? { outcome: "duplicate", reason: "this webhook was already processed" } : once.result;
}

async function record(tx: DbTx, shop: string, webhookId: string, payload: unknown, receivedAt: Date): Promise<MarketingConsentOutcome> {
  const parsed = marketingConsentWebhookSchema.safeParse(payload);
  // Answered 200 all the same: Shopify would retry a malformed payload unchanged, for nothing.
  if (!parsed.success) return { outcome: "ignored", reason: `malformed payload: ${parsed.error.issues[0]?.message ?? "invalid"}` };

  const settings = await tx.shop.findUnique({ where: { shop }, select: { doubleOptIn: true } });
  const decision = decideShopifyConsentChange(parsed.data, { webhookId, doubleOptIn: settings?.doubleOptIn ?? true });
  if (!decision.apply) return { outcome: "ignored", reason: decision.reason };

  if (decision.consentUpdatedAt) {
    const latest = await latestEventOf(tx, shop, decision.phone);
    if (latest && isOlderThan(decision.consentUpdatedAt, latest.occurredAt)) {
      return { outcome: "ignored", reason: "older than our latest consent event for this number (delivered out of order)" };
    }
  }

  const result = await applyConsentChange(
    {
      shop,
      phone: decision.phone,
      action: decision.action,
      source: "shopify_sync",
      occurredAt: decision.consentUpdatedAt ?? receivedAt,
      evidence: decision.evidence,
      optInLevel: decision.optInLevel,
      shopifyCustomerId: decision.shopifyCustomerId,
    },
    tx,
  );
  if (!result.event) return { outcome: "unchanged", reason: result.transition.changed ? "no change" : result.transition.reason };
  return { outcome: "applied", event: result.event, cancelledMessages: result.cancelledMessages };
}

async function latestEventOf(tx: DbTx, shop: string, phone: string): Promise<ConsentEvent | null> {
  const subscriber = await tx.subscriber.findUnique({ where: { shop_phone: { shop, phone } }, select: { id: true } });
  if (!subscriber) return null;
  return tx.consentEvent.findFirst({ where: { shop, subscriberId: subscriber.id }, orderBy: { occurredAt: "desc" } });
}
