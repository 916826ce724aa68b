import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../db.server";
import { createTestShop } from "../../tests/support/shop-fixture";
import { connectShop, startShopifyAdminServer, type ShopifyAdminServer } from "../../tests/support/shopify-admin-server";
import { publishDisclosureToCheckout } from "./publish-disclosure-to-checkout.server";

const TEXT = "Get texts from Acme Outfitters: up to 6 msgs/month. Not a condition of purchase. Msg & data rates may apply. Reply STOP to cancel, HELP for help.";

let admin: ShopifyAdminServer;
beforeAll(async () => {
  admin = await startShopifyAdminServer();
});
afterAll(async () => {
  await admin.close();
});

async function shop() {
  const created = await createTestShop({ termsUrl: "https://acme.test/terms", privacyUrl: "https://acme.test/privacy", maxMessagesPerMonth: 6 });
  await connectShop(admin, created.shop);
  return created.shop;
}

describe("publishing a disclosure to checkout", () => {
  it("keeps the new version and updates the metafield checkout reads", async () => {
    const name = await shop();
    expect(await publishDisclosureToCheckout(name, { locale: "en", text: TEXT })).toEqual({
      message: "Published version 1. Checkout now shows it.",
      checkoutUpdated: true,
    });
    expect(JSON.parse(admin.metafields(name)[0]!.value)).toMatchObject({ texts: { en: TEXT } });
  });

  it("keeps the version and tells the merchant when Shopify is down", async () => {
    const name = await shop();
    admin.failNext(5, "503");
    const outcome = await publishDisclosureToCheckout(name, { locale: "en", text: TEXT });
    expect(outcome.checkoutUpdated).toBe(false);
    expect(outcome.message).toMatch(/^Published version 1\. Checkout still shows the previous text because Shopify did not accept the update \(.+\)\. Publish again to retry\.$/);
    expect(await prisma.disclosureVersion.count({ where: { shop: name } })).toBe(1);
    expect(admin.metafields(name)).toHaveLength(0);
  });

  it("does not pretend to update a checkout the demo shop does not have", async () => {
    const name = await shop();
    await prisma.shop.update({ where: { shop: name }, data: { demo: true } });
    expect(await publishDisclosureToCheckout(name, { locale: "en", text: TEXT })).toEqual({
      message: "Published version 1. (Demo shop: there is no real checkout to update.)",
      checkoutUpdated: false,
    });
  });
});
