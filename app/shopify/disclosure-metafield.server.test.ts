import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDisclosure } from "../../extensions/sms-consent-checkout/src/disclosure";
import { publishDisclosure } from "../disclosures/disclosures.server";
import { createTestShop } from "../../tests/support/shop-fixture";
import { connectShop, startShopifyAdminServer, type ShopifyAdminServer } from "../../tests/support/shopify-admin-server";
import { AdminApiError } from "./admin-graphql.server";
import { publishDisclosureMetafield } from "./disclosure-metafield.server";

let admin: ShopifyAdminServer;
beforeAll(async () => {
  admin = await startShopifyAdminServer();
});
afterAll(async () => {
  await admin.close();
});

const ENGLISH = "Get texts from Acme Outfitters: up to 6 msgs/month. Msg & data rates may apply. Reply STOP to cancel, HELP for help.";
const FRENCH = "Recevez les textos de Acme Outfitters : jusqu'à 6 msgs/mois. Des tarifs peuvent s'appliquer. Répondez STOP pour arrêter, AIDE pour de l'aide.";

async function shopWithDisclosures() {
  const { shop } = await createTestShop({ termsUrl: "https://acme.test/sms-terms", privacyUrl: "https://acme.test/privacy", maxMessagesPerMonth: 6 });
  const { shopId } = await connectShop(admin, shop);
  const { version: en } = await publishDisclosure(shop, { locale: "en", text: ENGLISH });
  const { version: fr } = await publishDisclosure(shop, { locale: "fr", text: FRENCH });
  return { shop, shopId, en, fr };
}

describe("publishDisclosureMetafield", () => {
  it("writes the app-owned shop metafield that checkout reads", async () => {
    const { shop, shopId, en, fr } = await shopWithDisclosures();

    const result = await publishDisclosureMetafield(shop, { appUrl: "https://sms-consent.test" });

    expect(result).toMatchObject({ published: true, metafieldId: expect.stringMatching(/^gid:\/\/shopify\/Metafield\/\d+$/) });
    const [metafield] = admin.metafields(shop);
    expect(metafield).toMatchObject({ ownerId: shopId, namespace: "$app", key: "sms_disclosure", type: "json" });
    const value: unknown = JSON.parse(metafield!.value);
    expect(value).toEqual({
      versionId: `en:${en.id},fr:${fr.id}`,
      version: fr.version,
      brandName: "Acme Outfitters",
      maxMessagesPerMonth: 6,
      termsUrl: "https://acme.test/sms-terms",
      privacyUrl: "https://acme.test/privacy",
      texts: { en: ENGLISH, fr: FRENCH },
      appUrl: "https://sms-consent.test",
    });
    expect(parseDisclosure(metafield!.value)?.texts).toEqual({ en: ENGLISH, fr: FRENCH });

    // A new English version replaces the metafield's value; the metafield stays the same one.
    const { version: en2 } = await publishDisclosure(shop, { locale: "en", text: ENGLISH.replace("Get texts", "Get our texts") });
    const again = await publishDisclosureMetafield(shop, { appUrl: "https://sms-consent.test" });
    expect(again.published && again.value.versionId).toBe(`en:${en2.id},fr:${fr.id}`);
    expect(admin.metafields(shop)).toHaveLength(1);
    expect(admin.metafields(shop)[0]!.id).toBe(metafield!.id);
  });

  it("writes nothing and says why when checkout could not show the disclosure", async () => {
    const { shop } = await createTestShop({ termsUrl: "https://acme.test/sms-terms", privacyUrl: "https://acme.test/privacy" });
    await connectShop(admin, shop);
    const before = admin.requests.length;

    expect(await publishDisclosureMetafield(shop)).toEqual({
      published: false,
      problems: ["Publish an English disclosure: checkout falls back to English when there is no text in the shopper's language."],
    });
    expect(await publishDisclosureMetafield("unknown-shop.myshopify.com")).toEqual({ published: false, problems: ["Save your SMS settings first."] });
    expect(admin.requests.length).toBe(before);
  });

  it("throws a retryable AdminApiError when Shopify is down", async () => {
    const { shop } = await shopWithDisclosures();
    admin.failNext(1, "503", "metafieldsSet");
    const error: unknown = await publishDisclosureMetafield(shop).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AdminApiError);
    expect(error).toMatchObject({ failure: "server_error", retryable: true });
    expect(admin.metafields(shop)).toHaveLength(0);
  });
});
