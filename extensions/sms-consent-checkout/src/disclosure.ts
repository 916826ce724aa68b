// The merchant's SMS disclosure, written by the app into an app-owned shop
// metafield ($app / sms_disclosure) whenever the merchant publishes a new
// version. The extension never carries disclosure text of its own: without a
// usable metafield it collects no consent at all.

import {
  DISCLOSURE_METAFIELD_KEY as DISCLOSURE_KEY,
  DISCLOSURE_METAFIELD_NAMESPACE as DISCLOSURE_NAMESPACE,
  type DisclosureMetafieldValue,
} from "./contract";

export { DISCLOSURE_KEY, DISCLOSURE_NAMESPACE };
export const FALLBACK_LOCALE = "en";

export type Disclosure = DisclosureMetafieldValue;

interface MetafieldEntry {
  metafield: { namespace: string; key: string; value: string | number | boolean };
}

export function findDisclosure(entries: readonly MetafieldEntry[]): Disclosure | null {
  const entry = entries.find(
    ({ metafield }) => metafield.namespace === DISCLOSURE_NAMESPACE && metafield.key === DISCLOSURE_KEY,
  );
  return typeof entry?.metafield.value === "string" ? parseDisclosure(entry.metafield.value) : null;
}

export function parseDisclosure(json: string): Disclosure | null {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return null;
  }
  if (!isRecord(raw) || !isRecord(raw.texts)) return null;
  const { versionId, version, brandName, maxMessagesPerMonth, termsUrl, privacyUrl, appUrl } = raw;
  if (
    !isText(versionId) ||
    !Number.isInteger(version) ||
    !isText(brandName) ||
    !Number.isInteger(maxMessagesPerMonth) ||
    (maxMessagesPerMonth as number) < 1 ||
    !isHttpsUrl(termsUrl) ||
    !isHttpsUrl(privacyUrl) ||
    (appUrl !== undefined && !isHttpsUrl(appUrl))
  ) {
    return null;
  }
  const disclosure: Disclosure = {
    versionId,
    version: version as number,
    brandName,
    maxMessagesPerMonth: maxMessagesPerMonth as number,
    termsUrl,
    privacyUrl,
    texts: {},
    ...(appUrl === undefined ? {} : { appUrl: appUrl.replace(/\/+$/, "") }),
  };
  // A text that does not name the brand and the monthly cap cannot be the text
  // this version describes: drop it rather than show something we cannot prove.
  for (const [locale, text] of Object.entries(raw.texts)) {
    if (isText(text) && text.includes(brandName) && text.includes(String(maxMessagesPerMonth))) {
      disclosure.texts[locale.toLowerCase()] = text;
    }
  }
  return disclosure.texts[FALLBACK_LOCALE] ? disclosure : null;
}

/** The text for the buyer's language ("fr-CA" → "fr-ca", then "fr", then "en"). */
export function disclosureText(disclosure: Disclosure, language: string): { locale: string; text: string } {
  const tag = language.toLowerCase();
  for (const locale of [tag, tag.split("-")[0] ?? tag]) {
    const text = disclosure.texts[locale];
    if (text) return { locale, text };
  }
  return { locale: FALLBACK_LOCALE, text: disclosure.texts[FALLBACK_LOCALE] ?? "" };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "";
}

function isHttpsUrl(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    return new URL(value).protocol === "https:";
  } catch {
    return false;
  }
}
