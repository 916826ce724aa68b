/**
 * Publishing a disclosure: a new immutable version here, then the app-owned
 * metafield the checkout extension reads. If Shopify cannot be reached the
 * version is still kept, and the merchant is told checkout shows the old text.
 */
import { getShopSettings } from "../shops/shop-settings.server";
import { AdminApiError } from "../shopify/admin-graphql.server";
import { publishDisclosureMetafield } from "../shopify/disclosure-metafield.server";
import { publishDisclosure, type DisclosureInput } from "./disclosures.server";

export interface PublishOutcome {
  message: string;
  checkoutUpdated: boolean;
}

export async function publishDisclosureToCheckout(shop: string, input: DisclosureInput): Promise<PublishOutcome> {
  const { version, created } = await publishDisclosure(shop, input);
  const saved = created ? `Published version ${version.version}.` : "That text is already the published version.";
  if ((await getShopSettings(shop))?.demo) {
    return { message: `${saved} (Demo shop: there is no real checkout to update.)`, checkoutUpdated: false };
  }
  try {
    const result = await publishDisclosureMetafield(shop);
    if (result.published) return { message: `${saved} Checkout now shows it.`, checkoutUpdated: true };
    return { message: `${saved} Checkout was not updated: ${result.problems.join(" ")}`, checkoutUpdated: false };
  } catch (error) {
    if (!(error instanceof AdminApiError)) throw error;
    return { message: `${saved} Checkout still shows the previous text because Shopify did not accept the update (${error.message}). Publish again to retry.`, checkoutUpdated: false };
  }
}
