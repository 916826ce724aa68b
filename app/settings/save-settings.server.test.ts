import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../db.server";
import { publishDisclosure } from "../disclosures/disclosures.server";
import { action } from "../routes/app.settings";
import { adminRequest } from "../../tests/support/admin-request";
import { createTestShop } from "../../tests/support/shop-fixture";
import { connectShop, startShopifyAdminServer, type ShopifyAdminServer } from "../../tests/support/shopify-admin-server";
import { saveSettingsForm } from "./save-settings.server";
import { saveShopSettings, SenderInUseError } from "../shops/shop-settings.server";

const DISCLOSURE = "Get texts from Acme Outfitters: up to 6 msgs/month. Not a condition of purchase. Msg & data rates may apply. Reply STOP to cancel, HELP for help.";
const NUMBER_TAKEN = "Another shop already receives its texts on this number. A number can belong to one shop only: enter a number of your own Twilio account.";
const SERVICE_TAKEN = "Another shop already uses this Messaging Service. A Messaging Service can belong to one shop only: enter one of your own Twilio account.";

const newServiceSid = () => `MG${randomBytes(16).toString("hex")}`;
const newShopName = () => `shop-${randomBytes(4).toString("hex")}.myshopify.com`;

/** The settings form as the admin page posts it. */
function settingsForm(fields: Record<string, string | null | undefined>): FormData {
  const form = new FormData();
  form.set("intent", "settings");
  for (const [name, value] of Object.entries(fields)) if (value !== null && value !== undefined) form.set(name, String(value));
  return form;
}

function formOf(settings: Awaited<ReturnType<typeof createTestShop>>["settings"], changes: Record<string, string | null> = {}) {
  return settingsForm({
    brandName: settings.brandName,
    supportContact: settings.supportContact,
    termsUrl: settings.termsUrl,
    privacyUrl: settings.privacyUrl,
    twilioAccountSid: settings.twilioAccountSid,
    senderPhoneNumber: settings.senderPhoneNumber,
    messagingServiceSid: settings.messagingServiceSid,
    keywordMode: settings.keywordMode,
    maxMessagesPerMonth: String(settings.maxMessagesPerMonth),
    timezone: settings.timezone,
    smsCountries: settings.smsCountries,
    ...changes,
  });
}

let admin: ShopifyAdminServer;
beforeAll(async () => {
  admin = await startShopifyAdminServer();
});
afterAll(async () => {
  await admin.close();
});

