/**
 * The settings form, parsed: blank optional fields become null, an empty auth
 * token field keeps the saved token, lists are comma-separated, phone numbers
 * may be typed the way people type them, the segment price is typed in dollars
 * and stored in millionths of a dollar. Every field is bounded and checked
 * (see shopSettingsSchema); what a merchant types as an auth token must also
 * look like one of Twilio's.
 */
import { toE164 } from "../phone/phone-number";
import { z, type ZodIssue } from "zod";
import { shopSettingsSchema, type ShopSettingsInput } from "./shop-settings.server";

export const settingsFormSchema = shopSettingsSchema.extend({
  twilioAuthToken: z
    .string()
    .regex(/^[0-9a-f]{32}$/i, "A Twilio auth token is 32 characters, digits and the letters a to f: copy it from the Twilio console")
    .nullish(),
});

export type FieldErrors = Record<string, string>;
export type ParsedSettingsForm = { ok: true; input: ShopSettingsInput } | { ok: false; errors: FieldErrors };

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
};
const list = (form: FormData, name: string) =>
  (text(form, name) ?? "")
    .split(/[,\s]+/)
    .map((item) => item.trim())
    .filter(Boolean);
const number = (form: FormData, name: string) => {
  const value = text(form, name);
  return value === null ? undefined : Number(value);
};
/** An optional number: an empty field is null (for the rate: "use the sender type's default"). */
const optionalNumber = (form: FormData, name: string) => number(form, name) ?? null;
/**
 * Dollars as typed ("0.0083", "$0.0079") to whole millionths of a dollar, the
 * way the price is stored; NaN (refused by the schema) for anything else.
 */
const dollarsAsMicros = (form: FormData, name: string) => {
  const value = text(form, name);
  if (value === null) return undefined;
  const match = /^\$?\s*(\d{0,7}(?:\.\d{1,6})?)$/.exec(value);
  return match && match[1] !== "" && match[1] !== "." ? Math.round(Number(match[1]) * 1_000_000) : Number.NaN;
};

function phone(value: string | null): string | null {
  if (value === null) return null;
  // The merchant's own sender line: typed the way people type it, read as a US number when it has no country code.
  const parsed = toE164(value, { defaultCountry: "US", strictness: "possible" });
  return parsed.ok ? parsed.phone : value; // let the schema explain what is wrong with it
}

function toErrors(issues: ZodIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message;
  }
  return errors;
}

export function parseSettingsForm(form: FormData): ParsedSettingsForm {
  const input = {
    brandName: text(form, "brandName") ?? "",
    supportContact: text(form, "supportContact") ?? "",
    termsUrl: text(form, "termsUrl"),
    privacyUrl: text(form, "privacyUrl"),
    twilioAccountSid: text(form, "twilioAccountSid"),
    twilioAuthToken: text(form, "twilioAuthToken"),
    senderPhoneNumber: phone(text(form, "senderPhoneNumber")),
    messagingServiceSid: text(form, "messagingServiceSid"),
    keywordMode: text(form, "keywordMode") ?? undefined,
    helpText: text(form, "helpText"),
    optOutText: text(form, "optOutText"),
    optInText: text(form, "optInText"),
    doubleOptIn: form.get("doubleOptIn") === "on",
    pendingExpiryHours: number(form, "pendingExpiryHours"),
    quietHoursStart: text(form, "quietHoursStart") ?? undefined,
    quietHoursEnd: text(form, "quietHoursEnd") ?? undefined,
    maxMessagesPerMonth: number(form, "maxMessagesPerMonth"),
    maxMessagesPerDay: number(form, "maxMessagesPerDay"),
    smartSendingHours: number(form, "smartSendingHours"),
    senderType: text(form, "senderType") ?? undefined,
    maxMessagesPerSecond: optionalNumber(form, "maxMessagesPerSecond"),
    segmentPriceMicros: dollarsAsMicros(form, "segmentPrice"),
    clickWindowDays: number(form, "clickWindowDays"),
    deliveryWindowHours: number(form, "deliveryWindowHours"),
    // The form always renders this checkbox, so its absence means "off".
    utmTracking: form.get("utmTracking") === "on",
    messageRetentionDays: number(form, "messageRetentionDays"),
    timezone: text(form, "timezone") ?? undefined,
    extraOptInKeywords: list(form, "extraOptInKeywords"),
    supportedLanguages: list(form, "supportedLanguages"),
    smsCountries: list(form, "smsCountries"),
  };
  const parsed = settingsFormSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: toErrors(parsed.error.issues) };
  // The token is write-only: an empty field means "keep the one saved".
  return { ok: true, input: input as ShopSettingsInput };
}
