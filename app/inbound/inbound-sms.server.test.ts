/**
 * The inbound SMS webhook end to end: real signatures from the twilio library,
 * the route's own action, the real database (SQLite and PostgreSQL).
 */
import { randomBytes } from "node:crypto";
import twilio from "twilio";
import { afterEach, describe, expect, it, vi } from "vitest";
import { callAction } from "../../tests/support/call-route";
import { inboundParams, newPhone, type InboundParams as Params } from "../../tests/support/inbound-sms";
import { createTestShop } from "../../tests/support/shop-fixture";
import prisma from "../db.server";
import { composeComplianceReply } from "../messaging/compose";
import { action } from "../routes/webhooks.twilio.sms";
import { saveShopSettings } from "../shops/shop-settings.server";
import { applyConsentChange } from "../consent/consent-engine.server";

const PUBLIC_URL = "https://sms-consent.test/webhooks/twilio/sms";
// What the app sees behind the tunnel/proxy: not the URL Twilio signed.
const INTERNAL_URL = "http://127.0.0.1:3000/webhooks/twilio/sms";
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

type TestShop = Awaited<ReturnType<typeof createTestShop>>;

interface RequestOptions {
  authToken?: string;
  signature?: string | null;
  signedUrl?: string;
  requestUrl?: string;
  contentType?: string;
  rawBody?: string;
}

function webhookRequest(params: Params, options: RequestOptions = {}): Request {
  const signedUrl = options.signedUrl ?? PUBLIC_URL;
  const signature =
    options.signature === undefined
      ? twilio.getExpectedTwilioSignature(options.authToken ?? "test-twilio-auth-token", signedUrl, params)
      : options.signature;
  const headers: Record<string, string> = { "Content-Type": options.contentType ?? "application/x-www-form-urlencoded" };
  if (signature !== null) headers["X-Twilio-Signature"] = signature;
  return new Request(options.requestUrl ?? INTERNAL_URL, {
    method: "POST",
    headers,
    body: options.rawBody ?? new URLSearchParams(params).toString(),
  });
}

async function send(params: Params, options: RequestOptions = {}) {
  const response = await callAction(action, webhookRequest(params, options));
  return { status: response.status, type: response.headers.get("content-type"), body: await response.text() };
}

/** Texts `body` from `from` to the shop's number; returns the reply and the params sent. */
async function text(shop: TestShop, from: string, body: string, extra: Params = {}) {
  const params = inboundParams(shop, from, body, extra);
  return { ...(await send(params, { authToken: shop.authToken })), params };
}