describe("a sender belongs to one shop", () => {
  it("refuses, through the settings page, a number another shop receives texts on", async () => {
    const victim = await createTestShop();
    const attacker = await createTestShop();
    await prisma.session.create({ data: { id: `offline_${attacker.shop}`, shop: attacker.shop, state: "", accessToken: "shpat_test", isOnline: false } });

    const result = await action({
      request: adminRequest(attacker.shop, "/app/settings", { method: "POST", body: formOf(attacker.settings, { senderPhoneNumber: victim.inboundNumber }) }),
      params: {},
      context: {},
    });

    expect(result).toEqual({ intent: "settings", errors: { senderPhoneNumber: NUMBER_TAKEN } });
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop: attacker.shop } })).senderPhoneNumber).toBe(attacker.inboundNumber);
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop: victim.shop } })).senderPhoneNumber).toBe(victim.inboundNumber);
  });

  it("refuses a Messaging Service another shop uses, and lets its owner save it again", async () => {
    const messagingServiceSid = newServiceSid();
    const owner = await createTestShop({ messagingServiceSid });
    const other = await createTestShop();

    expect(await saveSettingsForm(other.shop, formOf(other.settings, { messagingServiceSid }))).toEqual({ ok: false, errors: { messagingServiceSid: SERVICE_TAKEN } });
    const respelled = `mg${messagingServiceSid.slice(2).toUpperCase()}`; // the same SID, typed differently
    expect(await saveSettingsForm(other.shop, formOf(other.settings, { messagingServiceSid: respelled }))).toEqual({ ok: false, errors: { messagingServiceSid: SERVICE_TAKEN } });
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop: other.shop } })).messagingServiceSid).toBeNull();
    expect(await saveSettingsForm(owner.shop, formOf(owner.settings, { brandName: "Acme" }))).toMatchObject({ ok: true });
  });

  it("refuses a new shop's first save with a taken number, without creating it", async () => {
    const victim = await createTestShop();
    const newcomer = newShopName();
    await expect(saveShopSettings(newcomer, { brandName: "Newcomer", supportContact: "help@new.test", senderPhoneNumber: victim.inboundNumber })).rejects.toThrow(
      new SenderInUseError("senderPhoneNumber"),
    );
    expect(await prisma.shop.count({ where: { shop: newcomer } })).toBe(0);
  });

  it("gives the same answer when two shops save the same number at the same moment", async () => {
    for (let round = 0; round < 5; round += 1) {
      const [first, second] = [await createTestShop(), await createTestShop()];
      const contested = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
      // Both checks can find the number free before either writes: the unique index then decides.
      const outcomes = await Promise.all([first, second].map((shop) => saveSettingsForm(shop.shop, formOf(shop.settings, { senderPhoneNumber: contested }))));

      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
      expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([{ ok: false, errors: { senderPhoneNumber: NUMBER_TAKEN } }]);
      expect(await prisma.shop.count({ where: { senderPhoneNumber: contested } })).toBe(1);
    }
  });

  it("is enforced by the database itself: a raw insert of a taken number or Messaging Service fails", async () => {
    const messagingServiceSid = newServiceSid();
    const owner = await createTestShop({ messagingServiceSid });
    const insert = (shop: string, number: string | null, service: string | null) =>
      prisma.$executeRaw`INSERT INTO "Shop" ("shop", "brandName", "supportContact", "senderPhoneNumber", "messagingServiceSid", "updatedAt") VALUES (${shop}, ${"X"}, ${"help@x.test"}, ${number}, ${service}, ${new Date()})`;

    await expect(insert(newShopName(), owner.inboundNumber, null)).rejects.toThrow(/unique/i);
    await expect(insert(newShopName(), null, messagingServiceSid)).rejects.toThrow(/unique/i);
    expect(await insert(newShopName(), "+15550009999", newServiceSid())).toBe(1); // the same insert with free values works
  });
});

describe("saving settings that checkout shows", () => {
  async function publishedShop() {
    const created = await createTestShop({ termsUrl: "https://acme.test/terms", privacyUrl: "https://acme.test/privacy", maxMessagesPerMonth: 6 });
    await connectShop(admin, created.shop);
    await publishDisclosure(created.shop, { locale: "en", text: DISCLOSURE });
    return created;
  }
  const metafieldSets = (shop: string) => admin.requestsFor("metafieldsSet").filter((request) => request.shop === shop);

  it("republishes the disclosure metafield when the brand name changes", async () => {
    const { shop, settings } = await publishedShop();

    const outcome = await saveSettingsForm(shop, formOf(settings, { brandName: "Acme" }));

    expect(outcome).toEqual({ ok: true, message: "Settings saved. Checkout now shows the change." });
    expect(metafieldSets(shop)).toHaveLength(1);
    expect(JSON.parse(admin.metafields(shop)[0]!.value)).toMatchObject({ brandName: "Acme", texts: { en: DISCLOSURE } });
  });

  it("republishes when a link changes, and says so when Shopify cannot take it", async () => {
    const { shop, settings } = await publishedShop();
    admin.failNext(1, "503");
    const outcome = await saveSettingsForm(shop, formOf(settings, { termsUrl: "https://acme.test/sms-terms" }));
    expect(outcome).toMatchObject({ ok: true, message: expect.stringMatching(/^Settings saved\. Checkout still shows the previous text because Shopify did not accept the update \(.+\)\. Save again to retry\.$/) });
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop } })).termsUrl).toBe("https://acme.test/sms-terms");

    expect(await saveSettingsForm(shop, formOf(settings, { termsUrl: "https://acme.test/sms-terms-2" }))).toEqual({ ok: true, message: "Settings saved. Checkout now shows the change." });
    expect(JSON.parse(admin.metafields(shop)[0]!.value)).toMatchObject({ termsUrl: "https://acme.test/sms-terms-2" });
  });

  it("leaves checkout alone when nothing it shows changed, or nothing was published yet", async () => {
    const published = await publishedShop();
    expect(await saveSettingsForm(published.shop, formOf(published.settings, { quietHoursStart: "20:00" }))).toEqual({ ok: true, message: "Settings saved." });
    expect(metafieldSets(published.shop)).toHaveLength(0);

    const unpublished = await createTestShop();
    await connectShop(admin, unpublished.shop);
    expect(await saveSettingsForm(unpublished.shop, formOf(unpublished.settings, { brandName: "Acme" }))).toEqual({ ok: true, message: "Settings saved." });
    expect(metafieldSets(unpublished.shop)).toHaveLength(0);
  });

  it("stores the countries the shop texts, upper case, and keeps them when a caller leaves them out", async () => {
    const { shop, settings } = await createTestShop();
    expect(await saveSettingsForm(shop, formOf(settings, { smsCountries: "us, ca,US" }))).toMatchObject({ ok: true });
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop } })).smsCountries).toBe("US,CA");
    await saveShopSettings(shop, { brandName: "Acme", supportContact: "help@acme.test", keywordMode: "app" });
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop } })).smsCountries).toBe("US,CA");
  });
});

