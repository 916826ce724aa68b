import { randomBytes } from "node:crypto";
import twilio from "twilio";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestShop } from "../../tests/support/shop-fixture";
import { applyConsentChange } from "../consent/consent-engine.server";
import { mayTextMarketing } from "../consent/suppression.server";
import prisma from "../db.server";
import { action } from "../routes/webhooks.twilio.status";
import { callAction } from "../../tests/support/call-route";
import { statusCallbackUrl, statusCallbackUrlFor } from "./delivery-status.server";

// Twilio calls the public URL; the app behind the proxy sees an internal one.
const PUBLIC_URL = "https://sms-consent.test/webhooks/twilio/status";
const INTERNAL_URL = "http://127.0.0.1:3000/webhooks/twilio/status";

let shop: string;
let authToken: string;
let phoneCounter = 0;

beforeAll(async () => {
  ({ shop, authToken } = await createTestShop());
});

const newSid = () => `SM${randomBytes(16).toString("hex")}`;
const newPhone = () => `+1555030${String(++phoneCounter).padStart(4, "0")}`;

async function subscribedNumber() {
  const phone = newPhone();
  const { subscriber } = await applyConsentChange({ shop, phone, action: "opt_in", source: "checkout", evidence: { orderId: "1" } });
  return subscriber;
}

async function sentMessage(options: { phone?: string; subscriberId?: string | null; kind?: string; status?: string } = {}) {
  const subscriber = options.phone || options.subscriberId === null ? null : await subscribedNumber();
  return prisma.message.create({
    data: {
      shop,
      phone: options.phone ?? subscriber!.phone,
      subscriberId: options.subscriberId === null ? null : (options.subscriberId ?? subscriber!.id),
      body: "Acme Outfitters: 20% off today. Reply STOP to opt out.",
      kind: options.kind ?? "marketing",
      status: options.status ?? "sending",
      twilioSid: newSid(),
    },
  });
}

function callbackParams(message: { twilioSid: string | null; phone: string }, status: string, errorCode?: number) {
  return {
    AccountSid: `AC${"1".repeat(32)}`,
    ApiVersion: "2010-04-01",
    From: "+15550009999",
    MessageSid: message.twilioSid!,
    MessageStatus: status,
    SmsSid: message.twilioSid!,
    SmsStatus: status,
    To: message.phone,
    ...(errorCode ? { ErrorCode: String(errorCode) } : {}),
  };
}

function signedRequest(params: Record<string, string>, options: { signature?: string | null; contentType?: string; body?: string } = {}) {
  const signature = options.signature === undefined ? twilio.getExpectedTwilioSignature(authToken, PUBLIC_URL, params) : options.signature;
  return new Request(INTERNAL_URL, {
    method: "POST",
    headers: {
      "Content-Type": options.contentType ?? "application/x-www-form-urlencoded",
      ...(signature ? { "X-Twilio-Signature": signature } : {}),
    },
    body: options.body ?? new URLSearchParams(params).toString(),
  });
}

const post = (request: Request) => callAction(action, request);

const deliver = (message: Parameters<typeof callbackParams>[0], status: string, errorCode?: number) =>
  post(signedRequest(callbackParams(message, status, errorCode)));

const reload = (id: string) => prisma.message.findUniqueOrThrow({ where: { id } });
const subscriberRow = (phone: string) => prisma.subscriber.findUniqueOrThrow({ where: { shop_phone: { shop, phone } } });
const eventsFor = (phone: string) => prisma.consentEvent.findMany({ where: { shop, phone }, orderBy: { seq: "asc" } });

describe("POST /webhooks/twilio/status: refusals", () => {
  it("refuses a missing or wrong signature with 403 and writes nothing", async () => {
    const message = await sentMessage();
    const params = callbackParams(message, "failed", 21610);
    const refusals = [
      signedRequest(params, { signature: null }),
      signedRequest(params, { signature: "bm90IGEgc2lnbmF0dXJl" }),
      signedRequest(params, { signature: twilio.getExpectedTwilioSignature("another-accounts-token", PUBLIC_URL, params) }),
      // Signed for the internal URL the app sees, not the public one Twilio called.
      signedRequest(params, { signature: twilio.getExpectedTwilioSignature(authToken, INTERNAL_URL, params) }),
      // Signed, then a parameter changed on the way.
      signedRequest(params, {
        signature: twilio.getExpectedTwilioSignature(authToken, PUBLIC_URL, params),
        body: new URLSearchParams({ ...params, ErrorCode: "30006" }).toString(),
      }),
    ];
    for (const request of refusals) {
      const response = await post(request);
      expect(response.status).toBe(403);
    }
    expect(await reload(message.id)).toEqual(message);
    expect((await subscriberRow(message.phone)).status).toBe("subscribed");
    expect(await eventsFor(message.phone)).toHaveLength(1);
  });

  it("answers 404 for a MessageSid we never sent, 400 for a malformed request", async () => {
    const stranger = { twilioSid: newSid(), phone: newPhone() };
    expect((await deliver(stranger, "delivered")).status).toBe(404);

    const message = await sentMessage();
    const params = callbackParams(message, "delivered");
    const json = await post(signedRequest(params, { contentType: "application/json", body: JSON.stringify(params) }));
    expect([json.status, await json.text()]).toEqual([400, "Expected Content-Type application/x-www-form-urlencoded, got application/json"]);

    const huge = await post(signedRequest({ ...params, Body: "x".repeat(70_000) }));
    expect([huge.status, await huge.text()]).toEqual([413, "Request body is larger than 65536 bytes"]);

    const { MessageStatus: _omitted, ...withoutStatus } = params;
    const missing = await post(signedRequest(withoutStatus));
    expect(missing.status).toBe(400);
    expect(await missing.text()).toBe("MessageStatus: Required");
    expect(await reload(message.id)).toEqual(message);
  });
});

