import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import { redactCustomer } from "../compliance/customer-redaction.server";
import { marketingRulesAtDispatch } from "../sending-rules/sending-rules.server";
import { shopWithDisclosure } from "../../tests/support/checkout-fixture";
import { handleOrdersCreate } from "./orders-create.server";

let nextOrderId = 5_900_000_000;

type Address = { country_code?: string | null; province_code?: string | null };
/** Shopify's address shape, with the parts nobody may keep (street, city, zip). */
const address = (country_code: string | null, province_code: string | null) => ({ address1: "1 Main St", city: "Springfield", zip: "00000", country_code, province_code });

function orderPayload(options: {
  createdAt: string;
  customerId?: number;
  firstName?: string;
  lastName?: string;
  email?: string;
  orderEmail?: string;
  consent?: { phone: string; versionId: string };
  shippingAddress?: Address;
  billingAddress?: Address;
  defaultAddress?: Address;
}) {
  const id = nextOrderId++;
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    created_at: options.createdAt,
    email: options.orderEmail ?? null,
    customer: options.customerId
      ? { id: options.customerId, first_name: options.firstName ?? null, last_name: options.lastName ?? null, email: options.email ?? null, default_address: options.defaultAddress ?? null }
      : null,
    shipping_address: options.shippingAddress ?? null,
    billing_address: options.billingAddress ?? null,
    note_attributes: options.consent
      ? [
          { name: "_sms_consent_phone", value: options.consent.phone },
          { name: "_sms_disclosure_version", value: options.consent.versionId },
          { name: "_sms_disclosure_locale", value: "en" },
          { name: "_sms_consent_at", value: options.createdAt },
          { name: "_sms_consent", value: "granted" },
        ]
      : [],
  };
}

const quiet = { log: () => {} };

describe("orders/create notes the order on the customer's subscriber", () => {
  it("sets lastOrderAt and firstName for an order without consent, matched by customer id; an older order changes nothing", async () => {
    const { shop } = await shopWithDisclosure();
    const { subscriber } = await applyConsentChange({
      shop,
      phone: "+12015550140",
      action: "opt_in",
      source: "admin",
      evidence: { staff: "test" },
      shopifyCustomerId: "gid://shopify/Customer/4400",
    });

    const newer = await handleOrdersCreate(shop, randomUUID(), orderPayload({ createdAt: "2026-11-20T10:00:00Z", customerId: 4400, firstName: "Grace" }), quiet);
    expect(newer).toEqual({ status: "no_consent" });
    expect(await prisma.subscriber.findUniqueOrThrow({ where: { id: subscriber.id } })).toMatchObject({
      lastOrderAt: new Date("2026-11-20T10:00:00Z"),
      firstName: "Grace",
    });

    // Delivered late: an order placed before the one we already know.
    await handleOrdersCreate(shop, randomUUID(), orderPayload({ createdAt: "2026-11-01T10:00:00Z", customerId: 4400, firstName: "Old" }), quiet);
    expect(await prisma.subscriber.findUniqueOrThrow({ where: { id: subscriber.id } })).toMatchObject({
      lastOrderAt: new Date("2026-11-20T10:00:00Z"),
      firstName: "Grace",
    });

    // Another customer's order touches nobody else.
    await handleOrdersCreate(shop, randomUUID(), orderPayload({ createdAt: "2026-11-25T10:00:00Z", customerId: 4401, firstName: "Other" }), quiet);
    expect(await prisma.subscriber.findUniqueOrThrow({ where: { id: subscriber.id } })).toMatchObject({ firstName: "Grace" });
  });

  it("a guest checkout that subscribes is noted on the subscriber it created", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    const phone = "+12015550141";
    const outcome = await handleOrdersCreate(shop, randomUUID(), orderPayload({ createdAt: "2026-11-21T09:30:00Z", consent: { phone, versionId } }), {
      ...quiet,
      now: new Date("2026-11-21T09:31:00Z"),
    });
    expect(outcome).toMatchObject({ status: "handled", consent: { ok: true, status: "subscribed" } });
    expect(await prisma.subscriber.findUniqueOrThrow({ where: { shop_phone: { shop, phone } } })).toMatchObject({
      lastOrderAt: new Date("2026-11-21T09:30:00Z"),
      firstName: null,
    });
  });
});

