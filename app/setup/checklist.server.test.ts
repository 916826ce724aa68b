import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import { publishDisclosure } from "../disclosures/disclosures.server";
import { createTestShop } from "../../tests/support/shop-fixture";
import { getChecklist, getChecklistFacts } from "./checklist.server";

const DISCLOSURE = "Text me offers from Acme Outfitters. Up to 6 msgs/month. Consent is not a condition of purchase. Msg & data rates may apply. Reply STOP to cancel, HELP for help.";

describe("checklist facts", () => {
  it("reads the shop's settings, disclosures and newest checkout consent, and no other shop's", async () => {
    const { shop } = await createTestShop({ supportedLanguages: ["en", "es"], termsUrl: "https://acme.test/t", privacyUrl: "https://acme.test/p" });
    const other = await createTestShop();
    await publishDisclosure(shop, { locale: "en", text: DISCLOSURE });
    const at = new Date(Date.now() - 2 * 86_400_000);
    await applyConsentChange({ shop: other.shop, phone: "+14155550101", action: "opt_in", source: "checkout", evidence: { orderId: "1" } });
    await applyConsentChange({ shop, phone: "+14155550102", action: "opt_in", source: "keyword", evidence: { body: "JOIN" } });

    const before = await getChecklistFacts(shop);
    expect(before).toMatchObject({
      shop,
      brandName: "Acme Outfitters",
      hasAuthToken: true,
      keywordMode: "app",
      supportedLanguages: ["en", "es"],
      disclosures: [{ locale: "en", text: DISCLOSURE, version: 1 }],
      settingsSavedAt: null, // saved once, when the shop was created: the defaults, not a review
      lastCheckoutConsentAt: null, // a keyword opt-in, and another shop's checkout, are no evidence of this shop's block
    });

    await applyConsentChange({ shop, phone: "+14155550103", action: "opt_in", source: "checkout", evidence: { orderId: "2" }, occurredAt: at });
    const after = await getChecklistFacts(shop);
    expect(after?.lastCheckoutConsentAt?.getTime()).toBe(at.getTime());

    const checklist = await getChecklist(shop);
    expect(checklist?.steps.find((step) => step.id === "checkout_block")?.done).toBe(true);
    expect(checklist?.steps.find((step) => step.id === "disclosure")).toMatchObject({ done: false, detail: expect.stringContaining("Not published in Spanish") });
  });

  it("a save of Settings after installing counts as reviewed", async () => {
    const { shop } = await createTestShop();
    await prisma.shop.update({ where: { shop }, data: { installedAt: new Date(Date.now() - 3_600_000) } });
    await prisma.shop.update({ where: { shop }, data: { quietHoursStart: "20:00" } });
    const facts = await getChecklistFacts(shop);
    expect(facts?.settingsSavedAt).not.toBeNull();
    expect((await getChecklist(shop))?.steps.find((step) => step.id === "sending_rules")?.done).toBe(true);
  });

  it("nothing for a shop without settings", async () => {
    expect(await getChecklistFacts("nobody.myshopify.com")).toBeNull();
    expect(await getChecklist("nobody.myshopify.com")).toBeNull();
  });
});