describe("saving the sending settings", () => {
  it("stores the price in millionths of a dollar, the sender type, the rate and the smart sending gap, and clears the rate when emptied", async () => {
    const { shop, settings } = await createTestShop();
    const changes = { segmentPrice: "0.0079", senderType: "short_code", maxMessagesPerSecond: "40", smartSendingHours: "6" };
    expect(await saveSettingsForm(shop, formOf(settings, changes))).toMatchObject({ ok: true });
    expect(await prisma.shop.findUniqueOrThrow({ where: { shop } })).toMatchObject({ segmentPriceMicros: 7900, senderType: "short_code", maxMessagesPerSecond: 40, smartSendingHours: 6 });

    expect(await saveSettingsForm(shop, formOf(settings, { ...changes, maxMessagesPerSecond: "" }))).toMatchObject({ ok: true });
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop } })).maxMessagesPerSecond).toBeNull();
  });

  it("refuses a price it cannot read, next to the price field, and keeps the saved one", async () => {
    const { shop, settings } = await createTestShop();
    expect(await saveSettingsForm(shop, formOf(settings, { segmentPrice: "a penny" }))).toEqual({
      ok: false,
      errors: { segmentPriceMicros: "Enter the price of one segment in dollars, e.g. 0.0083" },
    });
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop } })).segmentPriceMicros).toBe(8300);
  });
});

describe("saving the quiet hours and the results settings", () => {
  it("refuses quiet hours that leave no minute of the federal window to send in, and keeps the saved ones", async () => {
    const { shop, settings } = await createTestShop();
    const outcome = await saveSettingsForm(shop, formOf(settings, { quietHoursStart: "08:00", quietHoursEnd: "21:00" }));
    expect(outcome).toMatchObject({ ok: false, errors: { quietHoursStart: expect.stringContaining("leave no time between 8:00 and 21:00") } });
    expect(await prisma.shop.findUniqueOrThrow({ where: { shop } })).toMatchObject({ quietHoursStart: "21:00", quietHoursEnd: "08:00" });
    expect(await saveSettingsForm(shop, formOf(settings, { quietHoursStart: "20:00", quietHoursEnd: "09:00" }))).toMatchObject({ ok: true });
    expect(await prisma.shop.findUniqueOrThrow({ where: { shop } })).toMatchObject({ quietHoursStart: "20:00", quietHoursEnd: "09:00" });
  });

  it("stores the attribution windows and the UTM choice (an unticked box turns UTM off), and refuses windows out of range", async () => {
    const { shop, settings } = await createTestShop();
    expect(await saveSettingsForm(shop, formOf(settings, { clickWindowDays: "7", deliveryWindowHours: "12", utmTracking: "on" }))).toMatchObject({ ok: true });
    expect(await prisma.shop.findUniqueOrThrow({ where: { shop } })).toMatchObject({ clickWindowDays: 7, deliveryWindowHours: 12, utmTracking: true });
    expect(await saveSettingsForm(shop, formOf(settings, { clickWindowDays: "7", deliveryWindowHours: "12" }))).toMatchObject({ ok: true });
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop } })).utmTracking).toBe(false);
    expect(await saveSettingsForm(shop, formOf(settings, { clickWindowDays: "90", deliveryWindowHours: "0" }))).toEqual({
      ok: false,
      errors: { clickWindowDays: "At most 30 days", deliveryWindowHours: "At least 1 hour" },
    });
    expect(await prisma.shop.findUniqueOrThrow({ where: { shop } })).toMatchObject({ clickWindowDays: 7, deliveryWindowHours: 12 });
  });
});
