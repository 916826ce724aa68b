/**
 * The revenue loop through real, signed webhooks: a clicked campaign, then
 * orders/create (the order is recorded and credited to the campaign), then
 * refunds/create (its money comes off the order), each delivered again to
 * prove a retry changes nothing.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import prisma from "../../app/db.server";
import { action as ordersCreate } from "../../app/routes/webhooks.orders.create";
import { action as refundsCreate } from "../../app/routes/webhooks.refunds.create";
import { subscribe, testPhone } from "../support/campaign-fixture";
import { createTestShop } from "../support/shop-fixture";
import { shopifyWebhookRequest } from "../support/shopify-webhook";

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

type Action = typeof ordersCreate;
async function call(run: Action, request: Request): Promise<Response> {
  try {
    return await run({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const ORDER_ID = 5_734_001_001;
const CUSTOMER_ID = 7_100_000_001;

/** orders/create as Shopify sends it (trimmed): no consent attributes, a customer, a total in dollars. */
function orderPayload(options: { createdAt: string; customerId?: number | null; phone?: string | null; total?: string; currency?: string; id?: number }) {
  const id = options.id ?? ORDER_ID;
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    created_at: options.createdAt,
    currency: options.currency ?? "USD",
    total_price: options.total ?? "48.10",
    subtotal_price: "44.00",
    total_tax: "4.10",
    phone: options.phone ?? null,
    note_attributes: [],
    customer:
      options.customerId === null
        ? null
        : { id: options.customerId ?? CUSTOMER_ID, admin_graphql_api_id: `gid://shopify/Customer/${options.customerId ?? CUSTOMER_ID}`, first_name: "Ada" },
    line_items: [{ id: 14_000_000_001, title: "Rain shell", quantity: 1, price: "44.00" }],
  };
}

/** refunds/create as Shopify sends it (REST refund resource, trimmed). */
function refundPayload(options: { id: number; orderId?: number; transactions: { kind: string; status: string; amount: string; currency?: string }[] }) {
  return {
    id: options.id,
    order_id: options.orderId ?? ORDER_ID,
    created_at: "2026-11-22T09:00:00-05:00",
    note: "Wrong size",
    restock: true,
    user_id: 548380009,
    refund_line_items: [{ id: 1, line_item_id: 14_000_000_001, quantity: 1, subtotal: 44.0, total_tax: 4.1 }],
    transactions: options.transactions.map((t, index) => ({
      id: 389404469 + index,
      order_id: options.orderId ?? ORDER_ID,
      kind: t.kind,
      gateway: "bogus",
      status: t.status,
      amount: t.amount,
      currency: t.currency ?? "USD",
    })),
  };
}

const orderDelivery = (shop: string, payload: unknown, webhookId?: string) =>
  shopifyWebhookRequest({ path: "/webhooks/orders/create", topic: "orders/create", shop, payload, webhookId });
const refundDelivery = (shop: string, payload: unknown, options: { webhookId?: string; secret?: string } = {}) =>
  shopifyWebhookRequest({ path: "/webhooks/refunds/create", topic: "refunds/create", shop, payload, ...options });

async function shopWithClickedCampaign() {
  const { shop } = await createTestShop();
  const subscriber = await subscribe(shop);
  await prisma.subscriber.update({ where: { id: subscriber.id }, data: { shopifyCustomerId: `gid://shopify/Customer/${CUSTOMER_ID}` } });
  const campaign = await prisma.campaign.create({ data: { shop, name: "Black Friday", body: "Acme: 20% off", status: "sent" } });
  const link = await prisma.trackedLink.create({
    data: { shop, campaignId: campaign.id, subscriberId: subscriber.id, code: randomBytes(6).toString("hex"), url: "https://acme.test/sale" },
  });
  await prisma.linkClick.create({ data: { shop, linkId: link.id, campaignId: campaign.id, subscriberId: subscriber.id, clickedAt: new Date("2026-11-18T12:00:00Z") } });
  return { shop, subscriber, campaign };
}

const orderRow = (shop: string) => prisma.order.findUniqueOrThrow({ where: { shop_shopifyOrderId: { shop, shopifyOrderId: String(ORDER_ID) } } });

