/**
 * Publishes the merchant's current disclosure to the app-owned shop metafield
 * the checkout extension reads (`$app` / `sms_disclosure`, JSON). Call it
 * after the merchant publishes a disclosure version or changes the settings
 * it shows (brand, monthly cap, terms and privacy links). Nothing is written
 * when checkout could not show the result: the problems are returned instead.
 * Admin API failures throw AdminApiError (see admin-graphql.server.ts).
 */
import { currentDisclosures } from "../disclosures/disclosures.server";
import { env } from "../env.server";
import { getShopSettings } from "../shops/shop-settings.server";
import { adminGraphql } from "./admin-graphql.server";
import { buildDisclosureMetafield, DISCLOSURE_METAFIELD, type DisclosureMetafieldValue } from "./disclosure-metafield";

export const SHOP_ID_QUERY = `#graphql
  query DisclosureShopId {
    shop {
      id
    }
  }
`;

export const DISCLOSURE_METAFIELD_SET_MUTATION = `#graphql
  mutation DisclosureMetafieldSet($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields {
        id
        namespace
        key
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export type PublishDisclosureResult =
  | { published: true; value: DisclosureMetafieldValue; metafieldId: string | null }
  | { published: false; problems: string[] };

export async function publishDisclosureMetafield(shop: string, options: { appUrl?: string } = {}): Promise<PublishDisclosureResult> {
  const settings = await getShopSettings(shop);
  if (!settings) return { published: false, problems: ["Save your SMS settings first."] };
  const built = buildDisclosureMetafield(settings, await currentDisclosures(shop), options.appUrl ?? env().SHOPIFY_APP_URL);
  if (!built.ok) return { published: false, problems: built.problems };

  const { shop: owner } = await adminGraphql<{ shop: { id: string } }>(shop, SHOP_ID_QUERY);
  const data = await adminGraphql<{ metafieldsSet: { metafields: Array<{ id: string }> | null } }>(shop, DISCLOSURE_METAFIELD_SET_MUTATION, {
    metafields: [{ ownerId: owner.id, ...DISCLOSURE_METAFIELD, value: JSON.stringify(built.value) }],
  });
  return { published: true, value: built.value, metafieldId: data.metafieldsSet.metafields?.[0]?.id ?? null };
}
