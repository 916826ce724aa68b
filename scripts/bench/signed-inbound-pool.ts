/**
 * A pool of inbound-SMS webhook requests, each signed exactly as Twilio would
 * sign it, with its own MessageSid and sender. Computed before the run so the
 * load generator spends its time sending, not hashing.
 */
import { randomBytes } from "node:crypto";
import twilio from "twilio";

export const BENCH_ACCOUNT_SID = `AC${"b".repeat(32)}`;
export const BENCH_AUTH_TOKEN = "bench-twilio-auth-token";
export const BENCH_INBOUND_NUMBER = "+12025550100";
export const WEBHOOK_PATH = "/webhooks/twilio/sms";
/**
 * The app's public URL, as in production: HTTPS on the default port, at a
 * proxy that forwards to the app. Twilio signs this URL, whatever address the
 * request finally reaches (here the app on loopback).
 */
export const BENCH_PUBLIC_URL = "https://sms-consent.bench.example";

/** The default mix: a third opt-outs (a consent change each), a third HELP, a third free text. */
export const BENCH_BODIES: readonly string[] = ["STOP", "HELP", "When does the sale end?"];

export interface SignedRequest {
  body: string;
  signature: string;
}

/** `size` requests from `size` distinct numbers (every STOP is a real first opt-out: the costly path), cycling through `bodies`. */
export function signedInboundPool(size: number, publicUrl: string, bodies: readonly string[] = BENCH_BODIES): SignedRequest[] {
  const sidPrefix = randomBytes(8).toString("hex"); // 16 of the 32 hex digits: unique per run
  const pool: SignedRequest[] = new Array(size);
  for (let i = 0; i < size; i++) {
    const sid = `SM${sidPrefix}${i.toString(16).padStart(16, "0")}`;
    const params: Record<string, string> = {
      ToCountry: "US",
      ToState: "DC",
      SmsMessageSid: sid,
      NumMedia: "0",
      ToCity: "WASHINGTON",
      FromZip: "20001",
      SmsSid: sid,
      FromState: "DC",
      SmsStatus: "received",
      FromCity: "WASHINGTON",
      Body: bodies[i % bodies.length]!,
      FromCountry: "US",
      To: BENCH_INBOUND_NUMBER,
      ToZip: "20001",
      NumSegments: "1",
      MessageSid: sid,
      AccountSid: BENCH_ACCOUNT_SID,
      From: `+1303${String(2_000_000 + i).padStart(7, "0")}`,
      ApiVersion: "2010-04-01",
    };
    pool[i] = {
      body: new URLSearchParams(params).toString(),
      signature: twilio.getExpectedTwilioSignature(BENCH_AUTH_TOKEN, publicUrl, params),
    };
  }
  return pool;
}
