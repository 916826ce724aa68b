import { describe, expect, it } from "vitest";
import { orderFactsFrom, refundFactsFrom } from "./order-facts";

const now = new Date("2026-11-27T12:00:00Z");

describe("orderFactsFrom", () => {
  it("reads the order id, total, currency, time, customer and phone, and nothing else", () => {
    const result = orderFactsFrom(
      {
        id: 5734001001,
        created_at: "2026-11-20T10:15:00-05:00",
        currency: "USD",
        total_price: "48.10",
        phone: null,
        customer: { id: 7100000001, admin_graphql_api_id: "gid://shopify/Customer/7100000001", phone: "+12015550123", first_name: "Ada" },
        shipping_address: { phone: "+12015550999", address1: "1 Main St" },
        line_items: [{ price: "48.10" }],
      },
      now,
    );
    expect(result).toEqual({
      ok: true,
      facts: {
        shopifyOrderId: "5734001001",
        totalMinor: 4810,
        currency: "USD",
        placedAt: new Date("2026-11-20T15:15:00Z"),
        shopifyCustomerId: "gid://shopify/Customer/7100000001",
        phone: "+12015550123",
      },
    });
  });

  it("takes a guest's phone from the order or its billing address (never the shipping address: a gift's recipient), and the customer id from its number", () => {
    expect(orderFactsFrom({ id: "11", currency: "USD", total_price: "1.00", shipping_address: { phone: "+12015550999" } }, now)).toMatchObject({ ok: true, facts: { phone: null } });
    const guest = orderFactsFrom({ id: "12", currency: "JPY", total_price: "1500", billing_address: { phone: " +819012345678 " } }, now);
    expect(guest).toMatchObject({ ok: true, facts: { shopifyCustomerId: null, phone: "+819012345678", totalMinor: 1500, placedAt: now } });
    const numbered = orderFactsFrom({ id: 12, currency: "KWD", total_price: "3.250", customer: { id: 55 }, phone: "+96550000000" }, now);
    expect(numbered).toMatchObject({ ok: true, facts: { shopifyCustomerId: "gid://shopify/Customer/55", phone: "+96550000000", totalMinor: 3250 } });
  });

  it("refuses a payload without an exact total", () => {
    expect(orderFactsFrom({ id: 1, currency: "USD", total_price: "48.105" }, now)).toMatchObject({ ok: false, reason: expect.stringContaining("not an exact amount") });
    expect(orderFactsFrom({ id: 1, currency: "USD" }, now)).toMatchObject({ ok: false, reason: expect.stringContaining("total_price") });
    expect(orderFactsFrom({ hello: "world" }, now)).toMatchObject({ ok: false });
  });
});

describe("refundFactsFrom", () => {
  it("counts the refund transactions that succeeded, and only those", () => {
    const result = refundFactsFrom({
      id: 929361462,
      order_id: 450789469,
      created_at: "2026-11-21T10:00:00-05:00",
      refund_line_items: [{ quantity: 1, subtotal: 199.0, total_tax: 3.98 }],
      transactions: [
        { id: 1, kind: "refund", status: "success", amount: "41.94", currency: "USD" },
        { id: 2, kind: "refund", status: "success", amount: "10.00", currency: "USD" },
        { id: 3, kind: "refund", status: "failure", amount: "5.00", currency: "USD" },
        { id: 4, kind: "refund", status: "pending", amount: "7.00", currency: "USD" },
        { id: 5, kind: "sale", status: "success", amount: "99.00", currency: "USD" },
        { id: 6, kind: "refund", status: "success", amount: "1.234", currency: "USD" },
      ],
    });
    expect(result).toEqual({
      ok: true,
      facts: {
        shopifyRefundId: "929361462",
        shopifyOrderId: "450789469",
        refunded: [
          { amountMinor: 4194, currency: "USD" },
          { amountMinor: 1000, currency: "USD" },
        ],
        unreadable: 1,
      },
    });
  });

  it("reads a refund with no money (items restocked only) as nothing refunded", () => {
    expect(refundFactsFrom({ id: 1, order_id: 2, transactions: [] })).toMatchObject({ ok: true, facts: { refunded: [], unreadable: 0 } });
    expect(refundFactsFrom({ id: 1 })).toMatchObject({ ok: false, reason: expect.stringContaining("order_id") });
  });
});
