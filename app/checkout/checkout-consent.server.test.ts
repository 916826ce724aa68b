import { describe, expect, it } from "vitest";
import { createTestShop } from "../../tests/support/shop-fixture";
import { applyConsentChange } from "../consent/consent-engine.server";
import { verifyConsentChain } from "../consent/ledger.server";
import { mayTextMarketing } from "../consent/suppression.server";
import prisma from "../db.server";
import { contentHashOf, currentDisclosures, publishDisclosure } from "../disclosures/disclosures.server";
import { buildDisclosureMetafield } from "../shopify/disclosure-metafield";
import type { ShopSettingsInput } from "../shops/shop-settings.server";
import { recordCheckoutConsent, THANK_YOU_SEND_DELAY_MS, type CheckoutConsentInput } from "./checkout-consent.server";

const NOW = new Date("2026-11-20T15:15:30Z");
const TICKED_AT = new Date("2026-11-20T15:14:02Z");
const PHONE = "+12015550123";
const OTHER_PHONE = "+12015550188";
const UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";
const EN_TEXT =
  "Yes, text me offers from Acme Outfitters. Up to 6 msgs/month. Consent is not a condition of purchase. Msg & data rates may apply. Reply STOP to cancel, HELP for help.";
const ES_TEXT =
  "Sí, envíenme ofertas de Acme Outfitters. Hasta 6 mensajes al mes. No es condición de compra. Pueden aplicarse tarifas de mensajes y datos. Responde STOP para cancelar, HELP para ayuda.";

async function shopWithDisclosure(settings: Partial<ShopSettingsInput> = {}) {
  const { shop } = await createTestShop({ doubleOptIn: false, ...settings });
  const { version } = await publishDisclosure(shop, { locale: "en", text: EN_TEXT });
  return { shop, version };
}

function grant(versionId: string, overrides: Partial<CheckoutConsentInput> = {}): CheckoutConsentInput {
  return {
    orderId: "gid://shopify/Order/5734000001",
    channel: "contact_step",
    status: "granted",
    phone: PHONE,
    disclosureVersionId: versionId,
    disclosureLocale: "en",
    consentAt: TICKED_AT,
    orderCreatedAt: new Date("2026-11-20T15:15:00Z"),
    ip: "203.0.113.7",
    userAgent: UA,
    shopifyCustomerId: "gid://shopify/Customer/7100000001",
    ...overrides,
  };
}

async function rowsOf(shop: string) {
  const [subscribers, events, messages, syncJobs] = await Promise.all([
    prisma.subscriber.findMany({ where: { shop }, orderBy: { createdAt: "asc" } }),
    prisma.consentEvent.findMany({ where: { shop }, orderBy: { seq: "asc" } }),
    prisma.message.findMany({ where: { shop }, orderBy: { createdAt: "asc" } }),
    prisma.shopifySyncJob.findMany({ where: { shop }, orderBy: { consentEventSeq: "asc" } }),
  ]);
  return { subscribers, events, messages, syncJobs };
}

const quiet = () => {
  const lines: string[] = [];
  return { lines, log: (line: string) => void lines.push(line) };
};

