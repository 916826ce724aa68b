/**
 * Connecting Twilio, proved against Twilio itself through the app's one
 * client (createTwilioClient): the account and its sender are fetched, and a
 * test text goes to the merchant's own phone. In tests and the demo the same
 * SDK talks to the local Twilio-compatible server (TWILIO_API_BASE_URL).
 *
 * A test text is transactional (it promotes nothing) and goes only to a number
 * that is not on the shop's subscriber list, nor an erased customer's: a test
 * never reaches a customer. It is rate-limited per shop, since each costs the
 * merchant a text.
 */
import type twilio from "twilio";
import prisma from "../db.server";
import { findRedactedSuppression } from "../consent/redacted-phone.server";
import { createTwilioClient, describeSendFailure, sendSms } from "../messaging/twilio-client.server";
import { countryListOf, toE164, type PhonePolicy } from "../phone/phone-number";
import { hitRateLimits, shopRateKey } from "../security/rate-limit.server";
import { getShopSettings, twilioAuthTokenOf } from "../shops/shop-settings.server";
import { describeTwilioFailure } from "./twilio-setup-words";

export interface CheckLine {
  tone: "success" | "warning" | "critical";
  text: string;
}

export interface TwilioConnectionCheck {
  ok: boolean;
  lines: CheckLine[];
}

export type TestTextOutcome = { ok: true; message: string; sid: string } | { ok: false; message: string };

/** Where a test text is now, in words: Twilio accepting it is not the phone getting it (carrier filtering, unregistered senders). */
export type TestTextStatus = { state: "delivered" | "on_its_way" | "failed" | "unknown"; message: string };

export const MESSAGE_SID = /^SM[0-9a-f]{32}$/;

/** Per shop: a few tries while setting up, never a way to send many texts. */
export const TEST_TEXT_LIMITS = { perHour: 5, perDay: 20 } as const;

interface Options {
  /** The Twilio API's address; default TWILIO_API_BASE_URL (unset: Twilio's cloud). */
  apiBaseUrl?: string | null;
  now?: Date;
}

type ShopSettings = NonNullable<Awaited<ReturnType<typeof getShopSettings>>>;

function clientOf(settings: ShopSettings, options: Options): twilio.Twilio | null {
  const authToken = twilioAuthTokenOf(settings);
  if (!settings.twilioAccountSid || !authToken) return null;
  return createTwilioClient({ accountSid: settings.twilioAccountSid, authToken }, { apiBaseUrl: options.apiBaseUrl ?? process.env.TWILIO_API_BASE_URL });
}

const NOT_CONNECTED = "Enter your Twilio account SID, auth token and sender in Settings first.";

/** Fetches the account and the sender from Twilio and says, line by line, what it found. */
export async function checkTwilioConnection(shop: string, options: Options = {}): Promise<TwilioConnectionCheck> {
  const settings = await getShopSettings(shop);
  const client = settings && clientOf(settings, options);
  if (!settings || !client) return { ok: false, lines: [{ tone: "critical", text: NOT_CONNECTED }] };
  const lines: CheckLine[] = [];

  try {
    const account = await client.api.v2010.accounts(settings.twilioAccountSid!).fetch();
    if (account.status !== "active") {
      return { ok: false, lines: [{ tone: "critical", text: `Your Twilio account "${account.friendlyName}" is ${account.status}: it cannot send texts. Reactivate it in the Twilio console.` }] };
    }
    lines.push({ tone: "success", text: `Twilio accepted the account SID and auth token (account "${account.friendlyName}").` });
    if (account.type === "Trial") {
      lines.push({ tone: "warning", text: "This is a trial account: it texts only numbers verified in the Twilio console, and adds a trial notice to every text. Upgrade it before going live." });
    }
  } catch (error) {
    return { ok: false, lines: [{ tone: "critical", text: describeTwilioFailure(describeSendFailure(error)) }] };
  }

  let senderOk = false;
  try {
    if (settings.messagingServiceSid) {
      const service = await client.messaging.v1.services(settings.messagingServiceSid).fetch();
      senderOk = true;
      lines.push({ tone: "success", text: `The Messaging Service "${service.friendlyName}" belongs to this account.` });
    }
    if (settings.senderPhoneNumber) {
      const [number] = await client.incomingPhoneNumbers.list({ phoneNumber: settings.senderPhoneNumber, limit: 1 });
      if (!number) {
        lines.push({ tone: "critical", text: `${settings.senderPhoneNumber} is not a number of this Twilio account. Enter one of the account's numbers (Phone Numbers → Manage → Active numbers).` });
      } else if (number.capabilities && number.capabilities.sms === false) {
        lines.push({ tone: "critical", text: `${settings.senderPhoneNumber} cannot send texts (it has no SMS capability). Choose a number that has.` });
      } else {
        senderOk = true;
        lines.push({ tone: "success", text: `${settings.senderPhoneNumber} is a number of this account and can send texts.` });
      }
    }
  } catch (error) {
    lines.push({ tone: "critical", text: describeTwilioFailure(describeSendFailure(error)) });
    senderOk = false;
  }
  if (!settings.senderPhoneNumber && !settings.messagingServiceSid) lines.push({ tone: "critical", text: "No sender is set: enter your Twilio number or Messaging Service SID in Settings." });
  return { ok: senderOk && lines.every((line) => line.tone !== "critical"), lines };
}

