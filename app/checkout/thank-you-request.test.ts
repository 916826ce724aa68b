import { describe, expect, it } from "vitest";
import { clientIpOf, customerIdOfToken, parseThankYouConsent, rateLimitClientOf, shopOfTokenDest } from "./thank-you-request";

const AT = "2026-11-20T15:20:00.000Z";
const CHECKOUT_TOKEN = "a3f9c2e17b4d4e0c9f8a6b5d4c3e2f10";

describe("parseThankYouConsent", () => {
  it("reads a grant as the extension sends it", () => {
    const parsed = parseThankYouConsent({
      orderId: "gid://shopify/OrderIdentity/5001",
      checkoutToken: CHECKOUT_TOKEN,
      status: "granted",
      phone: "+12015550123",
      disclosureVersionId: "cl123",
      disclosureLocale: "ES",
      at: AT,
    });
    expect(parsed).toEqual({
      ok: true,
      orderId: "gid://shopify/Order/5001",
      checkoutToken: CHECKOUT_TOKEN,
      at: AT,
      answer: { status: "granted", phone: "+12015550123", disclosureVersionId: "cl123", disclosureLocale: "es", consentAt: new Date(AT) },
    });
  });

  it("reads a withdrawal, which needs no number", () => {
    expect(parseThankYouConsent({ orderId: "gid://shopify/Order/5001", checkoutToken: CHECKOUT_TOKEN, status: "withdrawn", at: AT })).toMatchObject({
      ok: true,
      answer: { status: "withdrawn", phone: null },
    });
  });

  it.each([
    [undefined, "body"],
    [{ orderId: "5001", status: "granted", phone: "+12015550123", disclosureVersionId: "v", at: AT }, "orderId"],
    [{ orderId: "gid://shopify/Order/1", status: "maybe", at: AT }, 'status must be "granted" or "withdrawn"'],
    [{ orderId: "gid://shopify/Order/1", status: "granted", disclosureVersionId: "v", at: AT }, "phone is required"],
    [{ orderId: "gid://shopify/Order/1", status: "granted", phone: "+12015550123", at: AT }, "disclosureVersionId is required"],
    [{ orderId: "gid://shopify/Order/1", checkoutToken: CHECKOUT_TOKEN, status: "withdrawn", at: "yesterday" }, "at must be an ISO 8601 time"],
    [{ orderId: "gid://shopify/Order/1", status: "withdrawn", at: AT }, "checkoutToken is required"],
    [{ orderId: "gid://shopify/Order/1", checkoutToken: "a b", status: "withdrawn", at: AT }, "checkoutToken must be the checkout's token"],
  ])("refuses %j (%s)", (body, fragment) => {
    const parsed = parseThankYouConsent(body);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toContain(fragment);
  });
});

describe("session token and request details", () => {
  it("takes the shop from dest, with or without a scheme", () => {
    expect(shopOfTokenDest("https://Acme.myshopify.com")).toBe("acme.myshopify.com");
    expect(shopOfTokenDest("acme.myshopify.com")).toBe("acme.myshopify.com");
    expect(shopOfTokenDest("")).toBeNull();
    expect(shopOfTokenDest(undefined)).toBeNull();
    expect(shopOfTokenDest("https://")).toBeNull();
  });

  it("keeps the customer id only when it is one", () => {
    expect(customerIdOfToken("gid://shopify/Customer/7")).toBe("gid://shopify/Customer/7");
    expect(customerIdOfToken("1")).toBeNull();
    expect(customerIdOfToken(undefined)).toBeNull();
  });

  it("reads the client IP the proxy forwarded", () => {
    expect(clientIpOf(new Headers({ "X-Forwarded-For": "198.51.100.4, 10.0.0.1" }))).toBe("198.51.100.4");
    expect(clientIpOf(new Headers({ "X-Real-IP": "2001:db8::2" }))).toBe("2001:db8::2");
    expect(clientIpOf(new Headers({ "X-Forwarded-For": "unknown" }))).toBeNull();
    expect(clientIpOf(new Headers())).toBeNull();
  });

  it("counts the address the server passes, never the client's own header, for rate limits", () => {
    const forged = new Headers({ "X-Forwarded-For": "198.51.100.4" });
    expect(rateLimitClientOf({ clientAddress: "203.0.113.8" }, forged)).toBe("203.0.113.8");
    expect(rateLimitClientOf({ clientAddress: null }, forged)).toBeNull();
    // Only a server that passes no address at all (npm run dev) leaves the reported one.
    expect(rateLimitClientOf({}, forged)).toBe("198.51.100.4");
  });
});