describe("recordCheckoutConsent: single opt-in shop", () => {
  it("subscribes the number with the full evidence, one confirmation text and one Shopify sync job", async () => {
    const { shop, version } = await shopWithDisclosure();
    const result = await recordCheckoutConsent(shop, grant(version.id), { now: NOW });
    expect(result).toMatchObject({ ok: true, status: "subscribed" });

    const { subscribers, events, messages, syncJobs } = await rowsOf(shop);
    expect(subscribers).toMatchObject([
      { phone: PHONE, status: "subscribed", optInLevel: "single", shopifyCustomerId: "gid://shopify/Customer/7100000001", locale: "en" },
    ]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: "opted_in", source: "checkout", fromStatus: null, toStatus: "subscribed", occurredAt: TICKED_AT });
    expect(JSON.parse(events[0]!.evidence)).toEqual({
      orderId: "gid://shopify/Order/5734000001",
      channel: "contact_step",
      phone: PHONE,
      disclosureVersionId: version.id,
      disclosureVersion: 1,
      disclosureHash: contentHashOf(EN_TEXT),
      disclosureLocale: "en",
      disclosureText: EN_TEXT,
      consentAt: TICKED_AT.toISOString(),
      orderCreatedAt: "2026-11-20T15:15:00.000Z",
      receivedAt: NOW.toISOString(),
      ip: "203.0.113.7",
      userAgent: UA,
      shopifyCustomerId: "gid://shopify/Customer/7100000001",
    });
    expect(messages).toMatchObject([{ kind: "compliance", phone: PHONE, status: "queued", subscriberId: subscribers[0]!.id, nextAttemptAt: NOW }]);
    expect(messages[0]!.body).toBe(
      "Acme Outfitters: Thanks for subscribing to recurring automated marketing texts. Up to 6 msgs/month. Msg & data rates may apply. Reply HELP for help, STOP to cancel.",
    );
    expect(syncJobs).toMatchObject([{ marketingState: "SUBSCRIBED", optInLevel: "SINGLE_OPT_IN", consentEventSeq: events[0]!.seq }]);
    expect(await mayTextMarketing(shop, PHONE, prisma, NOW)).toEqual({ allowed: true });
    expect(await verifyConsentChain(shop)).toMatchObject({ ok: true, events: 1 });
  });

  it("uses the merchant's own confirmation wording", async () => {
    const { shop, version } = await shopWithDisclosure({ optInText: "You're in! Deals from {brand} soon." });
    await recordCheckoutConsent(shop, grant(version.id), { now: NOW });
    const { messages } = await rowsOf(shop);
    expect(messages.map((m) => m.body)).toEqual(["Acme Outfitters: You're in! Deals from Acme Outfitters soon. Reply STOP to cancel."]);
  });

  it("does not confirm a number that is already subscribed again", async () => {
    const { shop, version } = await shopWithDisclosure();
    await recordCheckoutConsent(shop, grant(version.id), { now: NOW });
    const again = await recordCheckoutConsent(shop, grant(version.id, { orderId: "gid://shopify/Order/5734000002" }), { now: NOW });
    expect(again).toMatchObject({ ok: true, status: "already_subscribed" });
    const { events, messages, syncJobs } = await rowsOf(shop);
    expect([events.length, messages.length, syncJobs.length]).toEqual([1, 1, 1]);
  });

  it("re-subscribes a number that had opted out, and the ledger says so", async () => {
    const { shop, version } = await shopWithDisclosure();
    await applyConsentChange({ shop, phone: PHONE, action: "opt_in", source: "keyword", occurredAt: new Date("2026-10-01T12:00:00Z"), evidence: { messageSid: "SM1" } });
    await applyConsentChange({ shop, phone: PHONE, action: "opt_out", source: "keyword", occurredAt: new Date("2026-10-02T12:00:00Z"), evidence: { messageSid: "SM2" } });

    const result = await recordCheckoutConsent(shop, grant(version.id), { now: NOW });
    expect(result).toMatchObject({ ok: true, status: "resubscribed" });
    const { subscribers, events, messages } = await rowsOf(shop);
    expect(subscribers).toMatchObject([{ status: "subscribed" }]);
    expect(events.map((e) => [e.kind, e.source])).toEqual([
      ["opted_in", "keyword"],
      ["opted_out", "keyword"],
      ["resubscribed", "checkout"],
    ]);
    expect(messages.map((m) => m.body)).toEqual([
      "Acme Outfitters: You are resubscribed to recurring automated marketing texts. Up to 6 msgs/month. Msg & data rates may apply. Reply HELP for help, STOP to cancel.",
    ]);
  });

  it("does not let a consent undo a STOP sent after it", async () => {
    const { shop, version } = await shopWithDisclosure();
    await applyConsentChange({ shop, phone: PHONE, action: "opt_out", source: "keyword", occurredAt: new Date("2026-11-20T15:14:30Z"), evidence: { messageSid: "SM3" } });
    const { lines, log } = quiet();
    expect(await recordCheckoutConsent(shop, grant(version.id), { now: NOW, log })).toEqual({ ok: false, reason: "revoked_since" });
    const { subscribers, events, messages } = await rowsOf(shop);
    expect([subscribers[0]!.status, events.length, messages.length]).toEqual(["unsubscribed", 1, 0]);
    expect(lines).toEqual([`checkout consent not recorded (shop ${shop}, order gid://shopify/Order/5734000001, contact_step): revoked_since`]);
  });

  it("never dates a consent in the future", async () => {
    const { shop, version } = await shopWithDisclosure();
    await recordCheckoutConsent(shop, grant(version.id, { consentAt: new Date("2027-01-01T00:00:00Z") }), { now: NOW });
    expect((await rowsOf(shop)).events[0]!.occurredAt).toEqual(NOW);
  });
});

