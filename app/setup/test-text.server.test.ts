/**
 * Connecting Twilio, through the real twilio SDK client against the local
 * Twilio-compatible server: the account and sender fetched, a test text sent
 * to the merchant's phone, and each refusal (Twilio's or ours) in words.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import prisma from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import { createTestShop, TEST_TWILIO_ACCOUNT_SID, TEST_TWILIO_AUTH_TOKEN } from "../../tests/support/shop-fixture";
import { startTwilioSandbox, type TwilioSandbox } from "../messaging/twilio-sandbox.server";
import { checkTwilioConnection, sendTestText, TEST_TEXT_LIMITS, testTextBody, testTextStatus } from "./test-text.server";

const TRIAL_SID = "AC" + "2".repeat(32);
const SERVICE_SID = "MG" + "3".repeat(32);
const SECOND_SERVICE_SID = "MG" + "5".repeat(32);
const MERCHANT_PHONE = "+14155550123";
let sandbox: TwilioSandbox;
/** Numbers created by createTestShop, handed to the sandbox as the test account's own. */
const ownedNumbers: string[] = [];

beforeAll(async () => {
  sandbox = await startTwilioSandbox({
    accounts: [
      { accountSid: TEST_TWILIO_ACCOUNT_SID, authToken: TEST_TWILIO_AUTH_TOKEN, phoneNumbers: ownedNumbers, messagingServiceSids: [SERVICE_SID, SECOND_SERVICE_SID] },
      { accountSid: TRIAL_SID, authToken: TEST_TWILIO_AUTH_TOKEN, type: "Trial", phoneNumbers: [] },
    ],
    statusCallbackDelayMs: 60_000,
  });
});
afterEach(() => sandbox.clearFaults());
afterAll(async () => {
  await sandbox.close();
});

async function connectedShop(overrides: Parameters<typeof createTestShop>[0] = {}) {
  const created = await createTestShop(overrides);
  ownedNumbers.push(created.inboundNumber);
  return created;
}
const options = () => ({ apiBaseUrl: sandbox.url });

describe("checking the Twilio connection", () => {
  it("fetches the account and the sender number through the SDK and says both are fine", async () => {
    const { shop, inboundNumber } = await connectedShop();
    const check = await checkTwilioConnection(shop, options());
    expect(check).toEqual({
      ok: true,
      lines: [
        { tone: "success", text: `Twilio accepted the account SID and auth token (account "Sandbox 1111").` },
        { tone: "success", text: `${inboundNumber} is a number of this account and can send texts.` },
      ],
    });
    expect(sandbox.requests.some((request) => request.path === `/2010-04-01/Accounts/${TEST_TWILIO_ACCOUNT_SID}.json` && request.status === 200)).toBe(true);
  });

  it("a wrong auth token is worded as Twilio's refusal of the credentials", async () => {
    const { shop } = await connectedShop({ twilioAuthToken: "f".repeat(32) });
    const check = await checkTwilioConnection(shop, options());
    expect(check.ok).toBe(false);
    expect(check.lines).toEqual([{ tone: "critical", text: expect.stringContaining("Twilio refused the account SID and auth token") }]);
    expect(check.lines[0]!.text).toContain("(Twilio error 20003)");
  });

  it("a sender number the account does not own, and a trial account, are said so", async () => {
    const { shop } = await createTestShop({ twilioAccountSid: TRIAL_SID });
    const check = await checkTwilioConnection(shop, options());
    expect(check.ok).toBe(false);
    expect(check.lines.map((line) => line.tone)).toEqual(["success", "warning", "critical"]);
    expect(check.lines[1]!.text).toContain("trial account");
    expect(check.lines[2]!.text).toContain("is not a number of this Twilio account");
  });

  it("a Messaging Service is fetched from the Messaging API; an unknown one is refused in words", async () => {
    const known = await connectedShop({ messagingServiceSid: SERVICE_SID });
    expect((await checkTwilioConnection(known.shop, options())).lines[1]).toEqual({ tone: "success", text: `The Messaging Service "Sandbox service 3333" belongs to this account.` });
    const unknown = await connectedShop({ messagingServiceSid: "MG" + "4".repeat(32) });
    const check = await checkTwilioConnection(unknown.shop, options());
    expect(check.ok).toBe(false);
    expect(check.lines[1]!.text).toContain("(Twilio error 20404)");
  });

  it("a shop without credentials is told what to enter", async () => {
    const { shop } = await createTestShop({ twilioAccountSid: null, senderPhoneNumber: null });
    expect(await checkTwilioConnection(shop, options())).toEqual({ ok: false, lines: [{ tone: "critical", text: expect.stringContaining("Enter your Twilio account SID") }] });
    expect(await checkTwilioConnection("nobody.myshopify.com", options())).toMatchObject({ ok: false });
  });
});

