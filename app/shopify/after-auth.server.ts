/**
 * What happens each time a shop gets a new offline token from Shopify (the
 * first install, and every reinstall): shopify-app-remix calls this as its
 * `afterAuth` hook (app/shopify.server.ts).
 *
 * - A shop that comes back after app/uninstalled is live again: its
 *   `uninstalledAt` is cleared, or nothing would ever send (the suppression
 *   check refuses uninstalled shops).
 * - `installedAt` becomes the time this installation began: a new offline
 *   token means the app is installed now, whether or not our app/uninstalled
 *   for the previous installation has arrived yet. An app/uninstalled
 *   triggered before it is a late retry about the previous installation and
 *   is ignored (app-uninstalled.server.ts).
 * - A shop seen for the first time gets its row, named after the store and
 *   texting only its own country (smsCountries) until the merchant says
 *   otherwise: the guard against SMS pumping is on from the start.
 */
import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import { getCountries } from "libphonenumber-js";
import prisma from "../db.server";
import { forgetInboundShops } from "../shops/inbound-shop-cache.server";

export const SHOP_PROFILE_QUERY = `#graphql
  query ShopProfileForInstall {
    shop {
      name
      contactEmail
      billingAddress {
        countryCodeV2
      }
    }
  }
`;

interface ShopProfile {
  shop: { name: string; contactEmail: string; billingAddress: { countryCodeV2: string | null } };
}

/** Used when Shopify cannot tell the shop's country: the database default, and the merchant can change it in Settings. */
const FALLBACK_COUNTRY = "US";
const COUNTRY_CODES: ReadonlySet<string> = new Set(getCountries());

export async function afterShopAuth({ session, admin }: { session: { shop: string }; admin: Pick<AdminApiContext, "graphql"> }): Promise<void> {
  const { shop } = session;
  const { count: known } = await prisma.shop.updateMany({ where: { shop }, data: { uninstalledAt: null, installedAt: new Date() } });
  if (known > 0) {
    forgetInboundShops(shop); // a cached uninstalled shop would keep refusing opt-ins here for a while
    return;
  }

  const profile = await shopProfile(admin, shop);
  const country = profile?.billingAddress.countryCodeV2 ?? null;
  await prisma.shop.upsert({
    where: { shop },
    // Another request of the same install may have created it meanwhile: then it stands.
    update: {},
    create: {
      shop,
      brandName: (profile?.name.trim() || shop.replace(/\.myshopify\.com$/, "")).slice(0, 40),
      supportContact: (profile?.contactEmail.trim() || `https://${shop}`).slice(0, 80),
      smsCountries: country && COUNTRY_CODES.has(country) ? country : FALLBACK_COUNTRY,
    },
  });
}

async function shopProfile(admin: Pick<AdminApiContext, "graphql">, shop: string): Promise<ShopProfile["shop"] | null> {
  try {
    const response = await admin.graphql(SHOP_PROFILE_QUERY);
    const { data } = (await response.json()) as { data?: ShopProfile };
    return data?.shop ?? null;
  } catch (error) {
    // The merchant must still get into the app; Settings shows the defaults to correct.
    console.warn(`afterAuth: could not read ${shop}'s profile from Shopify (${error instanceof Error ? error.message : String(error)}); using defaults`);
    return null;
  }
}
