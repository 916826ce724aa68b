import { randomBytes } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import prisma from "../db.server";
import { subscribe, testPhone } from "../../tests/support/campaign-fixture";
import { createTestShop } from "../../tests/support/shop-fixture";
import type { OrderAttributionFacts } from "./order-facts";
import { recordOrder, recordRefund } from "./orders.server";

const HOUR = 3_600_000;
const placedAt = new Date("2026-11-20T15:00:00.000Z");
const before = (ms: number) => new Date(placedAt.getTime() - ms);
let nextOrder = 1000;

async function buyer(options: { customerId?: string; phone?: string } = {}) {
  const { shop } = await createTestShop();
  const subscriber = await subscribe(shop, { phone: options.phone });
  const customerGid = `gid://shopify/Customer/${options.customerId ?? "7001"}`;
  await prisma.subscriber.update({ where: { id: subscriber.id }, data: { shopifyCustomerId: customerGid } });
  return { shop, subscriber, customerGid };
}

const campaign = (shop: string, name: string) => prisma.campaign.create({ data: { shop, name, body: `${name} text`, status: "sent" } });

async function click(shop: string, subscriberId: string, campaignId: string | null, clickedAt: Date) {
  const link = await prisma.trackedLink.create({ data: { shop, campaignId, subscriberId, code: randomBytes(6).toString("hex"), url: "https://acme.test/sale" } });
  return prisma.linkClick.create({ data: { shop, linkId: link.id, campaignId, subscriberId, clickedAt } });
}

function text(shop: string, subscriberId: string, campaignId: string | null, deliveredAt: Date | null, overrides: { status?: string; kind?: string } = {}) {
  return prisma.message.create({
    data: {
      shop,
      subscriberId,
      campaignId,
      phone: "+12125550000",
      body: "Acme: sale",
      kind: overrides.kind ?? "marketing",
      status: overrides.status ?? "delivered",
      sentAt: deliveredAt ? new Date(deliveredAt.getTime() - 5_000) : before(HOUR),
      deliveredAt,
    },
  });
}

function facts(overrides: Partial<OrderAttributionFacts> = {}): OrderAttributionFacts {
  nextOrder += 1;
  return { shopifyOrderId: String(nextOrder), totalMinor: 4810, currency: "USD", placedAt, shopifyCustomerId: "gid://shopify/Customer/7001", phone: null, ...overrides };
}