describe("a test text to my phone", () => {
  it("goes through the real client from the shop's sender to the merchant's number, typed any way", async () => {
    const { shop, inboundNumber } = await connectedShop();
    const outcome = await sendTestText(shop, "(415) 555-0123", options());
    expect(outcome.ok).toBe(true);
    expect(outcome.message).toContain(`Twilio accepted the test text to ${MERCHANT_PHONE} (queued, SM`);
    const sent = sandbox.messages.filter((message) => message.from === inboundNumber);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: MERCHANT_PHONE, body: testTextBody("Acme Outfitters"), accountSid: TEST_TWILIO_ACCOUNT_SID });
    expect(sandbox.requests.find((request) => request.method === "POST")?.userAgent).toMatch(/^twilio-node/);
  });

  it("through a Messaging Service when the shop has one", async () => {
    const { shop } = await connectedShop({ messagingServiceSid: SECOND_SERVICE_SID });
    const outcome = await sendTestText(shop, "+14155550124", options());
    expect(outcome.ok).toBe(true);
    expect(sandbox.messages.find((message) => message.to === "+14155550124")).toMatchObject({ messagingServiceSid: SECOND_SERVICE_SID });
  });

  it("Twilio's refusals come back in words with their codes", async () => {
    const { shop } = await connectedShop();
    const cases: Array<[string, string]> = [
      ["+15005550001", "not a valid phone number"],
      ["+15005550003", "Geo permissions"],
      ["+15005550004", "texted STOP to your Twilio number"],
      ["+15005550009", "not a mobile phone"],
    ];
    for (const [to, words] of cases) {
      const outcome = await sendTestText(shop, to, options());
      expect(outcome.ok, to).toBe(false);
      expect(outcome.message).toContain(`The test text to ${to} was not sent.`);
      expect(outcome.message).toContain(words);
    }
    sandbox.failNextSend({ httpStatus: 429, errorCode: 20429 });
    expect((await sendTestText(shop, MERCHANT_PHONE, options())).message).toContain("rate limiting this account");
  });

  it("never texts a subscriber of the shop, nor the sender itself, nor a number that is not one", async () => {
    const { shop, inboundNumber } = await connectedShop();
    await applyConsentChange({ shop, phone: "+14155550199", action: "opt_in", source: "admin", evidence: { staff: "test" } });
    const before = sandbox.messages.length;
    expect((await sendTestText(shop, "+14155550199", options())).message).toContain("on your subscriber list");
    expect((await sendTestText(shop, inboundNumber, options())).message).toContain("your Twilio sender number");
    expect((await sendTestText(shop, "12", options())).message).toContain("Enter your mobile number with its country code");
    expect(sandbox.messages.length).toBe(before);
  });

  it(`is limited to ${TEST_TEXT_LIMITS.perHour} an hour per shop, and says when to try again`, async () => {
    const { shop } = await connectedShop();
    const now = new Date("2026-11-27T15:10:00Z");
    for (let i = 0; i < TEST_TEXT_LIMITS.perHour; i += 1) expect((await sendTestText(shop, MERCHANT_PHONE, { ...options(), now })).ok).toBe(true);
    const refused = await sendTestText(shop, MERCHANT_PHONE, { ...options(), now });
    expect(refused).toEqual({ ok: false, message: "You have sent 5 test texts an hour, the most allowed (each one costs you a text). Try again in 50 minutes." });
    // Another shop's tries are its own.
    const other = await connectedShop();
    expect((await sendTestText(other.shop, MERCHANT_PHONE, { ...options(), now })).ok).toBe(true);
    expect(await prisma.rateLimitWindow.count({ where: { key: { contains: `|${shop}|` } } })).toBe(2);
  });

  it("a shop without Twilio is told to connect it first", async () => {
    const { shop } = await createTestShop({ twilioAccountSid: null, senderPhoneNumber: null });
    expect(await sendTestText(shop, MERCHANT_PHONE, options())).toEqual({ ok: false, message: expect.stringContaining("Enter your Twilio account SID") });
  });
});

describe("whether the test text arrived", () => {
  it("asks Twilio for the message: on its way, then delivered, or not delivered with the carrier's reason", async () => {
    const { shop } = await connectedShop();
    const slow = await sendTestText(shop, MERCHANT_PHONE, options());
    if (!slow.ok) throw new Error(slow.message);
    // The test server holds it queued for a minute: Twilio accepting it is not the phone getting it.
    expect(await testTextStatus(shop, slow.sid, options())).toEqual({ state: "on_its_way", message: 'Still on its way (Twilio says "queued"). Check again in a moment.' });

    const quick = await startTwilioSandbox({
      accounts: [{ accountSid: TEST_TWILIO_ACCOUNT_SID, authToken: TEST_TWILIO_AUTH_TOKEN, phoneNumbers: ownedNumbers }],
      statusCallbackDelayMs: 5,
    });
    try {
      const fast = { apiBaseUrl: quick.url };
      const delivered = await sendTestText(shop, "+14155550125", fast);
      const unreachable = await sendTestText(shop, "+14155550003", fast); // the test server's "unreachable handset"
      if (!delivered.ok || !unreachable.ok) throw new Error("not sent");
      await expect.poll(async () => (await testTextStatus(shop, delivered.sid, fast)).state).toBe("delivered");
      await expect.poll(async () => (await testTextStatus(shop, unreachable.sid, fast)).state).toBe("failed");
      expect((await testTextStatus(shop, unreachable.sid, fast)).message).toBe(
        "Not delivered. The handset was unreachable (switched off or out of coverage) (Twilio error 30003).",
      );
    } finally {
      await quick.close();
    }
  });

  it("another account's message is not found, and a SID that is not one is refused without asking", async () => {
    const { shop } = await connectedShop();
    expect(await testTextStatus(shop, "SM" + "0".repeat(32), options())).toEqual({ state: "unknown", message: expect.stringContaining("(Twilio error 20404)") });
    const before = sandbox.requests.length;
    expect(await testTextStatus(shop, "../Accounts.json", options())).toEqual({ state: "unknown", message: "That is not a Twilio message SID." });
    expect(sandbox.requests.length).toBe(before);
  });
});
