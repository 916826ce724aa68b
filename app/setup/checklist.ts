/**
 * The first-run checklist on the dashboard: each step of setting up an SMS
 * program, "done" or "to do" with why in words and the one action that moves
 * it forward. Pure: the facts are read in checklist.server.ts.
 *
 * What counts as evidence, step by step:
 * - Twilio: account SID, auth token and a sender saved (the connection itself
 *   is checked against Twilio's API on demand, see test-text.server.ts).
 * - Reviewed settings (double opt-in off, quiet hours and caps): the merchant
 *   saved the settings page since installing; the install's defaults alone do
 *   not count as a choice.
 * - Checkout block: Shopify does not tell an app whether its block was placed,
 *   so the evidence is a checkout consent recorded in the last 30 days.
 */
import type { KeywordMode } from "~/shops/keyword-modes";

export const CHECKLIST_STEP_IDS = ["twilio", "brand", "disclosure", "keywords", "double_opt_in", "sending_rules", "checkout_block"] as const;
export type ChecklistStepId = (typeof CHECKLIST_STEP_IDS)[number];

export interface ChecklistFacts {
  /** The myshopify domain. */
  shop: string;
  /** The app's API key (client id): the checkout editor's link names the app by it. */
  apiKey: string;
  brandName: string;
  supportContact: string;
  twilioAccountSid: string | null;
  hasAuthToken: boolean;
  senderPhoneNumber: string | null;
  messagingServiceSid: string | null;
  keywordMode: KeywordMode;
  doubleOptIn: boolean;
  pendingExpiryHours: number;
  quietHoursStart: string;
  quietHoursEnd: string;
  maxMessagesPerMonth: number;
  maxMessagesPerDay: number;
  termsUrl: string | null;
  privacyUrl: string | null;
  supportedLanguages: string[];
  /** The current disclosure of each language. */
  disclosures: Array<{ locale: string; text: string; version: number }>;
  /** When the merchant last saved Settings, or null when the settings are still the install's defaults. */
  settingsSavedAt: Date | null;
  /** The newest consent given at checkout, or null. */
  lastCheckoutConsentAt: Date | null;
}

export interface ChecklistAction {
  label: string;
  url: string;
  /** Opens Shopify admin (outside the app's frame). */
  external?: boolean;
}

export interface ChecklistStep {
  id: ChecklistStepId;
  title: string;
  done: boolean;
  /** Why it is done or what is missing, in words. */
  detail: string;
  action: ChecklistAction;
}

export interface Checklist {
  steps: ChecklistStep[];
  doneCount: number;
  allDone: boolean;
}

/** A checkout consent this recent shows the block is in place and working. */
export const CHECKOUT_EVIDENCE_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export const LANGUAGE_NAMES: Record<string, string> = { en: "English", es: "Spanish", fr: "French", de: "German", pt: "Portuguese", it: "Italian" };
const languageName = (code: string) => LANGUAGE_NAMES[code] ?? code;

/** Who answers STOP, HELP and START under each keyword mode, in words. */
export const KEYWORD_MODE_EXPLANATIONS: Record<KeywordMode, string> = {
  twilio_default:
    "Twilio answers the exact words STOP, HELP and START itself and blocks further texts to whoever sent STOP. This app records them and stays silent so nobody gets two replies; it answers what Twilio does not catch (\"please stop texting me\", BAJA, ARRÊT…).",
  twilio_advanced_opt_out:
    "Your Messaging Service's Advanced Opt-Out sends the replies you set in the Twilio console for STOP, HELP and START. This app records them and answers everything else (free text, other languages).",
  app: "This app answers every keyword and free-text opt-out itself, with the texts set in Settings. Ask Twilio support to turn off their keyword handling on your number first, or subscribers get two replies.",
};

/** The checkout and accounts editor, on the app's blocks ("Apps" tab) of the Thank-you page, where every plan can place the block. */
export function checkoutEditorUrl(shop: string, apiKey: string): string {
  const handle = shop.replace(/\.myshopify\.com$/i, "");
  const query = new URLSearchParams({ page: "thank-you", context: "apps", app: apiKey });
  return `https://admin.shopify.com/store/${encodeURIComponent(handle)}/settings/checkout/editor?${query.toString()}`;
}

