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

function isPossibleE164(value: string): boolean {
  if (possibleNumbers.has(value)) return true;
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

export const inboundSmsParamsSchema = z.object({
  MessageSid: z
    .string({ required_error: "MessageSid is required" })
    .regex(/^(SM|MM)[0-9a-f]{32}$/, "MessageSid must be SM or MM followed by 32 hex digits"),
  From: e164("From"),
  To: e164("To"),
  // The signature is checked over the params as Twilio sent them; what is classified and stored is this cleaned text.
  Body: z.string({ required_error: "Body is required (it may be empty)" }).transform(storableText),
  MessagingServiceSid: z
    .string()
    .regex(/^MG[0-9a-f]{32}$/i, "MessagingServiceSid must be MG followed by 32 hex digits")
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
