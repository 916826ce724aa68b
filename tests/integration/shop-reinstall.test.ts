/**
 * A shop that uninstalls and installs again is live again (issue 8, defect 3):
 * app/uninstalled (a signed Shopify webhook) marks it uninstalled; the
 * reinstall is the app's real auth on the next admin request: a session token
 * with no stored session, exchanged for an offline token at the local Admin
 * API, then the afterAuth hook. After it, a signed STOP over HTTP is honoured
 * and the worker's dispatch sends through the local Twilio server again.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import prisma from "../../app/db.server";
import { applyConsentChange } from "../../app/consent/consent-engine.server";
import { dispatchDueMessages, enqueueMessage } from "../../app/messaging/outbox.server";
import { usDaytime } from "../support/us-daytime";
import { startTwilioSandbox, type TwilioSandbox } from "../../app/messaging/twilio-sandbox.server";
import { loader as settingsLoader } from "../../app/routes/app.settings";
import { action as uninstalledAction } from "../../app/routes/webhooks.app.uninstalled";
import { adminRequest } from "../support/admin-request";
import { callAction } from "../support/call-route";
import { inboundParams, newPhone } from "../support/inbound-sms";
import { startInboundSmsServer, type InboundSmsServer } from "../support/inbound-sms-server";
import { createTestShop, TEST_TWILIO_ACCOUNT_SID, TEST_TWILIO_AUTH_TOKEN } from "../support/shop-fixture";
import { connectShop, startShopifyAdminServer, type ShopifyAdminServer } from "../support/shopify-admin-server";
import { shopifyWebhookRequest } from "../support/shopify-webhook";

let admin: ShopifyAdminServer;
let twilioServer: TwilioSandbox;
let inbound: InboundSmsServer;

beforeAll(async () => {
  admin = await startShopifyAdminServer();
  twilioServer = await startTwilioSandbox({ accounts: [{ accountSid: TEST_TWILIO_ACCOUNT_SID, authToken: TEST_TWILIO_AUTH_TOKEN }], statusCallbackDelayMs: 60_000 });
  process.env.TWILIO_API_BASE_URL = twilioServer.url;
  inbound = await startInboundSmsServer();
});
afterAll(async () => {
  delete process.env.TWILIO_API_BASE_URL;
  await inbound.close();
  await twilioServer.close();
  await admin.close();
});

/** The merchant opens the app in Shopify admin: App Bridge sends a session token; the app authenticates it. */
async function openAdmin(shop: string) {
  return settingsLoader({ request: adminRequest(shop, "/app/settings"), params: {}, context: {} });
}

const uninstall = (shop: string, delivery: { webhookId?: string; triggeredAt?: Date } = {}) =>
  callAction(uninstalledAction, shopifyWebhookRequest({ path: "/webhooks/app/uninstalled", topic: "app/uninstalled", shop, payload: { domain: shop }, ...delivery }));

