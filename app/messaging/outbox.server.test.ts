import { DateTime } from "luxon";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import prisma, { sqlOf } from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import { claimDueJobs } from "../queues/job-lease.server";
import { createTestShop, TEST_TWILIO_ACCOUNT_SID, TEST_TWILIO_AUTH_TOKEN } from "../../tests/support/shop-fixture";
import { CLAIM_LEASE_MS, dispatchDueMessages, enqueueMessage, MAX_ATTEMPTS, OUTBOX_BACKOFF, OUTBOX_JOBS } from "./outbox.server";
import { startTwilioSandbox, type TwilioSandbox } from "./twilio-sandbox.server";

let sandbox: TwilioSandbox;

beforeAll(async () => {
  sandbox = await startTwilioSandbox({ accounts: [{ accountSid: TEST_TWILIO_ACCOUNT_SID, authToken: TEST_TWILIO_AUTH_TOKEN }], statusCallbackDelayMs: 10_000 });
  process.env.TWILIO_API_BASE_URL = sandbox.url;
});
afterEach(() => sandbox.clearFaults());
afterAll(async () => {
  delete process.env.TWILIO_API_BASE_URL;
  await sandbox.close();
});

const SECOND = 1000;
/** Tomorrow at noon in New York (the test shops' zone, and the 555 numbers' fallback): inside every quiet-hours window. */
function middayTomorrow(): Date {
  const at = new Date();
  at.setUTCDate(at.getUTCDate() + 1);
  at.setUTCHours(17, 0, 0, 0);
  return at;
}

async function subscribed(shop: string, phone: string) {
  const { subscriber } = await applyConsentChange({ shop, phone, action: "opt_in", source: "admin", evidence: { staff: "test" } });
  return subscriber;
}

