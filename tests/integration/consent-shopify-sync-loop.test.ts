/**
 * The consent loop with Shopify, whole and over real HTTP: a signed
 * orders/create reaches server/app-server.ts (what `npm start` runs) → the
 * consent engine writes the ledger and queues a Shopify sync job → the
 * worker's sync run calls the local Admin API → the customer is subscribed in
 * Shopify; then a signed STOP reaches the same server → the same path → the
 * customer is unsubscribed in Shopify. And a staff opt-out posted to the
 * subscriber's admin page over the same server takes the same path. Both
 * databases.
 */
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyConsentChange } from "../../app/consent/consent-engine.server";
import { verifyConsentChain } from "../../app/consent/ledger.server";
import { signSessionToken } from "../../app/demo/demo-link.server";
import prisma from "../../app/db.server";
import { runShopifySyncJobs } from "../../app/shopify/consent-sync.server";
import type { AppServer } from "../../server/app-server";
import { TEST_ENV } from "../setup/test-env";
import { startTestAppServer } from "../support/app-server";
import { shopWithDisclosure } from "../support/checkout-fixture";
import { inboundParams } from "../support/inbound-sms";
import { TEST_TWILIO_AUTH_TOKEN } from "../support/shop-fixture";
import { connectShop, startShopifyAdminServer, type ShopifyAdminServer } from "../support/shopify-admin-server";
import { shopifyWebhookRequest } from "../support/shopify-webhook";

const PHONE = "+12015550177";

let admin: ShopifyAdminServer;
let server: AppServer;

beforeAll(async () => {
  admin = await startShopifyAdminServer();
  server = await startTestAppServer();
}, 120_000);

afterAll(async () => {
  await server?.close();
  await admin?.close();
});

/** Sends a request built for the app's public URL to the running server instead. */
async function overHttp(request: Request): Promise<Response> {
  const url = new URL(request.url);
  return fetch(`${server.url}${url.pathname}`, { method: request.method, headers: request.headers, body: await request.text() });
}

function orderWithConsent(customerId: string, versionId: string) {
  const id = 5_734_009_001;
  const now = new Date();
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    browser_ip: "203.0.113.9",
    client_details: { browser_ip: "203.0.113.9", user_agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0" },
    created_at: now.toISOString(),
    customer: { id: Number(customerId.split("/").pop()), admin_graphql_api_id: customerId },
    note_attributes: [
      { name: "_sms_consent_phone", value: PHONE },
      { name: "_sms_disclosure_version", value: versionId },
      { name: "_sms_disclosure_locale", value: "en" },
      { name: "_sms_consent_at", value: new Date(now.getTime() - 30_000).toISOString() },
      { name: "_sms_consent", value: "granted" },
    ],
  };
}

async function signedText(shop: string, body: string): Promise<Response> {
  const settings = await prisma.shop.findUniqueOrThrow({ where: { shop } });
  const params = inboundParams({ inboundNumber: settings.senderPhoneNumber! }, PHONE, body);
  const path = "/webhooks/twilio/sms";
  return fetch(`${server.url}${path}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Twilio-Signature": twilio.getExpectedTwilioSignature(TEST_TWILIO_AUTH_TOKEN, new URL(path, TEST_ENV.SHOPIFY_APP_URL).toString(), params),
    },
    body: new URLSearchParams(params).toString(),
  });
}

const later = () => new Date(Date.now() + 1000);

describe("checkout consent and STOP reach the customer's record in Shopify", () => {
  it("orders/create → ledger → sync job → Admin API: subscribed; STOP → ledger → sync job → Admin API: unsubscribed", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    await connectShop(admin, shop);
    // Shopify sets SMS consent on the customer who has the number (checkout gave it to them).
    const customer = admin.addCustomer(shop, { phone: PHONE });

    const order = await overHttp(
      shopifyWebhookRequest({ path: "/webhooks/orders/create", topic: "orders/create", shop, payload: orderWithConsent(customer.id, versionId) }),
    );
    expect(order.status).toBe(200);
    expect(await prisma.consentEvent.count({ where: { shop, kind: "opted_in", source: "checkout" } })).toBe(1);
    expect(await runShopifySyncJobs({ now: later() })).toMatchObject({ claimed: 1 });
    expect(admin.customer(shop, customer.id)?.sms).toMatchObject({ marketingState: "SUBSCRIBED", marketingOptInLevel: "SINGLE_OPT_IN" });

    const stop = await signedText(shop, "please stop texting me");
    expect(stop.status).toBe(200);
    expect(await prisma.subscriber.findUnique({ where: { shop_phone: { shop, phone: PHONE } } })).toMatchObject({ status: "unsubscribed" });
    expect(await runShopifySyncJobs({ now: later() })).toMatchObject({ claimed: 1 });
    expect(admin.customer(shop, customer.id)?.sms.marketingState).toBe("UNSUBSCRIBED");

    // Nothing left to send, and the ledger holds both changes, unbroken.
    expect(await runShopifySyncJobs({ now: later() })).toMatchObject({ claimed: 0 });
    expect(await verifyConsentChain(shop)).toMatchObject({ ok: true, events: 2 });
  });
});

describe("a staff opt-out reaches the customer's record in Shopify", () => {
  it("admin page POST over HTTP → ledger (source admin, staff and reason) → sync job → Admin API: unsubscribed", async () => {
    const { shop } = await shopWithDisclosure();
    await connectShop(admin, shop);
    const customer = admin.addCustomer(shop, { phone: PHONE });
    const { subscriber } = await applyConsentChange({ shop, phone: PHONE, action: "opt_in", source: "form", evidence: { form: "footer" }, shopifyCustomerId: customer.id });
    expect(await runShopifySyncJobs({ now: later() })).toMatchObject({ claimed: 1 });
    expect(admin.customer(shop, customer.id)?.sms.marketingState).toBe("SUBSCRIBED");

    // As App Bridge posts the page's form: the shop's session token, Remix's data request for the route.
    const token = signSessionToken({ shop, apiKey: TEST_ENV.SHOPIFY_API_KEY, apiSecret: TEST_ENV.SHOPIFY_API_SECRET });
    const posted = await fetch(`${server.url}/app/subscribers/${subscriber.id}?_data=${encodeURIComponent("routes/app.subscribers.$id")}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0 Safari/537.36" },
      body: new URLSearchParams({ intent: "opt_out", reason: "asked_by_phone" }).toString(),
    });
    expect(posted.status).toBe(200);
    expect(await posted.json()).toMatchObject({ intent: "opt_out", ok: true });

    const event = await prisma.consentEvent.findFirstOrThrow({ where: { shop, subscriberId: subscriber.id, kind: "opted_out" } });
    expect(event.source).toBe("admin");
    expect(JSON.parse(event.evidence)).toMatchObject({ staffId: "1" });
    expect(await runShopifySyncJobs({ now: later() })).toMatchObject({ claimed: 1 });
    expect(admin.customer(shop, customer.id)?.sms.marketingState).toBe("UNSUBSCRIBED");
    expect(await verifyConsentChain(shop)).toMatchObject({ ok: true, events: 2 });
  });
});
