/**
 * The exact disclosure text a shopper was shown, from the version token the
 * checkout sent with their consent. Without it the consent cannot be proven
 * (TCPA/CASL put the burden on the sender), so no consent is recorded.
 *
 * The token is the metafield's `versionId` as the extension read it:
 * "en:<DisclosureVersion id>,es:<id>…", one text per language published
 * together (app/shopify/disclosure-metafield.ts), resolved with the language
 * the extension says it showed. A bare DisclosureVersion id is accepted too,
 * but only for the language it was written in. The row must belong to this
 * shop: another shop's version proves nothing here.
 */
import type { DisclosureVersion } from "@prisma/client";
import type { DbTx } from "../db.server";
import { disclosureVersionIdFor } from "../shopify/disclosure-metafield";

const FALLBACK_LOCALE = "en";

export type DisclosureRejection = "disclosure_missing" | "disclosure_unknown" | "disclosure_locale_mismatch";

export type DisclosureShown = { ok: true; version: DisclosureVersion } | { ok: false; reason: DisclosureRejection };

export async function findDisclosureShown(
  tx: DbTx,
  shop: string,
  versionToken: string | null,
  locale: string | null,
): Promise<DisclosureShown> {
  const token = versionToken?.trim();
  if (!token) return { ok: false, reason: "disclosure_missing" };
  const published = token.includes(":");
  const id = published ? disclosureVersionIdFor(token, locale) : token;
  if (!id) return { ok: false, reason: "disclosure_unknown" };
  const version = await tx.disclosureVersion.findFirst({ where: { id, shop } });
  if (!version) return { ok: false, reason: "disclosure_unknown" };
  // The text must be in the language checkout says it showed; a published token may fall back to English, as the extension does.
  const fallback = published && version.locale === FALLBACK_LOCALE;
  if (locale && !sameLanguage(version.locale, locale) && !fallback) return { ok: false, reason: "disclosure_locale_mismatch" };
  return { ok: true, version };
}

function sameLanguage(textLocale: string, shownLocale: string): boolean {
  const shown = shownLocale.toLowerCase();
  return textLocale.toLowerCase() === shown || textLocale.toLowerCase() === shown.split(/[-_]/)[0];
}
