/**
 * What a `customers_marketing_consent/update` webhook (a change to a
 * customer's SMS consent made in Shopify) means for our ledger. Pure: the
 * caller checks the signature, idempotency and ordering, then applies the
 * decision through the consent engine with source "shopify_sync".
 *
 *   unsubscribed    → opt_out. Always honoured: a withdrawal recorded anywhere is a withdrawal.
 *   subscribed      → opt_in (the engine still refuses it for a number that opted out with us:
 *                     only that person's own new act can undo their STOP). When the shop requires
 *                     double opt-in, only Shopify's CONFIRMED_OPT_IN counts; a single or unknown
 *                     opt-in is not recorded (the person has not confirmed as the merchant requires).
 *   pending         → nothing: no consent yet (and it is what our own pending requests look like
 *                     when Shopify echoes them back).
 *   not_subscribed  → nothing: Shopify holds no consent, which is not a withdrawal by the person;
 *                     our own proof of consent, or its absence, stands.
 *   redacted        → nothing: erasure is handled by the customers/redact webhook, and recording
 *                     an event here would write the number back into the ledger.
 */
import { e164OrNull } from "../phone/phone-number";
import { z } from "zod";
import type { Evidence } from "../consent/ledger.server";

export const marketingConsentWebhookSchema = z.object({
  id: z.union([z.number().int(), z.string().regex(/^\d+$/)]),
  phone: z.string().nullish(),
  sms_marketing_consent: z
    .object({
      state: z.string(),
      opt_in_level: z.string().nullish(),
      consent_updated_at: z.string().datetime({ offset: true }).nullish(),
      consent_collected_from: z.string().nullish(),
    })
    .nullish(),
});
export type MarketingConsentWebhook = z.infer<typeof marketingConsentWebhookSchema>;

export type ShopifyConsentDecision =
  | {
      apply: true;
      action: "opt_in" | "opt_out";
      optInLevel?: "single" | "confirmed";
      phone: string; // E.164
      shopifyCustomerId: string;
      /** When the change happened in Shopify; null when Shopify did not say. */
      consentUpdatedAt: Date | null;
      evidence: Evidence;
    }
  | { apply: false; reason: string };

export function decideShopifyConsentChange(
  payload: MarketingConsentWebhook,
  context: { webhookId: string; doubleOptIn: boolean },
): ShopifyConsentDecision {
  const consent = payload.sms_marketing_consent;
  if (!consent) return { apply: false, reason: "the webhook carries no SMS consent" };
  // Shopify keeps phones in E.164; anything else is not a number we could have texted. Possible
  // rather than valid: a withdrawal must find the number we hold, whatever range it is in.
  const phone = e164OrNull(payload.phone, { strictness: "possible" });
  if (!phone) return { apply: false, reason: "the customer has no usable phone number" };

  const state = consent.state.toLowerCase();
  const level = consent.opt_in_level?.toLowerCase() ?? null;
  const base = {
    apply: true as const,
    phone,
    shopifyCustomerId: `gid://shopify/Customer/${payload.id}`,
    consentUpdatedAt: consent.consent_updated_at ? new Date(consent.consent_updated_at) : null,
    evidence: {
      webhookId: context.webhookId,
      customerId: `gid://shopify/Customer/${payload.id}`,
      state,
      optInLevel: level,
      consentUpdatedAt: consent.consent_updated_at ?? null,
      collectedFrom: consent.consent_collected_from ?? null,
    },
  };
  switch (state) {
    case "unsubscribed":
      return { ...base, action: "opt_out" };
    case "subscribed":
      if (level === "confirmed_opt_in") return { ...base, action: "opt_in", optInLevel: "confirmed" };
      if (context.doubleOptIn) return { apply: false, reason: "the shop requires double opt-in and Shopify's consent is not a confirmed opt-in" };
      return { ...base, action: "opt_in", optInLevel: "single" };
    case "pending":
      return { apply: false, reason: "a pending opt-in is not consent yet" };
    case "not_subscribed":
      return { apply: false, reason: "Shopify holds no consent, which is not a withdrawal" };
    case "redacted":
      return { apply: false, reason: "the customer's data was redacted (handled by customers/redact)" };
    default:
      return { apply: false, reason: `unknown SMS consent state "${consent.state}"` };
  }
}

/** Shopify's times have whole seconds: compare ours at that precision, or our own change would look newer than its echo. */
export function isOlderThan(shopifyTime: Date, ours: Date): boolean {
  return shopifyTime.getTime() < Math.floor(ours.getTime() / 1000) * 1000;
}