describe("orders/create then refunds/create, signed", () => {
  it("records the order credited to the clicked campaign, then takes each refund's money off it once", async () => {
    const { shop, subscriber, campaign } = await shopWithClickedCampaign();
    const orderWebhookId = randomUUID();
    expect((await call(ordersCreate, orderDelivery(shop, orderPayload({ createdAt: "2026-11-20T10:15:00-05:00" }), orderWebhookId))).status).toBe(200);

    expect(await orderRow(shop)).toMatchObject({
      subscriberId: subscriber.id,
      shopifyCustomerId: `gid://shopify/Customer/${CUSTOMER_ID}`,
      totalMinor: 4810,
      currency: "USD",
      placedAt: new Date("2026-11-20T15:15:00Z"),
      attributedCampaignId: campaign.id,
      attribution: "click",
      refundedMinor: 0,
    });
    expect(await prisma.subscriber.findUniqueOrThrow({ where: { id: subscriber.id } })).toMatchObject({
      lastOrderAt: new Date("2026-11-20T15:15:00Z"),
      firstName: "Ada",
    });

    // The same order again, under another webhook id: nothing changes.
    const recorded = await orderRow(shop);
    expect((await call(ordersCreate, orderDelivery(shop, orderPayload({ createdAt: "2026-11-20T10:15:00-05:00", total: "1.00" })))).status).toBe(200);
    expect(await orderRow(shop)).toEqual(recorded);

    // A partial refund: only the refund transaction that succeeded is money returned.
    const refundWebhookId = randomUUID();
    const refund = refundPayload({
      id: 929361462,
      transactions: [
        { kind: "refund", status: "success", amount: "10.05" },
        { kind: "refund", status: "failure", amount: "10.05" },
      ],
    });
    expect((await call(refundsCreate, refundDelivery(shop, refund, { webhookId: refundWebhookId }))).status).toBe(200);
    expect(await orderRow(shop)).toMatchObject({ totalMinor: 4810, refundedMinor: 1005, attributedCampaignId: campaign.id });

    // Retried with the same webhook id, and the same refund under a new id: counted once.
    expect((await call(refundsCreate, refundDelivery(shop, refund, { webhookId: refundWebhookId }))).status).toBe(200);
    expect((await call(refundsCreate, refundDelivery(shop, refund))).status).toBe(200);
    expect(await orderRow(shop)).toMatchObject({ refundedMinor: 1005 });

    // A second refund adds up.
    await call(refundsCreate, refundDelivery(shop, refundPayload({ id: 929361463, transactions: [{ kind: "refund", status: "success", amount: "38.05" }] })));
    expect(await orderRow(shop)).toMatchObject({ refundedMinor: 4810 });
    expect((await prisma.orderRefund.findMany({ where: { shop }, orderBy: { shopifyRefundId: "asc" } })).map((r) => [r.shopifyRefundId, r.shopifyOrderId, r.amountMinor])).toEqual([
      ["929361462", String(ORDER_ID), 1005],
      ["929361463", String(ORDER_ID), 3805],
    ]);
    expect(await prisma.processedWebhook.findUniqueOrThrow({ where: { webhookId: refundWebhookId } })).toMatchObject({ shop, topic: "refunds/create" });
  });

  it("credits the campaign delivered within 24 hours to a guest found by the order's phone, and notes the order on them", async () => {
    const { shop } = await createTestShop();
    const phone = testPhone("201");
    const subscriber = await subscribe(shop, { phone });
    const campaign = await prisma.campaign.create({ data: { shop, name: "Restock", body: "Acme: back in stock", status: "sent" } });
    await prisma.message.create({
      data: {
        shop,
        subscriberId: subscriber.id,
        campaignId: campaign.id,
        phone,
        body: "Acme: back in stock",
        kind: "marketing",
        status: "delivered",
        sentAt: new Date("2026-11-20T12:00:00Z"),
        deliveredAt: new Date("2026-11-20T12:00:04Z"),
      },
    });
    const payload = orderPayload({ id: 5_734_009_999, createdAt: "2026-11-21T12:00:04Z", customerId: null, phone: `+1 ${phone.slice(2, 5)}-${phone.slice(5, 8)}-${phone.slice(8)}`, total: "1500", currency: "JPY" });
    expect((await call(ordersCreate, orderDelivery(shop, payload))).status).toBe(200);

    expect(await prisma.order.findFirstOrThrow({ where: { shop } })).toMatchObject({
      subscriberId: subscriber.id,
      shopifyCustomerId: null,
      totalMinor: 1500,
      currency: "JPY",
      attributedCampaignId: campaign.id,
      attribution: "delivery",
    });
    expect(await prisma.subscriber.findUniqueOrThrow({ where: { id: subscriber.id } })).toMatchObject({ lastOrderAt: new Date("2026-11-21T12:00:04Z") });
  });

  it("answers 200 to a refund of an order it never recorded, and keeps nothing of it", async () => {
    const { shop } = await createTestShop();
    const webhookId = randomUUID();
    const refund = refundPayload({ id: 1, orderId: 424242, transactions: [{ kind: "refund", status: "success", amount: "5.00" }] });
    expect((await call(refundsCreate, refundDelivery(shop, refund, { webhookId }))).status).toBe(200);
    expect(await prisma.orderRefund.count({ where: { shop } })).toBe(0);
    expect(await prisma.processedWebhook.findMany({ where: { shop } })).toMatchObject([{ webhookId, topic: "refunds/create", outcome: "processed" }]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("order 424242 was never recorded"));
  });

  it("rejects a bad HMAC and writes nothing", async () => {
    const { shop } = await shopWithClickedCampaign();
    await call(ordersCreate, orderDelivery(shop, orderPayload({ createdAt: "2026-11-20T10:15:00-05:00" })));
    const before = await orderRow(shop);
    const processedBefore = await prisma.processedWebhook.count({ where: { shop } });
    const refund = refundPayload({ id: 77, transactions: [{ kind: "refund", status: "success", amount: "5.00" }] });
    expect((await call(refundsCreate, refundDelivery(shop, refund, { secret: "not-the-app-secret" }))).status).toBe(401);
    expect(await orderRow(shop)).toEqual(before);
    expect(await prisma.orderRefund.count({ where: { shop } })).toBe(0);
    expect(await prisma.processedWebhook.count({ where: { shop } })).toBe(processedBefore);
  });

  it("refuses a signed payload that is not a refund with 400, recorded as malformed", async () => {
    const { shop } = await createTestShop();
    const webhookId = randomUUID();
    const response = await call(refundsCreate, refundDelivery(shop, { id: 5 }, { webhookId }));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("order_id");
    expect(await prisma.processedWebhook.findUniqueOrThrow({ where: { webhookId } })).toMatchObject({ shop, outcome: "malformed" });
  });
});