describe("recordOrder: attribution", () => {
  it("credits the campaign last clicked within 5 days, over an earlier click and a later delivery", async () => {
    const { shop, subscriber } = await buyer();
    const [early, late, delivered] = [await campaign(shop, "early"), await campaign(shop, "late"), await campaign(shop, "delivered")];
    await click(shop, subscriber.id, early.id, before(3 * 24 * HOUR));
    await click(shop, subscriber.id, late.id, before(2 * 24 * HOUR));
    await text(shop, subscriber.id, delivered.id, before(HOUR));

    const outcome = await recordOrder(shop, facts({ shopifyOrderId: "5734001001" }));

    expect(outcome).toMatchObject({ status: "recorded", subscriberId: subscriber.id, attribution: { campaignId: late.id, kind: "click" } });
    const order = await prisma.order.findUniqueOrThrow({ where: { shop_shopifyOrderId: { shop, shopifyOrderId: "5734001001" } } });
    expect(order).toMatchObject({
      subscriberId: subscriber.id,
      shopifyCustomerId: "gid://shopify/Customer/7001",
      totalMinor: 4810,
      currency: "USD",
      placedAt,
      refundedMinor: 0,
      attributedCampaignId: late.id,
      attribution: "click",
    });
  });

  it("counts a click exactly 5 days before the order; one a millisecond older falls through to the delivery", async () => {
    const { shop, subscriber } = await buyer();
    const clicked = await campaign(shop, "clicked");
    const delivered = await campaign(shop, "delivered");
    await click(shop, subscriber.id, clicked.id, before(120 * HOUR));
    await text(shop, subscriber.id, delivered.id, before(24 * HOUR));
    expect(await recordOrder(shop, facts())).toMatchObject({ attribution: { campaignId: clicked.id, kind: "click" } });

    const second = await buyer({ customerId: "7002" });
    const c2 = await campaign(second.shop, "clicked");
    const d2 = await campaign(second.shop, "delivered");
    await click(second.shop, second.subscriber.id, c2.id, before(120 * HOUR + 1));
    await text(second.shop, second.subscriber.id, d2.id, before(24 * HOUR));
    expect(await recordOrder(second.shop, facts({ shopifyCustomerId: second.customerGid }))).toMatchObject({
      attribution: { campaignId: d2.id, kind: "delivery", at: before(24 * HOUR) },
    });
  });

  it("credits nothing for a delivery a millisecond older than 24 hours, a click after the order, or texts that were not delivered", async () => {
    const { shop, subscriber } = await buyer();
    const c = await campaign(shop, "c");
    await text(shop, subscriber.id, c.id, before(24 * HOUR + 1));
    await click(shop, subscriber.id, c.id, new Date(placedAt.getTime() + 1));
    await text(shop, subscriber.id, (await campaign(shop, "sent")).id, null, { status: "sent" });
    await text(shop, subscriber.id, (await campaign(shop, "failed")).id, null, { status: "failed" });
    await text(shop, subscriber.id, null, before(HOUR), { kind: "transactional" }); // an order update, not a campaign
    await click(shop, subscriber.id, null, before(HOUR)); // a link from no campaign

    const outcome = await recordOrder(shop, facts({ shopifyOrderId: "77" }));
    expect(outcome).toMatchObject({ status: "recorded", subscriberId: subscriber.id, attribution: null });
    expect(await prisma.order.findFirstOrThrow({ where: { shop } })).toMatchObject({ attributedCampaignId: null, attribution: null });
  });

  it("applies the shop's own windows", async () => {
    const { shop, subscriber } = await buyer();
    await prisma.shop.update({ where: { shop }, data: { clickWindowDays: 1, deliveryWindowHours: 48 } });
    const clicked = await campaign(shop, "clicked");
    const delivered = await campaign(shop, "delivered");
    await click(shop, subscriber.id, clicked.id, before(25 * HOUR));
    await text(shop, subscriber.id, delivered.id, before(47 * HOUR));
    expect(await recordOrder(shop, facts())).toMatchObject({ attribution: { campaignId: delivered.id, kind: "delivery" } });
  });

  it("finds a guest buyer by phone in any international form, and a customer with two numbers by either", async () => {
    const phone = testPhone("201");
    const { shop, subscriber } = await buyer({ phone });
    const c = await campaign(shop, "c");
    await click(shop, subscriber.id, c.id, before(HOUR));
    const formatted = `+1 (${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`;
    expect(await recordOrder(shop, facts({ shopifyCustomerId: null, phone: formatted }))).toMatchObject({
      subscriberId: subscriber.id,
      attribution: { campaignId: c.id },
    });
    // A national number is not guessed at.
    expect(await recordOrder(shop, facts({ shopifyCustomerId: null, phone: phone.slice(2) }))).toMatchObject({ subscriberId: null, attribution: null });

    const other = await subscribe(shop);
    await prisma.subscriber.update({ where: { id: other.id }, data: { shopifyCustomerId: "gid://shopify/Customer/7001" } });
    const d = await campaign(shop, "d");
    await click(shop, other.id, d.id, before(HOUR / 2));
    expect(await recordOrder(shop, facts())).toMatchObject({ subscriberId: other.id, attribution: { campaignId: d.id, kind: "click" } });
  });

  it("records an order of nobody we know, credited to no campaign", async () => {
    const { shop } = await buyer();
    expect(await recordOrder(shop, facts({ shopifyCustomerId: "gid://shopify/Customer/1", phone: null }))).toMatchObject({ status: "recorded", subscriberId: null, attribution: null });
  });

  it("never reads another shop's clicks or texts", async () => {
    const phone = testPhone();
    const a = await buyer({ phone });
    const b = await buyer({ phone });
    const atB = await campaign(b.shop, "b");
    await click(b.shop, b.subscriber.id, atB.id, before(HOUR));
    await text(b.shop, b.subscriber.id, atB.id, before(HOUR));
    expect(await recordOrder(a.shop, facts())).toMatchObject({ subscriberId: a.subscriber.id, attribution: null });
  });
});

