/**
 * The set-up routes as Remix calls them, with real session tokens: the
 * dashboard's checklist and its Twilio actions (through the real twilio SDK
 * client to the local Twilio-compatible server), and Settings' retention
 * field and disclosures per language. Each shop reads and changes only its
 * own; a request whose session token was not signed by Shopify changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { signSessionToken } from "../../app/demo/demo-link.server";
import { startTwilioSandbox, type TwilioSandbox } from "../../app/messaging/twilio-sandbox.server";
import { action as dashboardAction, loader as dashboardLoader } from "../../app/routes/app._index";
import { action as settingsAction, loader as settingsLoader } from "../../app/routes/app.settings";
import { adminRequest } from "../support/admin-request";
import { createTestShop, TEST_TWILIO_ACCOUNT_SID, TEST_TWILIO_AUTH_TOKEN } from "../support/shop-fixture";
import { TEST_ENV } from "../setup/test-env";

let sandbox: TwilioSandbox;
const ownedNumbers: string[] = [];

beforeAll(async () => {
  sandbox = await startTwilioSandbox({
    accounts: [{ accountSid: TEST_TWILIO_ACCOUNT_SID, authToken: TEST_TWILIO_AUTH_TOKEN, phoneNumbers: ownedNumbers }],
    statusCallbackDelayMs: 60_000,
  });
  process.env.TWILIO_API_BASE_URL = sandbox.url;
});
afterAll(async () => {
  delete process.env.TWILIO_API_BASE_URL;
  await sandbox.close();
});

async function adminShop(settings: Parameters<typeof createTestShop>[0] = {}) {
  const created = await createTestShop(settings);
  ownedNumbers.push(created.inboundNumber);
  await prisma.session.create({ data: { id: `offline_${created.shop}`, shop: created.shop, state: "", accessToken: "shpat_test", isOnline: false } });
  return created;
}

async function answer<T>(call: () => Promise<T>): Promise<T | Response> {
  try {
    return await call();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

const post = (shop: string, path: string, fields: Record<string, string>) => adminRequest(shop, path, { method: "POST", body: form(fields) });
const dashboard = (shop: string) => answer(() => dashboardLoader({ request: adminRequest(shop, "/app"), params: {}, context: {} }));
const dashboardPost = (shop: string, fields: Record<string, string>) => answer(() => dashboardAction({ request: post(shop, "/app?index", fields), params: {}, context: {} }));
const settingsPost = (shop: string, fields: Record<string, string>) => answer(() => settingsAction({ request: post(shop, "/app/settings", fields), params: {}, context: {} }));

/** A request as an attacker would make it: a well-formed session token for the shop, signed with a secret that is not the app's. */
function forged(shop: string, path: string, fields: Record<string, string>): Request {
  const token = signSessionToken({ shop, apiKey: TEST_ENV.SHOPIFY_API_KEY, apiSecret: "not-the-app-secret" });
  return new Request(new URL(path, TEST_ENV.SHOPIFY_APP_URL), { method: "POST", body: form(fields), headers: { Authorization: `Bearer ${token}` } });
}

const SETTINGS_FORM = {
  intent: "settings",
  brandName: "Acme Outfitters",
  supportContact: "help@acme.test",
  keywordMode: "app",
  doubleOptIn: "on",
  timezone: "America/New_York",
  smsCountries: "US",
};

