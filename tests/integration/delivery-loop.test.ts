/**
 * The whole delivery loop, on each database: a text queued by each path that
 * queues one → the worker's dispatch (what `npm run worker` runs) → the real
 * twilio SDK → the local Twilio-compatible server over HTTP → its signed
 * status callbacks over HTTP → /webhooks/twilio/status → the Message row and
 * the number's standing (and, for an imported number, their "Y"). Each half has tests of its own; this one proves they
 * meet (a status the worker wrote and the callbacks did not know once made
 * every callback a silent no-op).
 */
import { randomBytes } from "node:crypto";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listCampaigns } from "../../app/campaigns/campaigns.server";
import { applyConsentChange } from "../../app/consent/consent-engine.server";
import { verifyConsentChain } from "../../app/consent/ledger.server";
import { mayTextMarketing } from "../../app/consent/suppression.server";
import { getDashboardSummary } from "../../app/dashboard/summary.server";
import prisma from "../../app/db.server";
import { resetEnvCache } from "../../app/env.server";
import { composeComplianceReply } from "../../app/messaging/compose";
import { MESSAGE_STATUSES } from "../../app/messaging/message-status";
import { dispatchDueMessages, enqueueMessage } from "../../app/messaging/outbox.server";
import { usDaytime } from "../support/us-daytime";
import { startTwilioSandbox, type SandboxCallback, type TwilioSandbox } from "../../app/messaging/twilio-sandbox.server";
import { action as ordersCreateAction } from "../../app/routes/webhooks.orders.create";
import { importSubscribersCsv } from "../../app/subscribers/import/subscriber-import.server";
import { action as statusCallbackAction } from "../../app/routes/webhooks.twilio.status";
import { serveAppRoutes, type AppRoutesServer } from "../support/app-routes-server";
import { shopWithDisclosure } from "../support/checkout-fixture";
import { inboundParams } from "../support/inbound-sms";
import { createTestShop, TEST_TWILIO_ACCOUNT_SID, TEST_TWILIO_AUTH_TOKEN } from "../support/shop-fixture";
import { shopifyWebhookRequest } from "../support/shopify-webhook";

const STATUS_PATH = "/webhooks/twilio/status";
const FINAL_TWILIO_STATUSES = new Set(["delivered", "undelivered", "failed", "canceled"]);
// The local Twilio server fails numbers by their last four digits (…0003, …0005, …0006): see twilio-sandbox.server.ts.
const UNREACHABLE_HANDSET = "+13125550003"; // 30003: may be switched off, unreachable only after repeats
const UNKNOWN_NUMBER = "+13125550005"; // 30005
const LANDLINE = "+13125550006"; // 30006

let sandbox: TwilioSandbox;
let app: AppRoutesServer;
const savedEnv = { SHOPIFY_APP_URL: process.env.SHOPIFY_APP_URL, TWILIO_API_BASE_URL: process.env.TWILIO_API_BASE_URL };

beforeAll(async () => {
  // No delay before callbacks: they race the worker recording the MessageSid, as a quick Twilio does.
  sandbox = await startTwilioSandbox({ accounts: [{ accountSid: TEST_TWILIO_ACCOUNT_SID, authToken: TEST_TWILIO_AUTH_TOKEN }], statusCallbackDelayMs: 0 });
  app = await serveAppRoutes({ [STATUS_PATH]: statusCallbackAction, "/webhooks/orders/create": ordersCreateAction });
  // The app's public URL is where Twilio calls back (statusCallbackUrl) and what it signs.
  process.env.SHOPIFY_APP_URL = app.url;
  process.env.TWILIO_API_BASE_URL = sandbox.url;
  resetEnvCache();
});

afterAll(async () => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetEnvCache();
  await sandbox?.close();
  await app?.close();
});

// Texts whose final callback an earlier dispatch already waited for.
const settledSids = new Set<string>();
const answerOf = (c: SandboxCallback) => `${c.params.MessageStatus} → ${c.responseStatus} in ${c.attempts} attempt${c.attempts > 1 ? "s" : ""}`;