describe("recordCheckoutConsent: double opt-in shop", () => {
  it("asks for a Y and leaves the number pending for the shop's window", async () => {
    const { shop, version } = await shopWithDisclosure({ doubleOptIn: true, pendingExpiryHours: 48 });
    const result = await recordCheckoutConsent(shop, grant(version.id), { now: NOW });
    expect(result).toMatchObject({ ok: true, status: "pending" });
    const { subscribers, events, messages, syncJobs } = await rowsOf(shop);
    expect(subscribers).toMatchObject([{ status: "pending", pendingExpiresAt: new Date(NOW.getTime() + 48 * 3600_000) }]);
    expect(events.map((e) => [e.kind, e.source])).toEqual([["opt_in_requested", "checkout"]]);
    expect(messages.map((m) => [m.kind, m.body])).toEqual([
      [
        "compliance",
        "Acme Outfitters: Reply Y to subscribe to recurring automated marketing msgs. Up to 6 msgs/month. Msg & data rates may apply. Reply STOP to cancel, HELP for help.",
      ],
    ]);
    expect(syncJobs).toMatchObject([{ marketingState: "PENDING" }]);
    expect(await mayTextMarketing(shop, PHONE, prisma, NOW)).toEqual({ allowed: false, reason: "pending" });

    expect(await recordCheckoutConsent(shop, grant(version.id, { orderId: "gid://shopify/Order/2" }), { now: NOW })).toMatchObject({
      ok: true,
      status: "already_pending",
    });
    expect((await rowsOf(shop)).messages).toHaveLength(1);
  });
});