describe("dashboard checklist", () => {
  it("shows the shop's own steps; another shop's loader shows its own", async () => {
    const { shop } = await adminShop({ supportedLanguages: ["en", "es"] });
    const other = await adminShop({ twilioAccountSid: null, senderPhoneNumber: null });
    const mine = await dashboard(shop);
    if (mine instanceof Response) throw new Error(`loader answered ${mine.status}`);
    expect(mine.checklist?.steps.find((step) => step.id === "twilio")?.done).toBe(true);
    expect(mine.checklist?.steps.find((step) => step.id === "disclosure")?.detail).toContain("Spanish");
    const theirs = await dashboard(other.shop);
    if (theirs instanceof Response) throw new Error(`loader answered ${theirs.status}`);
    expect(theirs.checklist?.steps.find((step) => step.id === "twilio")?.done).toBe(false);
    expect(mine.dashboard?.summary.brandName).toBe("Acme Outfitters");
  });

  it("checks the connection and sends a test text through the real client, for the requesting shop only", async () => {
    const { shop, inboundNumber } = await adminShop();
    const other = await adminShop({ twilioAccountSid: null, senderPhoneNumber: null });
    expect(await dashboardPost(shop, { intent: "check-twilio" })).toMatchObject({ intent: "check-twilio", ok: true });
    const sent = await dashboardPost(shop, { intent: "test-text", phone: "+1 415 555 0142" });
    expect(sent).toMatchObject({ intent: "test-text", ok: true, message: expect.stringContaining("Twilio accepted the test text to +14155550142") });
    expect(sandbox.messages.filter((message) => message.to === "+14155550142").map((message) => message.from)).toEqual([inboundNumber]);
    const sid = (sent as { sid: string }).sid;
    expect(await dashboardPost(shop, { intent: "test-text-status", sid })).toEqual({ intent: "test-text-status", state: "on_its_way", message: expect.stringContaining('"queued"') });
    expect(await dashboardPost(shop, { intent: "test-text-status", sid: "SM../../Accounts" })).toMatchObject({ intent: "invalid", message: "That is not a Twilio message SID" });

    // The other shop's request uses the other shop's (missing) credentials, never this shop's.
    expect(await dashboardPost(other.shop, { intent: "test-text", phone: "+1 415 555 0143" })).toMatchObject({ ok: false, message: expect.stringContaining("Enter your Twilio account SID") });
    expect(sandbox.messages.some((message) => message.to === "+14155550143")).toBe(false);
  });

  it("words Twilio's refusal and bad input, and sends nothing for them", async () => {
    const { shop } = await adminShop();
    expect(await dashboardPost(shop, { intent: "test-text", phone: "+15005550009" })).toMatchObject({ ok: false, message: expect.stringContaining("not a mobile phone") });
    expect(await dashboardPost(shop, { intent: "test-text", phone: " " })).toEqual({ intent: "invalid", ok: false, message: "Enter your mobile number" });
    expect(await dashboardPost(shop, { intent: "launch-rockets" })).toMatchObject({ intent: "invalid", ok: false });
  });

  it("a forged request is refused and sends nothing", async () => {
    const { shop } = await adminShop();
    const before = sandbox.messages.length;
    const refused = await answer(() => dashboardAction({ request: forged(shop, "/app?index", { intent: "test-text", phone: "+14155550144" }), params: {}, context: {} }));
    expect(refused).toBeInstanceOf(Response);
    expect((refused as Response).status).toBe(401);
    expect(sandbox.messages.length).toBe(before);
  });
});

describe("settings", () => {
  it("saves how long message texts are kept, refuses a bad value with nothing written, and leaves other shops alone", async () => {
    const { shop } = await adminShop();
    const other = await adminShop();
    const saved = await settingsPost(shop, { ...SETTINGS_FORM, messageRetentionDays: "90" });
    expect(saved).toMatchObject({ intent: "settings", message: expect.stringContaining("Settings saved") });
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop } })).messageRetentionDays).toBe(90);
    expect(await settingsPost(shop, { ...SETTINGS_FORM, messageRetentionDays: "10" })).toEqual({
      intent: "settings",
      errors: { messageRetentionDays: "At least 30 days: you need recent texts to answer questions about them" },
    });
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop } })).messageRetentionDays).toBe(90);
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop: other.shop } })).messageRetentionDays).toBe(365);

    const loaded = await answer(() => settingsLoader({ request: adminRequest(shop, "/app/settings"), params: {}, context: {} }));
    if (loaded instanceof Response) throw new Error(`loader answered ${loaded.status}`);
    expect(loaded.settings?.messageRetentionDays).toBe(90);
    expect(loaded.settings).not.toHaveProperty("twilioAuthTokenEncrypted");
  });

  it("publishes a disclosure per language and says which language an error belongs to", async () => {
    const { shop } = await adminShop();
    const spanish = "Acme Outfitters: hasta 6 mensajes al mes. Pueden aplicarse tarifas de mensajes y datos. Responde STOP para cancelar, AYUDA para ayuda.";
    expect(await settingsPost(shop, { intent: "disclosure", locale: "es", text: spanish })).toMatchObject({ intent: "disclosure", locale: "es", message: expect.stringContaining("Published version 1") });
    expect(await settingsPost(shop, { intent: "disclosure", locale: "fr", text: "Trop court" })).toMatchObject({ intent: "disclosure", locale: "fr", errors: { text: expect.any(String) } });
    expect(await prisma.disclosureVersion.findMany({ where: { shop }, select: { locale: true } })).toEqual([{ locale: "es" }]);
  });

  it("a forged save is refused and writes nothing", async () => {
    const { shop } = await adminShop();
    const refused = await answer(() => settingsAction({ request: forged(shop, "/app/settings", { ...SETTINGS_FORM, brandName: "Hijacked" }), params: {}, context: {} }));
    expect((refused as Response).status).toBe(401);
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop } })).brandName).toBe("Acme Outfitters");
  });
});