describe("POST /webhooks/twilio/status: a callback that beats the worker", () => {
  // Twilio can call back before the worker has stored the MessageSid Twilio returned;
  // the message id in the callback URL (statusCallbackUrlFor) finds the row then.
  async function inFlight() {
    const message = await sentMessage();
    return prisma.message.update({ where: { id: message.id }, data: { twilioSid: null, attempts: 1, lockedUntil: new Date(Date.now() + 60_000) } });
  }
  const callbackFor = (messageId: string, params: Record<string, string>, token = authToken) => {
    const query = `?message=${messageId}`;
    return new Request(INTERNAL_URL + query, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": twilio.getExpectedTwilioSignature(token, PUBLIC_URL + query, params) },
      body: new URLSearchParams(params).toString(),
    });
  };

  it("applies it to the row its URL names, and records the MessageSid", async () => {
    const message = await inFlight();
    const sid = newSid();

    expect((await post(callbackFor(message.id, callbackParams({ twilioSid: sid, phone: message.phone }, "failed", 21610)))).status).toBe(204);

    expect(await reload(message.id)).toMatchObject({ status: "failed", errorCode: 21610, twilioSid: sid });
    expect((await subscriberRow(message.phone)).status).toBe("unsubscribed");
    // Later callbacks for that text find it by its MessageSid as usual.
    expect((await deliver({ twilioSid: sid, phone: message.phone }, "delivered")).status).toBe(204);
    expect((await reload(message.id)).status).toBe("failed");
  });

  it("refuses a wrong signature with 403 and writes nothing", async () => {
    const message = await inFlight();
    const params = callbackParams({ twilioSid: newSid(), phone: message.phone }, "failed", 21610);
    expect((await post(callbackFor(message.id, params, "another-accounts-token"))).status).toBe(403);
    expect(await reload(message.id)).toEqual(message);
    expect((await subscriberRow(message.phone)).status).toBe("subscribed");
  });

  it("answers 404 when the row it names already has another MessageSid (another attempt's text)", async () => {
    const message = await sentMessage();
    const params = callbackParams({ twilioSid: newSid(), phone: message.phone }, "failed", 21610);
    expect((await post(callbackFor(message.id, params))).status).toBe(404);
    expect(await reload(message.id)).toEqual(message);
  });
});