describe("orders/create keeps the customer's last name and e-mail, so staff can find the subscriber by them", () => {
  it("stores them on the customer's subscriber from the newest order, keeps them when an order lacks them, and ignores an older order", async () => {
    const { shop } = await shopWithDisclosure();
    const { subscriber } = await applyConsentChange({
      shop,
      phone: "+12015550150",
      action: "opt_in",
      source: "admin",
      evidence: { staff: "test" },
      shopifyCustomerId: "gid://shopify/Customer/4500",
    });
    const read = () => prisma.subscriber.findUniqueOrThrow({ where: { id: subscriber.id } });
    const payload = { createdAt: "2026-11-20T10:00:00Z", customerId: 4500, firstName: "Ada", lastName: "Lovelace", email: " Ada@Example.COM " };
    await handleOrdersCreate(shop, randomUUID(), orderPayload(payload), quiet);
    expect(await read()).toMatchObject({ firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" });

    // A newer order without a last name, with only the order's contact e-mail: the name stays, the e-mail follows the order.
    await handleOrdersCreate(shop, randomUUID(), orderPayload({ createdAt: "2026-11-21T10:00:00Z", customerId: 4500, orderEmail: "ada.l@example.com" }), quiet);
    expect(await read()).toMatchObject({ firstName: "Ada", lastName: "Lovelace", email: "ada.l@example.com" });

    // An older order delivered late changes nothing; an e-mail that is not one is not kept.
    await handleOrdersCreate(shop, randomUUID(), orderPayload({ ...payload, createdAt: "2026-11-01T10:00:00Z", lastName: "Byron", email: "old@example.com" }), quiet);
    await handleOrdersCreate(shop, randomUUID(), orderPayload({ createdAt: "2026-11-22T10:00:00Z", customerId: 4500, email: "not an e-mail" }), quiet);
    expect(await read()).toMatchObject({ lastName: "Lovelace", email: "ada.l@example.com" });
  });

  it("never writes them onto a subscriber found only by the phone typed at checkout", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    const { subscriber } = await applyConsentChange({ shop, phone: "+12015550151", action: "opt_in", source: "keyword", evidence: { body: "JOIN" } });
    await handleOrdersCreate(
      shop,
      randomUUID(),
      orderPayload({ createdAt: "2026-11-22T10:00:00Z", customerId: 9998, lastName: "Mallory", email: "mallory@evil.example", consent: { phone: subscriber.phone, versionId } }),
      quiet,
    );
    expect(await prisma.subscriber.findUniqueOrThrow({ where: { id: subscriber.id } })).toMatchObject({ lastName: null, email: null });
  });
});

describe("orders/create cannot put a stranger's words in a subscriber's texts", () => {
  it("an order that gives a subscriber's phone under another customer's account records the order for them but leaves their first name alone", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    const { subscriber } = await applyConsentChange({
      shop,
      phone: "+12015550142",
      action: "opt_in",
      source: "admin",
      evidence: { staff: "test" },
      shopifyCustomerId: "gid://shopify/Customer/4500",
    });
    await prisma.subscriber.update({ where: { id: subscriber.id }, data: { firstName: "Grace" } });

    // Anyone can type any phone at checkout: {first_name} goes into every campaign text this subscriber gets.
    const payload = {
      ...orderPayload({ createdAt: "2026-11-22T10:00:00Z", customerId: 9999, firstName: "Your card is blocked, call +1 900 555 0100" }),
      phone: "+12015550142",
      currency: "USD",
      total_price: "10.00",
    };
    await handleOrdersCreate(shop, randomUUID(), payload, quiet);

    expect(await prisma.subscriber.findUniqueOrThrow({ where: { id: subscriber.id } })).toMatchObject({
      firstName: "Grace",
      lastOrderAt: new Date("2026-11-22T10:00:00Z"),
    });
    expect(await prisma.order.findFirstOrThrow({ where: { shop } })).toMatchObject({ subscriberId: subscriber.id });

    // Ticking the SMS box with their number changes nothing either: they were subscribed already.
    const withConsent = orderPayload({
      createdAt: "2026-11-23T10:00:00Z",
      customerId: 9999,
      firstName: "Win a prize at evil.example",
      consent: { phone: "+12015550142", versionId },
    });
    expect(await handleOrdersCreate(shop, randomUUID(), withConsent, quiet)).toMatchObject({ consent: { status: "already_subscribed" } });
    expect(await prisma.subscriber.findUniqueOrThrow({ where: { id: subscriber.id } })).toMatchObject({ firstName: "Grace" });
  });
});

