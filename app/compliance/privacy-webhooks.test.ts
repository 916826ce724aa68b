import { describe, expect, it } from "vitest";
import { customerIdentityOf, customerNumberOf, e164Of, exportFileName, orderEvidenceFragment, parsePrivacyWebhook } from "./privacy-webhooks";
import { canonicalJson } from "../consent/ledger.server";

const SHOP = "acme.myshopify.com";
const redactPayload = {
  shop_id: 954889,
  shop_domain: SHOP,
  customer: { id: 191167, email: "john@example.com", phone: "555-625-1199" },
  orders_to_redact: [299938, 280263, 220458],
};

describe("parsePrivacyWebhook", () => {
  it("accepts Shopify's payloads, with ids as numbers or strings", () => {
    const parsed = parsePrivacyWebhook("customers/redact", { shop: SHOP, topic: "CUSTOMERS_REDACT", payload: redactPayload });
    expect(parsed).toEqual({
      ok: true,
      payload: { ...redactPayload, shop_id: "954889", customer: { ...redactPayload.customer, id: "191167" }, orders_to_redact: ["299938", "280263", "220458"] },
    });
    const request = parsePrivacyWebhook("customers/data_request", {
      shop: SHOP,
      topic: "customers/data_request",
      payload: { shop_id: "1", shop_domain: SHOP, customer: { id: "2", email: null, phone: null }, orders_requested: [], data_request: { id: 9999 } },
    });
    expect(request.ok && request.payload.data_request?.id).toBe("9999");
    expect(parsePrivacyWebhook("shop/redact", { shop: SHOP, topic: "SHOP_REDACT", payload: { shop_id: 1, shop_domain: SHOP } }).ok).toBe(true);
  });

  it("refuses another topic than the endpoint's", () => {
    expect(parsePrivacyWebhook("shop/redact", { shop: SHOP, topic: "CUSTOMERS_REDACT", payload: redactPayload })).toEqual({
      ok: false,
      reason: "this endpoint handles shop/redact, not CUSTOMERS_REDACT",
    });
  });

  it("refuses a body that names another shop than the delivery's header", () => {
    const parsed = parsePrivacyWebhook("customers/redact", { shop: "other.myshopify.com", topic: "CUSTOMERS_REDACT", payload: redactPayload });
    expect(parsed).toEqual({ ok: false, reason: "shop_domain does not match the shop the webhook was sent for" });
  });

  it("says what is wrong with a malformed payload", () => {
    const parsed = parsePrivacyWebhook("customers/redact", { shop: SHOP, topic: "CUSTOMERS_REDACT", payload: { shop_domain: SHOP } });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toBe("shop_id: Invalid input; customer: Required");
  });
});

describe("customerIdentityOf", () => {
  it("matches the customer in both id forms, the phone in E.164 and the orders as gids", () => {
    expect(customerIdentityOf({ customer: { id: "191167", phone: "+1 (415) 555-0123" }, orderIds: ["299938", "299938", "1"] })).toEqual({
      customerGid: "gid://shopify/Customer/191167",
      customerIds: ["191167", "gid://shopify/Customer/191167"],
      phone: "+14155550123",
      orderIds: ["gid://shopify/Order/299938", "gid://shopify/Order/1"],
    });
  });

  it("has nothing to match by when the request names nothing", () => {
    expect(customerIdentityOf({ customer: { id: null, phone: null } })).toEqual({ customerGid: null, customerIds: [], phone: null, orderIds: [] });
  });
});

describe("e164Of", () => {
  it("normalises international numbers in any notation", () => {
    expect(e164Of("+14155550123")).toBe("+14155550123");
    expect(e164Of(" +1 415-555-0123 ")).toBe("+14155550123");
    expect(e164Of("0033 6 12 34 56 78")).toBe("+33612345678");
    expect(e164Of("+44 7700 900123")).toBe("+447700900123");
  });

  it("does not guess a country for a national number, nor accept what cannot be a number", () => {
    expect(e164Of("555-625-1199")).toBeNull();
    expect(e164Of("(415) 555-0123")).toBeNull();
    expect(e164Of("+1 23")).toBeNull();
    expect(e164Of("")).toBeNull();
    expect(e164Of(null)).toBeNull();
  });
});

describe("orderEvidenceFragment", () => {
  it("is exactly how canonical evidence JSON names the order", () => {
    const evidence = canonicalJson({ userAgent: "x", orderId: "gid://shopify/Order/299938", ip: "203.0.113.7" });
    expect(evidence).toContain(orderEvidenceFragment("gid://shopify/Order/299938"));
    expect(evidence).not.toContain(orderEvidenceFragment("gid://shopify/Order/29993"));
  });
});

describe("export file names", () => {
  it("name the customer as the merchant knows them, else the request", () => {
    const receivedAt = new Date("2026-11-04T10:00:00Z");
    expect(exportFileName({ id: "req1", shopifyCustomerId: "gid://shopify/Customer/7001", receivedAt })).toBe("customer-7001-data-2026-11-04.json");
    expect(exportFileName({ id: "req1", shopifyCustomerId: null, receivedAt })).toBe("customer-req1-data-2026-11-04.json");
    expect(customerNumberOf("gid://shopify/Customer/7001")).toBe("7001");
    expect(customerNumberOf(null)).toBeNull();
  });
});