describe("recordOrder: once per order", () => {
  it("a repeated order changes nothing, even with other facts", async () => {
    const { shop, subscriber } = await buyer();
    const c = await campaign(shop, "c");
    await click(shop, subscriber.id, c.id, before(HOUR));
    const first = await recordOrder(shop, facts({ shopifyOrderId: "900" }));
    const rows = await prisma.order.findMany({ where: { shop } });

    await click(shop, subscriber.id, (await campaign(shop, "later")).id, before(1));
    const again = await recordOrder(shop, facts({ shopifyOrderId: "900", totalMinor: 1 }));
    expect(again).toEqual({ status: "duplicate", orderId: (first as { orderId: string }).orderId, subscriberId: subscriber.id });
    expect(await prisma.order.findMany({ where: { shop } })).toEqual(rows);
  });

  it("two deliveries of one order at the same time record it once", async () => {
    const { shop } = await buyer();
    const outcomes = await Promise.all([recordOrder(shop, facts({ shopifyOrderId: "901" })), recordOrder(shop, facts({ shopifyOrderId: "901" }))]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["duplicate", "recorded"]);
    expect(await prisma.order.count({ where: { shop } })).toBe(1);
  });
});

describe("recordRefund", () => {
  const refund = (id: string, orderId: string, refunded: { amountMinor: number; currency: string }[], unreadable = 0) => ({
    shopifyRefundId: id,
    shopifyOrderId: orderId,
    refunded,
    unreadable,
  });

  it("takes each refund's money off its order once", async () => {
    const { shop } = await buyer();
    await recordOrder(shop, facts({ shopifyOrderId: "500", totalMinor: 10_000 }));
    expect(await recordRefund(shop, refund("r1", "500", [{ amountMinor: 1999, currency: "USD" }, { amountMinor: 1, currency: "USD" }]))).toEqual({
      status: "recorded",
      shopifyOrderId: "500",
      amountMinor: 2000,
      ignoredTransactions: 0,
    });
    expect(await recordRefund(shop, refund("r1", "500", [{ amountMinor: 1999, currency: "USD" }]))).toEqual({ status: "duplicate" });
    await recordRefund(shop, refund("r2", "500", [{ amountMinor: 500, currency: "USD" }]));

    expect(await prisma.order.findFirstOrThrow({ where: { shop, shopifyOrderId: "500" } })).toMatchObject({ totalMinor: 10_000, refundedMinor: 2500 });
    expect((await prisma.orderRefund.findMany({ where: { shop }, orderBy: { shopifyRefundId: "asc" } })).map((r) => [r.shopifyRefundId, r.amountMinor])).toEqual([
      ["r1", 2000],
      ["r2", 500],
    ]);
  });

  it("counts no money in another currency or unreadable, and says so", async () => {
    const { shop } = await buyer();
    await recordOrder(shop, facts({ shopifyOrderId: "501" }));
    const log = vi.fn();
    expect(await recordRefund(shop, refund("r3", "501", [{ amountMinor: 700, currency: "USD" }, { amountMinor: 900, currency: "CAD" }], 1), { log })).toMatchObject({
      amountMinor: 700,
      ignoredTransactions: 2,
    });
    expect(log).toHaveBeenCalledWith(expect.stringContaining("2 transaction(s) not in USD or unreadable"));
    expect(await prisma.order.findFirstOrThrow({ where: { shop, shopifyOrderId: "501" } })).toMatchObject({ refundedMinor: 700 });
  });

  it("ignores a refund of an order it never recorded, without an error, and of another shop's order", async () => {
    const a = await buyer();
    const b = await buyer();
    await recordOrder(b.shop, facts({ shopifyOrderId: "502" }));
    expect(await recordRefund(a.shop, refund("r4", "502", [{ amountMinor: 100, currency: "USD" }]))).toEqual({ status: "unknown_order" });
    expect(await recordRefund(a.shop, refund("r5", "999999", [{ amountMinor: 100, currency: "USD" }]))).toEqual({ status: "unknown_order" });
    expect(await prisma.orderRefund.count({ where: { shop: { in: [a.shop, b.shop] } } })).toBe(0);
    expect(await prisma.order.findFirstOrThrow({ where: { shop: b.shop } })).toMatchObject({ refundedMinor: 0 });
  });

  it("two deliveries of one refund at the same time count it once", async () => {
    const { shop } = await buyer();
    await recordOrder(shop, facts({ shopifyOrderId: "503" }));
    const r = refund("r6", "503", [{ amountMinor: 1234, currency: "USD" }]);
    const outcomes = await Promise.all([recordRefund(shop, r), recordRefund(shop, r)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["duplicate", "recorded"]);
    expect(await prisma.order.findFirstOrThrow({ where: { shop } })).toMatchObject({ refundedMinor: 1234 });
  });
});