function formatDay(date: Date): string {
  return date.toLocaleDateString("en-US", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

function twilioStep(facts: ChecklistFacts): ChecklistStep {
  const missing = [
    facts.twilioAccountSid ? null : "account SID",
    facts.hasAuthToken ? null : "auth token",
    facts.senderPhoneNumber || facts.messagingServiceSid ? null : "sender number or Messaging Service",
  ].filter((item): item is string => item !== null);
  const sender = facts.messagingServiceSid ? `Messaging Service ${facts.messagingServiceSid}` : facts.senderPhoneNumber;
  return {
    id: "twilio",
    title: "Connect Twilio",
    done: missing.length === 0,
    detail:
      missing.length === 0
        ? `Account ${facts.twilioAccountSid}, sending from ${sender}. Check the connection and send yourself a test text below.`
        : `Missing: ${missing.join(", ")}. Copy them from the Twilio console (Account info) into Settings.`,
    action: { label: missing.length === 0 ? "Change Twilio details" : "Enter Twilio details", url: "/app/settings#twilio" },
  };
}

function brandStep(facts: ChecklistFacts): ChecklistStep {
  // Installing fills in the shop's name and contact e-mail; without an e-mail, the store's address stands in for the contact.
  const placeholderContact = facts.supportContact === `https://${facts.shop}`;
  const done = Boolean(facts.brandName.trim() && facts.supportContact.trim()) && !placeholderContact;
  return {
    id: "brand",
    title: "Brand name and support contact",
    done,
    detail: done
      ? `Texts start with "${facts.brandName}:"; HELP replies point to ${facts.supportContact}.`
      : placeholderContact
        ? `HELP replies would point to your store's address (${facts.supportContact}). Enter an e-mail address or phone number subscribers can reach.`
        : "Every text starts with your brand name, and HELP replies need a support contact.",
    action: { label: "Edit brand and contact", url: "/app/settings#program" },
  };
}

function disclosureStep(facts: ChecklistFacts): ChecklistStep {
  const problems: string[] = [];
  const byLocale = new Map(facts.disclosures.map((disclosure) => [disclosure.locale, disclosure]));
  const missing = facts.supportedLanguages.filter((language) => !byLocale.has(language));
  if (missing.length > 0) problems.push(`Not published in ${missing.map(languageName).join(", ")}: shoppers using it see the English text.`);
  if (!byLocale.has("en")) problems.push("Checkout shows no box at all without the English text.");
  if (!facts.termsUrl || !facts.privacyUrl) problems.push("Checkout shows no box without your SMS terms and privacy policy addresses.");
  for (const disclosure of facts.disclosures) {
    if (!disclosure.text.includes(facts.brandName) || !disclosure.text.includes(String(facts.maxMessagesPerMonth))) {
      problems.push(
        `The ${languageName(disclosure.locale)} text does not name "${facts.brandName}" and your monthly cap (${facts.maxMessagesPerMonth}): checkout will not show it.`,
      );
    }
  }
  const order = ["en", ...facts.supportedLanguages];
  const rank = (locale: string) => (order.includes(locale) ? order.indexOf(locale) : order.length);
  const published = [...facts.disclosures]
    .sort((a, b) => rank(a.locale) - rank(b.locale))
    .map((disclosure) => `${languageName(disclosure.locale)} v${disclosure.version}`)
    .join(", ");
  return {
    id: "disclosure",
    title: "Publish the checkout disclosure",
    done: problems.length === 0,
    detail: problems.length === 0 ? `Published: ${published}. Preview it in Settings.` : problems.join(" "),
    action: { label: problems.length === 0 ? "Preview the disclosure" : "Write the disclosure", url: "/app/settings#disclosure" },
  };
}

function keywordStep(facts: ChecklistFacts): ChecklistStep {
  const needsService = facts.keywordMode === "twilio_advanced_opt_out" && !facts.messagingServiceSid;
  return {
    id: "keywords",
    title: "Decide who answers STOP",
    done: !needsService,
    detail: needsService
      ? "Advanced Opt-Out is a feature of Twilio Messaging Services, and no Messaging Service is set: enter its SID, or choose another keyword mode."
      : KEYWORD_MODE_EXPLANATIONS[facts.keywordMode],
    action: { label: "Choose the keyword mode", url: "/app/settings#keywords" },
  };
}

function doubleOptInStep(facts: ChecklistFacts): ChecklistStep {
  const done = facts.doubleOptIn || facts.settingsSavedAt !== null;
  return {
    id: "double_opt_in",
    title: "Double opt-in",
    done,
    detail: facts.doubleOptIn
      ? `On: new subscribers reply Y to confirm within ${facts.pendingExpiryHours} hours, or they are not subscribed.`
      : done
        ? "Off, by your choice: a ticked box subscribes at once. Double opt-in is stronger proof of consent."
        : "Off: a ticked box subscribes at once. Turn it on for stronger proof of consent, or save Settings to keep it off.",
    action: { label: "Review double opt-in", url: "/app/settings#consent" },
  };
}

function sendingRulesStep(facts: ChecklistFacts): ChecklistStep {
  const rules = `Quiet hours ${facts.quietHoursStart}–${facts.quietHoursEnd} at each recipient, at most ${facts.maxMessagesPerMonth} texts a month and ${facts.maxMessagesPerDay} a day per subscriber`;
  return {
    id: "sending_rules",
    title: "Review quiet hours and caps",
    done: facts.settingsSavedAt !== null,
    detail: facts.settingsSavedAt
      ? `${rules}. Saved ${formatDay(facts.settingsSavedAt)}.`
      : `${rules}: the defaults. Check they suit your shop and save Settings.`,
    action: { label: "Review quiet hours and caps", url: "/app/settings#consent" },
  };
}

function checkoutBlockStep(facts: ChecklistFacts, now: Date): ChecklistStep {
  const recent = facts.lastCheckoutConsentAt !== null && now.getTime() - facts.lastCheckoutConsentAt.getTime() <= CHECKOUT_EVIDENCE_DAYS * DAY_MS;
  return {
    id: "checkout_block",
    title: "Add the checkout block",
    done: recent,
    detail: recent
      ? `Seen working: a shopper ticked the box at checkout on ${formatDay(facts.lastCheckoutConsentAt!)}.`
      : `Place the "SMS marketing consent" block on the Thank-you page (every plan) or after the contact step (Shopify Plus) in the checkout editor, then save it there. Shopify does not tell apps where their blocks are, so this step shows done once a shopper ticks the box (checked over the last ${CHECKOUT_EVIDENCE_DAYS} days)${facts.lastCheckoutConsentAt ? `; the last one was on ${formatDay(facts.lastCheckoutConsentAt)}` : ""}.`,
    action: { label: "Open the checkout editor", url: checkoutEditorUrl(facts.shop, facts.apiKey), external: true },
  };
}

export function buildChecklist(facts: ChecklistFacts, now: Date): Checklist {
  const steps = [
    twilioStep(facts),
    brandStep(facts),
    disclosureStep(facts),
    keywordStep(facts),
    doubleOptInStep(facts),
    sendingRulesStep(facts),
    checkoutBlockStep(facts, now),
  ];
  const doneCount = steps.filter((step) => step.done).length;
  return { steps, doneCount, allDone: doneCount === steps.length };
}
