/**
 * The one text a consent triggers (at checkout, or given by staff or an import
 * on the shop's behalf), chosen and worded purely:
 * - a new opt-in (single opt-in shop): the CTIA opt-in confirmation, or the
 *   merchant's own wording (`optInText`) in the shop's first language;
 * - a re-subscription of a number that had opted out: the "resubscribed" form,
 *   so the person sees that an earlier STOP no longer applies;
 * - a double opt-in shop: the "Reply Y to confirm" request.
 * Anything else (already subscribed, already waiting for a Y) sends nothing.
 */
import type { Shop } from "@prisma/client";
import { isLanguage, LANGUAGES, type Language } from "../language/languages";
import type { ConsentEventKind } from "../consent/transitions";
import { composeComplianceReply, type ComplianceReplyKind } from "./compose";

export function confirmationKindFor(eventKind: ConsentEventKind): ComplianceReplyKind | null {
  switch (eventKind) {
    case "opt_in_requested":
      return "double_opt_in_request";
    case "opted_in":
      return "opt_in_confirmation";
    case "resubscribed":
      return "resubscribed";
    default:
      return null;
  }
}

/** The shop's languages in the merchant's order; the first is the shop's own. */
export function supportedLanguagesOf(settings: Pick<Shop, "supportedLanguages">): Language[] {
  const languages = settings.supportedLanguages
    .split(",")
    .map((code) => code.trim().toLowerCase())
    .filter((code): code is Language => LANGUAGES.includes(code as Language));
  return languages.length > 0 ? languages : ["en"];
}

/** The language of the disclosure the shopper read ("fr-ca" → "fr") when the shop supports it, else the shop's own. */
export function confirmationLanguage(supported: readonly Language[], disclosureLocale: string | null): Language {
  const base = disclosureLocale?.split(/[-_]/)[0]?.toLowerCase();
  if (isLanguage(base) && supported.includes(base)) return base;
  return supported[0] ?? "en";
}

export function composeConfirmation(
  kind: ComplianceReplyKind,
  settings: Pick<Shop, "brandName" | "supportContact" | "maxMessagesPerMonth" | "optInText" | "supportedLanguages">,
  language: Language,
): string {
  // The merchant's wording is written in the shop's first language: it replaces ours only there.
  const ownLanguage = supportedLanguagesOf(settings)[0];
  const override = kind === "opt_in_confirmation" && language === ownLanguage ? settings.optInText : null;
  return composeComplianceReply(
    kind,
    { brandName: settings.brandName, supportContact: settings.supportContact, maxMessagesPerMonth: settings.maxMessagesPerMonth },
    language,
    override,
  );
}
