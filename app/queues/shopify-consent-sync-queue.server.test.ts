import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import { createTestShop } from "../../tests/support/shop-fixture";
import { shopifyConsentOf } from "./shopify-consent-sync-queue.server";

describe("Shopify consent sync queue", () => {
  it("queues one job per consent change, in the change's transaction, mapped to Shopify's states", async () => {
    const { shop } = await createTestShop();
    const phone = "+15551231234";
    await applyConsentChange({ shop, phone, action: "request_opt_in", source: "checkout", evidence: { orderId: "1" }, shopifyCustomerId: "gid://shopify/Customer/7" });
    await applyConsentChange({ shop, phone, action: "confirm", source: "keyword", evidence: { body: "Y" } });
    await applyConsentChange({ shop, phone, action: "opt_out", source: "keyword", evidence: { body: "STOP" } });
    await applyConsentChange({ shop, phone, action: "opt_out", source: "keyword", evidence: { body: "STOP" } }); // no change, no job

    const jobs = await prisma.shopifySyncJob.findMany({ where: { shop }, orderBy: { consentEventSeq: "asc" } });
    expect(jobs.map((j) => [j.consentEventSeq, j.marketingState, j.optInLevel, j.shopifyCustomerId, j.status])).toEqual([
      [1, "PENDING", "CONFIRMED_OPT_IN", "gid://shopify/Customer/7", "pending"],
      [2, "SUBSCRIBED", "CONFIRMED_OPT_IN", "gid://shopify/Customer/7", "pending"],
      [3, "UNSUBSCRIBED", "CONFIRMED_OPT_IN", "gid://shopify/Customer/7", "pending"],
    ]);
  });

  it("does not echo a change that came from Shopify back to Shopify", async () => {
    const { shop } = await createTestShop();
    const result = await applyConsentChange({ shop, phone: "+15551231235", action: "opt_out", source: "shopify_sync", evidence: { webhookId: "w1" } });
    expect(result.event).not.toBeNull();
    expect(await prisma.shopifySyncJob.count({ where: { shop } })).toBe(0);
  });

  it("maps every status", () => {
    expect(shopifyConsentOf({ status: "subscribed", optInLevel: "single" })).toEqual({ marketingState: "SUBSCRIBED", optInLevel: "SINGLE_OPT_IN" });
    expect(shopifyConsentOf({ status: "expired", optInLevel: null })).toEqual({ marketingState: "NOT_SUBSCRIBED", optInLevel: "UNKNOWN" });
    expect(shopifyConsentOf({ status: "unsubscribed", optInLevel: null })).toEqual({ marketingState: "UNSUBSCRIBED", optInLevel: "UNKNOWN" });
  });
});