describe("orders/create records the state the customer's address is in, for the sending rules and audiences", () => {
  async function customerSubscriber(shop: string, customerId: number, phone: string) {
    const { subscriber } = await applyConsentChange({
      shop,
      phone,
      action: "opt_in",
      source: "admin",
      evidence: { staff: "test" },
      shopifyCustomerId: `gid://shopify/Customer/${customerId}`,
    });
    return { subscriber, read: () => prisma.subscriber.findUniqueOrThrow({ where: { id: subscriber.id } }) };
  }

  it("takes the shipping address's state, replaces it with a newer order's, keeps it over an order without one, and ignores an older order", async () => {
    const { shop } = await shopWithDisclosure();
    const { read } = await customerSubscriber(shop, 4600, "+12125550160");
    const order = (createdAt: string, addresses: Partial<Record<"shippingAddress" | "billingAddress" | "defaultAddress", Address>>) =>
      handleOrdersCreate(shop, randomUUID(), orderPayload({ createdAt, customerId: 4600, ...addresses }), quiet);

    await order("2026-11-20T10:00:00Z", { shippingAddress: address("US", "FL"), billingAddress: address("US", "NY") });
    expect(await read()).toMatchObject({ region: "US-FL", timezone: null });

    // They moved: a newer order's address is the newer fact.
    await order("2026-11-21T10:00:00Z", { shippingAddress: address("US", "TX") });
    expect(await read()).toMatchObject({ region: "US-TX" });

    // Nothing, or nothing we can check, never blanks or overwrites what we know.
    await order("2026-11-22T10:00:00Z", {});
    await order("2026-11-23T10:00:00Z", { shippingAddress: address("US", "ZZ") });
    await order("2026-11-24T10:00:00Z", { shippingAddress: address("US", null) });
    await order("2026-11-25T10:00:00Z", { shippingAddress: address("DE", "BY") });
    expect(await read()).toMatchObject({ region: "US-TX" });

    // An older order delivered late is not where they are now.
    await order("2026-11-01T10:00:00Z", { shippingAddress: address("CA", "ON") });
    expect(await read()).toMatchObject({ region: "US-TX", timezone: null });
  });

  it("falls back to the billing address, then to the customer's default address", async () => {
    const { shop } = await shopWithDisclosure();
    const billing = await customerSubscriber(shop, 4601, "+12125550161");
    await handleOrdersCreate(shop, randomUUID(), orderPayload({ createdAt: "2026-11-20T10:00:00Z", customerId: 4601, shippingAddress: address("GB", null), billingAddress: address("US", "MD") }), quiet);
    expect(await billing.read()).toMatchObject({ region: "US-MD" });

    const fallback = await customerSubscriber(shop, 4602, "+12125550162");
    await handleOrdersCreate(shop, randomUUID(), orderPayload({ createdAt: "2026-11-20T10:00:00Z", customerId: 4602, defaultAddress: address("ca", "qc") }), quiet);
    expect(await fallback.read()).toMatchObject({ region: "CA-QC" });
  });

  it("a guest who subscribes with the order gets its state; a subscriber found only by the phone typed at checkout does not", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    const guestPhone = "+12125550163";
    await handleOrdersCreate(shop, randomUUID(), orderPayload({ createdAt: "2026-11-21T09:30:00Z", consent: { phone: guestPhone, versionId }, shippingAddress: address("US", "OK") }), {
      ...quiet,
      now: new Date("2026-11-21T09:31:00Z"),
    });
    expect(await prisma.subscriber.findUniqueOrThrow({ where: { shop_phone: { shop, phone: guestPhone } } })).toMatchObject({ region: "US-OK" });

    // Anyone can type anyone's number: a stranger's address must not move this subscriber's quiet hours.
    const { subscriber } = await applyConsentChange({ shop, phone: "+12125550164", action: "opt_in", source: "keyword", evidence: { body: "JOIN" } });
    await handleOrdersCreate(
      shop,
      randomUUID(),
      orderPayload({ createdAt: "2026-11-22T10:00:00Z", customerId: 9997, consent: { phone: subscriber.phone, versionId }, shippingAddress: address("US", "FL") }),
      quiet,
    );
    expect(await prisma.subscriber.findUniqueOrThrow({ where: { id: subscriber.id } })).toMatchObject({ region: null });
  });

  it("a Florida address with a New York number is judged by Florida's 8:00–20:00, in both of Florida's zones", async () => {
    const { shop } = await shopWithDisclosure({ timezone: "America/New_York" });
    const { subscriber } = await customerSubscriber(shop, 4603, "+12125550165");
    // Wednesday 25 November 2026, 20:30 in New York (EST): inside the federal 8:00–21:00 and the shop's quiet hours (21:00–08:00).
    const evening = new Date("2026-11-26T01:30:00Z");
    const dispatch = { shop, subscriberId: subscriber.id, phone: subscriber.phone };
    expect(await marketingRulesAtDispatch(dispatch, evening)).toEqual({ action: "send" });

    await handleOrdersCreate(shop, randomUUID(), orderPayload({ createdAt: "2026-11-20T10:00:00Z", customerId: 4603, shippingAddress: address("US", "FL") }), quiet);
    // Florida stops at 20:00; the panhandle is on Central time, so the next minute every Florida zone allows is 8:00 Central (14:00Z).
    expect(await marketingRulesAtDispatch(dispatch, evening)).toEqual({ action: "defer", until: new Date("2026-11-26T14:00:00Z"), reason: "quiet_hours" });
  });

  it("customers/redact erases the state with the rest of the customer", async () => {
    const { shop } = await shopWithDisclosure();
    const { subscriber } = await customerSubscriber(shop, 4604, "+12125550166");
    await handleOrdersCreate(shop, randomUUID(), orderPayload({ createdAt: "2026-11-20T10:00:00Z", customerId: 4604, shippingAddress: address("US", "FL") }), quiet);
    expect(await prisma.subscriber.findUniqueOrThrow({ where: { id: subscriber.id } })).toMatchObject({ region: "US-FL" });

    const outcome = await redactCustomer(shop, randomUUID(), {
      shop_id: "1",
      shop_domain: shop,
      customer: { id: "4604", email: null, phone: null },
      orders_to_redact: [],
    });
    expect(outcome.replayed).toBe(false);
    expect(await prisma.subscriber.findUniqueOrThrow({ where: { id: subscriber.id } })).toMatchObject({ region: null, timezone: null, firstName: null });
  });
});
