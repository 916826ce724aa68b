import { randomBytes } from "node:crypto";
import { saveShopSettings, type ShopSettingsInput } from "../../app/shops/shop-settings.server";

export const TEST_TWILIO_ACCOUNT_SID = "AC" + "1".repeat(32);
export const TEST_TWILIO_AUTH_TOKEN = "test-twilio-auth-token";

/** A shop with a complete SMS program and a unique inbound number. */
export async function createTestShop(overrides: Partial<ShopSettingsInput> & { shop?: string } = {}) {
  const { shop = `shop-${randomBytes(4).toString("hex")}.myshopify.com`, ...settings } = overrides;
  const senderPhoneNumber = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
  const saved = await saveShopSettings(shop, {
    brandName: "Acme Outfitters",
    supportContact: "help@acme.test",
    twilioAccountSid: TEST_TWILIO_ACCOUNT_SID,
    twilioAuthToken: TEST_TWILIO_AUTH_TOKEN,
    senderPhoneNumber,
    keywordMode: "app",
    ...settings,
  });
  return { shop, settings: saved, authToken: TEST_TWILIO_AUTH_TOKEN, inboundNumber: saved.senderPhoneNumber! };
}
