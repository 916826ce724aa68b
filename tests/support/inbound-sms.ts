/** Inbound-text webhook parameters as Twilio sends them, for the tests of both ways the webhook is served. */
import { randomBytes } from "node:crypto";
import { TEST_TWILIO_ACCOUNT_SID, type createTestShop } from "./shop-fixture";

type TestShop = Awaited<ReturnType<typeof createTestShop>>;
export type InboundParams = Record<string, string>;

export const newMessageSid = () => `SM${randomBytes(16).toString("hex")}`;

let phones = 0;
/** A number no earlier call in this test file has used. */
export const newPhone = () => `+1202555${String(++phones).padStart(4, "0")}`;

export function inboundParams(shop: Pick<TestShop, "inboundNumber">, from: string, body: string, extra: InboundParams = {}): InboundParams {
  const sid = newMessageSid();
  return {
    ToCountry: "US",
    SmsMessageSid: sid,
    NumMedia: "0",
    AccountSid: TEST_TWILIO_ACCOUNT_SID,
    MessageSid: sid,
    From: from,
    To: shop.inboundNumber,
    Body: body,
    NumSegments: "1",
    ApiVersion: "2010-04-01",
    ...extra,
  };
}
