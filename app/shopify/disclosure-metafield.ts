/**
 * The JSON the checkout extension reads from the app-owned shop metafield
 * `$app` / `sms_disclosure` (see extensions/sms-consent-checkout/README.md),
 * built from the shop's settings and its latest disclosure version per
 * language. Pure, so what checkout will show can be checked before it is
 * published: the extension silently drops what it cannot prove (a text without
 * the brand or the monthly cap, a non-https link), so anything it would drop
 * is a problem here, in words the merchant can act on.
 *
 * `versionId` identifies exactly which texts were published together:
 * "en:<DisclosureVersion id>,es:<id>…". The extension sends it back with the
 * consent, next to the language it showed, and `disclosureVersionIdFor` turns
 * the pair into the DisclosureVersion row the shopper read.
 */
import type { DisclosureVersion, Shop } from "@prisma/client";
import {
  DISCLOSURE_METAFIELD_KEY,
  DISCLOSURE_METAFIELD_NAMESPACE,
  type DisclosureMetafieldValue,
} from "../../extensions/sms-consent-checkout/src/contract";
import { isHttpsUrl } from "../shops/https-url";

export const DISCLOSURE_METAFIELD = { namespace: DISCLOSURE_METAFIELD_NAMESPACE, key: DISCLOSURE_METAFIELD_KEY, type: "json" } as const;
const REQUIRED_LOCALE = "en";

export type { DisclosureMetafieldValue };

export type DisclosureMetafieldResult = { ok: true; value: DisclosureMetafieldValue } | { ok: false; problems: string[] };

export function buildDisclosureMetafield(
  settings: Pick<Shop, "brandName" | "maxMessagesPerMonth" | "termsUrl" | "privacyUrl">,
  latestVersions: ReadonlyArray<Pick<DisclosureVersion, "id" | "version" | "locale" | "text">>,
  appUrl: string,
): DisclosureMetafieldResult {
  const problems: string[] = [];
  const byLocale = new Map<string, Pick<DisclosureVersion, "id" | "version" | "locale" | "text">>();
  for (const version of latestVersions) {
    const locale = version.locale.toLowerCase();
    const current = byLocale.get(locale);
    if (!current || version.version > current.version) byLocale.set(locale, version);
  }

  if (!byLocale.has(REQUIRED_LOCALE)) problems.push("Publish an English disclosure: checkout falls back to English when there is no text in the shopper's language.");
  if (!isHttpsUrl(settings.termsUrl)) problems.push("Add the address of your SMS terms, starting with https://, in Settings.");
  if (!isHttpsUrl(settings.privacyUrl)) problems.push("Add the address of your privacy policy, starting with https://, in Settings.");
  const cap = String(settings.maxMessagesPerMonth);
  for (const [locale, { text }] of byLocale) {
    if (!text.includes(settings.brandName) || !text.includes(cap)) {
      problems.push(`The ${locale} disclosure must name your brand "${settings.brandName}" and your limit of ${cap} messages a month, or checkout will not show it.`);
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  const published = [...byLocale.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    ok: true,
    value: {
      versionId: published.map(([locale, version]) => `${locale}:${version.id}`).join(","),
      version: Math.max(...published.map(([, version]) => version.version)),
      brandName: settings.brandName,
      maxMessagesPerMonth: settings.maxMessagesPerMonth,
      termsUrl: settings.termsUrl!,
      privacyUrl: settings.privacyUrl!,
      texts: Object.fromEntries(published.map(([locale, version]) => [locale, version.text])),
      // The Thank-you block posts consent here; the extension refuses a metafield with a non-https appUrl.
      ...(isHttpsUrl(appUrl) ? { appUrl: appUrl.replace(/\/+$/, "") } : {}),
    },
  };
}

/**
 * The DisclosureVersion id a shopper read, from the `versionId` checkout sent
 * back and the language it showed ("fr-ca" falls back to "fr", then "en", as
 * the extension does). Null when the token is not one we publish.
 */
export function disclosureVersionIdFor(versionId: string, locale: string | null | undefined): string | null {
  const ids = new Map<string, string>();
  for (const part of versionId.split(",")) {
    const match = /^([a-z]{2}(?:-[a-z0-9]+)?):([A-Za-z0-9_-]+)$/.exec(part.trim());
    if (!match?.[1] || !match[2]) return null;
    ids.set(match[1], match[2]);
  }
  const tag = (locale ?? REQUIRED_LOCALE).toLowerCase();
  return ids.get(tag) ?? ids.get(tag.split("-")[0] ?? tag) ?? ids.get(REQUIRED_LOCALE) ?? null;
}