describe("recordCheckoutConsent: the disclosure the shopper read", () => {
  it("records nothing for a version this shop never published", async () => {
    const { shop } = await shopWithDisclosure();
    const other = await shopWithDisclosure();
    for (const versionId of ["no-such-version", other.version.id]) {
      const { lines, log } = quiet();
      expect(await recordCheckoutConsent(shop, grant(versionId), { now: NOW, log })).toEqual({ ok: false, reason: "disclosure_unknown" });
      expect(lines).toHaveLength(1);
    }
    expect(await recordCheckoutConsent(shop, grant("", { disclosureVersionId: null }), { now: NOW, log: quiet().log })).toEqual({
      ok: false,
      reason: "disclosure_missing",
    });
    const { subscribers, events, messages, syncJobs } = await rowsOf(shop);
    expect([subscribers, events, messages, syncJobs].map((rows) => rows.length)).toEqual([0, 0, 0, 0]);
  });

  it("reads the published token back as the text in the language checkout showed", async () => {
    const { shop, version: en } = await shopWithDisclosure({
      supportedLanguages: ["en", "es"],
      termsUrl: "https://acme.test/sms-terms",
      privacyUrl: "https://acme.test/privacy",
    });
    const { version: es } = await publishDisclosure(shop, { locale: "es", text: ES_TEXT });
    const settings = await prisma.shop.findUniqueOrThrow({ where: { shop } });
    const metafield = buildDisclosureMetafield(settings, await currentDisclosures(shop), "https://sms-consent.test");
    if (!metafield.ok) throw new Error(metafield.problems.join(" "));
    const token = metafield.value.versionId;
    expect(token).toBe(`en:${en.id},es:${es.id}`);

    await recordCheckoutConsent(shop, grant(token, { disclosureLocale: "es-mx" }), { now: NOW });
    const { events, messages } = await rowsOf(shop);
    expect(JSON.parse(events[0]!.evidence)).toMatchObject({
      disclosureVersionId: es.id,
      disclosureVersionSent: token,
      disclosureHash: contentHashOf(ES_TEXT),
      disclosureText: ES_TEXT,
      disclosureLocale: "es-mx",
    });
    expect(messages[0]!.body).toMatch(/^Acme Outfitters: Gracias por suscribirte/);

    // No French text: checkout showed the English one, as the extension falls back.
    await recordCheckoutConsent(shop, grant(token, { disclosureLocale: "fr", phone: OTHER_PHONE }), { now: NOW });
    expect(JSON.parse((await rowsOf(shop)).events[1]!.evidence)).toMatchObject({ disclosureVersionId: en.id, disclosureHash: contentHashOf(EN_TEXT) });
  });

  it("refuses a token that is not one the app publishes, and a bare id for another language", async () => {
    const { shop, version } = await shopWithDisclosure();
    const { lines, log } = quiet();
    expect(await recordCheckoutConsent(shop, grant("en:has spaces,es"), { now: NOW, log })).toEqual({ ok: false, reason: "disclosure_unknown" });
    expect(await recordCheckoutConsent(shop, grant(`es:${version.id}`, { disclosureLocale: "de" }), { now: NOW, log })).toEqual({
      ok: false,
      reason: "disclosure_unknown",
    });
    expect(await recordCheckoutConsent(shop, grant(version.id, { disclosureLocale: "es" }), { now: NOW, log })).toEqual({
      ok: false,
      reason: "disclosure_locale_mismatch",
    });
    // A token whose entry points at a text in another language than its key says.
    const { version: es } = await publishDisclosure(shop, { locale: "es", text: ES_TEXT });
    expect(await recordCheckoutConsent(shop, grant(`en:${version.id},fr:${es.id}`, { disclosureLocale: "fr" }), { now: NOW, log })).toEqual({
      ok: false,
      reason: "disclosure_locale_mismatch",
    });
    expect(lines).toHaveLength(4);
    expect(await prisma.consentEvent.count({ where: { shop } })).toBe(0);
  });

  it("texts in the shop's own language when it does not support the shopper's", async () => {
    const { shop } = await createTestShop({ doubleOptIn: false, supportedLanguages: ["en"] });
    const { version } = await publishDisclosure(shop, { locale: "es", text: ES_TEXT });
    await recordCheckoutConsent(shop, grant(version.id, { disclosureLocale: "es" }), { now: NOW });
    expect((await rowsOf(shop)).messages[0]!.body).toMatch(/^Acme Outfitters: Thanks for subscribing/);
  });
});

