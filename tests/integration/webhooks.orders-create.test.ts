import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { countAudience } from "../../app/campaigns/audience.server";
import { applyConsentChange } from "../../app/consent/consent-engine.server";
import { verifyConsentChain } from "../../app/consent/ledger.server";
import prisma from "../../app/db.server";
import { contentHashOf } from "../../app/disclosures/disclosures.server";
import { action } from "../../app/routes/webhooks.orders.create";
import { marketingRulesAtDispatch } from "../../app/sending-rules/sending-rules.server";
import { CHECKOUT_DISCLOSURE, shopWithDisclosure } from "../support/checkout-fixture";
import { shopifyWebhookRequest } from "../support/shopify-webhook";

const PHONE = "+12015550123";
const UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

type Attribute = { name: string; value: string };

function consentAttributes(options: { versionId: string; phone?: string; status?: "granted" | "withdrawn" }): Attribute[] {
  if (options.status === "withdrawn") {
    return [
      { name: "_sms_consent_at", value: "2026-11-20T15:14:40.120Z" },
      { name: "_sms_consent", value: "withdrawn" },
    ];
  }
  return [
    { name: "_sms_consent_phone", value: options.phone ?? PHONE },
    { name: "_sms_disclosure_version", value: options.versionId },
    { name: "_sms_disclosure_locale", value: "en" },
    { name: "_sms_consent_at", value: "2026-11-20T15:14:02.431Z" },
    { name: "_sms_consent", value: "granted" },
  ];
}

/** An orders/create payload as Shopify sends it (REST order resource, trimmed of fields nobody reads here). */
function orderPayload(shop: string, noteAttributes: Attribute[], orderNumber = 1001) {
  const id = 5_734_000_000 + orderNumber;
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    app_id: 580111,
    browser_ip: "203.0.113.7",
    buyer_accepts_marketing: false,
    cart_token: "Z2NwLXVzLWVhc3QxOjAxSjk0",
    checkout_id: 36_001_000_000 + orderNumber,
    checkout_token: "b1946ac92492d2347c6235b4d2611184",
    client_details: {
      accept_language: "en-US,en;q=0.9",
      browser_height: 900,
      browser_ip: "203.0.113.7",
      browser_width: 1440,
      session_hash: null,
      user_agent: UA,
    },
    confirmation_number: "XK4T9QHZP",
    contact_email: "ada@example.com",
    created_at: "2026-11-20T10:15:00-05:00",
    currency: "USD",
    current_total_price: "48.00",
    customer: {
      id: 7_100_000_001,
      email: "ada@example.com",
      created_at: "2026-11-20T10:14:58-05:00",
      first_name: "Ada",
      last_name: "Lovelace",
      state: "disabled",
      verified_email: true,
      phone: null,
      currency: "USD",
      tax_exempt: false,
      email_marketing_consent: { state: "not_subscribed", opt_in_level: "single_opt_in", consent_updated_at: null },
      sms_marketing_consent: null,
      admin_graphql_api_id: "gid://shopify/Customer/7100000001",
    },
    email: "ada@example.com",
    financial_status: "paid",
    name: `#${orderNumber}`,
    note: null,
    note_attributes: [{ name: "gift_message", value: "Happy birthday!" }, ...noteAttributes],
    order_number: orderNumber,
    order_status_url: `https://${shop}/69090279706/orders/b1946ac92492d2347c6235b4d2611184/authenticate?key=x`,
    phone: null,
    presentment_currency: "USD",
    processed_at: "2026-11-20T10:15:00-05:00",
    source_name: "web",
    test: false,
    total_price: "48.00",
    updated_at: "2026-11-20T10:15:01-05:00",
    line_items: [{ id: 14_000_000_001, title: "Rain shell", quantity: 1, price: "48.00", sku: "RS-01" }],
    shipping_address: { first_name: "Ada", last_name: "Lovelace", address1: "1 Main St", city: "Newark", province_code: "NJ", country_code: "US", zip: "07102", phone: "+12015550123" },
  };
}

function delivery(shop: string, payload: unknown, options: { webhookId?: string; secret?: string } = {}) {
  return shopifyWebhookRequest({ path: "/webhooks/orders/create", topic: "orders/create", shop, payload, ...options });
}

