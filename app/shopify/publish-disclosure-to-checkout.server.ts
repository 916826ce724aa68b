/**
 * Publishing a disclosure: a new immutable version here, then the app-owned
 * metafield the checkout extension reads. If Shopify cannot be reached the
 * version is still kept, and the merchant is told checkout shows the old text.
 * The settings save republishes through here too (app/settings/save-settings.server.ts).
 */
import { getShopSettings } from "../shops/shop-settings.server";
import { AdminApiError } from "./admin-graphql.server";
import { publishDisclosureMetafield } from "./disclosure-metafield.server";
import { currentDisclosures, publishDisclosure, type DisclosureInput } from "../disclosures/disclosures.server";

export interface PublishOutcome {
  message: string;
  checkoutUpdated: boolean;
}

export async function publishDisclosureToCheckout(shop: string, input: DisclosureInput): Promise<PublishOutcome> {
  const { version, created } = await publishDisclosure(shop, input);
  const saved = created ? `Published version ${version.version}.` : "That text is already the published version.";
  return updateCheckout(shop, { lead: saved, shown: "Checkout now shows it.", retry: "Publish again to retry." });
}

/**
 * After a settings change that checkout shows (brand, monthly cap, links):
 * the same metafield again, from the saved settings and the current
 * disclosure. Nothing to do before the shop has published a disclosure.
 */
export async function republishDisclosureToCheckout(shop: string): Promise<PublishOutcome | null> {
  if ((await currentDisclosures(shop)).length === 0) return null;
  return updateCheckout(shop, { lead: "", shown: "Checkout now shows the change.", retry: "Save again to retry." });
}

async function updateCheckout(shop: string, { lead, shown, retry }: { lead: string; shown: string; retry: string }): Promise<PublishOutcome> {
  const say = (sentence: string) => (lead ? `${lead} ${sentence}` : sentence);
  if ((await getShopSettings(shop))?.demo) {
    return { message: say("(Demo shop: there is no real checkout to update.)"), checkoutUpdated: false };
  }
  try {
    const result = await publishDisclosureMetafield(shop);
    if (result.published) return { message: say(shown), checkoutUpdated: true };
    return { message: say(`Checkout was not updated: ${result.problems.join(" ")}`), checkoutUpdated: false };
  } catch (error) {
    if (!(error instanceof AdminApiError)) throw error;
    return { message: say(`Checkout still shows the previous text because Shopify did not accept the update (${error.message}). ${retry}`), checkoutUpdated: false };
  }
}
