import { isPossiblePhoneNumber } from "libphonenumber-js";
import { describe, expect, it } from "vitest";
import { inboundSmsParamsSchema, isPossibleE164, NANP_NUMBER, parseInboundSmsParams } from "./inbound-sms-params";

const SID = `SM${"a".repeat(32)}`;
const valid = { MessageSid: SID, From: "+13035550123", To: "+12025550100", Body: "STOP", AccountSid: `AC${"b".repeat(32)}` };

/** What the schema alone makes of these params: the answer before the fast path existed. */
function bySchemaAlone(params: Record<string, string>) {
  const field = (name: string) => (Object.hasOwn(params, name) ? params[name] : undefined);
  const parsed = inboundSmsParamsSchema.safeParse({
    MessageSid: field("MessageSid"),
    From: field("From"),
    To: field("To"),
    Body: field("Body"),
    MessagingServiceSid: field("MessagingServiceSid") || undefined,
    OptOutType: field("OptOutType")?.toUpperCase() || undefined,
  });
  if (!parsed.success) return { ok: false, reason: parsed.error.issues.map((issue) => issue.message).join("; ") };
  const { MessageSid, From, To, Body, MessagingServiceSid, OptOutType } = parsed.data;
  return {
    ok: true,
    sms: { messageSid: MessageSid, from: From, to: To, body: Body, messagingServiceSid: MessagingServiceSid ?? null, optOutType: OptOutType ?? null },
  };
}

describe("parseInboundSmsParams", () => {
  const cases: Record<string, Record<string, string>> = {
    "a plain text": valid,
    "an empty body": { ...valid, Body: "" },
    "a body with NUL and a lone surrogate": { ...valid, Body: "STOP\u0000\ud800" },
    "a Messaging Service": { ...valid, MessagingServiceSid: `MG${"C".repeat(32)}` },
    "an empty Messaging Service": { ...valid, MessagingServiceSid: "" },
    "a bad Messaging Service": { ...valid, MessagingServiceSid: "MG123" },
    "OptOutType stop": { ...valid, OptOutType: "stop" },
    "OptOutType START": { ...valid, OptOutType: "START" },
    "OptOutType HELP": { ...valid, OptOutType: "Help" },
    "an unknown OptOutType": { ...valid, OptOutType: "UNSUBSCRIBE" },
    "an empty OptOutType": { ...valid, OptOutType: "" },
    "a UK sender": { ...valid, From: "+447700900123" },
    "an impossible sender": { ...valid, From: "+4477009" },
    "a sender without +": { ...valid, From: "13035550123" },
    "a NANP number with area code 1xx": { ...valid, From: "+11035550123" },
    "no sender": { MessageSid: SID, To: "+12025550100", Body: "STOP" },
    "no body": { MessageSid: SID, From: "+13035550123", To: "+12025550100" },
    "an upper-case MessageSid": { ...valid, MessageSid: `SM${"A".repeat(32)}` },
    "an MMS": { ...valid, MessageSid: `MM${"0".repeat(32)}` },
    "nothing at all": {},
  };
  for (const [name, params] of Object.entries(cases)) {
    it(`answers as the schema does: ${name}`, () => {
      expect(parseInboundSmsParams(params)).toEqual(bySchemaAlone(params));
    });
  }
});

describe("NANP numbers", () => {
  it("are all possible numbers to libphonenumber, whatever the area code, exchange and line", () => {
    const numbers: string[] = [];
    for (let area = 200; area <= 999; area += 1) {
      for (const exchange of ["000", "011", "100", "199", "555", "911", "999"]) numbers.push(`+1${area}${exchange}${String(area * 7).slice(-4).padStart(4, "0")}`);
      numbers.push(`+1${area}${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`);
    }
    for (const number of numbers) {
      expect(NANP_NUMBER.test(number)).toBe(true);
      expect(isPossiblePhoneNumber(number), number).toBe(true);
      expect(isPossibleE164(number)).toBe(true);
    }
  });

  it("leave every other shape to libphonenumber", () => {
    for (const number of ["+1303555012", "+130355501234", "+10035550123", "+12025550100x", "+447700900123", "+1 3035550123"]) {
      expect(NANP_NUMBER.test(number)).toBe(false);
      expect(isPossibleE164(number)).toBe(/^\+[1-9]\d{6,14}$/.test(number) && isPossiblePhoneNumber(number));
    }
  });
});
