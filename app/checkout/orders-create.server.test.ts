import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import { shopWithDisclosure } from "../../tests/support/checkout-fixture";
import { handleOrdersCreate } from "./orders-create.server";

let nextOrderId = 5_900_000_000;

function orderPayload(options: {
  createdAt: string;
  customerId?: number;
  firstName?: string;
  lastName?: string;
  email?: string;
  orderEmail?: string;
  consent?: { phone: string; versionId: string };
}) {
  const id = nextOrderId++;
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    created_at: options.createdAt,
    email: options.orderEmail ?? null,
    customer: options.customerId ? { id: options.customerId, first_name: options.firstName ?? null, last_name: options.lastName ?? null, email: options.email ?? null } : null,
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
