/**
 * The parameters of Twilio's inbound-message webhook that the app relies on.
 * Twilio sends more (AccountSid, NumMedia, FromCountry…) and may add fields
 * without notice: those are ignored here but still count for the signature.
 */
import { isPossiblePhoneNumber } from "libphonenumber-js";
import { z } from "zod";
import { storableText } from "../db/storable-text";

// Numbers seen recently (a shop's own number on every text): libphonenumber's check is the costliest step of parsing.
const possibleNumbers = new Set<string>();
const MAX_REMEMBERED = 10_000;

/**
 * A North American number: +1, an area code that does not start with 0 or 1,
 * seven more digits. libphonenumber calls every one of them possible (its
 * check for +1 is the length of the national number, 10; the test holds the
 * two against each other), but reaches that verdict only after trying the
 * number against each NANP country's patterns, some 60 µs: most senders are
 * new numbers, so the cache below rarely helps with them.
 */
export const NANP_NUMBER = /^\+1[2-9]\d{9}$/;

export function isPossibleE164(value: string): boolean {
  if (NANP_NUMBER.test(value) || possibleNumbers.has(value)) return true;
  if (!/^\+[1-9]\d{6,14}$/.test(value) || !isPossiblePhoneNumber(value)) return false;
  if (possibleNumbers.size >= MAX_REMEMBERED) possibleNumbers.clear();
  possibleNumbers.add(value);
  return true;
}

const e164 = (field: string) =>
  z
    .string({ required_error: `${field} is required` })
    .refine(isPossibleE164, {
      message: `${field} must be a phone number in E.164 format`,
    });

const MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/;
const MESSAGING_SERVICE_SID = /^MG[0-9a-f]{32}$/i;
const OPT_OUT_TYPES: ReadonlySet<string> = new Set(["STOP", "START", "HELP"]);

export const inboundSmsParamsSchema = z.object({
  MessageSid: z
    .string({ required_error: "MessageSid is required" })
    .regex(MESSAGE_SID, "MessageSid must be SM or MM followed by 32 hex digits"),
  From: e164("From"),
  To: e164("To"),
  // The signature is checked over the params as Twilio sent them; what is classified and stored is this cleaned text.
  Body: z.string({ required_error: "Body is required (it may be empty)" }).transform(storableText),
  MessagingServiceSid: z
    .string()
    .regex(MESSAGING_SERVICE_SID, "MessagingServiceSid must be MG followed by 32 hex digits")
    .optional(),
  // Present only with Advanced Opt-Out: what Twilio matched and already answered.
  // A value Twilio may add later is ignored rather than refused: the text must still be handled.
  OptOutType: z.enum(["STOP", "START", "HELP"]).optional().catch(undefined),
});

export interface InboundSms {
  messageSid: string;
  from: string;
  to: string;
  body: string;
  messagingServiceSid: string | null;
  optOutType: "STOP" | "START" | "HELP" | null;
}

export type ParsedInboundSms = { ok: true; sms: InboundSms } | { ok: false; reason: string };

export function parseInboundSmsParams(params: Record<string, string>): ParsedInboundSms {
  const field = (name: string): string | undefined => (Object.hasOwn(params, name) ? params[name] : undefined);
  const input = {
    MessageSid: field("MessageSid"),
    From: field("From"),
    To: field("To"),
    Body: field("Body"),
    MessagingServiceSid: field("MessagingServiceSid") || undefined,
    OptOutType: field("OptOutType")?.toUpperCase() || undefined,
  };
  // Every text Twilio sends passes: checked here as the schema checks it, without the schema's cost (about half of
  // parsing). Anything else goes through the schema, which says what is wrong.
  const { MessageSid, From, To, Body, MessagingServiceSid, OptOutType } = input;
  if (
    typeof MessageSid === "string" &&
    MESSAGE_SID.test(MessageSid) &&
    typeof From === "string" &&
    isPossibleE164(From) &&
    typeof To === "string" &&
    isPossibleE164(To) &&
    typeof Body === "string" &&
    (MessagingServiceSid === undefined || MESSAGING_SERVICE_SID.test(MessagingServiceSid))
  ) {
    return {
      ok: true,
      sms: {
        messageSid: MessageSid,
        from: From,
        to: To,
        body: storableText(Body),
        messagingServiceSid: MessagingServiceSid ?? null,
        optOutType: OptOutType !== undefined && OPT_OUT_TYPES.has(OptOutType) ? (OptOutType as InboundSms["optOutType"]) : null,
      },
    };
  }
  return parsedBySchema(input);
}

function parsedBySchema(input: Record<string, string | undefined>): ParsedInboundSms {
  const parsed = inboundSmsParamsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues.map((issue) => issue.message).join("; ") };
  const { MessageSid, From, To, Body, MessagingServiceSid, OptOutType } = parsed.data;
  return {
    ok: true,
    sms: {
      messageSid: MessageSid,
      from: From,
      to: To,
      body: Body,
      messagingServiceSid: MessagingServiceSid ?? null,
      optOutType: OptOutType ?? null,
    },
  };
}
