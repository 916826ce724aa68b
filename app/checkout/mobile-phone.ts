/**
 * The number a checkout consent is for, checked with libphonenumber-js and its
 * FULL ("max") metadata: the only build that knows which ranges are mobile.
 * The checkout extension only checks plausibility (its 64 KB bundle cannot hold
 * this metadata), so this is where a landline, a toll-free number or a number
 * that cannot exist is refused, before any consent is recorded or any text sent.
 *
 * Numbers must come in international form ("+…"): the extension always sends
 * E.164, and guessing a country for a national number could attach one
 * shopper's consent to someone else's line.
 */
import { parsePhoneNumberFromString, type NumberType } from "libphonenumber-js/max";

export type PhoneRejection = "phone_missing" | "phone_invalid" | "phone_not_mobile";

export type MobileNumberCheck =
  | { ok: true; phone: string; country: string | null }
  | { ok: false; reason: PhoneRejection };

/**
 * Types that can receive texts. In the US, Canada and a few other countries
 * mobile and fixed lines share ranges, so the metadata cannot tell them apart
 * ("FIXED_LINE_OR_MOBILE"); those are accepted, and a landline among them shows
 * up as Twilio error 30006 on the first text.
 */
const TEXTABLE: ReadonlySet<NumberType> = new Set<NumberType>(["MOBILE", "FIXED_LINE_OR_MOBILE"]);

export function checkMobileNumber(input: string | null | undefined): MobileNumberCheck {
  const text = input?.trim() ?? "";
  if (!text) return { ok: false, reason: "phone_missing" };
  // "+", then digits and the usual separators only: the parser would otherwise pick a number out of "+1 201 555 0123 ext 4" or "…abc".
  if (!/^\+[\d\s().-]+$/.test(text)) return { ok: false, reason: "phone_invalid" };
  const parsed = parsePhoneNumberFromString(text);
  if (!parsed || !parsed.isValid()) return { ok: false, reason: "phone_invalid" };
  const type = parsed.getType();
  if (!type || !TEXTABLE.has(type)) return { ok: false, reason: "phone_not_mobile" };
  return { ok: true, phone: parsed.number, country: parsed.country ?? null };
}
