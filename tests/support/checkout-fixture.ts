import { currentDisclosures, publishDisclosure } from "../../app/disclosures/disclosures.server";
import { buildDisclosureMetafield } from "../../app/shopify/disclosure-metafield";
import type { ShopSettingsInput } from "../../app/shops/shop-settings.server";
import { createTestShop } from "./shop-fixture";

export const CHECKOUT_DISCLOSURE =
  "Yes, text me offers from Acme Outfitters. Up to 6 msgs/month. Consent is not a condition of purchase. Msg & data rates may apply. Reply STOP to cancel, HELP for help.";

/** A shop with a published disclosure; `versionId` is the token checkout reads from the metafield and sends back. */
export async function shopWithDisclosure(settings: Partial<ShopSettingsInput> = {}) {
  const { shop, settings: saved } = await createTestShop({
    doubleOptIn: false,
    termsUrl: "https://acme.test/sms-terms",
    privacyUrl: "https://acme.test/privacy",
    ...settings,
  });
  const { version } = await publishDisclosure(shop, { locale: "en", text: CHECKOUT_DISCLOSURE });
  const metafield = buildDisclosureMetafield(saved, await currentDisclosures(shop), "https://sms-consent.test");
  if (!metafield.ok) throw new Error(metafield.problems.join(" "));
  return { shop, versionId: metafield.value.versionId, disclosureVersionId: version.id };
}
