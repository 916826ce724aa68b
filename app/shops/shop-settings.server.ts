/**
 * A shop's SMS program settings. Every function takes the shop first and scopes
 * by it; the Twilio auth token is stored only encrypted.
 */
import type { Shop } from "@prisma/client";
import { z } from "zod";
import prisma from "../db.server";
import { env } from "../env.server";
import { decryptSecret, encryptSecret } from "../security/secret-box.server";

import { KEYWORD_MODES } from "./keyword-modes";

export { KEYWORD_MODES, type KeywordMode } from "./keyword-modes";

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, "Enter a phone number in international format, e.g. +15551234567");
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Enter a time like 21:00");

export const shopSettingsSchema = z.object({
  brandName: z.string().trim().min(1, "Enter the brand name subscribers will recognise").max(40),
  supportContact: z.string().trim().min(3, "Enter an e-mail address, phone number or URL for HELP replies").max(80),
  termsUrl: z.string().url("Enter the full address of your terms, starting with https://").nullish(),
  privacyUrl: z.string().url("Enter the full address of your privacy policy, starting with https://").nullish(),
  twilioAccountSid: z.string().regex(/^AC[0-9a-zA-Z]{32}$/, "Twilio account SIDs start with AC and have 34 characters").nullish(),
  twilioAuthToken: z.string().min(8, "That is too short to be a Twilio auth token").nullish(),
  senderPhoneNumber: e164.nullish(),
  messagingServiceSid: z.string().regex(/^MG[0-9a-zA-Z]{32}$/, "Messaging Service SIDs start with MG").nullish(),
  keywordMode: z.enum(KEYWORD_MODES).default("twilio_default"),
  helpText: z.string().max(320).nullish(),
  optOutText: z.string().max(320).nullish(),
  optInText: z.string().max(320).nullish(),
  doubleOptIn: z.boolean().default(true),
  pendingExpiryHours: z.number({ invalid_type_error: "Enter a number of hours" }).int().min(1, "At least 1 hour").max(24 * 30, "At most 30 days (720 hours)").default(72),
  quietHoursStart: clock.default("21:00"),
  quietHoursEnd: clock.default("08:00"),
  maxMessagesPerMonth: z.number({ invalid_type_error: "Enter a number" }).int().min(1, "Allow at least 1 message a month").max(100, "At most 100 a month").default(6),
  maxMessagesPerDay: z.number({ invalid_type_error: "Enter a number" }).int().min(1, "Allow at least 1 message a day").max(10, "At most 10 a day").default(3),
  timezone: z.string().default("America/New_York"),
  extraOptInKeywords: z.array(z.string().trim().toUpperCase().regex(/^[A-Z0-9]{2,20}$/, "Keywords are single words of 2 to 20 letters or digits")).default(["JOIN"]),
  supportedLanguages: z.array(z.enum(["en", "es", "fr", "de", "pt", "it"])).default(["en"]),
});
export type ShopSettingsInput = z.input<typeof shopSettingsSchema>;

export async function saveShopSettings(shop: string, input: ShopSettingsInput, options: { demo?: boolean } = {}): Promise<Shop> {
  const { twilioAuthToken, extraOptInKeywords, supportedLanguages, ...rest } = shopSettingsSchema.parse(input);
  const data = {
    ...rest,
    extraOptInKeywords: extraOptInKeywords.join(","),
    supportedLanguages: supportedLanguages.join(","),
    ...(twilioAuthToken ? { twilioAuthTokenEncrypted: encryptSecret(twilioAuthToken, env().ENCRYPTION_KEY) } : {}),
  };
  return prisma.shop.upsert({
    where: { shop },
    create: { shop, ...data, demo: options.demo ?? false },
    update: data,
  });
}

export function getShopSettings(shop: string): Promise<Shop | null> {
  return prisma.shop.findUnique({ where: { shop } });
}

/** The shop that owns an inbound number (or Messaging Service); null when none does. */
export async function findShopByInboundNumber(to: string, messagingServiceSid?: string | null): Promise<Shop | null> {
  const byNumber = await prisma.shop.findFirst({ where: { senderPhoneNumber: to, uninstalledAt: null } });
  if (byNumber || !messagingServiceSid) return byNumber;
  return prisma.shop.findFirst({ where: { messagingServiceSid, uninstalledAt: null } });
}

export function twilioAuthTokenOf(settings: Pick<Shop, "twilioAuthTokenEncrypted">): string | null {
  return settings.twilioAuthTokenEncrypted ? decryptSecret(settings.twilioAuthTokenEncrypted, env().ENCRYPTION_KEY) : null;
}

export function listSetting(value: string): string[] {
  return value.split(",").map((item) => item.trim()).filter(Boolean);
}