/** "+1 (415) 555-0123" typed by the merchant → E.164, read in the shop's first texting country when it has no country code. */
function merchantPhone(typed: string, smsCountries: string): string | null {
  const [country] = countryListOf(smsCountries);
  const parsed = toE164(typed, { defaultCountry: (country ?? "US") as PhonePolicy["defaultCountry"], strictness: "possible" });
  return parsed.ok ? parsed.phone : null;
}

export function testTextBody(brandName: string): string {
  return `${brandName}: This is a test text from your SMS consent app. Your Twilio sender works. No reply needed.`;
}

/** Sends one test text to the merchant's own phone through the real Twilio client, and says what happened. */
export async function sendTestText(shop: string, typedPhone: string, options: Options = {}): Promise<TestTextOutcome> {
  const now = options.now ?? new Date();
  const settings = await getShopSettings(shop);
  const client = settings && clientOf(settings, options);
  if (!settings || !client || (!settings.senderPhoneNumber && !settings.messagingServiceSid)) return { ok: false, message: NOT_CONNECTED };

  const to = merchantPhone(typedPhone, settings.smsCountries);
  if (!to) return { ok: false, message: "Enter your mobile number with its country code, e.g. +1 415 555 0123." };
  if (to === settings.senderPhoneNumber) return { ok: false, message: "That is your Twilio sender number. Enter your own mobile phone to receive the test." };

  const [subscriber, erased] = await Promise.all([
    prisma.subscriber.findUnique({ where: { shop_phone: { shop, phone: to } }, select: { status: true } }),
    findRedactedSuppression(shop, to, prisma),
  ]);
  if (subscriber || erased) {
    return {
      ok: false,
      message: "This number is on your subscriber list (or was, and asked to be forgotten). Test texts go only to numbers that are not, so a test never reaches a customer: use another phone.",
    };
  }

  const verdict = await hitRateLimits(
    [
      { name: "per hour", key: shopRateKey("setup-test-text:hour", shop), max: TEST_TEXT_LIMITS.perHour, windowMs: 60 * 60_000, purgesExpired: true },
      { name: "per day", key: shopRateKey("setup-test-text:day", shop), max: TEST_TEXT_LIMITS.perDay, windowMs: 24 * 60 * 60_000 },
    ],
    { now },
  );
  if (!verdict.ok) {
    const minutes = Math.ceil(verdict.retryAfterSeconds / 60);
    const limit = verdict.rule === "per hour" ? `${TEST_TEXT_LIMITS.perHour} test texts an hour` : `${TEST_TEXT_LIMITS.perDay} test texts a day`;
    return { ok: false, message: `You have sent ${limit}, the most allowed (each one costs you a text). Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.` };
  }

  const sent = await sendSms(client, {
    to,
    body: testTextBody(settings.brandName),
    from: settings.messagingServiceSid ? null : settings.senderPhoneNumber,
    messagingServiceSid: settings.messagingServiceSid,
  });
  if (!sent.ok) return { ok: false, message: `The test text to ${to} was not sent. ${describeTwilioFailure(sent)}` };
  return {
    ok: true,
    sid: sent.sid,
    message: `Twilio accepted the test text to ${to} (${sent.status}, ${sent.sid}). It should arrive within a minute; if it does not, check the number's messaging logs in the Twilio console.`,
  };
}

/** Asks Twilio where a test text is (the shop's own account: another account's message is not found). */
export async function testTextStatus(shop: string, sid: string, options: Options = {}): Promise<TestTextStatus> {
  if (!MESSAGE_SID.test(sid)) return { state: "unknown", message: "That is not a Twilio message SID." };
  const settings = await getShopSettings(shop);
  const client = settings && clientOf(settings, options);
  if (!client) return { state: "unknown", message: NOT_CONNECTED };
  try {
    const message = await client.messages(sid).fetch();
    if (message.status === "delivered") return { state: "delivered", message: "Delivered: the carrier confirmed your phone received the test text." };
    if (message.status === "undelivered" || message.status === "failed") {
      const why = message.errorCode ? describeTwilioFailure({ errorCode: message.errorCode, httpStatus: null, message: message.errorMessage ?? "" }) : "Twilio gave no reason.";
      return { state: "failed", message: `Not delivered. ${why}` };
    }
    return { state: "on_its_way", message: `Still on its way (Twilio says "${message.status}"). Check again in a moment.` };
  } catch (error) {
    return { state: "unknown", message: describeTwilioFailure(describeSendFailure(error)) };
  }
}
