/**
 * The one way a phone number becomes E.164 in this app. A subscriber is
 * identified by (shop, phone), so every path that takes a number in (checkout,
 * Shopify's consent changes, privacy requests, the settings form) must turn
 * the same number into the same text, or one person becomes two subscribers
 * and an opt-out recorded under one form misses texts sent to the other.
 *
 * libphonenumber-js with its FULL ("max") metadata: the only build that knows
 * which ranges are mobile. What differs between callers is policy, stated as
 * options rather than written as another parser:
 * - `defaultCountry`: a number written without its country code is read in
 *   this country. Only for numbers a merchant types about their own line;
 *   without it a national number is refused, because guessing a country could
 *   attach one person's consent to someone else's line;
 * - `strictness`: "valid" (an assigned range; for numbers we are about to
 *   text) or "possible" (the length fits the country; for matching numbers we
 *   may already hold, such as Ofcom's drama range in tests and demos);
 * - `mustBeMobile`: only numbers that can receive texts;
 * - `allowedCountries`: only numbers of these countries (ISO 3166 alpha-2).
 */
import { parsePhoneNumberFromString, type CountryCode, type NumberType } from "libphonenumber-js/max";

export type PhoneRejection = "phone_missing" | "phone_invalid" | "phone_not_mobile" | "phone_country_not_allowed";

export interface PhonePolicy {
  defaultCountry?: CountryCode;
  /** Default "valid". */
  strictness?: "valid" | "possible";
  mustBeMobile?: boolean;
  allowedCountries?: readonly string[];
}

export type PhoneNumberResult = { ok: true; phone: string; country: string | null } | { ok: false; reason: PhoneRejection };

/**
 * Types that can receive texts. In the US, Canada and a few other countries
 * mobile and fixed lines share ranges, so the metadata cannot tell them apart
 * ("FIXED_LINE_OR_MOBILE"); those are accepted, and a landline among them shows
 * up as Twilio error 30006 on the first text.
 */
const TEXTABLE: ReadonlySet<NumberType> = new Set<NumberType>(["MOBILE", "FIXED_LINE_OR_MOBILE"]);

// Digits and the usual separators only: the parser would otherwise pick a number out of "+1 201 555 0123 ext 4" or "…abc".
const INTERNATIONAL = /^\+[\d\s().-]+$/;
const ANY_FORM = /^\+?[\d\s().-]+$/;
const MAX_INPUT_LENGTH = 40;
// E.164 allows 15 digits at most; the shortest numbers in service (Niue, Saint Helena) have 7 with the country code.
// Austria's open numbering lets libphonenumber call "+43 0000" possible, but nobody can be texted there.
const E164_DIGITS = /^\+[1-9]\d{6,14}$/;

export function toE164(input: string | null | undefined, policy: PhonePolicy = {}): PhoneNumberResult {
  // "00" is the international call prefix almost everywhere: "0033 6…" is "+33 6…".
  const text = input?.trim().replace(/^00(?=[1-9])/, "+") ?? "";
  if (!text) return { ok: false, reason: "phone_missing" };
  if (text.length > MAX_INPUT_LENGTH || !(policy.defaultCountry ? ANY_FORM : INTERNATIONAL).test(text)) {
    return { ok: false, reason: "phone_invalid" };
  }
  const read = parsePhoneNumberFromString(text, policy.defaultCountry);
  // Judged in its E.164 form, which must read back as itself: a loose "possible"
  // number such as "+61 0…" would otherwise shrink each time it is normalised.
  const parsed = read && parsePhoneNumberFromString(read.number);
  if (!parsed || parsed.number !== read.number || !E164_DIGITS.test(parsed.number)) return { ok: false, reason: "phone_invalid" };
  if (!((policy.strictness ?? "valid") === "valid" ? parsed.isValid() : parsed.isPossible())) return { ok: false, reason: "phone_invalid" };
  if (policy.mustBeMobile) {
    const type = parsed.getType();
    if (!type || !TEXTABLE.has(type)) return { ok: false, reason: "phone_not_mobile" };
  }
  const country = parsed.country ?? null;
  if (policy.allowedCountries && !(country && policy.allowedCountries.includes(country))) {
    return { ok: false, reason: "phone_country_not_allowed" };
  }
  return { ok: true, phone: parsed.number, country };
}

/** The E.164 form, or null: for numbers that are matched against ones we hold, never texted on their own account. */
export function e164OrNull(input: string | null | undefined, policy: PhonePolicy = {}): string | null {
  const result = toE164(input, policy);
  return result.ok ? result.phone : null;
}

/** A shop's `smsCountries` setting ("US,CA"): upper-case ISO codes, blanks and repeats dropped. */
export function countryListOf(setting: string | null | undefined): string[] {
  const codes = (setting ?? "").split(/[\s,]+/).map((code) => code.trim().toUpperCase());
  return [...new Set(codes.filter((code) => /^[A-Z]{2}$/.test(code)))];
}