/** Runs the worker's dispatch once, then waits until Twilio has called back every text it accepted with a final status. */
async function dispatchAndAwaitCallbacks() {
  const report = await dispatchDueMessages({ now: usDaytime() });
  const accepted = sandbox.messages.filter((m) => !settledSids.has(m.sid)).map((m) => m.sid);
  const deadline = Date.now() + 15_000;
  const finalCallbackOf = (sid: string) =>
    sandbox.callbacks.find((c) => c.params.MessageSid === sid && FINAL_TWILIO_STATUSES.has(c.params.MessageStatus!));
  while (!accepted.every(finalCallbackOf)) {
    if (Date.now() > deadline) throw new Error(`no final status callback within 15 s for ${accepted.filter((sid) => !finalCallbackOf(sid)).join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (const sid of accepted) settledSids.add(sid);
  const callbacks = sandbox.callbacks.filter((c) => accepted.includes(c.params.MessageSid!));
  // Every callback was answered on its first attempt, and not with a refusal.
  expect(callbacks.map(answerOf)).toEqual(callbacks.map((c) => `${c.params.MessageStatus} → 204 in 1 attempt`));
  return { report, callbacks };
}

async function postOrder(shop: string, versionId: string, phone: string) {
  const id = 5_800_000_000 + Math.floor(Math.random() * 1e6);
  const payload = {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    created_at: new Date().toISOString(),
    browser_ip: "203.0.113.7",
    client_details: { browser_ip: "203.0.113.7", user_agent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) Safari/605.1.15" },
    customer: null,
    note_attributes: [
      { name: "_sms_consent_phone", value: phone },
      { name: "_sms_disclosure_version", value: versionId },
      { name: "_sms_disclosure_locale", value: "en" },
      { name: "_sms_consent_at", value: new Date().toISOString() },
      { name: "_sms_consent", value: "granted" },
    ],
  };
  const signed = shopifyWebhookRequest({ path: "/webhooks/orders/create", topic: "orders/create", shop, payload });
  return fetch(`${app.url}/webhooks/orders/create`, { method: "POST", headers: signed.headers, body: await signed.text() });
}

/** A text to the shop's number over the inbound webhook, signed as Twilio signs it. */
function textTheShop(shop: { inboundNumber: string; authToken: string }, from: string, body: string) {
  const params = inboundParams(shop, from, body);
  const url = `${app.url}/webhooks/twilio/sms`;
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": twilio.getExpectedTwilioSignature(shop.authToken, url, params) },
    body: new URLSearchParams(params),
  });
}

function postCallback(params: Record<string, string>, authToken: string) {
  const url = `${app.url}${STATUS_PATH}`;
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": twilio.getExpectedTwilioSignature(authToken, url, params) },
    body: new URLSearchParams(params),
  });
}

const messageTo = (shop: string, phone: string) => prisma.message.findFirstOrThrow({ where: { shop, phone }, orderBy: { createdAt: "desc" } });
const subscriberOf = (shop: string, phone: string) => prisma.subscriber.findUniqueOrThrow({ where: { shop_phone: { shop, phone } } });
const eventsOf = (shop: string, phone: string) => prisma.consentEvent.findMany({ where: { shop, phone }, orderBy: { seq: "asc" } });

async function subscribe(shop: string, phone: string) {
  const { subscriber } = await applyConsentChange({ shop, phone, action: "opt_in", source: "form", evidence: { form: "footer" } });
  return subscriber;
}

async function expectOnlyKnownStatuses(shop: string) {
  const rows = await prisma.message.findMany({ where: { shop }, select: { status: true } });
  for (const { status } of rows) expect(MESSAGE_STATUSES).toContain(status);
}

describe("delivery loop: worker → Twilio → signed callbacks → outbox and subscriber", () => {
  it("a checkout confirmation is delivered; a landline's is undelivered (30006) and the number unreachable at once", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    const mobile = "+13125550100";
    expect((await postOrder(shop, versionId, mobile)).status).toBe(200);
    expect((await postOrder(shop, versionId, LANDLINE)).status).toBe(200);
    expect((await prisma.message.findMany({ where: { shop } })).map((m) => [m.kind, m.status])).toEqual([
      ["compliance", "queued"],
      ["compliance", "queued"],
    ]);

    const { report } = await dispatchAndAwaitCallbacks();

    expect(report).toMatchObject({ claimed: 2, accepted: 2 });
    const delivered = await messageTo(shop, mobile);
    expect(delivered).toMatchObject({ status: "delivered", errorCode: null });
    expect(delivered.sentAt).toBeInstanceOf(Date);
    expect(delivered.deliveredAt).toBeInstanceOf(Date);
    expect(await messageTo(shop, LANDLINE)).toMatchObject({ status: "undelivered", errorCode: 30006, deliveredAt: null });

    expect(await subscriberOf(shop, mobile)).toMatchObject({ status: "subscribed", undeliverableCount: 0, unreachableAt: null });
    const landline = await subscriberOf(shop, LANDLINE);
    expect(landline).toMatchObject({ status: "subscribed", undeliverableCount: 1 });
    expect(landline.unreachableAt).toBeInstanceOf(Date);
    expect(await mayTextMarketing(shop, LANDLINE, prisma)).toEqual({ allowed: false, reason: "unreachable" });
    expect((await getDashboardSummary(shop))?.last30Days).toMatchObject({ messagesSent: 2, messagesDelivered: 1 });
    await expectOnlyKnownStatuses(shop);
  });

  it("a reply through the outbox to a number Twilio blocked (21610 by callback) records the carrier opt-out, once", async () => {
    // With a Messaging Service, Twilio accepts the text and reports the block by callback.
    const messagingServiceSid = `MG${randomBytes(16).toString("hex")}`;
    const shop = await createTestShop({ doubleOptIn: false, messagingServiceSid });
    const phone = "+13125550200";
    expect((await textTheShop(shop, phone, "JOIN")).status).toBe(200); // signs up by keyword
    expect((await subscriberOf(shop.shop, phone)).status).toBe("subscribed");
    // The person then texted STOP to Twilio, which blocks the number for this sender.
    sandbox.optOut(phone);
    const program = { brandName: shop.settings.brandName, supportContact: shop.settings.supportContact, maxMessagesPerMonth: shop.settings.maxMessagesPerMonth };
    const subscriberId = (await subscriberOf(shop.shop, phone)).id;
    const reply = await enqueueMessage(shop.shop, { phone, subscriberId, body: composeComplianceReply("help", program, "en"), kind: "compliance" }, prisma);
    const tomorrow = new Date(Date.now() + 24 * 60 * 60_000);
    const later = await enqueueMessage(shop.shop, { phone, subscriberId, body: "Acme: new arrivals. Reply STOP to opt out.", kind: "marketing", sendAt: tomorrow }, prisma);

    const { report, callbacks } = await dispatchAndAwaitCallbacks();

    expect(report).toMatchObject({ claimed: 1, accepted: 1 });
    expect(callbacks.map((c) => [c.params.MessageStatus, c.params.ErrorCode])).toEqual([["failed", "21610"]]);
    const failed = await prisma.message.findUniqueOrThrow({ where: { id: reply.id } });
    expect(failed).toMatchObject({ status: "failed", errorCode: 21610, twilioSid: callbacks[0]!.params.MessageSid });
    expect((await subscriberOf(shop.shop, phone)).status).toBe("unsubscribed");
    const events = await eventsOf(shop.shop, phone);
    expect(events.map((e) => [e.kind, e.source])).toEqual([
      ["opted_in", "keyword"],
      ["carrier_opt_out", "carrier"],
    ]);
    expect(JSON.parse(events[1]!.evidence)).toMatchObject({ messageSid: failed.twilioSid, errorCode: 21610 });
    expect((await prisma.message.findUniqueOrThrow({ where: { id: later.id } })).status).toBe("cancelled");
    expect(await verifyConsentChain(shop.shop)).toMatchObject({ ok: true });

    // Twilio retries a callback: the same answer, no second effect. A forged one is refused and writes nothing.
    const replays = await Promise.all([1, 2, 3].map(() => postCallback(callbacks[0]!.params, shop.authToken)));
    expect(replays.map((r) => r.status)).toEqual([204, 204, 204]);
    const forged = await postCallback({ ...callbacks[0]!.params, MessageStatus: "delivered", ErrorCode: "" }, "not-the-shops-token");
    expect(forged.status).toBe(403);
    expect(await prisma.message.findUniqueOrThrow({ where: { id: reply.id } })).toEqual(failed);
    expect(await eventsOf(shop.shop, phone)).toEqual(events);
    await expectOnlyKnownStatuses(shop.shop);
  });

  it("an imported number's 'Reply Y' request is delivered, and their Y confirms them", async () => {
    const shop = await createTestShop({ doubleOptIn: true });
    const phone = "+13125550300";
    const csv = ["Phone Number,SMS Consent Timestamp,Opt-in Source,Consent Form URL", `${phone},2026-10-01T15:00:00Z,Spring pop-up,https://shop.example/sms-terms`].join("\n");
    const imported = await importSubscribersCsv({ shop: shop.shop, fileName: "attentive.csv", csv, confirmMode: "double_opt_in" });
    expect(imported).toMatchObject({ status: "done", pendingRows: 1 });
    expect(await subscriberOf(shop.shop, phone)).toMatchObject({ status: "pending" });
    expect((await prisma.message.findMany({ where: { shop: shop.shop, phone } })).map((m) => [m.kind, m.status])).toEqual([["compliance", "queued"]]);

    const { report, callbacks } = await dispatchAndAwaitCallbacks();

    expect(report).toMatchObject({ claimed: 1, accepted: 1 });
    expect(callbacks.map((c) => c.params.MessageStatus)).toContain("delivered");
    expect(await messageTo(shop.shop, phone)).toMatchObject({ status: "delivered", kind: "compliance" });
    expect((await textTheShop(shop, phone, "Y")).status).toBe(200);
    expect(await subscriberOf(shop.shop, phone)).toMatchObject({ status: "subscribed", optInLevel: "confirmed" });
    expect((await eventsOf(shop.shop, phone)).map((e) => [e.kind, e.source])).toEqual([
      ["opt_in_requested", "import"],
      ["confirmed", "keyword"],
    ]);
    expect(await verifyConsentChain(shop.shop)).toMatchObject({ ok: true });
    await expectOnlyKnownStatuses(shop.shop);
  });

  it("campaign texts: delivered counted, 30005 unreachable at once and skipped next time, 30003 unreachable after three in a row", async () => {
    const { shop } = await createTestShop();
    const fan = await subscribe(shop, "+13125550300");
    const unknown = await subscribe(shop, UNKNOWN_NUMBER);
    const switchedOff = await subscribe(shop, UNREACHABLE_HANDSET);
    const sendCampaign = async (name: string) => {
      const campaign = await prisma.campaign.create({ data: { shop, name, body: "Acme: 20% off this weekend. Reply STOP to opt out.", status: "sending" } });
      for (const subscriber of [fan, unknown, switchedOff]) {
        await enqueueMessage(shop, { phone: subscriber.phone, subscriberId: subscriber.id, campaignId: campaign.id, body: campaign.body, kind: "marketing" }, prisma);
      }
      await dispatchAndAwaitCallbacks();
      const rows = await prisma.message.findMany({ where: { campaignId: campaign.id } });
      const statusOf = (phone: string) => rows.find((row) => row.phone === phone)!;
      return { campaign, statusOf };
    };

    const first = await sendCampaign("Weekend 1");
    expect(first.statusOf(fan.phone)).toMatchObject({ status: "delivered" });
    expect(first.statusOf(UNKNOWN_NUMBER)).toMatchObject({ status: "undelivered", errorCode: 30005 });
    expect(first.statusOf(UNREACHABLE_HANDSET)).toMatchObject({ status: "undelivered", errorCode: 30003 });
    expect((await subscriberOf(shop, UNKNOWN_NUMBER)).unreachableAt).toBeInstanceOf(Date);
    expect(await subscriberOf(shop, UNREACHABLE_HANDSET)).toMatchObject({ undeliverableCount: 1, unreachableAt: null });
    expect((await listCampaigns(shop)).find((c) => c.id === first.campaign.id)).toMatchObject({ recipients: 3, delivered: 1, failed: 2 });

    const second = await sendCampaign("Weekend 2");
    expect(second.statusOf(UNKNOWN_NUMBER)).toMatchObject({ status: "suppressed", errorMessage: "not sent: unreachable", twilioSid: null });
    expect(second.statusOf(UNREACHABLE_HANDSET)).toMatchObject({ status: "undelivered", errorCode: 30003 });
    expect(await subscriberOf(shop, UNREACHABLE_HANDSET)).toMatchObject({ undeliverableCount: 2, unreachableAt: null });
    expect(await mayTextMarketing(shop, UNREACHABLE_HANDSET, prisma)).toEqual({ allowed: true });

    const third = await sendCampaign("Weekend 3");
    expect(third.statusOf(UNREACHABLE_HANDSET)).toMatchObject({ status: "undelivered", errorCode: 30003 });
    expect((await subscriberOf(shop, UNREACHABLE_HANDSET)).unreachableAt).toBeInstanceOf(Date);
    expect(await mayTextMarketing(shop, UNREACHABLE_HANDSET, prisma)).toEqual({ allowed: false, reason: "unreachable" });
    expect(await subscriberOf(shop, fan.phone)).toMatchObject({ status: "subscribed", undeliverableCount: 0, unreachableAt: null });
    expect(sandbox.messages.filter((m) => m.to === UNKNOWN_NUMBER)).toHaveLength(1); // never texted again after 30005
    await expectOnlyKnownStatuses(shop);
  });
});