async function call(request: Request): Promise<Response> {
  try {
    return await action({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

async function rowsOf(shop: string) {
  const [subscribers, events, messages, syncJobs, processed] = await Promise.all([
    prisma.subscriber.findMany({ where: { shop }, orderBy: { createdAt: "asc" } }),
    prisma.consentEvent.findMany({ where: { shop }, orderBy: { seq: "asc" } }),
    prisma.message.findMany({ where: { shop }, orderBy: { createdAt: "asc" } }),
    prisma.shopifySyncJob.findMany({ where: { shop }, orderBy: { consentEventSeq: "asc" } }),
    prisma.processedWebhook.findMany({ where: { shop }, orderBy: { webhookId: "asc" } }),
  ]);
  return { subscribers, events, messages, syncJobs, processed };
}

/** Everything consent-related, to prove a delivery changed nothing. */
async function effectsOf(shop: string) {
  const { subscribers, events, messages, syncJobs } = await rowsOf(shop);
  return { subscribers, events, messages, syncJobs };
}

async function expectNothingRecorded(shop: string) {
  const { subscribers, events, messages, syncJobs } = await rowsOf(shop);
  expect([subscribers.length, events.length, messages.length, syncJobs.length]).toEqual([0, 0, 0, 0]);
}

describe("POST /webhooks/orders/create", () => {
  it("turns a checkout consent into one subscriber, one proven event, one confirmation and one Shopify sync job", async () => {
    const { shop, versionId, disclosureVersionId } = await shopWithDisclosure();
    const webhookId = randomUUID();
    const response = await call(delivery(shop, orderPayload(shop, consentAttributes({ versionId })), { webhookId }));
    expect(response.status).toBe(200);

    const { subscribers, events, messages, syncJobs, processed } = await rowsOf(shop);
    expect(subscribers).toHaveLength(1);
    expect(subscribers[0]).toMatchObject({ phone: PHONE, status: "subscribed", optInLevel: "single", shopifyCustomerId: "gid://shopify/Customer/7100000001", region: "US-NJ" });

    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: "opted_in", source: "checkout", toStatus: "subscribed", subscriberId: subscribers[0]!.id, phone: PHONE });
    expect(events[0]!.occurredAt).toEqual(new Date("2026-11-20T15:14:02.431Z"));
    expect(JSON.parse(events[0]!.evidence)).toMatchObject({
      orderId: "gid://shopify/Order/5734001001",
      channel: "contact_step",
      phone: PHONE,
      disclosureVersionId,
      disclosureVersionSent: versionId,
      disclosureHash: contentHashOf(CHECKOUT_DISCLOSURE),
      disclosureText: CHECKOUT_DISCLOSURE,
      disclosureLocale: "en",
      consentAt: "2026-11-20T15:14:02.431Z",
      orderCreatedAt: "2026-11-20T15:15:00.000Z",
      ip: "203.0.113.7",
      userAgent: UA,
      shopifyCustomerId: "gid://shopify/Customer/7100000001",
    });

    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ kind: "compliance", phone: PHONE, status: "queued", subscriberId: subscribers[0]!.id });
    expect(messages[0]!.body.startsWith("Acme Outfitters: ")).toBe(true);
    expect(messages[0]!.body).toContain("Reply HELP for help, STOP to cancel.");

    expect(syncJobs).toHaveLength(1);
    expect(syncJobs[0]).toMatchObject({ subscriberId: subscribers[0]!.id, marketingState: "SUBSCRIBED", optInLevel: "SINGLE_OPT_IN", status: "pending" });
    expect(processed.map((row) => row.webhookId).sort()).toEqual([`order:${shop}:gid://shopify/Order/5734001001`, webhookId].sort());
  });

  it("changes nothing when Shopify delivers the same webhook again", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    const payload = orderPayload(shop, consentAttributes({ versionId }));
    const webhookId = randomUUID();
    expect((await call(delivery(shop, payload, { webhookId }))).status).toBe(200);
    const before = await rowsOf(shop);

    expect((await call(delivery(shop, payload, { webhookId }))).status).toBe(200);
    expect(await rowsOf(shop)).toEqual(before);
  });

  it("changes nothing when the same order comes again under another webhook id", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    const payload = orderPayload(shop, consentAttributes({ versionId }));
    await call(delivery(shop, payload));
    const before = await effectsOf(shop);

    const second = randomUUID();
    expect((await call(delivery(shop, payload, { webhookId: second }))).status).toBe(200);
    expect(await effectsOf(shop)).toEqual(before);
    expect((await rowsOf(shop)).processed.map((row) => row.webhookId)).toContain(second);
  });

  it("acts once when two deliveries of one order arrive at the same time", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    const payload = orderPayload(shop, consentAttributes({ versionId }));
    const responses = await Promise.all([call(delivery(shop, payload)), call(delivery(shop, payload))]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    const { events, messages, syncJobs, processed } = await rowsOf(shop);
    expect([events.length, messages.length, syncJobs.length, processed.length]).toEqual([1, 1, 1, 3]);
  });

  it("does not let an old order undo a later STOP", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    const payload = orderPayload(shop, consentAttributes({ versionId }));
    await call(delivery(shop, payload));
    await applyConsentChange({ shop, phone: PHONE, action: "opt_out", source: "keyword", evidence: { messageSid: "SM1", body: "STOP" } });
    const before = await effectsOf(shop);
    await call(delivery(shop, payload));
    expect(await effectsOf(shop)).toEqual(before);
  });

  it("rejects a bad HMAC and writes nothing", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    const response = await call(delivery(shop, orderPayload(shop, consentAttributes({ versionId })), { secret: "not-the-app-secret" }));
    expect(response.status).toBe(401);
    await expectNothingRecorded(shop);
    expect(await prisma.processedWebhook.count({ where: { shop } })).toBe(0);
  });

  it("asks for a Y in a double opt-in shop", async () => {
    const { shop, versionId } = await shopWithDisclosure({ doubleOptIn: true });
    await call(delivery(shop, orderPayload(shop, consentAttributes({ versionId }))));
    const { subscribers, events, messages, syncJobs } = await rowsOf(shop);
    expect(subscribers).toMatchObject([{ status: "pending" }]);
    expect(events.map((e) => [e.kind, e.source])).toEqual([["opt_in_requested", "checkout"]]);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.body).toMatch(/^Acme Outfitters: Reply Y to subscribe/);
    expect(syncJobs).toMatchObject([{ marketingState: "PENDING" }]);
  });

  it("does not confirm a number that is already subscribed again", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    await applyConsentChange({ shop, phone: PHONE, action: "opt_in", source: "keyword", evidence: { messageSid: "SM2", body: "JOIN" } });
    const before = await effectsOf(shop);
    expect((await call(delivery(shop, orderPayload(shop, consentAttributes({ versionId }))))).status).toBe(200);
    const after = await effectsOf(shop);
    // The order itself is noted on the subscriber (for audiences and {first_name}); their consent is not touched.
    expect(after.subscribers[0]?.lastOrderAt).toBeInstanceOf(Date);
    const withoutOrderFacts = ({ subscribers, ...rest }: typeof before) => ({
      ...rest,
      subscribers: subscribers.map(({ lastOrderAt: _lastOrderAt, firstName: _firstName, updatedAt: _updatedAt, ...consent }) => consent),
    });
    expect(withoutOrderFacts(after)).toEqual(withoutOrderFacts(before));
  });

  it("re-subscribes a number that had opted out, shows it in the ledger and tells them", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    await applyConsentChange({
      shop,
      phone: PHONE,
      action: "opt_out",
      source: "keyword",
      occurredAt: new Date("2026-09-01T12:00:00Z"),
      evidence: { messageSid: "SM3", body: "STOP" },
    });
    await call(delivery(shop, orderPayload(shop, consentAttributes({ versionId }))));
    const { subscribers, events, messages } = await rowsOf(shop);
    expect(subscribers).toMatchObject([{ status: "subscribed" }]);
    expect(events.map((e) => [e.kind, e.source])).toEqual([
      ["opted_out", "keyword"],
      ["resubscribed", "checkout"],
    ]);
    expect(messages.map((m) => m.body)).toEqual([expect.stringMatching(/^Acme Outfitters: You are resubscribed/)]);
  });

  it("records nothing for a disclosure version the shop never published", async () => {
    const { shop } = await shopWithDisclosure();
    expect((await call(delivery(shop, orderPayload(shop, consentAttributes({ versionId: "cl-unknown-version" }))))).status).toBe(200);
    await expectNothingRecorded(shop);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("disclosure_unknown"));
  });

  it("records nothing for a number that cannot receive texts", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    expect((await call(delivery(shop, orderPayload(shop, consentAttributes({ versionId, phone: "+33142685300" }))))).status).toBe(200);
    await expectNothingRecorded(shop);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("phone_not_mobile"));
  });

  it("records nothing for a mobile number of a country the shop does not text, and says why", async () => {
    const { shop, versionId } = await shopWithDisclosure(); // smsCountries: "US", the default
    expect((await call(delivery(shop, orderPayload(shop, consentAttributes({ versionId, phone: "+33612345678" }))))).status).toBe(200);
    await expectNothingRecorded(shop);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("phone_country_not_allowed"));

    await prisma.shop.update({ where: { shop }, data: { smsCountries: "US,FR" } });
    expect((await call(delivery(shop, orderPayload(shop, consentAttributes({ versionId, phone: "+33612345678" }), 1002)))).status).toBe(200);
    expect((await effectsOf(shop)).subscribers).toMatchObject([{ phone: "+33612345678", status: "subscribed" }]);
  });

  it("records nothing when the shopper unticked the box", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    expect((await call(delivery(shop, orderPayload(shop, consentAttributes({ versionId, status: "withdrawn" }))))).status).toBe(200);
    await expectNothingRecorded(shop);
  });

  it("answers 200 for an order without consent and remembers the delivery", async () => {
    const { shop } = await shopWithDisclosure();
    const webhookId = randomUUID();
    expect((await call(delivery(shop, orderPayload(shop, []), { webhookId }))).status).toBe(200);
    await expectNothingRecorded(shop);
    expect((await rowsOf(shop)).processed).toMatchObject([{ webhookId, topic: "orders/create" }]);
  });

  it("answers 200 to a payload that is not an order, without storing it", async () => {
    const { shop } = await shopWithDisclosure();
    expect((await call(delivery(shop, { hello: "world" }))).status).toBe(200);
    await expectNothingRecorded(shop);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("not an order"));
  });
});

