/**
 * The wire contract between this extension and the app's server: the cart
 * attributes that carry a shopper's answer to `orders/create`, and the shape of
 * the app-owned metafield holding the merchant's disclosure. Both sides import
 * this one file, so they cannot drift apart.
 */
export const CONSENT_ATTRIBUTE = {
  consent: "_sms_consent",
  phone: "_sms_consent_phone",
  disclosureVersion: "_sms_disclosure_version",
  disclosureLocale: "_sms_disclosure_locale",
  at: "_sms_consent_at",
} as const;

export const DISCLOSURE_METAFIELD_NAMESPACE = "$app";
export const DISCLOSURE_METAFIELD_KEY = "sms_disclosure";

export interface DisclosureMetafieldValue {
  versionId: string;
  version: number;
  brandName: string;
  maxMessagesPerMonth: number;
  termsUrl: string;
  privacyUrl: string;
  /** Full disclosure text by language ("en", "es", "fr", "fr-CA"…); "en" is required. */
  texts: Record<string, string>;
  /** Where the app's backend lives; the Thank-you block posts consent there. */
  appUrl?: string;
}
