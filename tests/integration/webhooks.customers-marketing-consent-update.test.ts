import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyConsentChange } from "../../app/consent/consent-engine.server";
import { verifyConsentChain } from "../../app/consent/ledger.server";
import prisma from "../../app/db.server";
import { enqueueMessage } from "../../app/messaging/outbox.server";
import { action } from "../../app/routes/webhooks.customers.marketing_consent_update";
import { runShopifySyncJobs } from "../../app/shopify/consent-sync.server";
import { createTestShop } from "../support/shop-fixture";
import { connectShop, startShopifyAdminServer, type FiredWebhook, type ShopifyAdminServer } from "../support/shopify-admin-server";
import { shopifyWebhookRequest } from "../support/shopify-webhook";

const PATH = "/webhooks/customers/marketing_consent_update";
const TOPIC = "customers_marketing_consent/update";
const SECOND = 1000;

let admin: ShopifyAdminServer;
beforeAll(async () => {
  admin = await startShopifyAdminServer();
});
afterAll(async () => {
  await admin.close();
});

let phoneCounter = 0;
const nextPhone = () => `+1555300${String(phoneCounter++).padStart(4, "0")}`;

async function call(request: Request): Promise<Response> {
  try {
    return await action({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

function deliver(shop: string, payload: unknown, options: { webhookId?: string; secret?: string } = {}) {
  return call(shopifyWebhookRequest({ path: PATH, topic: TOPIC, shop, payload, ...options }));
}

/** A payload shaped like Shopify's for a customer whose SMS consent changed. */
function consentPayload(phone: string, state: string, options: { at?: Date; level?: string | null; id?: number } = {}): FiredWebhook["payload"] {
  return {
    id: options.id ?? 7_000_000 + phoneCounter,
    phone,
    sms_marketing_consent: {
      state,
      opt_in_level: options.level === undefined ? "single_opt_in" : options.level,
      consent_updated_at: (options.at ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z"),
      consent_collected_from: "SHOPIFY",
    },
  };
}

async function installedShop(options: { doubleOptIn?: boolean } = {}) {
  const { shop } = await createTestShop({ doubleOptIn: options.doubleOptIn ?? false });
  await connectShop(admin, shop);
  return shop;
}

async function ledgerOf(shop: string) {
  return prisma.consentEvent.findMany({ where: { shop }, orderBy: { seq: "asc" } });
}
const subscriberOf = (shop: string, phone: string) => prisma.subscriber.findUnique({ where: { shop_phone: { shop, phone } } });
const jobCount = (shop: string) => prisma.shopifySyncJob.count({ where: { shop } });
const firedFor = (shop: string) => admin.webhooks.filter((webhook) => webhook.shop === shop);

describe("POST /webhooks/customers/marketing_consent_update", () => {
  it("rejects a bad HMAC and writes nothing", async () => {
    const shop = await installedShop();
    const phone = nextPhone();
    await applyConsentChange({ shop, phone, action: "opt_in", source: "checkout", evidence: { orderId: "1" } });
    const webhookId = randomUUID();

    const response = await deliver(shop, consentPayload(phone, "unsubscribed"), { webhookId, secret: "wrong-secret" });

    expect(response.status).toBe(401);
    expect((await subscriberOf(shop, phone))?.status).toBe("subscribed");
    expect(await ledgerOf(shop)).toHaveLength(1);
    expect(await prisma.processedWebhook.count({ where: { webhookId } })).toBe(0);
  });

  it("records an unsubscribe made in Shopify, with evidence, cancels queued marketing, and does not send it back", async () => {
    const shop = await installedShop();
    const phone = nextPhone();
    const { subscriber } = await applyConsentChange({ shop, phone, action: "opt_in", source: "checkout", evidence: { orderId: "2" } });
    const marketing = await enqueueMessage(shop, { phone, body: "Sale today", kind: "marketing", subscriberId: subscriber.id }, prisma);
    const receipt = await enqueueMessage(shop, { phone, body: "Your order shipped", kind: "transactional", subscriberId: subscriber.id }, prisma);
    const jobsBefore = await jobCount(shop);
    const webhookId = randomUUID();
    const at = new Date(Date.now() + 5 * SECOND);
    const payload = consentPayload(phone, "unsubscribed", { at, id: 4242 });

    expect((await deliver(shop, payload, { webhookId })).status).toBe(200);

    expect((await subscriberOf(shop, phone))?.status).toBe("unsubscribed");
    const events = await ledgerOf(shop);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ kind: "opted_out", source: "shopify_sync", fromStatus: "subscribed", toStatus: "unsubscribed", occurredAt: new Date(payload.sms_marketing_consent!.consent_updated_at!) });
    expect(JSON.parse(events[1]!.evidence)).toEqual({
      webhookId,
      customerId: "gid://shopify/Customer/4242",
      state: "unsubscribed",
      optInLevel: "single_opt_in",
      consentUpdatedAt: payload.sms_marketing_consent!.consent_updated_at,
      collectedFrom: "SHOPIFY",
    });
    expect((await prisma.message.findUniqueOrThrow({ where: { id: marketing.id } })).status).toBe("cancelled");
    expect((await prisma.message.findUniqueOrThrow({ where: { id: receipt.id } })).status).toBe("queued");
    expect(await jobCount(shop)).toBe(jobsBefore); // a change from Shopify is never queued back to Shopify
    expect(await verifyConsentChain(shop)).toMatchObject({ ok: true });

    // Shopify retries the delivery: nothing changes.
    expect((await deliver(shop, payload, { webhookId })).status).toBe(200);
    expect(await ledgerOf(shop)).toHaveLength(2);
    expect(await prisma.processedWebhook.findMany({ where: { webhookId } })).toMatchObject([{ shop, topic: "customers_marketing_consent/update" }]);
  });

  it("ignores another topic sent to this address", async () => {
    const shop = await installedShop();
    const phone = nextPhone();
    const response = await call(shopifyWebhookRequest({ path: PATH, topic: "customers/update", shop, payload: consentPayload(phone, "unsubscribed") }));
    expect(response.status).toBe(200);
    expect(await subscriberOf(shop, phone)).toBeNull();
    expect(await prisma.processedWebhook.count({ where: { shop } })).toBe(0);
  });

  it("processes two simultaneous deliveries of one webhook once", async () => {
    const shop = await installedShop();
    const phone = nextPhone();
    await applyConsentChange({ shop, phone, action: "opt_in", source: "checkout", evidence: { orderId: "2b" } });
    const webhookId = randomUUID();
    const payload = consentPayload(phone, "unsubscribed", { at: new Date(Date.now() + 5 * SECOND) });

    const responses = await Promise.all([deliver(shop, payload, { webhookId }), deliver(shop, payload, { webhookId })]);

    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect((await ledgerOf(shop)).map((event) => event.kind)).toEqual(["opted_in", "opted_out"]);
    expect(await prisma.processedWebhook.count({ where: { webhookId } })).toBe(1);
  });

  it("keeps a revocation of a number we have never seen", async () => {
    const shop = await installedShop();
    const phone = nextPhone();
    expect((await deliver(shop, consentPayload(phone, "unsubscribed"))).status).toBe(200);
    expect(await subscriberOf(shop, phone)).toMatchObject({ status: "unsubscribed", shopifyCustomerId: expect.stringMatching(/^gid:\/\/shopify\/Customer\/\d+$/) });
    expect(await jobCount(shop)).toBe(0);
  });

  it("cannot re-subscribe from Shopify someone who opted out with us", async () => {
    const shop = await installedShop();
    const phone = nextPhone();
    await applyConsentChange({ shop, phone, action: "opt_in", source: "checkout", evidence: { orderId: "3" } });
    await applyConsentChange({ shop, phone, action: "opt_out", source: "keyword", evidence: { body: "STOP" } });
    const later = new Date(Date.now() + 60 * SECOND);

    expect((await deliver(shop, consentPayload(phone, "subscribed", { at: later, level: "confirmed_opt_in" }))).status).toBe(200);

    expect((await subscriberOf(shop, phone))?.status).toBe("unsubscribed");
    expect((await ledgerOf(shop)).map((event) => event.kind)).toEqual(["opted_in", "opted_out"]);
  });

  it("records a subscription made in Shopify when the shop's opt-in rules allow it", async () => {
    const single = await installedShop({ doubleOptIn: false });
    const singlePhone = nextPhone();
    await deliver(single, consentPayload(singlePhone, "subscribed", { level: "single_opt_in" }));
    expect(await subscriberOf(single, singlePhone)).toMatchObject({ status: "subscribed", optInLevel: "single" });
    expect(await ledgerOf(single)).toMatchObject([{ kind: "opted_in", source: "shopify_sync" }]);
    expect(await jobCount(single)).toBe(0);

    // A shop that requires double opt-in takes only a confirmed opt-in from Shopify.
    const double = await installedShop({ doubleOptIn: true });
    const [unconfirmed, confirmed] = [nextPhone(), nextPhone()];
    await deliver(double, consentPayload(unconfirmed, "subscribed", { level: "single_opt_in" }));
    await deliver(double, consentPayload(confirmed, "subscribed", { level: "confirmed_opt_in" }));
    expect(await subscriberOf(double, unconfirmed)).toBeNull();
    expect(await subscriberOf(double, confirmed)).toMatchObject({ status: "subscribed", optInLevel: "confirmed" });
  });

  it.each(["pending", "not_subscribed", "redacted"])("changes nothing for %s", async (state) => {
    const shop = await installedShop();
    const [known, unknown] = [nextPhone(), nextPhone()];
    await applyConsentChange({ shop, phone: known, action: "opt_in", source: "checkout", evidence: { orderId: "4" } });
    const webhookId = randomUUID();

    expect((await deliver(shop, consentPayload(known, state, { at: new Date(Date.now() + 60 * SECOND) }), { webhookId })).status).toBe(200);
    expect((await deliver(shop, consentPayload(unknown, state))).status).toBe(200);

    expect((await subscriberOf(shop, known))?.status).toBe("subscribed");
    expect(await subscriberOf(shop, unknown)).toBeNull();
    expect(await ledgerOf(shop)).toHaveLength(1);
    expect(await prisma.processedWebhook.count({ where: { webhookId } })).toBe(1);
  });

  it("answers 200 to a malformed payload and writes no consent", async () => {
    const shop = await installedShop();
    expect((await deliver(shop, { id: "not-a-number", phone: 5 })).status).toBe(200);
    expect((await deliver(shop, { id: 1, phone: "not a phone", sms_marketing_consent: { state: "unsubscribed" } })).status).toBe(200);
    expect(await prisma.subscriber.count({ where: { shop } })).toBe(0);
  });

  it("does not echo: our STOP goes to Shopify, Shopify's webhook comes back, and nothing new happens", async () => {
    const shop = await installedShop();
    const phone = nextPhone();
    const customer = admin.addCustomer(shop, { phone });

    await applyConsentChange({ shop, phone, action: "opt_in", source: "checkout", evidence: { orderId: "5" }, occurredAt: new Date(Date.now() - 10 * SECOND) });
    await runShopifySyncJobs({ now: new Date(Date.now() + SECOND) });
    await applyConsentChange({ shop, phone, action: "opt_out", source: "keyword", evidence: { body: "STOP" } });
    await runShopifySyncJobs({ now: new Date(Date.now() + SECOND) });

    expect(admin.customer(shop, customer.id)?.sms.marketingState).toBe("UNSUBSCRIBED");
    const fired = firedFor(shop);
    expect(fired.map((webhook) => webhook.payload.sms_marketing_consent?.state)).toEqual(["subscribed", "unsubscribed"]);
    const ledgerBefore = await ledgerOf(shop);
    const jobsBefore = await jobCount(shop);

    // Shopify delivers both echoes, the latest first and the earlier one late.
    for (const webhook of [...fired].reverse()) expect((await deliver(shop, webhook.payload)).status).toBe(200);

    expect(await ledgerOf(shop)).toEqual(ledgerBefore);
    expect(await jobCount(shop)).toBe(jobsBefore);
    expect((await subscriberOf(shop, phone))?.status).toBe("unsubscribed");
    expect(await runShopifySyncJobs({ now: new Date(Date.now() + SECOND) })).toMatchObject({ claimed: 0 });
    expect(firedFor(shop)).toHaveLength(2);
  });

  it("ignores a webhook older than our latest event for the number (out-of-order delivery)", async () => {
    const shop = await installedShop();
    const phone = nextPhone();
    admin.addCustomer(shop, { phone });
    const start = Date.now();
    await applyConsentChange({ shop, phone, action: "opt_in", source: "checkout", evidence: { orderId: "6" }, occurredAt: new Date(start - 20 * SECOND) });
    await applyConsentChange({ shop, phone, action: "opt_out", source: "keyword", evidence: { body: "STOP" }, occurredAt: new Date(start - 10 * SECOND) });
    await runShopifySyncJobs({ now: new Date(Date.now() + SECOND) });
    // The person texts START: their own new act subscribes them again, and that goes to Shopify too.
    await applyConsentChange({ shop, phone, action: "opt_in", source: "keyword", evidence: { body: "START" }, occurredAt: new Date(start - 5 * SECOND) });
    await runShopifySyncJobs({ now: new Date(Date.now() + SECOND) });
    const [stopEcho, startEcho] = firedFor(shop);
    expect([stopEcho?.payload.sms_marketing_consent?.state, startEcho?.payload.sms_marketing_consent?.state]).toEqual(["unsubscribed", "subscribed"]);

    // The STOP's echo arrives after the START's: applying it would unsubscribe them against their latest wish.
    expect((await deliver(shop, startEcho!.payload)).status).toBe(200);
    expect((await deliver(shop, stopEcho!.payload)).status).toBe(200);

    expect((await subscriberOf(shop, phone))?.status).toBe("subscribed");
    expect((await ledgerOf(shop)).map((event) => event.kind)).toEqual(["opted_in", "opted_out", "resubscribed"]);
  });

  it("applies an opt-out made in Shopify after our latest event, even one synced moments before", async () => {
    const shop = await installedShop();
    const phone = nextPhone();
    const customer = admin.addCustomer(shop, { phone });
    await applyConsentChange({ shop, phone, action: "opt_in", source: "checkout", evidence: { orderId: "7" } });
    await runShopifySyncJobs({ now: new Date(Date.now() + SECOND) });
    // The merchant unsubscribes the customer in Shopify admin within the same second.
    const echo = firedFor(shop)[0]!;
    const unsubscribed = { ...echo.payload, sms_marketing_consent: { ...echo.payload.sms_marketing_consent!, state: "unsubscribed" } };

    expect((await deliver(shop, unsubscribed)).status).toBe(200);

    expect((await subscriberOf(shop, phone))?.status).toBe("unsubscribed");
    expect(await ledgerOf(shop)).toMatchObject([{ kind: "opted_in" }, { kind: "opted_out", source: "shopify_sync" }]);
    expect(customer.id).toBe(`gid://shopify/Customer/${unsubscribed.id}`);
  });
});
