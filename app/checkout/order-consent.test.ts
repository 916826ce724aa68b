import { describe, expect, it } from "vitest";
import { ATTRIBUTE } from "../../extensions/sms-consent-checkout/src/consent-state";
import { CONSENT_ATTRIBUTE, orderGid, parseOrdersCreate } from "./order-consent";

const UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";

function order(overrides: Record<string, unknown> = {}) {
  return {
    id: 5_734_000_001,
    admin_graphql_api_id: "gid://shopify/Order/5734000001",
    name: "#1001",
    created_at: "2026-11-20T10:15:00-05:00",
    browser_ip: "203.0.113.7",
    client_details: { accept_language: "en-US", browser_ip: "203.0.113.7", user_agent: UA, session_hash: null },
    customer: { id: 7_100_000_001, admin_graphql_api_id: "gid://shopify/Customer/7100000001", email: "ada@example.com", first_name: " Ada " },
    note_attributes: [
      { name: "gift_note", value: "Happy birthday" },
      { name: "_sms_consent_phone", value: "+12015550123" },
      { name: "_sms_disclosure_version", value: "cldisclosure1" },
      { name: "_sms_disclosure_locale", value: "FR-CA" },
      { name: "_sms_consent_at", value: "2026-11-20T15:14:02.000Z" },
      { name: "_sms_consent", value: "granted" },
    ],
    ...overrides,
  };
}

describe("parseOrdersCreate", () => {
  it("reads the extension's attributes and the order's evidence", () => {
    expect(parseOrdersCreate(order())).toEqual({
      ok: true,
      order: {
        orderId: "gid://shopify/Order/5734000001",
        createdAt: new Date("2026-11-20T15:15:00Z"),
        ip: "203.0.113.7",
        userAgent: UA,
        shopifyCustomerId: "gid://shopify/Customer/7100000001",
        customerFirstName: "Ada",
        customerLastName: null,
        customerEmail: "ada@example.com",
        region: null,
      },
      answer: {
        status: "granted",
        phone: "+12015550123",
        disclosureVersionId: "cldisclosure1",
        disclosureLocale: "fr-ca",
        consentAt: new Date("2026-11-20T15:14:02.000Z"),
      },
      problem: null,
    });
  });

  it("uses the same attribute keys as the checkout extension", () => {
    expect(CONSENT_ATTRIBUTE).toEqual(ATTRIBUTE);
  });

  it("finds no answer on an order without the consent attribute", () => {
    const parsed = parseOrdersCreate(order({ note_attributes: [{ name: "gift_note", value: "Hi" }] }));
    expect(parsed).toMatchObject({ ok: true, answer: null, problem: null });
    expect(parseOrdersCreate(order({ note_attributes: null }))).toMatchObject({ ok: true, answer: null });
  });

  it("reports an unknown consent value instead of guessing", () => {
    const parsed = parseOrdersCreate(order({ note_attributes: [{ name: "_sms_consent", value: "yes please" }] }));
    expect(parsed).toMatchObject({ ok: true, answer: null, problem: 'unrecognised _sms_consent value "yes please"' });
  });

  it("reads a withdrawal, which carries no number", () => {
    const parsed = parseOrdersCreate(
      order({ note_attributes: [{ name: "_sms_consent_at", value: "2026-11-20T15:14:02Z" }, { name: "_sms_consent", value: "withdrawn" }] }),
    );
    expect(parsed).toMatchObject({ ok: true, answer: { status: "withdrawn", phone: null, disclosureVersionId: null } });
  });

  it("copes with a guest checkout, no client details and ids given only as numbers", () => {
    const parsed = parseOrdersCreate(
      order({ admin_graphql_api_id: undefined, browser_ip: null, client_details: null, customer: null, created_at: "not a time" }),
    );
    expect(parsed).toMatchObject({
      ok: true,
      order: { orderId: "gid://shopify/Order/5734000001", createdAt: null, ip: null, userAgent: null, shopifyCustomerId: null, customerFirstName: null, customerLastName: null, customerEmail: null },
    });
    expect(parseOrdersCreate(order({ customer: { id: 42 } }))).toMatchObject({ order: { shopifyCustomerId: "gid://shopify/Customer/42" } });
  });

  it("keeps only a well-formed IP address", () => {
    expect(parseOrdersCreate(order({ browser_ip: "not-an-ip", client_details: { browser_ip: "2001:db8::1" } }))).toMatchObject({
      order: { ip: "2001:db8::1" },
    });
  });

  it("reads the buyer's state from the shipping address, else the billing address, else the customer's default address", () => {
    const florida = { address1: "1 Ocean Dr", city: "Miami", province: "Florida", province_code: "FL", country_code: "US", zip: "33139" };
    const texas = { province_code: "TX", country_code: "US" };
    const ontario = { province_code: "ON", country_code: "CA" };
    const regionOf = (overrides: Record<string, unknown>) => {
      const parsed = parseOrdersCreate(order(overrides));
      if (!parsed.ok) throw new Error(parsed.reason);
      return parsed.order.region;
    };
    expect(regionOf({ shipping_address: florida, billing_address: texas })).toBe("US-FL");
    expect(regionOf({ shipping_address: null, billing_address: texas })).toBe("US-TX");
    expect(regionOf({ customer: { id: 42, default_address: ontario } })).toBe("CA-ON");
    // An address that names no state of ours (abroad, no province, a bad code) gives way to the next one.
    expect(regionOf({ shipping_address: { country_code: "GB", province_code: null }, billing_address: texas })).toBe("US-TX");
    expect(regionOf({ shipping_address: { country_code: "US", province_code: "XX" }, customer: { id: 42, default_address: ontario } })).toBe("CA-ON");
    expect(regionOf({ shipping_address: { country_code: "US" }, billing_address: { province_code: "FL" } })).toBeNull();
    expect(regionOf({ shipping_address: { country_code: "DE", province_code: "BY" } })).toBeNull();
    expect(regionOf({})).toBeNull();
  });

  it("never loses the order's consent over an address it cannot read", () => {
    const parsed = parseOrdersCreate(order({ shipping_address: "1 Main St", billing_address: { country_code: 1, province_code: ["FL"] }, customer: { id: 42, default_address: 7 } }));
    expect(parsed).toMatchObject({ ok: true, order: { region: null, shopifyCustomerId: "gid://shopify/Customer/42" }, answer: { status: "granted" } });
  });

  it("refuses a payload that is not an order", () => {
    expect(parseOrdersCreate({ hello: "world" })).toMatchObject({ ok: false });
    expect(parseOrdersCreate(null)).toMatchObject({ ok: false });
  });
});

describe("orderGid", () => {
  it("normalises the Thank-you page's OrderIdentity ids to the Admin API's", () => {
    expect(orderGid("gid://shopify/OrderIdentity/42")).toBe("gid://shopify/Order/42");
    expect(orderGid("gid://shopify/Order/42")).toBe("gid://shopify/Order/42");
    expect(orderGid("gid://shopify/Customer/42")).toBeNull();
    expect(orderGid("42")).toBeNull();
  });
});
