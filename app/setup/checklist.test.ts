import { describe, expect, it } from "vitest";
import { buildChecklist, checkoutEditorUrl, type ChecklistFacts } from "./checklist";

const now = new Date("2026-11-27T15:00:00Z");
const DISCLOSURE = "Text me offers from Acme. Up to 6 msgs/month. Consent is not a condition of purchase. Msg & data rates may apply. Reply STOP to cancel, HELP for help.";

function facts(overrides: Partial<ChecklistFacts> = {}): ChecklistFacts {
  return {
    shop: "acme.myshopify.com",
    apiKey: "api-key-123",
    brandName: "Acme",
    supportContact: "help@acme.test",
    twilioAccountSid: "AC" + "1".repeat(32),
    hasAuthToken: true,
    senderPhoneNumber: "+15551230000",
    messagingServiceSid: null,
    keywordMode: "twilio_default",
    doubleOptIn: true,
    pendingExpiryHours: 72,
    quietHoursStart: "21:00",
    quietHoursEnd: "08:00",
    maxMessagesPerMonth: 6,
    maxMessagesPerDay: 3,
    termsUrl: "https://acme.test/sms-terms",
    privacyUrl: "https://acme.test/privacy",
    supportedLanguages: ["en"],
    disclosures: [{ locale: "en", text: DISCLOSURE, version: 1 }],
    settingsSavedAt: new Date("2026-11-20T10:00:00Z"),
    lastCheckoutConsentAt: new Date("2026-11-26T10:00:00Z"),
    ...overrides,
  };
}
const step = (f: ChecklistFacts, id: string) => buildChecklist(f, now).steps.find((s) => s.id === id)!;

describe("first-run checklist", () => {
  it("a shop set up in full: every step done, the checklist collapses", () => {
    const checklist = buildChecklist(facts(), now);
    expect(checklist.steps.map((s) => [s.id, s.done])).toEqual([
      ["twilio", true],
      ["brand", true],
      ["disclosure", true],
      ["keywords", true],
      ["double_opt_in", true],
      ["sending_rules", true],
      ["checkout_block", true],
    ]);
    expect(checklist.allDone).toBe(true);
    expect(checklist.doneCount).toBe(7);
  });

  it("a new install: Twilio, the disclosure, the reviews and the checkout block are to do", () => {
    const fresh = facts({
      twilioAccountSid: null,
      hasAuthToken: false,
      senderPhoneNumber: null,
      termsUrl: null,
      privacyUrl: null,
      disclosures: [],
      doubleOptIn: false,
      settingsSavedAt: null,
      lastCheckoutConsentAt: null,
    });
    const checklist = buildChecklist(fresh, now);
    expect(checklist.steps.filter((s) => !s.done).map((s) => s.id)).toEqual(["twilio", "disclosure", "double_opt_in", "sending_rules", "checkout_block"]);
    expect(checklist.allDone).toBe(false);
    expect(step(fresh, "twilio").detail).toBe("Missing: account SID, auth token, sender number or Messaging Service. Copy them from the Twilio console (Account info) into Settings.");
    expect(step(fresh, "disclosure").detail).toContain("Checkout shows no box at all without the English text.");
    expect(step(fresh, "disclosure").detail).toContain("terms and privacy policy");
    expect(step(fresh, "sending_rules").detail).toBe("Quiet hours 21:00–08:00 at each recipient, at most 6 texts a month and 3 a day per subscriber: the defaults. Check they suit your shop and save Settings.");
  });

  it("a Messaging Service counts as the sender", () => {
    expect(step(facts({ senderPhoneNumber: null, messagingServiceSid: "MG" + "a".repeat(32) }), "twilio").done).toBe(true);
  });

  it("the install's placeholder contact (the store's address) is to do", () => {
    const placeholder = step(facts({ supportContact: "https://acme.myshopify.com" }), "brand");
    expect(placeholder.done).toBe(false);
    expect(placeholder.detail).toContain("Enter an e-mail address or phone number");
  });

  it("the disclosure must be published in each language the shop texts in, and name the brand and cap", () => {
    const twoLanguages = step(facts({ supportedLanguages: ["en", "es", "fr"] }), "disclosure");
    expect(twoLanguages.done).toBe(false);
    expect(twoLanguages.detail).toContain("Not published in Spanish, French");
    const withSpanish = facts({
      supportedLanguages: ["en", "es"],
      disclosures: [
        { locale: "es", text: "Acme: hasta 6 mensajes al mes. Pueden aplicarse tarifas. STOP para cancelar, AYUDA para ayuda.", version: 2 },
        { locale: "en", text: DISCLOSURE, version: 1 },
      ],
    });
    expect(step(withSpanish, "disclosure").done).toBe(true);
    expect(step(withSpanish, "disclosure").detail).toBe("Published: English v1, Spanish v2. Preview it in Settings.");
    const stale = step(facts({ maxMessagesPerMonth: 8 }), "disclosure");
    expect(stale.done).toBe(false);
    expect(stale.detail).toContain('does not name "Acme" and your monthly cap (8): checkout will not show it');
  });

  it("Advanced Opt-Out without a Messaging Service is to do; each mode says who answers STOP", () => {
    expect(step(facts({ keywordMode: "twilio_advanced_opt_out" }), "keywords").done).toBe(false);
    expect(step(facts({ keywordMode: "twilio_advanced_opt_out", messagingServiceSid: "MG" + "a".repeat(32) }), "keywords").done).toBe(true);
    expect(step(facts({ keywordMode: "twilio_default" }), "keywords").detail).toContain("Twilio answers the exact words STOP");
    expect(step(facts({ keywordMode: "app" }), "keywords").detail).toContain("This app answers every keyword");
  });

  it("double opt-in off counts as chosen only once Settings were saved", () => {
    expect(step(facts({ doubleOptIn: false, settingsSavedAt: null }), "double_opt_in").done).toBe(false);
    expect(step(facts({ doubleOptIn: false }), "double_opt_in").detail).toContain("Off, by your choice");
    expect(step(facts({ doubleOptIn: true, settingsSavedAt: null }), "double_opt_in").done).toBe(true);
  });

  it("the checkout block is known from a checkout consent in the last 30 days, and says so", () => {
    const recent = step(facts(), "checkout_block");
    expect(recent.detail).toBe("Seen working: a shopper ticked the box at checkout on Nov 26, 2026.");
    const old = step(facts({ lastCheckoutConsentAt: new Date("2026-09-01T00:00:00Z") }), "checkout_block");
    expect(old.done).toBe(false);
    expect(old.detail).toContain("the last one was on Sep 1, 2026");
    expect(old.action).toEqual({
      label: "Open the checkout editor",
      url: "https://admin.shopify.com/store/acme/settings/checkout/editor?page=thank-you&context=apps&app=api-key-123",
      external: true,
    });
  });

  it("the checkout editor link names the store by its handle", () => {
    expect(checkoutEditorUrl("my-shop.myshopify.com", "k")).toBe("https://admin.shopify.com/store/my-shop/settings/checkout/editor?page=thank-you&context=apps&app=k");
  });
});