describe("recordCheckoutConsent: refusals write nothing", () => {
  it.each([
    ["+1201555", "phone_invalid"],
    ["+33142685300", "phone_not_mobile"],
    [null, "phone_missing"],
  ])("phone %s → %s", async (phone, reason) => {
    const { shop, version } = await shopWithDisclosure();
    const { lines, log } = quiet();
    expect(await recordCheckoutConsent(shop, grant(version.id, { phone }), { now: NOW, log })).toEqual({ ok: false, reason });
    expect(lines[0]).toContain(reason);
    expect(lines[0]).not.toContain(String(phone));
    const { subscribers, events, messages, syncJobs } = await rowsOf(shop);
    expect([subscribers, events, messages, syncJobs].map((rows) => rows.length)).toEqual([0, 0, 0, 0]);
  });

  it("a shop that has not set the app up, or has removed it", async () => {
    const { shop, version } = await shopWithDisclosure();
    await prisma.shop.update({ where: { shop }, data: { uninstalledAt: NOW } });
    expect(await recordCheckoutConsent(shop, grant(version.id), { now: NOW, log: quiet().log })).toEqual({ ok: false, reason: "shop_not_set_up" });
    expect(await recordCheckoutConsent("nobody.myshopify.com", grant(version.id), { now: NOW, log: quiet().log })).toEqual({
      ok: false,
      reason: "shop_not_set_up",
    });
    expect(await prisma.subscriber.count({ where: { shop } })).toBe(0);
  });

  it("an unticked box at the contact step", async () => {
    const { shop, version } = await shopWithDisclosure();
    const withdrawn = grant(version.id, { status: "withdrawn", phone: null, disclosureVersionId: null });
    expect(await recordCheckoutConsent(shop, withdrawn, { now: NOW })).toEqual({ ok: true, status: "not_given" });
    expect(await prisma.consentEvent.count({ where: { shop } })).toBe(0);
  });

  it("commits with the caller's transaction, or not at all", async () => {
    const { shop, version } = await shopWithDisclosure();
    await expect(
      prisma.$transaction(async (tx) => {
        await recordCheckoutConsent(shop, grant(version.id), { tx, now: NOW });
        throw new Error("the webhook failed after the consent");
      }),
    ).rejects.toThrow("the webhook failed");
    const { subscribers, events, messages, syncJobs } = await rowsOf(shop);
    expect([subscribers, events, messages, syncJobs].map((rows) => rows.length)).toEqual([0, 0, 0, 0]);
    expect(await prisma.consentChainHead.findUnique({ where: { shop } })).toBeNull();
  });
});

