/**
 * The facts the first-run checklist is built from (checklist.ts), read for
 * one shop: its settings, its current disclosures and its newest checkout
 * consent. Null before the shop has settings.
 */
import prisma from "../db.server";
import { currentDisclosures } from "../disclosures/disclosures.server";
import { env } from "../env.server";
import { KEYWORD_MODES, type KeywordMode } from "../shops/keyword-modes";
import { listSetting } from "../shops/shop-settings.server";
import { buildChecklist, type Checklist, type ChecklistFacts } from "./checklist";

/** A save this long after installing is the merchant's own; installing writes the row once with the defaults. */
const SAVED_AFTER_INSTALL_MS = 60_000;

export async function getChecklistFacts(shop: string): Promise<ChecklistFacts | null> {
  const settings = await prisma.shop.findUnique({ where: { shop } });
  if (!settings) return null;
  const [disclosures, lastCheckoutConsent] = await Promise.all([
    currentDisclosures(shop),
    prisma.consentEvent.findFirst({
      where: { shop, source: "checkout", kind: { in: ["opted_in", "opt_in_requested", "confirmed"] } },
      orderBy: { occurredAt: "desc" },
      select: { occurredAt: true },
    }),
  ]);
  const saved = settings.updatedAt.getTime() - settings.installedAt.getTime() > SAVED_AFTER_INSTALL_MS;
  return {
    shop,
    apiKey: env().SHOPIFY_API_KEY,
    brandName: settings.brandName,
    supportContact: settings.supportContact,
    twilioAccountSid: settings.twilioAccountSid,
    hasAuthToken: Boolean(settings.twilioAuthTokenEncrypted),
    senderPhoneNumber: settings.senderPhoneNumber,
    messagingServiceSid: settings.messagingServiceSid,
    keywordMode: (KEYWORD_MODES as readonly string[]).includes(settings.keywordMode) ? (settings.keywordMode as KeywordMode) : "twilio_default",
    doubleOptIn: settings.doubleOptIn,
    pendingExpiryHours: settings.pendingExpiryHours,
    quietHoursStart: settings.quietHoursStart,
    quietHoursEnd: settings.quietHoursEnd,
    maxMessagesPerMonth: settings.maxMessagesPerMonth,
    maxMessagesPerDay: settings.maxMessagesPerDay,
    termsUrl: settings.termsUrl,
    privacyUrl: settings.privacyUrl,
    supportedLanguages: listSetting(settings.supportedLanguages),
    disclosures: disclosures.map(({ locale, text, version }) => ({ locale, text, version })),
    settingsSavedAt: saved ? settings.updatedAt : null,
    lastCheckoutConsentAt: lastCheckoutConsent?.occurredAt ?? null,
  };
}

export async function getChecklist(shop: string, now = new Date()): Promise<Checklist | null> {
  const facts = await getChecklistFacts(shop);
  return facts ? buildChecklist(facts, now) : null;
}