const messagesOf = (twiml: string) => [...twiml.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((m) => decodeXml(m[1]!));
const decodeXml = (s: string) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

const subscriberOf = (shop: TestShop, phone: string) =>
  prisma.subscriber.findUnique({ where: { shop_phone: { shop: shop.shop, phone } } });
const eventsOf = (shop: TestShop, phone: string) =>
  prisma.consentEvent.findMany({ where: { shop: shop.shop, phone }, orderBy: { seq: "asc" } });
const inboundOf = (shop: TestShop, phone: string) =>
  prisma.inboundMessage.findMany({ where: { shop: shop.shop, fromPhone: phone } });

async function subscribed(shop: TestShop, phone: string) {
  await applyConsentChange({ shop: shop.shop, phone, action: "opt_in", source: "admin", evidence: { note: "test setup" } });
}

function program(shop: TestShop) {
  const { brandName, supportContact, maxMessagesPerMonth } = shop.settings;
  return { brandName, supportContact, maxMessagesPerMonth };
}

describe("inbound SMS webhook: opt-out", () => {
  it("STOP unsubscribes, records one event with its evidence and answers with one confirmation", async () => {
    const shop = await createTestShop();
    const phone = newPhone();
    await subscribed(shop, phone);

    const reply = await text(shop, phone, "STOP");

    expect(reply.status).toBe(200);
    expect(reply.type).toMatch(/^text\/xml/);
    const messages = messagesOf(reply.body);
    expect(messages).toEqual([composeComplianceReply("opt_out_confirmation", program(shop), "en")]);
    expect(messages[0]).toContain("Acme Outfitters");
    expect((await subscriberOf(shop, phone))?.status).toBe("unsubscribed");

    const events = await eventsOf(shop, phone);
    expect(events.map((e) => e.kind)).toEqual(["opted_in", "opted_out"]);
    expect(events[1]).toMatchObject({ source: "keyword", fromStatus: "subscribed", toStatus: "unsubscribed" });
    expect(JSON.parse(events[1]!.evidence)).toMatchObject({
      messageSid: reply.params.MessageSid,
      body: "STOP",
      from: phone,
      to: shop.inboundNumber,
      matched: "stop",
      language: "en",
    });

    const [inbound] = await inboundOf(shop, phone);
    expect(inbound).toMatchObject({ messageSid: reply.params.MessageSid, intent: "opt_out", replyTwiml: reply.body, body: "STOP" });
    expect(inbound!.subscriberId).toBe(events[1]!.subscriberId);
  });

  it("a STOP ending in a NUL byte (which PostgreSQL cannot store) unsubscribes, with the text recorded without it", async () => {
    const shop = await createTestShop();
    const phone = newPhone();
    await subscribed(shop, phone);

    const reply = await text(shop, phone, "STOP\u0000");

    expect(reply.status).toBe(200);
    expect(messagesOf(reply.body)).toEqual([composeComplianceReply("opt_out_confirmation", program(shop), "en")]);
    expect((await subscriberOf(shop, phone))?.status).toBe("unsubscribed");
    const events = await eventsOf(shop, phone);
    expect(events.map((e) => e.kind)).toEqual(["opted_in", "opted_out"]);
    expect(JSON.parse(events[1]!.evidence)).toMatchObject({ messageSid: reply.params.MessageSid, body: "STOP", matched: "stop" });
    expect((await inboundOf(shop, phone)).map((m) => [m.intent, m.body])).toEqual([["opt_out", "STOP"]]);
  });

  it("STOP from a number never seen still records the revocation", async () => {
    const shop = await createTestShop();
    const phone = newPhone();
    const reply = await text(shop, phone, "stop");
    expect(messagesOf(reply.body)).toHaveLength(1);
    expect((await subscriberOf(shop, phone))?.status).toBe("unsubscribed");
  });

  it("opts out on a free-text revocation, not on a question about the sale", async () => {
    const shop = await createTestShop();
    const leaver = newPhone();
    const shopper = newPhone();
    await subscribed(shop, leaver);
    await subscribed(shop, shopper);

    const out = await text(shop, leaver, "please stop texting me");
    expect(messagesOf(out.body)).toHaveLength(1);
    expect((await subscriberOf(shop, leaver))?.status).toBe("unsubscribed");

    const question = await text(shop, shopper, "When does the sale end?");
    expect(question.body).toBe(EMPTY_TWIML);
    expect((await subscriberOf(shop, shopper))?.status).toBe("subscribed");
    expect((await inboundOf(shop, shopper)).map((m) => m.intent)).toEqual(["other"]);
  });

  it("asks once, without changing consent, when a reply only might mean stop", async () => {
    const shop = await createTestShop();
    const phone = newPhone();
    await subscribed(shop, phone);
    const reply = await text(shop, phone, "these texts never stop");
    expect(messagesOf(reply.body)).toEqual([composeComplianceReply("clarify_opt_out", program(shop), "en")]);
    expect((await subscriberOf(shop, phone))?.status).toBe("subscribed");
    expect(await eventsOf(shop, phone)).toHaveLength(1);
  });

  it("cancels the subscriber's queued marketing at once, and leaves order updates alone", async () => {
    const shop = await createTestShop();
    const phone = newPhone();
    await subscribed(shop, phone);
    const subscriber = (await subscriberOf(shop, phone))!;
    const base = { shop: shop.shop, subscriberId: subscriber.id, phone };
    const marketing = await prisma.message.create({ data: { ...base, body: "Acme: 20% off today", kind: "marketing" } });
    const orderUpdate = await prisma.message.create({ data: { ...base, body: "Acme: your order shipped", kind: "transactional" } });

    await text(shop, phone, "STOP");

    expect((await prisma.message.findUnique({ where: { id: marketing.id } }))?.status).toBe("cancelled");
    expect((await prisma.message.findUnique({ where: { id: orderUpdate.id } }))?.status).toBe("queued");
  });

  it("confirms a repeated STOP again without a second event", async () => {
    const shop = await createTestShop();
    const phone = newPhone();
    await subscribed(shop, phone);
    const first = await text(shop, phone, "STOP");
    const second = await text(shop, phone, "STOP");
    expect(messagesOf(second.body)).toEqual(messagesOf(first.body));
    expect((await eventsOf(shop, phone)).map((e) => e.kind)).toEqual(["opted_in", "opted_out"]);
    expect(await inboundOf(shop, phone)).toHaveLength(2);
  });

  it("answers BAJA in Spanish when the shop supports Spanish, in English when it does not", async () => {
    const bilingual = await createTestShop({ supportedLanguages: ["en", "es"] });
    const english = await createTestShop();
    const phone = newPhone();

    const es = await text(bilingual, phone, "BAJA");
    expect(messagesOf(es.body)).toEqual([composeComplianceReply("opt_out_confirmation", program(bilingual), "es")]);
    expect(messagesOf(es.body)[0]).not.toEqual(composeComplianceReply("opt_out_confirmation", program(bilingual), "en"));
    expect((await subscriberOf(bilingual, phone))?.status).toBe("unsubscribed");

    const en = await text(english, phone, "BAJA");
    expect(messagesOf(en.body)).toEqual([composeComplianceReply("opt_out_confirmation", program(english), "en")]);
  });

  it("uses the merchant's own opt-out wording in the shop's language", async () => {
    const optOutText = "Acme Outfitters: You're out. No more texts from us. Reply START to come back.";
    const shop = await createTestShop({ optOutText });
    const reply = await text(shop, newPhone(), "STOP");
    expect(messagesOf(reply.body)).toEqual([composeComplianceReply("opt_out_confirmation", program(shop), "en", optOutText)]);
  });
});

describe("inbound SMS webhook: help and opt-in", () => {
  it("answers HELP with brand, rates, support contact and how to stop, changing nothing", async () => {
    const shop = await createTestShop();
    const phone = newPhone();
    const reply = await text(shop, phone, "HELP");
    const [help] = messagesOf(reply.body);
    expect(help).toContain("Acme Outfitters");
    expect(help).toContain("Msg & data rates may apply");
    expect(help).toContain("STOP");
    expect(help).toContain("help@acme.test");
    expect(await subscriberOf(shop, phone)).toBeNull();
    expect((await inboundOf(shop, phone)).map((m) => m.intent)).toEqual(["help"]);
  });

  it("JOIN from an unknown number asks for confirmation; Y subscribes", async () => {
    const shop = await createTestShop();
    const phone = newPhone();

    const join = await text(shop, phone, "JOIN");
    expect(messagesOf(join.body)).toEqual([composeComplianceReply("double_opt_in_request", program(shop), "en")]);
    const pending = await subscriberOf(shop, phone);
    expect(pending?.status).toBe("pending");
    const hours = (pending!.pendingExpiresAt!.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(71.9);
    expect(hours).toBeLessThanOrEqual(72);

    const yes = await text(shop, phone, "Y");
    expect(messagesOf(yes.body)).toEqual([composeComplianceReply("opt_in_confirmation", program(shop), "en")]);
    expect(await subscriberOf(shop, phone)).toMatchObject({ status: "subscribed", optInLevel: "confirmed" });
    expect((await eventsOf(shop, phone)).map((e) => e.kind)).toEqual(["opt_in_requested", "confirmed"]);
  });

  it("a Y after the confirmation window closed does not subscribe", async () => {
    const shop = await createTestShop({ pendingExpiryHours: 1 });
    const phone = newPhone();
    await text(shop, phone, "JOIN");
    await prisma.subscriber.update({
      where: { shop_phone: { shop: shop.shop, phone } },
      data: { pendingExpiresAt: new Date(Date.now() - 60_000) },
    });

    const late = await text(shop, phone, "Y");

    expect((await subscriberOf(shop, phone))?.status).not.toBe("subscribed");
    expect(messagesOf(late.body)).toEqual([composeComplianceReply("double_opt_in_request", program(shop), "en")]);
    expect((await eventsOf(shop, phone)).map((e) => e.kind)).toEqual(["opt_in_requested", "expired", "opt_in_requested"]);
  });

  it("without double opt-in, JOIN subscribes at once", async () => {
    const shop = await createTestShop({ doubleOptIn: false });
    const phone = newPhone();
    const reply = await text(shop, phone, "join");
    expect(messagesOf(reply.body)).toEqual([composeComplianceReply("opt_in_confirmation", program(shop), "en")]);
    expect(await subscriberOf(shop, phone)).toMatchObject({ status: "subscribed", optInLevel: "single" });
  });

  it("START from an opted-out number re-subscribes it", async () => {
    const shop = await createTestShop();
    const phone = newPhone();
    await subscribed(shop, phone);
    await text(shop, phone, "STOP");
    const reply = await text(shop, phone, "START");
    expect(messagesOf(reply.body)).toEqual([composeComplianceReply("resubscribed", program(shop), "en")]);
    expect((await subscriberOf(shop, phone))?.status).toBe("subscribed");
    expect((await eventsOf(shop, phone)).map((e) => e.kind)).toEqual(["opted_in", "opted_out", "resubscribed"]);
  });

  it("START from a subscribed number restates the program without a new event", async () => {
    const shop = await createTestShop();
    const phone = newPhone();
    await subscribed(shop, phone);
    const reply = await text(shop, phone, "START");
    expect(messagesOf(reply.body)).toEqual([composeComplianceReply("opt_in_confirmation", program(shop), "en")]);
    expect(await eventsOf(shop, phone)).toHaveLength(1);
  });
});

describe("inbound SMS webhook: Twilio's keyword handling", () => {
  it("twilio_default: records an exact STOP silently, answers free text itself", async () => {
    const shop = await createTestShop({ keywordMode: "twilio_default" });
    const exact = newPhone();
    const worded = newPhone();
    await subscribed(shop, exact);
    await subscribed(shop, worded);

    const stop = await text(shop, exact, "STOP");
    expect(stop.body).toBe(EMPTY_TWIML);
    expect((await subscriberOf(shop, exact))?.status).toBe("unsubscribed");
    expect((await inboundOf(shop, exact))[0]).toMatchObject({ intent: "opt_out", replyTwiml: EMPTY_TWIML });

    const please = await text(shop, worded, "please stop");
    expect(messagesOf(please.body)).toEqual([composeComplianceReply("opt_out_confirmation", program(shop), "en")]);
    expect((await subscriberOf(shop, worded))?.status).toBe("unsubscribed");

    const help = await text(shop, newPhone(), "HELP");
    expect(help.body).toBe(EMPTY_TWIML);
  });

  it("twilio_advanced_opt_out: OptOutType decides, whatever the words", async () => {
    const shop = await createTestShop({ keywordMode: "twilio_advanced_opt_out" });
    const phone = newPhone();
    await subscribed(shop, phone);
    // A merchant-configured Advanced Opt-Out keyword our classifier would not read as a stop.
    const reply = await text(shop, phone, "GOODBYE ACME", { OptOutType: "STOP", MessagingServiceSid: `MG${"a".repeat(32)}` });
    expect(reply.body).toBe(EMPTY_TWIML);
    expect((await subscriberOf(shop, phone))?.status).toBe("unsubscribed");
    expect(JSON.parse((await eventsOf(shop, phone))[1]!.evidence)).toMatchObject({ optOutType: "STOP" });
  });

  it("twilio_default: START from a new number still gets the double opt-in question Twilio cannot ask", async () => {
    const shop = await createTestShop({ keywordMode: "twilio_default" });
    const phone = newPhone();
    const reply = await text(shop, phone, "START");
    expect(messagesOf(reply.body)).toEqual([composeComplianceReply("double_opt_in_request", program(shop), "en")]);
    expect((await subscriberOf(shop, phone))?.status).toBe("pending");
    expect((await text(shop, phone, "YES")).body).toBe(EMPTY_TWIML); // Twilio answers YES itself…
    expect((await subscriberOf(shop, phone))?.status).toBe("subscribed"); // …and the app records the confirmation
  });

  it("app mode ignores nothing: it answers the exact keywords too", async () => {
    const shop = await createTestShop({ keywordMode: "app" });
    expect(messagesOf((await text(shop, newPhone(), "STOP")).body)).toHaveLength(1);
    expect(messagesOf((await text(shop, newPhone(), "HELP")).body)).toHaveLength(1);
  });
});

describe("inbound SMS webhook: idempotency", () => {
  it("the same request five times gives the same reply and one record", async () => {
    const shop = await createTestShop();
    const phone = newPhone();
    await subscribed(shop, phone);
    const params = inboundParams(shop, phone, "STOP");

    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(await send(params));

    expect(new Set(replies.map((r) => r.status))).toEqual(new Set([200]));
    expect(new Set(replies.map((r) => r.body)).size).toBe(1);
    expect(await inboundOf(shop, phone)).toHaveLength(1);
    expect((await eventsOf(shop, phone)).map((e) => e.kind)).toEqual(["opted_in", "opted_out"]);
  });

  it("concurrent duplicates also give one record and one answer", async () => {
    const shop = await createTestShop();
    const phone = newPhone();
    const params = inboundParams(shop, phone, "JOIN");

    const replies = await Promise.all(Array.from({ length: 5 }, () => send(params)));

    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(replies.map((r) => r.body)).size).toBe(1);
    expect(await inboundOf(shop, phone)).toHaveLength(1);
    expect((await eventsOf(shop, phone)).map((e) => e.kind)).toEqual(["opt_in_requested"]);
  });

  it("a MessageSid already received by another shop is refused, not replayed", async () => {
    const a = await createTestShop();
    const b = await createTestShop();
    const first = await text(a, newPhone(), "HELP");
    const reused = { ...inboundParams(b, newPhone(), "STOP"), MessageSid: first.params.MessageSid! };
    const reply = await send(reused);
    expect(reply.status).toBe(409);
    expect(reply.body).not.toContain("Response");
    expect(await prisma.inboundMessage.count({ where: { shop: b.shop } })).toBe(0);
  });
});

describe("inbound SMS webhook: refusals", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  async function expectNothingWritten(messageSid: string, phone: string) {
    expect(await prisma.inboundMessage.count({ where: { messageSid } })).toBe(0);
    expect(await prisma.subscriber.count({ where: { phone } })).toBe(0);
    expect(await prisma.consentEvent.count({ where: { phone } })).toBe(0);
  }

  it("403 for a wrong, missing, other-token or request.url signature", async () => {
    const shop = await createTestShop();
    const phone = newPhone();
    const params = inboundParams(shop, phone, "STOP");
    const cases: RequestOptions[] = [
      { signature: "bm90IGEgc2lnbmF0dXJl" },
      { signature: null },
      { authToken: "someone-elses-token" },
      { signedUrl: INTERNAL_URL }, // behind the proxy, request.url is not what Twilio signed
    ];
    const replies = [];
    for (const options of cases) replies.push(await send(params, options));
    expect(replies.map((r) => r.status)).toEqual([403, 403, 403, 403]);
    expect(replies.map((r) => r.body)).toEqual([
      "Invalid X-Twilio-Signature",
      "Missing X-Twilio-Signature",
      "Invalid X-Twilio-Signature",
      "Invalid X-Twilio-Signature",
    ]);
    await expectNothingWritten(params.MessageSid!, phone);
  });

  it("403 when a parameter was added or changed after signing", async () => {
    const shop = await createTestShop();
    const phone = newPhone();
    const params = inboundParams(shop, phone, "Hello");
    const signature = twilio.getExpectedTwilioSignature(shop.authToken, PUBLIC_URL, params);
    const tampered = { ...params, Body: "STOP" };
    expect((await send(tampered, { signature })).status).toBe(403);
    const extra = { ...params, FromCity: "ANYTOWN" };
    expect((await send(extra, { signature })).status).toBe(403);
    await expectNothingWritten(params.MessageSid!, phone);
  });

  it("accepts a rotated auth token once the cached shop is a few seconds old", async () => {
    const shop = await createTestShop();
    expect((await text(shop, newPhone(), "HELP")).status).toBe(200); // caches the shop with the old token
    const { shop: domain, settings } = shop;
    await saveShopSettings(domain, {
      brandName: settings.brandName,
      supportContact: settings.supportContact,
      senderPhoneNumber: settings.senderPhoneNumber,
      keywordMode: "app",
      twilioAuthToken: "rotated-auth-token",
    });
    const params = inboundParams(shop, newPhone(), "HELP");
    const later = Date.now() + 3_000;
    vi.spyOn(Date, "now").mockImplementation(() => later);
    expect((await send(params, { authToken: "rotated-auth-token" })).status).toBe(200);
    expect((await send(inboundParams(shop, newPhone(), "HELP"), { authToken: shop.authToken })).status).toBe(403);
  });

  it("signs over the public URL with its query string", async () => {
    const shop = await createTestShop();
    const params = inboundParams(shop, newPhone(), "HELP");
    const reply = await send(params, {
      signedUrl: `${PUBLIC_URL}?source=twilio`,
      requestUrl: `${INTERNAL_URL}?source=twilio`,
    });
    expect(reply.status).toBe(200);
  });

  it("finds the shop by its Messaging Service when the number is one of the service's pool", async () => {
    const messagingServiceSid = `MG${randomBytes(16).toString("hex")}`;
    const shop = await createTestShop({ messagingServiceSid });
    const phone = newPhone();
    const params = { ...inboundParams(shop, phone, "STOP"), To: "+12025559876", MessagingServiceSid: messagingServiceSid };
    const reply = await send(params);
    expect(reply.status).toBe(200);
    expect((await subscriberOf(shop, phone))?.status).toBe("unsubscribed");
  });

  it("404 for a number no shop owns, with nothing written", async () => {
    const shop = await createTestShop();
    const phone = newPhone();
    const params: Params = { ...inboundParams(shop, phone, "STOP"), To: "+15559990000" };
    const reply = await send(params);
    expect(reply.status).toBe(404);
    await expectNothingWritten(params.MessageSid!, phone);
  });

  it("400 with the reason for malformed requests", async () => {
    const shop = await createTestShop();
    const phone = newPhone();
    const good = inboundParams(shop, phone, "STOP");
    const { MessageSid: _omitted, ...withoutSid } = good;
    const cases: Array<[string, Params, RequestOptions, RegExp]> = [
      ["malformed From", { ...good, From: "555-CALL-NOW" }, {}, /From must be a phone number in E\.164/],
      ["From without +", { ...good, From: "12025550123" }, {}, /From must be a phone number in E\.164/],
      ["malformed To", { ...good, To: "+1" }, {}, /To must be a phone number in E\.164/],
      ["missing MessageSid", withoutSid, {}, /MessageSid is required/],
      ["garbled MessageSid", { ...good, MessageSid: "SM123" }, {}, /MessageSid must be SM or MM/],
      ["missing Body", (({ Body: _b, ...rest }) => rest)(good), {}, /Body is required/],
      ["JSON body", good, { contentType: "application/json", rawBody: JSON.stringify(good) }, /Expected Content-Type application\/x-www-form-urlencoded, got application\/json/],
    ];
    for (const [name, params, options, reason] of cases) {
      const reply = await send(params, options);
      expect(reply.status, name).toBe(400);
      expect(reply.body, name).toMatch(reason);
    }
    const oversized = await send({ ...good, Body: "x".repeat(70 * 1024) });
    expect([oversized.status, oversized.body]).toEqual([413, "Request body is larger than 65536 bytes"]);
    await expectNothingWritten(good.MessageSid!, phone);
  });

  it("accepts an MMS with an empty body and records it", async () => {
    const shop = await createTestShop();
    const phone = newPhone();
    const reply = await text(shop, phone, "", { NumMedia: "1", MediaUrl0: "https://api.twilio.com/media/1", MessageSid: `MM${randomBytes(16).toString("hex")}` });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(EMPTY_TWIML);
    expect((await inboundOf(shop, phone)).map((m) => m.intent)).toEqual(["other"]);
  });
});

describe("inbound SMS webhook: shops are isolated", () => {
  it("a STOP to one shop leaves the same number's consent at another shop untouched", async () => {
    const a = await createTestShop();
    const b = await createTestShop({ brandName: "Beta Bikes" });
    const phone = newPhone();
    await subscribed(a, phone);
    await subscribed(b, phone);

    const reply = await text(a, phone, "STOP");

    expect(messagesOf(reply.body)[0]).toContain("Acme Outfitters");
    expect((await subscriberOf(a, phone))?.status).toBe("unsubscribed");
    expect((await subscriberOf(b, phone))?.status).toBe("subscribed");
    expect((await eventsOf(b, phone)).map((e) => e.kind)).toEqual(["opted_in"]);
    expect(await inboundOf(b, phone)).toHaveLength(0);

    const help = await text(b, phone, "HELP");
    expect(messagesOf(help.body)[0]).toContain("Beta Bikes");
  });
});
