/**
 * Absurd money through signed webhooks, on both databases. Order.totalMinor,
 * Order.refundedMinor and OrderRefund.amountMinor are Int columns: a 32-bit
 * INTEGER on PostgreSQL, so an order over 21,474,836.47 USD (2^31 − 1 cents)
 * cannot be stored there. Such an order must not take the checkout consent
 * that came with it down with it (the delivery failing would roll the
 * consent back, and every retry of Shopify's would fail the same way), and
 * a refund must never take more off an order than the order was worth.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import prisma from "../../app/db.server";
import { action as ordersCreate } from "../../app/routes/webhooks.orders.create";
import { action as refundsCreate } from "../../app/routes/webhooks.refunds.create";
import { shopWithDisclosure } from "../support/checkout-fixture";
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

const PHONE = "+12015550177";
let nextOrderId = 5_990_000_000;

function orderPayload(total: string | number, versionId?: string) {
  const id = nextOrderId++;
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    created_at: "2026-11-20T10:15:00-05:00",
    currency: "USD",
    total_price: total,
    customer: { id: 7_300_000_001, admin_graphql_api_id: "gid://shopify/Customer/7300000001", first_name: "Ada" },
    note_attributes: versionId
      ? [
          { name: "_sms_consent_phone", value: PHONE },
          { name: "_sms_disclosure_version", value: versionId },
          { name: "_sms_disclosure_locale", value: "en" },
          { name: "_sms_consent_at", value: "2026-11-20T15:14:02.431Z" },
          { name: "_sms_consent", value: "granted" },
        ]
      : [],
  };
}

function refundPayload(orderId: number, refundId: number, amounts: string[]) {
  return {
    id: refundId,
    order_id: orderId,
    transactions: amounts.map((amount, index) => ({ id: refundId * 10 + index, kind: "refund", status: "success", amount, currency: "USD" })),
  };
}

const orderDelivery = (shop: string, payload: unknown) => shopifyWebhookRequest({ path: "/webhooks/orders/create", topic: "orders/create", shop, payload });
const refundDelivery = (shop: string, payload: unknown) => shopifyWebhookRequest({ path: "/webhooks/refunds/create", topic: "refunds/create", shop, payload });

describe("order totals a 32-bit column cannot hold", () => {
  it.each(["21474836.48", "99999999.99", "90071992547409.91"])(
    "an order of %s USD keeps the checkout consent that came with it, and is left out of attribution with the reason logged",
    async (total) => {
      const { shop, versionId } = await shopWithDisclosure();
      const payload = orderPayload(total, versionId);

      expect((await call(ordersCreate, orderDelivery(shop, payload))).status).toBe(200);

      expect(await prisma.subscriber.findUniqueOrThrow({ where: { shop_phone: { shop, phone: PHONE } } })).toMatchObject({
        status: "subscribed",
        lastOrderAt: new Date("2026-11-20T15:15:00Z"),
      });
      expect(await prisma.order.count({ where: { shop } })).toBe(0);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining("not recorded for attribution"));
    },
  );

  it("the largest total the column holds, 21,474,836.47 USD, is recorded to the cent", async () => {
    const { shop } = await shopWithDisclosure();
    const payload = orderPayload("21474836.47");
    expect((await call(ordersCreate, orderDelivery(shop, payload))).status).toBe(200);
    expect(await prisma.order.findFirstOrThrow({ where: { shop } })).toMatchObject({ totalMinor: 2_147_483_647, currency: "USD" });
  });

  it.each([1e308, Number.NaN, "1e308", "NaN", "-5.00", "12345678901234567890"])("a total of %s is not an amount: consent kept, no order", async (total) => {
    const { shop, versionId } = await shopWithDisclosure();
    expect((await call(ordersCreate, orderDelivery(shop, orderPayload(total, versionId)))).status).toBe(200);
    expect(await prisma.subscriber.count({ where: { shop, phone: PHONE, status: "subscribed" } })).toBe(1);
    expect(await prisma.order.count({ where: { shop } })).toBe(0);
  });
});

describe("refunds larger than their order", () => {
  it("takes at most the order's total off it, however much the refunds add up to", async () => {
    const { shop } = await shopWithDisclosure();
    const payload = orderPayload("48.10");
    await call(ordersCreate, orderDelivery(shop, payload));

    expect((await call(refundsCreate, refundDelivery(shop, refundPayload(payload.id, 901, ["40.00"])))).status).toBe(200);
    expect((await call(refundsCreate, refundDelivery(shop, refundPayload(payload.id, 902, ["40.00"])))).status).toBe(200);
    const order = await prisma.order.findFirstOrThrow({ where: { shop } });
    expect(order).toMatchObject({ totalMinor: 4810, refundedMinor: 4810 });
    expect((await prisma.orderRefund.findMany({ where: { shop }, orderBy: { shopifyRefundId: "asc" } })).map((refund) => refund.amountMinor)).toEqual([
      4000, 810,
    ]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("more than was left of order"));
  });

  it("a refund of billions on a large order is answered 200 and stops at the order's total", async () => {
    const { shop } = await shopWithDisclosure();
    const payload = orderPayload("21474836.47");
    await call(ordersCreate, orderDelivery(shop, payload));

    const response = await call(refundsCreate, refundDelivery(shop, refundPayload(payload.id, 903, ["21474836.47", "99999999999.99"])));

    expect(response.status).toBe(200);
    expect(await prisma.order.findFirstOrThrow({ where: { shop } })).toMatchObject({ totalMinor: 2_147_483_647, refundedMinor: 2_147_483_647 });
    expect(await prisma.orderRefund.findFirstOrThrow({ where: { shop } })).toMatchObject({ amountMinor: 2_147_483_647 });
  });

  it("two refunds arriving together never take more than the order's total", async () => {
    const { shop } = await shopWithDisclosure();
    const payload = orderPayload("100.00");
    await call(ordersCreate, orderDelivery(shop, payload));

    const answers = await Promise.all(
      [911, 912, 913].map((refundId) => call(refundsCreate, refundDelivery(shop, refundPayload(payload.id, refundId, ["60.00"])))),
    );

    expect(answers.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(await prisma.order.findFirstOrThrow({ where: { shop } })).toMatchObject({ totalMinor: 10_000, refundedMinor: 10_000 });
  });
});
