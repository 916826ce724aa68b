/**
 * One row of an imported list → what to do with it, purely, with the reason in
 * words when it is not imported. What a row must carry to be imported is what
 * prior express written consent must be proven with (docs: sms-compliance):
 * - a number that can be texted, of a country the shop texts (smsCountries),
 *   read through the one phone function; a number without its country code is
 *   read in the shop's first country, as a merchant's own list writes them;
 * - when the person agreed (a consent date, not in the future);
 * - where they agreed (a source: the form, keyword, checkout of the old tool);
 * - what they were shown (the disclosure text, or a reference to it: a URL,
 *   a form id, a version).
 * Source and disclosure may be stated by the merchant for the whole file.
 *
 * Already-confirmed imports subscribe a row only when the row itself says it
 * was confirmed (a double opt-in flag); other rows with full evidence are
 * asked to confirm by text instead (double opt-in), never subscribed on the
 * merchant's word alone.
 */
import type { CountryCode } from "libphonenumber-js/max";
import { toE164 } from "../../phone/phone-number";
import { parseConsentDate } from "./consent-date";
import { isConfirmedValue, statusMeaning, type ImportMapping } from "./import-mapping";

export const CONFIRM_MODES = ["double_opt_in", "already_confirmed"] as const;
export type ConfirmMode = (typeof CONFIRM_MODES)[number];

export interface RowContext {
  mapping: ImportMapping;
  confirmMode: ConfirmMode;
  /** The shop's smsCountries, first = the shop's own country. */
  allowedCountries: readonly string[];
  /** The shop's zone, for dates written without an offset. */
  zone: string;
  now: Date;
}

export interface ImportedConsent {
  phone: string;
  action: "opt_in" | "request_opt_in";
  consentAt: Date;
  source: string;
  /** "column" when read from the row, "stated" when the merchant stated it for the whole file. */
  sourceFrom: "column" | "stated";
  disclosureText: string | null;
  disclosureReference: string | null;
  disclosureFrom: "column" | "stated";
  confirmedInFile: boolean;
  /** Already-confirmed import, but this row does not say confirmed: asked to confirm instead. */
  fellBackToDoubleOptIn: boolean;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
}

export type RowDecision = ({ ok: true } & ImportedConsent) | { ok: false; reason: string; phone: string | null };

const MAX_NAME = 100;
const MAX_EVIDENCE_TEXT = 2000;

export function decideRow(cells: readonly string[], context: RowContext): RowDecision {
  const { mapping } = context;
  const cell = (index: number | undefined) => (index === undefined ? "" : (cells[index] ?? "").trim());

  const phoneText = cell(mapping.columns.phone);
  const number = readPhone(phoneText, context.allowedCountries);
  if (!number.ok) return { ok: false, reason: number.reason, phone: null };
  const phone = number.phone;
  const refuse = (reason: string): RowDecision => ({ ok: false, reason, phone });

  if (mapping.columns.status !== undefined) {
    const status = cell(mapping.columns.status);
    const meaning = statusMeaning(status);
    if (!status) return refuse("No subscription status in the row");
    if (meaning === "not_subscribed") return refuse(`The file says this number is not subscribed (“${shortened(status)}”)`);
    if (meaning === "unknown") return refuse(`The status “${shortened(status)}” does not say subscribed`);
  }

  const dateText = cell(mapping.columns.consentDate);
  if (!dateText) return refuse("No consent date");
  const consentAt = parseConsentDate(dateText, { zone: context.zone, dayFirst: mapping.dayFirst });
  if (!consentAt) return refuse(`Consent date not understood: “${shortened(dateText)}”`);
  if (consentAt.getTime() > context.now.getTime()) return refuse(`Consent date is in the future (${consentAt.toISOString()})`);

  const sourceCell = cell(mapping.columns.source);
  const source = sourceCell || mapping.sourceForAll || "";
  if (!source) return refuse("No consent source (where they agreed)");

  const textCell = cell(mapping.columns.disclosureText);
  const referenceCell = cell(mapping.columns.disclosureReference);
  const fromColumns = Boolean(textCell || referenceCell);
  const disclosureText = textCell || (!fromColumns && mapping.disclosureForAll) || null;
  const disclosureReference = referenceCell || null;
  if (!disclosureText && !disclosureReference) return refuse("No disclosure text or reference (what they were shown)");

  const confirmedInFile = mapping.columns.confirmed !== undefined && isConfirmedValue(cell(mapping.columns.confirmed));
  const subscribeNow = context.confirmMode === "already_confirmed" && confirmedInFile;
  return {
    ok: true,
    phone,
    action: subscribeNow ? "opt_in" : "request_opt_in",
    consentAt,
    source: clip(source, MAX_EVIDENCE_TEXT),
    sourceFrom: sourceCell ? "column" : "stated",
    disclosureText: disclosureText ? clip(disclosureText, MAX_EVIDENCE_TEXT) : null,
    disclosureReference: disclosureReference ? clip(disclosureReference, MAX_EVIDENCE_TEXT) : null,
    disclosureFrom: fromColumns ? "column" : "stated",
    confirmedInFile,
    fellBackToDoubleOptIn: context.confirmMode === "already_confirmed" && !confirmedInFile,
    firstName: optional(cell(mapping.columns.firstName), MAX_NAME),
    lastName: optional(cell(mapping.columns.lastName), MAX_NAME),
    email: optional(cell(mapping.columns.email), MAX_NAME * 3),
  };
}

/** A number as the shop may text it, or why not, in words. */
export function readPhone(text: string, allowedCountries: readonly string[]): { ok: true; phone: string } | { ok: false; reason: string } {
  const defaultCountry = allowedCountries[0] as CountryCode | undefined;
  const policy = { ...(defaultCountry ? { defaultCountry } : {}), mustBeMobile: true };
  const result = toE164(text, { ...policy, allowedCountries });
  if (result.ok) return { ok: true, phone: result.phone };
  switch (result.reason) {
    case "phone_missing":
      return { ok: false, reason: "No phone number" };
    case "phone_not_mobile":
      return { ok: false, reason: `Not a mobile number (“${shortened(text)}”): a landline or another line that cannot receive texts` };
    case "phone_country_not_allowed": {
      const elsewhere = toE164(text, policy);
      const country = elsewhere.ok && elsewhere.country ? countryName(elsewhere.country) : "another country";
      return { ok: false, reason: `A number in ${country}: this shop texts only ${allowedCountries.map(countryName).join(", ") || "no country"}` };
    }
    case "phone_invalid":
      return { ok: false, reason: `Not a valid phone number (“${shortened(text)}”): ${invalidBecause(text, defaultCountry)}` };
  }
}

function invalidBecause(text: string, defaultCountry: string | undefined): string {
  if (/[a-z]/i.test(text)) return "it has letters in it";
  if (/[^\d\s().+-]/.test(text)) return "it has characters a phone number does not have";
  const digits = text.replace(/\D/g, "").length;
  if (digits < 7) return "too few digits";
  if (digits > 15) return "too many digits";
  if (!defaultCountry && !/^\s*(\+|00)/.test(text)) return "no country code";
  return `no such number${text.trim().startsWith("+") ? "" : ` in ${countryName(defaultCountry ?? "US")}`}`;
}

let regionNames: Intl.DisplayNames | undefined;

function countryName(code: string): string {
  regionNames ??= new Intl.DisplayNames(["en"], { type: "region" });
  return `${regionNames.of(code) ?? code} (${code})`;
}

function shortened(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

function optional(text: string, max: number): string | null {
  return text ? clip(text, max) : null;
}
