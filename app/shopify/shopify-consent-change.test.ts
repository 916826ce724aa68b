import { describe, expect, it } from "vitest";
import { decideShopifyConsentChange, isOlderThan, marketingConsentWebhookSchema, type MarketingConsentWebhook } from "./shopify-consent-change";

const payload = (state: string, level: string | null = "single_opt_in", phone: string | null = "+16135551111"): MarketingConsentWebhook =>
  marketingConsentWebhookSchema.parse({
    id: 706405506930370000,
    phone,
    sms_marketing_consent: { state, opt_in_level: level, consent_updated_at: "2026-11-23T10:15:30-05:00", consent_collected_from: "OTHER" },
  });
const single = { webhookId: "w-1", doubleOptIn: false };
const double = { webhookId: "w-1", doubleOptIn: true };

describe("decideShopifyConsentChange", () => {
  it("turns an unsubscribe into an opt-out with the webhook as evidence", () => {
    expect(decideShopifyConsentChange(payload("unsubscribed"), double)).toEqual({
      apply: true,
      action: "opt_out",
      phone: "+16135551111",
      shopifyCustomerId: "gid://shopify/Customer/706405506930370000",
      consentUpdatedAt: new Date("2026-11-23T15:15:30Z"),
      evidence: {
        webhookId: "w-1",
        customerId: "gid://shopify/Customer/706405506930370000",
        state: "unsubscribed",
        optInLevel: "single_opt_in",
        consentUpdatedAt: "2026-11-23T10:15:30-05:00",
        collectedFrom: "OTHER",
      },
    });
  });

  it("turns a subscription into an opt-in at Shopify's level, unless the shop requires a confirmation Shopify does not have", () => {
    expect(decideShopifyConsentChange(payload("subscribed", "confirmed_opt_in"), double)).toMatchObject({ apply: true, action: "opt_in", optInLevel: "confirmed" });
    expect(decideShopifyConsentChange(payload("subscribed", "single_opt_in"), single)).toMatchObject({ apply: true, action: "opt_in", optInLevel: "single" });
    expect(decideShopifyConsentChange(payload("subscribed", "unknown"), single)).toMatchObject({ apply: true, action: "opt_in", optInLevel: "single" });
    expect(decideShopifyConsentChange(payload("subscribed", "single_opt_in"), double)).toMatchObject({ apply: false });
    expect(decideShopifyConsentChange(payload("subscribed", null), double)).toMatchObject({ apply: false });
  });

  it.each(["pending", "not_subscribed", "redacted", "something_new"])("records nothing for %s", (state) => {
    expect(decideShopifyConsentChange(payload(state), single)).toMatchObject({ apply: false });
  });

  it("needs a phone number we could have texted", () => {
    expect(decideShopifyConsentChange(payload("unsubscribed", null, null), single)).toEqual({ apply: false, reason: "the customer has no usable phone number" });
    expect(decideShopifyConsentChange(payload("unsubscribed", null, "12"), single)).toMatchObject({ apply: false });
    expect(decideShopifyConsentChange(payload("unsubscribed", null, " +44 7700 900123 "), single)).toMatchObject({ apply: true, phone: "+447700900123" });
  });

  it("accepts a payload without a consent time or consent object", () => {
    const noTime = marketingConsentWebhookSchema.parse({ id: "5", phone: "+16135551111", sms_marketing_consent: { state: "unsubscribed", consent_updated_at: null } });
    expect(decideShopifyConsentChange(noTime, single)).toMatchObject({ apply: true, consentUpdatedAt: null });
    const noConsent = marketingConsentWebhookSchema.parse({ id: 5, phone: "+16135551111", sms_marketing_consent: null });
    expect(decideShopifyConsentChange(noConsent, single)).toMatchObject({ apply: false });
    expect(marketingConsentWebhookSchema.safeParse({ id: 5, sms_marketing_consent: { state: "subscribed", consent_updated_at: "yesterday" } }).success).toBe(false);
  });
});

describe("isOlderThan", () => {
  it("compares at Shopify's precision of whole seconds", () => {
    const ours = new Date("2026-11-23T10:00:00.700Z");
    expect(isOlderThan(new Date("2026-11-23T10:00:00Z"), ours)).toBe(false); // our own change, echoed
    expect(isOlderThan(new Date("2026-11-23T09:59:59Z"), ours)).toBe(true);
    expect(isOlderThan(new Date("2026-11-23T10:00:01Z"), ours)).toBe(false);
  });
});
