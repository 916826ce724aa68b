import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestShop } from "../../tests/support/shop-fixture";
import { nonAudience, subscribe, testPhone } from "../../tests/support/campaign-fixture";
import { applyConsentChange } from "../consent/consent-engine.server";
import { redactCustomer } from "../compliance/customer-redaction.server";
import prisma from "../db.server";
import { AudienceFilterSchema, type AudienceFilter } from "./audience";
import { countAudience, sampleRecipients } from "./audience.server";

const NOW = new Date("2026-11-27T15:00:00Z");
const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

const segment = (conditions: Omit<Extract<AudienceFilter, { kind: "segment" }>, "kind">): AudienceFilter =>
  AudienceFilterSchema.parse({ kind: "segment", ...conditions });

describe("countAudience", () => {
  let shop: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    shop = (await createTestShop({ timezone: "America/Los_Angeles" })).shop;
    const otherShop = (await createTestShop()).shop;
    ids.checkoutRecentOrder = (
      await subscribe(shop, { source: "checkout", locale: "en", subscribedAt: new Date("2026-10-15T12:00:00Z"), columns: { lastOrderAt: daysAgo(3), region: "US-FL" } })
    ).id;
    ids.keywordOldOrder = (
      await subscribe(shop, { source: "keyword", locale: "fr", subscribedAt: new Date("2026-11-10T12:00:00Z"), columns: { lastOrderAt: daysAgo(60), region: "US-CA" } })
    ).id;
    ids.formNoOrder = (await subscribe(shop, { source: "form", locale: "en", subscribedAt: new Date("2026-11-20T12:00:00Z") })).id;
    // Signed up at checkout with double opt-in (confirmed by a keyword reply): their consent source is still checkout.
    const confirmedPhone = testPhone();
    await applyConsentChange({ shop, phone: confirmedPhone, action: "request_opt_in", source: "checkout", evidence: { test: "double opt-in" }, occurredAt: new Date("2026-11-01T08:00:00Z") });
    ids.doubleOptIn = (await applyConsentChange({ shop, phone: confirmedPhone, action: "confirm", source: "keyword", evidence: { body: "Y" }, occurredAt: new Date("2026-11-01T08:05:00Z") })).subscriber!.id;
    // First imported, opted out, then re-subscribed by keyword: the latest consent is the keyword one.
    const returningPhone = testPhone();
    await applyConsentChange({ shop, phone: returningPhone, action: "opt_in", source: "import", evidence: { test: "import" }, occurredAt: new Date("2026-09-01T08:00:00Z") });
    await applyConsentChange({ shop, phone: returningPhone, action: "opt_out", source: "keyword", evidence: { body: "STOP" }, occurredAt: new Date("2026-09-02T08:00:00Z") });
    ids.returning = (await applyConsentChange({ shop, phone: returningPhone, action: "opt_in", source: "keyword", evidence: { body: "START" }, occurredAt: new Date("2026-09-03T08:00:00Z") })).subscriber.id;

    await nonAudience(shop);
    // Erased (customers/redact) while subscribed: consent ended, number replaced by a keyed hash.
    await applyConsentChange({ shop, phone: "+12125559901", action: "opt_in", source: "checkout", evidence: { test: "erased" }, shopifyCustomerId: "gid://shopify/Customer/9901" });
    const erasure = await redactCustomer(shop, randomUUID(), {
      shop_id: "1",
      shop_domain: shop,
      customer: { id: "9901", email: null, phone: null },
      orders_to_redact: [],
    });
    expect(erasure).toMatchObject({ replayed: false, result: { subscribers: 1 } });
    // Another shop's subscribers, matching every filter below.
    await subscribe(otherShop, { source: "checkout", locale: "en", columns: { lastOrderAt: daysAgo(1), region: "US-FL" } });
    await subscribe(otherShop, { source: "keyword", locale: "fr" });
  });

  it("counts only this shop's subscribed, reachable, unerased numbers", async () => {
    expect(await countAudience(shop, { kind: "all" }, NOW)).toBe(5);
    const sample = await sampleRecipients(shop, { kind: "all" }, 10, NOW);
    expect(sample.map((member) => member.id).sort()).toEqual(Object.values(ids).sort());
    expect(await prisma.subscriber.count({ where: { shop } })).toBe(5 + 4 + 1);
  });

  it("filters by the source of the consent each subscriber is subscribed on", async () => {
    expect(await countAudience(shop, segment({ sources: ["checkout"] }), NOW)).toBe(2); // the checkout one and the double opt-in
    expect(await sampleRecipients(shop, segment({ sources: ["checkout"] }), 10, NOW)).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: ids.checkoutRecentOrder }), expect.objectContaining({ id: ids.doubleOptIn })]),
    );
    expect(await countAudience(shop, segment({ sources: ["keyword"] }), NOW)).toBe(2); // the keyword one and the returning one
    expect(await countAudience(shop, segment({ sources: ["import"] }), NOW)).toBe(0);
    expect(await countAudience(shop, segment({ sources: ["form", "import", "keyword"] }), NOW)).toBe(3);
  });

  it("filters by locale and region", async () => {
    expect(await countAudience(shop, segment({ locales: ["fr"] }), NOW)).toBe(1);
    expect(await countAudience(shop, segment({ locales: ["EN"] }), NOW)).toBe(2);
    expect(await countAudience(shop, segment({ regions: ["us-fl", "US-TX"] }), NOW)).toBe(1);
  });

  it("filters by the day of subscription, in the shop's time zone", async () => {
    // 2026-10-15T12:00Z is 05:00 on 15 October in Los Angeles.
    expect(await countAudience(shop, segment({ subscribedAfter: "2026-10-15" }), NOW)).toBe(4);
    expect(await countAudience(shop, segment({ subscribedAfter: "2026-10-16" }), NOW)).toBe(3);
    expect(await countAudience(shop, segment({ subscribedBefore: "2026-10-15" }), NOW)).toBe(1); // the returning one, in September
    expect(await countAudience(shop, segment({ subscribedAfter: "2026-11-01", subscribedBefore: "2026-11-15" }), NOW)).toBe(2);
  });

  it("filters by recent orders, and their absence", async () => {
    expect(await countAudience(shop, segment({ ordered: { withinDays: 30, did: true } }), NOW)).toBe(1);
    expect(await countAudience(shop, segment({ ordered: { withinDays: 90, did: true } }), NOW)).toBe(2);
    expect(await countAudience(shop, segment({ ordered: { withinDays: 30, did: false } }), NOW)).toBe(4);
    expect(await countAudience(shop, segment({ ordered: { withinDays: 30, did: true }, sources: ["keyword"] }), NOW)).toBe(0);
  });

  it("filters by clicks on tracked links", async () => {
    expect(await countAudience(shop, segment({ clicked: { withinDays: 7 } }), NOW)).toBe(0);
    const link = await prisma.trackedLink.create({ data: { shop, code: `c${Date.now()}`, url: "https://acme.test/sale" } });
    await prisma.linkClick.create({ data: { shop, linkId: link.id, subscriberId: ids.formNoOrder, clickedAt: daysAgo(2) } });
    await prisma.linkClick.create({ data: { shop, linkId: link.id, subscriberId: ids.keywordOldOrder, clickedAt: daysAgo(20) } });
    expect(await countAudience(shop, segment({ clicked: { withinDays: 7 } }), NOW)).toBe(1);
    expect(await countAudience(shop, segment({ clicked: { withinDays: 30 } }), NOW)).toBe(2);
  });
});