describe("POST /webhooks/twilio/status: applying callbacks", () => {
  it("moves a message only forward, keeping the first final status", async () => {
    const message = await sentMessage({ status: "queued" });

    expect((await deliver(message, "queued")).status).toBe(204); // queued at Twilio: it has left our outbox
    expect((await reload(message.id)).status).toBe("sending");

    expect((await deliver(message, "delivered")).status).toBe(204);
    const delivered = await reload(message.id);
    expect(delivered).toMatchObject({ status: "delivered", errorCode: null });
    expect(delivered.sentAt).toBeInstanceOf(Date);
    expect(delivered.deliveredAt).toBeInstanceOf(Date);

    expect((await deliver(message, "sent")).status).toBe(204); // late "sent" after "delivered"
    expect((await deliver(message, "sending")).status).toBe(204);
    expect((await deliver(message, "failed", 30003)).status).toBe(204); // a failure after delivery is ignored
    expect((await deliver(message, "some_future_status")).status).toBe(204);
    expect(await reload(message.id)).toEqual(delivered);
    expect((await subscriberRow(message.phone)).undeliverableCount).toBe(0);
  });

  it("moves on rows an earlier worker left 'accepted', and acts on their failures", async () => {
    const delivered = await sentMessage({ status: "accepted" });
    expect((await deliver(delivered, "sent")).status).toBe(204);
    expect((await deliver(delivered, "delivered")).status).toBe(204);
    expect(await reload(delivered.id)).toMatchObject({ status: "delivered", errorCode: null });

    const blocked = await sentMessage({ status: "accepted" });
    expect((await deliver(blocked, "failed", 21610)).status).toBe(204);
    expect(await reload(blocked.id)).toMatchObject({ status: "failed", errorCode: 21610 });
    expect((await subscriberRow(blocked.phone)).status).toBe("unsubscribed");
  });

  it("records an error code and the time it was sent", async () => {
    const message = await sentMessage();
    await deliver(message, "sent");
    const sent = await reload(message.id);
    expect(sent.status).toBe("sent");
    await deliver(message, "undelivered", 30007);
    const undelivered = await reload(message.id);
    expect(undelivered).toMatchObject({ status: "undelivered", errorCode: 30007, sentAt: sent.sentAt, deliveredAt: null });
  });

  it("unsubscribes on 21610 with a carrier event, and cancels what was queued", async () => {
    const message = await sentMessage();
    const queued = await prisma.message.create({
      data: { shop, phone: message.phone, subscriberId: message.subscriberId, body: "Acme: next sale", kind: "marketing" },
    });

    expect((await deliver(message, "failed", 21610)).status).toBe(204);

    expect(await reload(message.id)).toMatchObject({ status: "failed", errorCode: 21610 });
    expect((await subscriberRow(message.phone)).status).toBe("unsubscribed");
    const events = await eventsFor(message.phone);
    expect(events.map((e) => [e.kind, e.source])).toEqual([
      ["opted_in", "checkout"],
      ["carrier_opt_out", "carrier"],
    ]);
    expect(JSON.parse(events[1]!.evidence)).toEqual({ messageSid: message.twilioSid, errorCode: 21610 });
    expect((await reload(queued.id)).status).toBe("cancelled");
    expect(await mayTextMarketing(shop, message.phone, prisma)).toEqual({ allowed: false, reason: "unsubscribed" });
  });

  it("records a carrier opt-out even for a number that was never a subscriber", async () => {
    const phone = newPhone();
    const receipt = await sentMessage({ phone, subscriberId: null, kind: "transactional" });
    await deliver(receipt, "failed", 21610);
    expect((await subscriberRow(phone)).status).toBe("unsubscribed");
  });

  it("marks a landline (30006) unreachable at once, and the suppression check then refuses it", async () => {
    const message = await sentMessage();
    expect(await mayTextMarketing(shop, message.phone, prisma)).toEqual({ allowed: true });

    await deliver(message, "undelivered", 30006);

    const subscriber = await subscriberRow(message.phone);
    expect(subscriber).toMatchObject({ status: "subscribed", undeliverableCount: 1 });
    expect(subscriber.unreachableAt).toBeInstanceOf(Date);
    expect(await mayTextMarketing(shop, message.phone, prisma)).toEqual({ allowed: false, reason: "unreachable" });
  });

  it("marks 30003 unreachable only after three failures in a row; a delivery starts the count again", async () => {
    const first = await sentMessage();
    const phone = first.phone;
    const next = () => sentMessage({ phone, subscriberId: first.subscriberId });

    await deliver(first, "undelivered", 30003);
    await deliver(await next(), "undelivered", 30003);
    expect(await subscriberRow(phone)).toMatchObject({ undeliverableCount: 2, unreachableAt: null });

    await deliver(await next(), "delivered");
    expect(await subscriberRow(phone)).toMatchObject({ undeliverableCount: 0, unreachableAt: null });

    for (let i = 0; i < 2; i++) await deliver(await next(), "undelivered", 30003);
    expect(await mayTextMarketing(shop, phone, prisma)).toEqual({ allowed: true });
    await deliver(await next(), "failed", 30003);
    expect((await subscriberRow(phone)).undeliverableCount).toBe(3);
    expect(await mayTextMarketing(shop, phone, prisma)).toEqual({ allowed: false, reason: "unreachable" });
  });

  it("is idempotent: a replayed callback, even several at once, changes nothing more", async () => {
    const unreachable = await sentMessage();
    for (let i = 0; i < 3; i++) expect((await deliver(unreachable, "undelivered", 30003)).status).toBe(204);
    expect((await subscriberRow(unreachable.phone)).undeliverableCount).toBe(1);

    const optedOut = await sentMessage();
    const responses = await Promise.all(Array.from({ length: 5 }, () => deliver(optedOut, "failed", 21610)));
    expect(responses.map((r) => r.status)).toEqual([204, 204, 204, 204, 204]);
    expect((await eventsFor(optedOut.phone)).map((e) => e.kind)).toEqual(["opted_in", "carrier_opt_out"]);

    const racing = await sentMessage();
    await Promise.all(Array.from({ length: 5 }, () => deliver(racing, "undelivered", 30003)));
    expect((await subscriberRow(racing.phone)).undeliverableCount).toBe(1);
    const after = await reload(racing.id);
    await deliver(racing, "undelivered", 30003);
    expect(await reload(racing.id)).toEqual(after);
  });

  it("gives senders the exact URL the signature is checked against", () => {
    expect(statusCallbackUrl()).toBe(PUBLIC_URL);
    expect(statusCallbackUrlFor("cm0message0id")).toBe(`${PUBLIC_URL}?message=cm0message0id`);
  });

});