describe("uninstall, then reinstall", () => {
  it("answers STOP and sends texts again once the shop has authenticated again", async () => {
    const shop = await createTestShop();
    await connectShop(admin, shop.shop);
    const subscriber = (await applyConsentChange({ shop: shop.shop, phone: newPhone(), action: "opt_in", source: "admin", evidence: { staff: "test" } })).subscriber;

    expect((await uninstall(shop.shop)).status).toBe(200);
    const stopper = newPhone();

    await openAdmin(shop.shop);

    expect(admin.tokenExchanges).toEqual([shop.shop]); // no session was left: this was the real auth, with its afterAuth hook
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop: shop.shop } })).uninstalledAt).toBeNull();

    const reply = await inbound.postSigned(inboundParams(shop, stopper, "STOP"), shop.authToken);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain("unsubscribed");
    expect((await prisma.subscriber.findUniqueOrThrow({ where: { shop_phone: { shop: shop.shop, phone: stopper } } })).status).toBe("unsubscribed");
    expect(await prisma.consentEvent.count({ where: { shop: shop.shop, phone: stopper, kind: "opted_out" } })).toBe(1);

    await enqueueMessage(shop.shop, { phone: subscriber.phone, subscriberId: subscriber.id, body: "Acme Outfitters: we are back! Reply STOP to opt out", kind: "marketing" }, prisma);
    expect(await dispatchDueMessages({ now: usDaytime() })).toMatchObject({ claimed: 1, accepted: 1 });
    expect(twilioServer.messages.filter((message) => message.to === subscriber.phone)).toHaveLength(1);
  });

  it("records and confirms a STOP sent while the shop is uninstalled, so no campaign texts that person after the reinstall", async () => {
    const shop = await createTestShop();
    await connectShop(admin, shop.shop);
    const { subscriber } = await applyConsentChange({ shop: shop.shop, phone: newPhone(), action: "opt_in", source: "admin", evidence: { staff: "test" } });
    expect((await uninstall(shop.shop)).status).toBe(200);

    const reply = await inbound.postSigned(inboundParams(shop, subscriber.phone, "please stop texting me"), shop.authToken);

    expect(reply.status).toBe(200);
    expect(reply.body).toContain("You are unsubscribed");
    expect((await prisma.subscriber.findUniqueOrThrow({ where: { id: subscriber.id } })).status).toBe("unsubscribed");
    expect(await prisma.consentEvent.count({ where: { shop: shop.shop, phone: subscriber.phone, kind: "opted_out", source: "keyword" } })).toBe(1);

    await openAdmin(shop.shop);
    await enqueueMessage(shop.shop, { phone: subscriber.phone, subscriberId: subscriber.id, body: "Acme Outfitters: we are back! Reply STOP to opt out", kind: "marketing" }, prisma);
    await dispatchDueMessages({ now: usDaytime() });
    expect(twilioServer.messages.filter((message) => message.to === subscriber.phone)).toEqual([]);
  });

  it("while the shop is uninstalled, refuses a wrong signature and lets no opt-in word subscribe anyone", async () => {
    const shop = await createTestShop({ doubleOptIn: false });
    await connectShop(admin, shop.shop);
    const { subscriber: pending } = await applyConsentChange({ shop: shop.shop, phone: newPhone(), action: "request_opt_in", source: "admin", evidence: { staff: "test" } });
    expect((await uninstall(shop.shop)).status).toBe(200);
    const stranger = newPhone();

    expect((await inbound.postSigned(inboundParams(shop, stranger, "STOP"), "not-the-shops-token")).status).toBe(403);
    for (const [phone, body] of [[stranger, "JOIN"], [stranger, "START"], [pending.phone, "YES"]] as const) {
      const reply = await inbound.postSigned(inboundParams(shop, phone, body), shop.authToken);
      expect([reply.status, reply.body], body).toEqual([200, '<?xml version="1.0" encoding="UTF-8"?><Response/>']);
    }

    expect(await prisma.subscriber.findUnique({ where: { shop_phone: { shop: shop.shop, phone: stranger } } })).toBeNull();
    expect((await prisma.subscriber.findUniqueOrThrow({ where: { id: pending.id } })).status).toBe("pending");
    expect(await prisma.consentEvent.count({ where: { shop: shop.shop, source: "keyword" } })).toBe(0);
    expect(await prisma.inboundMessage.count({ where: { shop: shop.shop } })).toBe(3); // the 403 wrote nothing
  });

  it("ignores a late retry of the old app/uninstalled after the reinstall, and honours a new one", async () => {
    const shop = await createTestShop();
    await connectShop(admin, shop.shop);
    const subscriber = (await applyConsentChange({ shop: shop.shop, phone: newPhone(), action: "opt_in", source: "admin", evidence: { staff: "test" } })).subscriber;
    const oldUninstall = { webhookId: randomUUID(), triggeredAt: new Date() };
    expect((await uninstall(shop.shop, oldUninstall)).status).toBe(200);

    await openAdmin(shop.shop);
    await enqueueMessage(shop.shop, { phone: subscriber.phone, subscriberId: subscriber.id, body: "Acme Outfitters: we are back! Reply STOP to opt out", kind: "marketing" }, prisma);

    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      expect((await uninstall(shop.shop, oldUninstall)).status).toBe(200); // Shopify's retry of the old delivery
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(`app/uninstalled ${oldUninstall.webhookId} from ${shop.shop}`));
    } finally {
      warn.mockRestore();
    }
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop: shop.shop } })).uninstalledAt).toBeNull();
    expect(await prisma.session.count({ where: { shop: shop.shop } })).toBe(1);
    expect(await dispatchDueMessages({ now: usDaytime() })).toMatchObject({ claimed: 1, accepted: 1 });
    expect(twilioServer.messages.filter((message) => message.to === subscriber.phone)).toHaveLength(1);

    expect((await uninstall(shop.shop)).status).toBe(200); // the merchant removes the app again
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop: shop.shop } })).uninstalledAt).toBeInstanceOf(Date);
    expect(await prisma.session.count({ where: { shop: shop.shop } })).toBe(0);
  });

  it("gives a shop seen for the first time its row, texting only its own country", async () => {
    const shop = `first-time-${Date.now()}.myshopify.com`;
    admin.addShop(shop, undefined, { country: "CA" });

    await openAdmin(shop);

    expect(await prisma.shop.findUniqueOrThrow({ where: { shop } })).toMatchObject({
      brandName: shop.split(".")[0],
      supportContact: `owner@${shop}`,
      smsCountries: "CA",
      uninstalledAt: null,
      senderPhoneNumber: null,
    });
  });

  it("leaves a returning shop's settings as the merchant saved them", async () => {
    const shop = await createTestShop({ smsCountries: ["US", "MX"] });
    admin.addShop(shop.shop, undefined, { country: "CA" });

    await openAdmin(shop.shop);

    expect(await prisma.shop.findUniqueOrThrow({ where: { shop: shop.shop } })).toMatchObject({ brandName: "Acme Outfitters", smsCountries: "US,MX" });
  });
});