describe("POST /webhooks/orders/create: text the databases cannot store", () => {
  it("a NUL byte in the order (user agent, attributes) is removed before the consent is recorded, and the ledger verifies", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    const payload = orderPayload(shop, [...consentAttributes({ versionId }), { name: "gift\u0000", value: "note\u0000" }]);
    payload.client_details.user_agent = `${UA}\u0000`;

    const response = await call(delivery(shop, payload));

    expect(response.status).toBe(200);
    const { subscribers, events } = await rowsOf(shop);
    expect(subscribers.map((s) => [s.phone, s.status])).toEqual([[PHONE, "subscribed"]]);
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.evidence)).toMatchObject({ userAgent: UA, phone: PHONE });
    expect(await verifyConsentChain(shop)).toMatchObject({ ok: true, events: 1 });
  });
});

describe("POST /webhooks/orders/create: where the buyer is", () => {
  const FLORIDA_ADDRESS = { first_name: "Ada", last_name: "Lovelace", address1: "1 Ocean Dr", city: "Miami", province: "Florida", province_code: "FL", country_code: "US", zip: "33139" };

  it("keeps the state of the shipping address (not the address), which the audience's region filter and Florida's quiet hours then read", async () => {
    const { shop, versionId } = await shopWithDisclosure({ timezone: "America/New_York" });
    // A New Jersey number (201), shipped to Miami, billed in New York.
    const first = {
      ...orderPayload(shop, consentAttributes({ versionId })),
      shipping_address: FLORIDA_ADDRESS,
      billing_address: { ...FLORIDA_ADDRESS, address1: "5 Park Ave", city: "New York", province: "New York", province_code: "NY", zip: "10016" },
    };
    expect((await call(delivery(shop, first))).status).toBe(200);

    const rows = await rowsOf(shop);
    expect(rows.subscribers).toMatchObject([{ phone: PHONE, region: "US-FL", timezone: null }]);
    const stored = JSON.stringify(rows);
    for (const part of ["Ocean Dr", "Miami", "33139", "Park Ave", "10016"]) expect(stored).not.toContain(part);

    expect(await countAudience(shop, { kind: "segment", regions: ["US-FL"] })).toBe(1);
    expect(await countAudience(shop, { kind: "segment", regions: ["US-NJ"] })).toBe(0);
    // Wednesday 25 November 2026, 20:30 in New York: a New Jersey number may still be texted, a Floridian may not until 8:00 Central.
    const dispatch = { shop, subscriberId: rows.subscribers[0]!.id, phone: PHONE };
    expect(await marketingRulesAtDispatch(dispatch, new Date("2026-11-26T01:30:00Z"))).toEqual({
      action: "defer",
      until: new Date("2026-11-26T14:00:00Z"),
      reason: "quiet_hours",
    });

    // A later order without an address keeps the state; one shipped to Texas moves it.
    const later = (orderNumber: number, created_at: string, shipping_address: unknown) => ({ ...orderPayload(shop, [], orderNumber), created_at, shipping_address });
    expect((await call(delivery(shop, later(1002, "2026-11-21T10:00:00-05:00", null)))).status).toBe(200);
    expect((await prisma.subscriber.findUniqueOrThrow({ where: { id: dispatch.subscriberId } })).region).toBe("US-FL");
    expect((await call(delivery(shop, later(1003, "2026-11-22T10:00:00-05:00", { ...FLORIDA_ADDRESS, province_code: "TX" })))).status).toBe(200);
    expect((await prisma.subscriber.findUniqueOrThrow({ where: { id: dispatch.subscriberId } })).region).toBe("US-TX");
  });
});