const sentTo = (phone: string) => sandbox.messages.filter((m) => m.to === phone);

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

    const report = await dispatchDueMessages({ now: middayTomorrow() });
    expect(report).toMatchObject({ claimed: 2, accepted: 1, suppressed: 1 });
    const sent = sandbox.messages.filter((m) => m.from === inboundNumber);
    expect(sent.map((m) => m.to)).toEqual([alice.phone]);
    const unknown = await prisma.message.findFirstOrThrow({ where: { shop, phone: "+15551110003" } });
    expect(unknown).toMatchObject({ status: "suppressed", errorMessage: "not sent: unknown_number", skipReason: "unknown_number" });
    const toAlice = await prisma.message.findFirstOrThrow({ where: { shop, phone: alice.phone } });
    expect(toAlice).toMatchObject({ status: "sending", lockedUntil: null }); // at Twilio: its callbacks move it on
    expect(toAlice.twilioSid).toBe(sent[0]!.sid);
  });

  it("re-checks consent even when the opt-out bypassed the queue", async () => {
    const { shop } = await createTestShop();
    const carol = await subscribed(shop, "+15551110004");
    const queued = await enqueueMessage(shop, { phone: carol.phone, subscriberId: carol.id, body: "Acme: hi", kind: "marketing" }, prisma);
    await prisma.subscriber.update({ where: { id: carol.id }, data: { status: "unsubscribed" } });
    await dispatchDueMessages({ now: middayTomorrow() });
    expect((await prisma.message.findUniqueOrThrow({ where: { id: queued.id } })).status).toBe("suppressed");
  });

  it("retries rate limits with backoff and jitter and never sends a row twice", async () => {
    const { shop } = await createTestShop();
    const dave = await subscribed(shop, "+15551110005");
    const message = await enqueueMessage(shop, { phone: dave.phone, subscriberId: dave.id, body: "Acme: hi", kind: "marketing" }, prisma);
    sandbox.failNextSend({ httpStatus: 429, errorCode: 20429 });
    const now = middayTomorrow();
    expect(await dispatchDueMessages({ now })).toMatchObject({ retried: 1 });
    const retry = await prisma.message.findUniqueOrThrow({ where: { id: message.id } });
    expect(retry).toMatchObject({ status: "queued", attempts: 1, errorCode: 20429 });
    const delay = retry.nextAttemptAt.getTime() - now.getTime();
    expect(delay).toBeGreaterThanOrEqual(OUTBOX_BACKOFF.minimumMs!);
    expect(delay).toBeLessThan(OUTBOX_BACKOFF.baseMs + 5 * SECOND); // full jitter below the first step (plus this test's own run time)

    expect(await dispatchDueMessages({ now })).toMatchObject({ claimed: 0 });
    const later = retry.nextAttemptAt;
    const [first, second] = await Promise.all([dispatchDueMessages({ now: later }), dispatchDueMessages({ now: later })]);
    expect(first.accepted + second.accepted).toBe(1);
    expect(sentTo(dave.phone)).toHaveLength(1);
  });

  it("retries a 429 and then a 500 from Twilio, then sends once", async () => {
    const { shop } = await createTestShop();
    const phone = "+15551110010";
    const sub = await subscribed(shop, phone);
    const message = await enqueueMessage(shop, { phone, subscriberId: sub.id, body: "Acme: hi", kind: "marketing" }, prisma);
    sandbox.failSendsTo(phone, { httpStatus: 429, errorCode: 20429 }, 1);
    let now = middayTomorrow();
    expect(await dispatchDueMessages({ now })).toMatchObject({ claimed: 1, retried: 1 });
    sandbox.failSendsTo(phone, { httpStatus: 500, errorCode: 20500 }, 1);
    now = (await prisma.message.findUniqueOrThrow({ where: { id: message.id } })).nextAttemptAt;
    expect(await dispatchDueMessages({ now })).toMatchObject({ claimed: 1, retried: 1 });
    now = (await prisma.message.findUniqueOrThrow({ where: { id: message.id } })).nextAttemptAt;
    expect(await dispatchDueMessages({ now })).toMatchObject({ claimed: 1, accepted: 1 });

    expect(await prisma.message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({ status: "sending", attempts: 3, errorCode: null });
    expect(sentTo(phone)).toHaveLength(1);
    expect(sandbox.rejected.filter((r) => r.params.To === phone).map((r) => r.httpStatus)).toEqual([429, 500]);
  });

  it("gives up after the last attempt", async () => {
    const { shop } = await createTestShop();
    const erin = await subscribed(shop, "+15551110006");
    const message = await enqueueMessage(shop, { phone: erin.phone, subscriberId: erin.id, body: "Acme: hi", kind: "marketing" }, prisma);
    await prisma.message.update({ where: { id: message.id }, data: { attempts: MAX_ATTEMPTS - 1 } });
    sandbox.failNextSend({ httpStatus: 503, errorCode: 20503 });
    expect(await dispatchDueMessages({ now: middayTomorrow() })).toMatchObject({ failed: 1 });
  });

  it("treats Twilio's 21610 as the subscriber's revocation", async () => {
    const { shop } = await createTestShop();
    const frank = await subscribed(shop, "+15551110007");
    sandbox.optOut(frank.phone);
    await enqueueMessage(shop, { phone: frank.phone, subscriberId: frank.id, body: "Acme: hi", kind: "marketing" }, prisma);
    expect(await dispatchDueMessages({ now: middayTomorrow() })).toMatchObject({ failed: 1 });
    const after = await prisma.subscriber.findUniqueOrThrow({ where: { id: frank.id } });
    expect(after.status).toBe("unsubscribed");
    const events = await prisma.consentEvent.findMany({ where: { subscriberId: frank.id }, orderBy: { seq: "asc" } });
    expect(events.map((e) => [e.kind, e.source])).toEqual([
      ["opted_in", "admin"],
      ["carrier_opt_out", "carrier"],
    ]);
  });

  it("makes a number Twilio calls invalid (21211) or not mobile (21614) unreachable, and never texts it again", async () => {
    const { shop } = await createTestShop();
    // The local Twilio server refuses these two recipients with 21211 and 21614.
    const invalid = await subscribed(shop, "+15005550001");
    const landline = await subscribed(shop, "+15005550009");
    for (const sub of [invalid, landline]) {
      await enqueueMessage(shop, { phone: sub.phone, subscriberId: sub.id, body: "Acme: hi", kind: "marketing" }, prisma);
    }
    const now = middayTomorrow();
    expect(await dispatchDueMessages({ now })).toMatchObject({ claimed: 2, failed: 2 });

    const rows = await prisma.message.findMany({ where: { shop }, orderBy: { phone: "asc" } });
    expect(rows.map((row) => [row.phone, row.status, row.errorCode])).toEqual([
      [invalid.phone, "failed", 21211],
      [landline.phone, "failed", 21614],
    ]);
    expect(rows[0]!.errorMessage).toMatch(/not a valid phone number.*unreachable/);
    expect(rows[1]!.errorMessage).toMatch(/not a mobile number.*unreachable/);
    for (const sub of [invalid, landline]) {
      expect((await prisma.subscriber.findUniqueOrThrow({ where: { id: sub.id } })).unreachableAt).not.toBeNull();
    }

    // The next text to them is suppressed before Twilio is asked.
    const again = await enqueueMessage(shop, { phone: invalid.phone, subscriberId: invalid.id, body: "Acme: hi again", kind: "marketing", sendAt: now }, prisma);
    const attemptsBefore = sandbox.rejected.filter((r) => r.params.To === invalid.phone).length;
    expect(await dispatchDueMessages({ now })).toMatchObject({ suppressed: 1 });
    expect(await prisma.message.findUniqueOrThrow({ where: { id: again.id } })).toMatchObject({ status: "suppressed", skipReason: "unreachable" });
    expect(sandbox.rejected.filter((r) => r.params.To === invalid.phone)).toHaveLength(attemptsBefore);
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

describe("outbox dispatch: the sending rules at the moment of sending", () => {
  it("defers a marketing text due in the recipient's quiet hours to the next allowed minute, without counting an attempt", async () => {
    const { shop } = await createTestShop();
    const ivan = await subscribed(shop, "+15551110050");
    const message = await enqueueMessage(shop, { phone: ivan.phone, subscriberId: ivan.id, body: "Acme: sale", kind: "marketing" }, prisma);
    const night = middayTomorrow();
    night.setUTCHours(night.getUTCHours() + 12); // midnight or 1 a.m. in New York
    expect(await dispatchDueMessages({ now: night })).toMatchObject({ claimed: 1, deferred: 1, accepted: 0 });
    const deferred = await prisma.message.findUniqueOrThrow({ where: { id: message.id } });
    expect(deferred).toMatchObject({ status: "queued", deferredBy: "quiet_hours", attempts: 0, lockedUntil: null });
    const eightInNewYork = DateTime.fromJSDate(night, { zone: "America/New_York" }).set({ hour: 8, minute: 0, second: 0, millisecond: 0 });
    expect(deferred.nextAttemptAt.getTime()).toBe((eightInNewYork.toMillis() > night.getTime() ? eightInNewYork : eightInNewYork.plus({ days: 1 })).toMillis());
    expect(sentTo(ivan.phone)).toHaveLength(0);

    expect(await dispatchDueMessages({ now: deferred.nextAttemptAt })).toMatchObject({ claimed: 1, accepted: 1 });
  });

  it("skips a marketing text over the shop's daily cap, with the reason", async () => {
    const { shop } = await createTestShop({ maxMessagesPerDay: 1 });
    const judy = await subscribed(shop, "+15551110051");
    const now = middayTomorrow();
    await prisma.message.create({
      data: { shop, phone: judy.phone, subscriberId: judy.id, body: "Acme: earlier", kind: "marketing", status: "delivered", sentAt: new Date(now.getTime() - 3600 * SECOND) },
    });
    const message = await enqueueMessage(shop, { phone: judy.phone, subscriberId: judy.id, body: "Acme: sale", kind: "marketing" }, prisma);
    expect(await dispatchDueMessages({ now })).toMatchObject({ claimed: 1, skipped: 1 });
    expect(await prisma.message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({ status: "skipped", skipReason: "daily_cap" });
    expect(sentTo(judy.phone)).toHaveLength(0);
  });
});

describe("outbox dispatch: at most once for marketing", () => {
  it("an abandoned claim makes a marketing text unknown (never sent again) and puts a compliance text back", async () => {
    const { shop } = await createTestShop();
    const grace = await subscribed(shop, "+15551110020");
    const marketing = await enqueueMessage(shop, { phone: grace.phone, subscriberId: grace.id, body: "Acme: sale", kind: "marketing" }, prisma);
    const confirmation = await enqueueMessage(shop, { phone: grace.phone, subscriberId: grace.id, body: "Acme: you're in", kind: "compliance" }, prisma);
    const now = middayTomorrow();
    // A worker claims both and dies before calling Twilio or recording anything.
    const claimed = await claimDueJobs(sqlOf(prisma), OUTBOX_JOBS, { now, limit: 10, leaseMs: CLAIM_LEASE_MS, eligible: { sql: `"job"."shop" = ?`, params: [shop] } });
    expect(claimed).toHaveLength(2);

    // While the lease holds, nobody touches them.
    expect(await dispatchDueMessages({ now: new Date(now.getTime() + CLAIM_LEASE_MS - SECOND) })).toMatchObject({ claimed: 0 });
    const afterLease = new Date(now.getTime() + CLAIM_LEASE_MS + SECOND);
    const report = await dispatchDueMessages({ now: afterLease });
    expect(report).toMatchObject({ unknown: 1, claimed: 1, accepted: 1 });

    expect(await prisma.message.findUniqueOrThrow({ where: { id: marketing.id } })).toMatchObject({ status: "unknown", lockedUntil: null, twilioSid: null });
    expect(await prisma.message.findUniqueOrThrow({ where: { id: confirmation.id } })).toMatchObject({ status: "sending", attempts: 2 });
    expect(sentTo(grace.phone).map((m) => m.body)).toEqual(["Acme: you're in"]);

    // Later dispatches never pick the unknown one up again.
    expect(await dispatchDueMessages({ now: new Date(afterLease.getTime() + 3600 * SECOND) })).toMatchObject({ claimed: 0 });
    expect(sentTo(grace.phone)).toHaveLength(1);
  });

  it("a network failure that may have reached Twilio makes a marketing text unknown, a compliance text is retried", async () => {
    const { shop } = await createTestShop();
    const heidi = await subscribed(shop, "+15551110021");
    const marketing = await enqueueMessage(shop, { phone: heidi.phone, subscriberId: heidi.id, body: "Acme: sale", kind: "marketing" }, prisma);
    const saved = process.env.TWILIO_API_BASE_URL;
    // A server that takes the request and hangs up without an answer: Twilio may or may not have the text.
    const { createServer } = await import("node:http");
    const hangUp = createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => hangUp.listen(0, "127.0.0.1", resolve));
    process.env.TWILIO_API_BASE_URL = `http://127.0.0.1:${(hangUp.address() as { port: number }).port}`;
    try {
      const report = await dispatchDueMessages({ now: middayTomorrow() });
      expect(report).toMatchObject({ claimed: 1, unknown: 1 });
      expect(await prisma.message.findUniqueOrThrow({ where: { id: marketing.id } })).toMatchObject({ status: "unknown" });
      await enqueueMessage(shop, { phone: heidi.phone, subscriberId: heidi.id, body: "Acme: you're in", kind: "compliance" }, prisma);
      expect(await dispatchDueMessages({ now: middayTomorrow() })).toMatchObject({ claimed: 1, retried: 1 });
    } finally {
      // The retried confirmation would be due in a later test's dispatch: end it here.
      await prisma.message.updateMany({ where: { shop, status: "queued" }, data: { status: "cancelled" } });
      process.env.TWILIO_API_BASE_URL = saved;
      await new Promise((resolve) => hangUp.close(resolve));
    }
  });
});

describe("outbox dispatch: campaigns and pace", () => {
  async function campaignWithRows(shop: string, phones: string[], status = "sending") {
    const campaign = await prisma.campaign.create({ data: { shop, name: "Sale", body: "Acme: sale", status } });
    const messages = [];
    for (const phone of phones) {
      const sub = await subscribed(shop, phone);
      messages.push(await enqueueMessage(shop, { phone, subscriberId: sub.id, campaignId: campaign.id, body: "Acme: sale! Reply STOP to opt out", kind: "marketing" }, prisma));
    }
    return { campaign, messages };
  }

  it("leaves a paused campaign's texts queued, and sends them once it resumes", async () => {
    const { shop } = await createTestShop({ maxMessagesPerSecond: 50 });
    const { campaign } = await campaignWithRows(shop, ["+15551110030", "+15551110031"], "paused");
    const now = middayTomorrow();
    expect(await dispatchDueMessages({ now })).toMatchObject({ claimed: 0 });
    expect(await prisma.message.count({ where: { shop, status: "queued" } })).toBe(2);

    await prisma.campaign.update({ where: { id: campaign.id }, data: { status: "cancelled" } });
    expect(await dispatchDueMessages({ now })).toMatchObject({ claimed: 0 });

    await prisma.campaign.update({ where: { id: campaign.id }, data: { status: "sending" } });
    expect(await dispatchDueMessages({ now })).toMatchObject({ claimed: 2, accepted: 2 });
  });

  it("two dispatchers at once stay within the sender's rate in every second, and send each text once", async () => {
    const perSecond = 3;
    const { shop, inboundNumber } = await createTestShop({ maxMessagesPerSecond: perSecond });
    const phones = Array.from({ length: 10 }, (_, i) => `+1555111${String(100 + i).padStart(4, "0")}`);
    await campaignWithRows(shop, phones);
    const now = middayTomorrow();
    const [a, b] = await Promise.all([dispatchDueMessages({ now, concurrency: 4 }), dispatchDueMessages({ now, concurrency: 4 })]);
    expect(a.accepted + b.accepted, JSON.stringify({ a, b })).toBe(phones.length);
    expect(a.claimed).toBeGreaterThan(0);
    expect(b.claimed).toBeGreaterThan(0);
    const seconds = sandbox.acceptedPerSecond(inboundNumber);
    const arrivals = sandbox.messages.filter((m) => m.from === inboundNumber).map((m) => m.receivedAt.toISOString());
    expect(Math.max(...seconds.map((s) => s.segments)), `arrivals: ${arrivals.join(", ")}`).toBeLessThanOrEqual(perSecond);
    expect(seconds.reduce((sum, s) => sum + s.messages, 0), JSON.stringify(seconds)).toBe(phones.length);
    for (const phone of phones) expect(sentTo(phone)).toHaveLength(1);
  }, 20_000);

  it("a STOP that arrives while a claimed text waits for its sender's pace stops it", async () => {
    const { shop, inboundNumber } = await createTestShop({ maxMessagesPerSecond: 1 });
    const phones = ["+15551110040", "+15551110041", "+15551110042"];
    const { messages } = await campaignWithRows(shop, phones);
    const dispatch = dispatchDueMessages({ now: middayTomorrow(), concurrency: 3 });
    // All three are claimed at once; at one a second, the other two go out about one and two seconds after the first.
    while (sandbox.messages.filter((m) => m.from === inboundNumber).length < 1) await new Promise((resolve) => setTimeout(resolve, 20));
    const waiting = phones.findIndex((phone) => sentTo(phone).length === 0);
    await applyConsentChange({ shop, phone: phones[waiting]!, action: "opt_out", source: "keyword", evidence: { body: "STOP" } });
    expect(await dispatch).toMatchObject({ claimed: 3, accepted: 2, suppressed: 1 });
    expect(sentTo(phones[waiting]!)).toHaveLength(0);
    expect(await prisma.message.findUniqueOrThrow({ where: { id: messages[waiting]!.id } })).toMatchObject({ status: "suppressed", skipReason: "unsubscribed" });
  }, 20_000);
});