describe("recordCheckoutConsent: Thank-you page answers", () => {
  const thankYou = (versionId: string, overrides: Partial<CheckoutConsentInput> = {}) =>
    grant(versionId, { channel: "thank_you", orderCreatedAt: null, consentAt: new Date(NOW.getTime() - 1000), ...overrides });
  const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

  it("holds the text back for a minute and dates the consent when it was received", async () => {
    const { shop, version } = await shopWithDisclosure();
    await recordCheckoutConsent(shop, thankYou(version.id), { now: NOW });
    const { events, messages } = await rowsOf(shop);
    expect(events[0]).toMatchObject({ occurredAt: NOW });
    expect(JSON.parse(events[0]!.evidence)).toMatchObject({ channel: "thank_you", consentAt: new Date(NOW.getTime() - 1000).toISOString() });
    expect(messages[0]!.nextAttemptAt).toEqual(new Date(NOW.getTime() + THANK_YOU_SEND_DELAY_MS));
  });

  it("unticking takes back the consent from that order and its unsent text", async () => {
    const { shop, version } = await shopWithDisclosure();
    await recordCheckoutConsent(shop, thankYou(version.id), { now: NOW });
    const withdrawal = thankYou(version.id, { status: "withdrawn", phone: null, disclosureVersionId: null, disclosureLocale: null });
    expect(await recordCheckoutConsent(shop, withdrawal, { now: later(5) })).toEqual({ ok: true, status: "withdrawn", withdrawn: 1 });

    const { subscribers, events, messages, syncJobs } = await rowsOf(shop);
    expect(subscribers).toMatchObject([{ status: "unsubscribed" }]);
    expect(events.map((e) => [e.kind, e.source])).toEqual([
      ["opted_in", "checkout"],
      ["opted_out", "checkout"],
    ]);
    expect(JSON.parse(events[1]!.evidence)).toMatchObject({ orderId: "gid://shopify/Order/5734000001", withdrawal: "shopper unticked the box", withdrawnGrantSeq: 1 });
    expect(messages).toMatchObject([{ status: "cancelled" }]); // no text to someone who just said no
    expect(syncJobs.map((j) => j.marketingState)).toEqual(["SUBSCRIBED", "UNSUBSCRIBED"]);

    // Ticking again is a new consent: the person's own act re-subscribes them.
    expect(await recordCheckoutConsent(shop, thankYou(version.id), { now: later(9) })).toMatchObject({ ok: true, status: "resubscribed" });
    expect(await recordCheckoutConsent(shop, withdrawal, { now: later(12) })).toMatchObject({ ok: true, status: "withdrawn" });
    expect(await recordCheckoutConsent(shop, withdrawal, { now: later(13) })).toEqual({ ok: true, status: "nothing_to_withdraw" });
  });

  it("a corrected number replaces the first one given for the order", async () => {
    const { shop, version } = await shopWithDisclosure();
    await recordCheckoutConsent(shop, thankYou(version.id, { phone: OTHER_PHONE }), { now: NOW });
    expect(await recordCheckoutConsent(shop, thankYou(version.id), { now: later(2) })).toMatchObject({ ok: true, status: "subscribed" });

    const { subscribers, events, messages } = await rowsOf(shop);
    expect(subscribers.map((s) => [s.phone, s.status])).toEqual([
      [OTHER_PHONE, "unsubscribed"],
      [PHONE, "subscribed"],
    ]);
    expect(JSON.parse(events[1]!.evidence)).toMatchObject({ withdrawal: "shopper gave another number for this order" });
    expect(messages.map((m) => [m.phone, m.status])).toEqual([
      [OTHER_PHONE, "cancelled"],
      [PHONE, "queued"],
    ]);
  });

  it("leaves alone consent the person gave some other way", async () => {
    const { shop, version } = await shopWithDisclosure();
    await applyConsentChange({ shop, phone: PHONE, action: "opt_in", source: "keyword", occurredAt: NOW, evidence: { messageSid: "SM9" } });
    expect(await recordCheckoutConsent(shop, thankYou(version.id), { now: later(1) })).toMatchObject({ status: "already_subscribed" });
    const withdrawal = thankYou(version.id, { status: "withdrawn", phone: null, disclosureVersionId: null });
    expect(await recordCheckoutConsent(shop, withdrawal, { now: later(2) })).toEqual({ ok: true, status: "nothing_to_withdraw" });
    expect((await rowsOf(shop)).subscribers).toMatchObject([{ status: "subscribed" }]);
  });

  it("leaves alone what happened after the grant (a Y reply stands)", async () => {
    const { shop, version } = await shopWithDisclosure({ doubleOptIn: true });
    await recordCheckoutConsent(shop, thankYou(version.id), { now: NOW });
    await applyConsentChange({ shop, phone: PHONE, action: "confirm", source: "keyword", occurredAt: later(30), evidence: { messageSid: "SMY" } });
    const withdrawal = thankYou(version.id, { status: "withdrawn", phone: null, disclosureVersionId: null });
    expect(await recordCheckoutConsent(shop, withdrawal, { now: later(40) })).toEqual({ ok: true, status: "nothing_to_withdraw" });
    expect((await rowsOf(shop)).subscribers).toMatchObject([{ status: "subscribed", optInLevel: "confirmed" }]);
  });

  it("only ever touches its own shop", async () => {
    const a = await shopWithDisclosure();
    const b = await shopWithDisclosure();
    await recordCheckoutConsent(a.shop, thankYou(a.version.id), { now: NOW });
    const withdrawal = thankYou(b.version.id, { status: "withdrawn", phone: null, disclosureVersionId: null });
    expect(await recordCheckoutConsent(b.shop, withdrawal, { now: later(1) })).toEqual({ ok: true, status: "nothing_to_withdraw" });
    expect((await rowsOf(a.shop)).subscribers).toMatchObject([{ status: "subscribed" }]);
  });
});
