/**
 * A shop's SMS program settings. Every function takes the shop first and scopes
 * by it; the Twilio auth token is stored only encrypted.
 */
import type { Shop } from "@prisma/client";
import { getCountries } from "libphonenumber-js";
import { z } from "zod";
import prisma from "../db.server";
import { isUniqueViolation } from "../db/sql.server";
import { env } from "../env.server";
import { classifyInbound, type InboundIntent } from "../consent/keywords";
import { decryptSecret, encryptSecret } from "../security/secret-box.server";

import { isHttpsUrl } from "./https-url";
import { KEYWORD_MODES } from "./keyword-modes";
import { SENDER_TYPES } from "./sender-types";

export { KEYWORD_MODES, type KeywordMode } from "./keyword-modes";

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, "Enter a phone number in international format, e.g. +15551234567");
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Enter a time like 21:00");
const httpsUrl = (what: string) =>
  z
    .string()
    .max(2000, `The address of your ${what} is too long (at most 2,000 characters)`)
    .refine(isHttpsUrl, `Enter the full address of your ${what}, starting with https://`);
const reply = z.string().max(320, "At most 320 characters (two text messages)");
/** A Twilio SID ("AC…", "MG…"), written the way Twilio writes it, so one SID cannot be saved twice in two spellings. */
const twilioSid = (prefix: "AC" | "MG", message: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}[0-9a-f]{32}$`, "i"), message)
    .transform((sid) => prefix + sid.slice(2).toLowerCase());
const COUNTRY_CODES: ReadonlySet<string> = new Set(getCountries());
/**
 * A sign-up keyword must not be a word subscribers text to stop or to ask for
 * help, in any language the classifier reads: a STOP must never subscribe anyone.
 */
const RESERVED_INTENTS: ReadonlySet<InboundIntent> = new Set(["opt_out", "ambiguous_opt_out", "help"]);
/**
 * Control and default-ignorable characters (NUL, zero-width spaces and joiners,
 * bidi marks, variation selectors, Hangul fillers…): they print as nothing, so
 * a name made of them would start every text with an empty brand.
 */
const INVISIBLE_CHARACTERS = /[\p{Cc}\p{Default_Ignorable_Code_Point}]/gu;

function withoutInvisibleCharacters(text: string): string {
  return text.replace(INVISIBLE_CHARACTERS, "");
}

export const shopSettingsSchema = z.object({
  brandName: z
    .string()
    .transform(withoutInvisibleCharacters)
    .pipe(
      z
        .string()
        .trim()
        .min(1, "Enter the brand name subscribers will recognise")
        .max(40, "At most 40 characters: it starts every text")
        .regex(/[\p{L}\p{N}]/u, "The brand name needs letters or digits subscribers can read"),
    ),
  supportContact: z
    .string()
    .transform(withoutInvisibleCharacters)
    .pipe(z.string().trim().min(3, "Enter an e-mail address, phone number or URL for HELP replies").max(80, "At most 80 characters")),
  termsUrl: httpsUrl("terms").nullish(),
  privacyUrl: httpsUrl("privacy policy").nullish(),
  twilioAccountSid: twilioSid("AC", "Twilio account SIDs start with AC and have 34 characters").nullish(),
  // Tokens entered in the settings form must look like Twilio's (settings-form.ts); this bound is for every other caller.
  twilioAuthToken: z.string().min(8, "That is too short to be a Twilio auth token").max(128, "That is too long to be a Twilio auth token").nullish(),
  senderPhoneNumber: e164.nullish(),
  messagingServiceSid: twilioSid("MG", "Messaging Service SIDs start with MG and have 34 characters").nullish(),
  keywordMode: z.enum(KEYWORD_MODES).default("twilio_default"),
  helpText: reply.nullish(),
  optOutText: reply.nullish(),
  optInText: reply.nullish(),
  doubleOptIn: z.boolean().default(true),
  pendingExpiryHours: z.number({ invalid_type_error: "Enter a number of hours" }).int().min(1, "At least 1 hour").max(24 * 30, "At most 30 days (720 hours)").default(72),
  quietHoursStart: clock.default("21:00"),
  quietHoursEnd: clock.default("08:00"),
  maxMessagesPerMonth: z.number({ invalid_type_error: "Enter a number" }).int().min(1, "Allow at least 1 message a month").max(100, "At most 100 a month").default(6),
  maxMessagesPerDay: z.number({ invalid_type_error: "Enter a number" }).int().min(1, "Allow at least 1 message a day").max(10, "At most 10 a day").default(3),
  smartSendingHours: z
    .number({ invalid_type_error: "Enter a number of hours (0 turns smart sending off)" })
    .int("Enter whole hours")
    .min(0, "Enter 0 to turn smart sending off, or a number of hours")
    .max(24 * 7, "At most a week (168 hours)")
    .default(0),
  senderType: z.enum(SENDER_TYPES, { errorMap: () => ({ message: "Choose a sender type from the list" }) }).default("long_code"),
  // null = the sender type's default rate (sender-types.ts)
  maxMessagesPerSecond: z
    .number({ invalid_type_error: "Enter a number of messages per second, or leave it empty for your sender type's default" })
    .int("Enter whole messages per second")
    .min(1, "At least 1 message per second")
    .max(1000, "At most 1,000 messages per second")
    .nullable()
    .default(null),
  segmentPriceMicros: z
    .number({ invalid_type_error: "Enter the price of one segment in dollars, e.g. 0.0083" })
    .int()
    .min(0, "The price cannot be negative")
    .max(1_000_000, "At most $1 a segment")
    .default(8300),
  clickWindowDays: z
    .number({ invalid_type_error: "Enter a number of days" })
    .int("Enter whole days")
    .min(1, "At least 1 day")
    .max(30, "At most 30 days")
    .default(5),
  deliveryWindowHours: z
    .number({ invalid_type_error: "Enter a number of hours" })
    .int("Enter whole hours")
    .min(1, "At least 1 hour")
    .max(24 * 7, "At most a week (168 hours)")
    .default(24),
  utmTracking: z.boolean().default(true),
  // Bodies of texts sent and received are blanked after this many days (app/compliance/retention.server.ts); consent evidence is kept.
  messageRetentionDays: z
    .number({ invalid_type_error: "Enter a number of days" })
    .int("Enter whole days")
    .min(30, "At least 30 days: you need recent texts to answer questions about them")
    .max(3650, "At most 3,650 days (10 years)")
    .default(365),
  timezone: z
    .string()
    .max(64, "Choose a time zone from the IANA list, e.g. America/New_York")
    .transform((zone, context) => {
      const canonical = ianaTimeZone(zone);
      if (canonical) return canonical;
      context.addIssue({ code: z.ZodIssueCode.custom, message: "Choose a time zone from the IANA list, e.g. America/New_York or Europe/Paris" });
      return z.NEVER;
    })
    .default("America/New_York"),
  extraOptInKeywords: z
    .array(
      z
        .string()
        .trim()
        .toUpperCase()
        .regex(/^[A-Z0-9]{2,20}$/, "Keywords are single words of 2 to 20 letters or digits")
        .refine(
          (keyword) => !RESERVED_INTENTS.has(classifyInbound(keyword).intent),
          (keyword) => ({ message: `${keyword} stops texts or asks for help in some language: choose a sign-up keyword that means neither` }),
        ),
    )
    .max(20, "At most 20 extra keywords")
    .default(["JOIN"]),
  supportedLanguages: z.array(z.enum(["en", "es", "fr", "de", "pt", "it"])).default(["en"]),
  // Left out = keep what the shop has (its own country from install, or the database default).
  smsCountries: z
    .array(
      z
        .string()
        .trim()
        .toUpperCase()
        .refine((code) => COUNTRY_CODES.has(code), "Use two-letter country codes such as US, CA or GB"),
    )
    .min(1, "Enter at least one country, usually your shop's own (e.g. US)")
    .max(COUNTRY_CODES.size)
    .optional(),
});
export type ShopSettingsInput = z.input<typeof shopSettingsSchema>;

export const SENDER_FIELDS = ["senderPhoneNumber", "messagingServiceSid"] as const;
export type SenderField = (typeof SENDER_FIELDS)[number];

const SENDER_IN_USE: Record<SenderField, string> = {
  senderPhoneNumber: "Another shop already receives its texts on this number. A number can belong to one shop only: enter a number of your own Twilio account.",
  messagingServiceSid: "Another shop already uses this Messaging Service. A Messaging Service can belong to one shop only: enter one of your own Twilio account.",
};

/** The sender number or Messaging Service belongs to another shop: inbound texts to it must keep reaching that shop. */
export class SenderInUseError extends Error {
  override readonly name = "SenderInUseError";
  constructor(readonly field: SenderField) {
    super(SENDER_IN_USE[field]);
  }
}

/**
 * Saves a shop's settings. Throws SenderInUseError when another shop owns the
 * sender number or Messaging Service, also when two shops save the same one at
 * the same moment (the unique index decides, and its violation becomes the same error).
 */
export async function saveShopSettings(shop: string, input: ShopSettingsInput, options: { demo?: boolean } = {}): Promise<Shop> {
  const { twilioAuthToken, extraOptInKeywords, supportedLanguages, smsCountries, ...rest } = shopSettingsSchema.parse(input);
  const data = {
    ...rest,
    extraOptInKeywords: extraOptInKeywords.join(","),
    supportedLanguages: supportedLanguages.join(","),
    ...(smsCountries ? { smsCountries: [...new Set(smsCountries)].join(",") } : {}),
    ...(twilioAuthToken ? { twilioAuthTokenEncrypted: encryptSecret(twilioAuthToken, env().ENCRYPTION_KEY) } : {}),
  };
  await requireSendersFree(shop, data);
  try {
    return await prisma.shop.upsert({
      where: { shop },
      create: { shop, ...data, demo: options.demo ?? false },
      update: data,
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await requireSendersFree(shop, data); // the other shop's save won the race: say which field, as above
    throw error;
  }
}

async function requireSendersFree(shop: string, senders: { senderPhoneNumber?: string | null; messagingServiceSid?: string | null }): Promise<void> {
  for (const field of SENDER_FIELDS) {
    const value = senders[field];
    if (!value) continue;
    const owner = await prisma.shop.findFirst({ where: { [field]: value, NOT: { shop } }, select: { shop: true } });
    if (owner) throw new SenderInUseError(field);
  }
}

export function getShopSettings(shop: string): Promise<Shop | null> {
  return prisma.shop.findUnique({ where: { shop } });
}

/**
 * The shops an inbound text may belong to, most trusted first: the
 * one owning the webhook's Messaging Service, then the one owning the number it
 * was sent to. Each is unique, so there are at most two, and two only when the
 * Messaging Service and the number are configured in different shops. That
 * should not happen, but one of them may have typed in the other's Messaging
 * Service SID or number, and the lookup alone cannot tell which shop is right.
 * The caller then keeps the candidate whose Twilio auth token verifies the
 * signature: only the Twilio account that owns the number can produce it. So
 * a misconfigured (or hostile) shop can neither take the texts nor make the
 * real owner's STOP fail.
 *
 * Uninstalled shops are candidates too: until shop/redact deletes it, the
 * number is still the shop's, and a STOP sent to it must be recorded. What an
 * uninstalled shop may do with a text is decided by planInbound.
 */
export async function findInboundShopCandidates(to: string, messagingServiceSid?: string | null): Promise<Shop[]> {
  const [byService, byNumber] = await Promise.all([
    messagingServiceSid ? prisma.shop.findUnique({ where: { messagingServiceSid } }) : null,
    prisma.shop.findUnique({ where: { senderPhoneNumber: to } }),
  ]);
  const candidates: Shop[] = [];
  for (const found of [byService, byNumber]) {
    if (found && !candidates.some((candidate) => candidate.shop === found.shop)) candidates.push(found);
  }
  return candidates;
}

export function twilioAuthTokenOf(settings: Pick<Shop, "twilioAuthTokenEncrypted">): string | null {
  return settings.twilioAuthTokenEncrypted ? decryptSecret(settings.twilioAuthTokenEncrypted, env().ENCRYPTION_KEY) : null;
}

export function listSetting(value: string): string[] {
  return value.split(",").map((item) => item.trim()).filter(Boolean);
}

/** The canonical IANA name of a time zone ("asia/tokyo" → "Asia/Tokyo"); null for anything else. */
export function ianaTimeZone(zone: string): string | null {
  // Area/Location names and UTC only: Intl also accepts offsets, which do not follow daylight saving time.
  if (!/^(?:[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+){1,2}|UTC)$/.test(zone)) return null;
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  // The same offsets under area names: Etc/GMT+5, SystemV/EST5 (Etc/UTC and its aliases resolve to "UTC").
  return /^(?:Etc|SystemV)\//i.test(canonical) ? null : canonical;
}
