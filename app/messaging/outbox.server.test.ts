import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import { createTestShop, TEST_TWILIO_ACCOUNT_SID, TEST_TWILIO_AUTH_TOKEN } from "../../tests/support/shop-fixture";
import { dispatchDueMessages, enqueueMessage, MAX_ATTEMPTS, retryDelayMs } from "./outbox.server";
import { startTwilioSandbox, type TwilioSandbox } from "./twilio-sandbox.server";

let sandbox: TwilioSandbox;

beforeAll(async () => {
  sandbox = await startTwilioSandbox({ accounts: [{ accountSid: TEST_TWILIO_ACCOUNT_SID, authToken: TEST_TWILIO_AUTH_TOKEN }], statusCallbackDelayMs: 10_000 });
  process.env.TWILIO_API_BASE_URL = sandbox.url;
});
afterAll(async () => {
  delete process.env.TWILIO_API_BASE_URL;
  await sandbox.close();
});

async function subscribed(shop: string, phone: string) {
  const { subscriber } = await applyConsentChange({ shop, phone, action: "opt_in", source: "admin", evidence: { staff: "test" } });
  return subscriber;
}

describe("outbox dispatch", () => {
  it("sends marketing only to numbers subscribed at dispatch time", async () => {
    const { shop, inboundNumber } = await createTestShop();
    const alice = await subscribed(shop, "+15551110001");
    const bob = await subscribed(shop, "+15551110002");
    await enqueueMessage(shop, { phone: alice.phone, subscriberId: alice.id, body: "Acme: sale! Reply STOP to opt out", kind: "marketing" }, prisma);
    const toBob = await enqueueMessage(shop, { phone: bob.phone, subscriberId: bob.id, body: "Acme: sale! Reply STOP to opt out", kind: "marketing" }, prisma);
    await enqueueMessage(shop, { phone: "+15551110003", body: "Acme: sale!", kind: "marketing" }, prisma); // never consented

    // Bob opts out after the campaign was queued: the engine cancels his row at once.
    const optOut = await applyConsentChange({ shop, phone: bob.phone, action: "opt_out", source: "keyword", evidence: { body: "STOP" } });
    expect(optOut.cancelledMessages).toBe(1);
    expect((await prisma.message.findUniqueOrThrow({ where: { id: toBob.id } })).status).toBe("cancelled");

    const report = await dispatchDueMessages();
    expect(report).toMatchObject({ claimed: 2, accepted: 1, suppressed: 1 });
    const sent = sandbox.messages.filter((m) => m.from === inboundNumber);
    expect(sent.map((m) => m.to)).toEqual([alice.phone]);
    const unknown = await prisma.message.findFirstOrThrow({ where: { shop, phone: "+15551110003" } });
    expect(unknown).toMatchObject({ status: "suppressed", errorMessage: "not sent: unknown_number" });
    const toAlice = await prisma.message.findFirstOrThrow({ where: { shop, phone: alice.phone } });
    expect(toAlice).toMatchObject({ status: "sending", lockedUntil: null }); // at Twilio: its callbacks move it on
    expect(toAlice.twilioSid).toBe(sent[0]!.sid);
  });

  it("re-checks consent even when the opt-out bypassed the queue", async () => {
    const { shop } = await createTestShop();
    const carol = await subscribed(shop, "+15551110004");
    const queued = await enqueueMessage(shop, { phone: carol.phone, subscriberId: carol.id, body: "Acme: hi", kind: "marketing" }, prisma);
    await prisma.subscriber.update({ where: { id: carol.id }, data: { status: "unsubscribed" } });
    await dispatchDueMessages();
    expect((await prisma.message.findUniqueOrThrow({ where: { id: queued.id } })).status).toBe("suppressed");
  });

  it("retries rate limits with backoff and never sends a row twice", async () => {
    const { shop } = await createTestShop();
    const dave = await subscribed(shop, "+15551110005");
    const message = await enqueueMessage(shop, { phone: dave.phone, subscriberId: dave.id, body: "Acme: hi", kind: "marketing" }, prisma);
    sandbox.failNextSend({ httpStatus: 429, errorCode: 20429 });
    const now = new Date();
    expect(await dispatchDueMessages({ now })).toMatchObject({ retried: 1 });
    const retry = await prisma.message.findUniqueOrThrow({ where: { id: message.id } });
    expect(retry).toMatchObject({ status: "queued", attempts: 1, errorCode: 20429 });
    expect(retry.nextAttemptAt.getTime()).toBe(now.getTime() + retryDelayMs(1));

    expect(await dispatchDueMessages({ now })).toMatchObject({ claimed: 0 });
    const later = new Date(now.getTime() + retryDelayMs(1));
    const [first, second] = await Promise.all([dispatchDueMessages({ now: later }), dispatchDueMessages({ now: later })]);
    expect(first.accepted + second.accepted).toBe(1);
    expect(sandbox.messages.filter((m) => m.to === dave.phone)).toHaveLength(1);
  });

  it("gives up after the last attempt", async () => {
    const { shop } = await createTestShop();
    const erin = await subscribed(shop, "+15551110006");
    const message = await enqueueMessage(shop, { phone: erin.phone, subscriberId: erin.id, body: "Acme: hi", kind: "marketing" }, prisma);
    await prisma.message.update({ where: { id: message.id }, data: { attempts: MAX_ATTEMPTS - 1 } });
    sandbox.failNextSend({ httpStatus: 503, errorCode: 20503 });
    expect(await dispatchDueMessages()).toMatchObject({ failed: 1 });
  });

  it("treats Twilio's 21610 as the subscriber's revocation", async () => {
    const { shop } = await createTestShop();
    const frank = await subscribed(shop, "+15551110007");
    sandbox.optOut(frank.phone);
    await enqueueMessage(shop, { phone: frank.phone, subscriberId: frank.id, body: "Acme: hi", kind: "marketing" }, prisma);
    expect(await dispatchDueMessages()).toMatchObject({ failed: 1 });
    const after = await prisma.subscriber.findUniqueOrThrow({ where: { id: frank.id } });
    expect(after.status).toBe("unsubscribed");
    const events = await prisma.consentEvent.findMany({ where: { subscriberId: frank.id }, orderBy: { seq: "asc" } });
    expect(events.map((e) => [e.kind, e.source])).toEqual([
      ["opted_in", "admin"],
      ["carrier_opt_out", "carrier"],
    ]);
  });

  it("explains a missing Twilio setup in the merchant's words", async () => {
    const { shop } = await createTestShop();
    await prisma.shop.update({ where: { shop }, data: { twilioAuthTokenEncrypted: null } });
    await enqueueMessage(shop, { phone: "+15551110008", body: "Your order shipped", kind: "transactional" }, prisma);
    await dispatchDueMessages();
    expect(await prisma.message.findFirstOrThrow({ where: { shop } })).toMatchObject({
      status: "failed",
      errorMessage: "Twilio is not set up for this shop (account SID and auth token).",
    });
  });
});
