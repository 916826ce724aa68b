import { getExtension } from "@shopify/ui-extensions-tester";
import { createResult } from "@shopify/ui-extensions-tester/checkout";
import type { CheckoutApi, Interceptor, InterceptorRequest } from "@shopify/ui-extensions/checkout";
import { render } from "preact";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { ATTRIBUTE } from "./consent-state";
import { DISCLOSURE, disclosureEntry, fire, ISO_TIME, setCheckoutPhone, translator } from "./test-helpers";

const extension = getExtension("purchase.checkout.contact.render-after");
let interceptor: Interceptor | undefined;
let applyAttributeChange: ReturnType<typeof vi.fn<CheckoutApi["applyAttributeChange"]>>;

beforeEach(() => {
  extension.setUp();
  const { shopify } = extension;
  shopify.appMetafields.value = [disclosureEntry()];
  shopify.i18n.translate = translator("en");
  setCheckoutPhone(shopify, {});
  interceptor = undefined;
  shopify.buyerJourney.intercept = vi.fn(async (callback: Interceptor) => {
    interceptor = callback;
    return () => {};
  });
  applyAttributeChange = vi.fn<CheckoutApi["applyAttributeChange"]>(async () => createResult("applyAttributeChange"));
  shopify.applyAttributeChange = applyAttributeChange;
});

afterEach(() => {
  render(null, document.body);
  extension.tearDown();
});

const checkbox = () => document.querySelector("s-checkbox")!;
const phoneField = () => document.querySelector("s-phone-field");
const texts = () => [...document.querySelectorAll("s-text")].map((element) => element.textContent);
const written = () => applyAttributeChange.mock.calls.map(([change]) => change);
const intercept = async (canBlockProgress = true): Promise<InterceptorRequest> => {
  // The tester's signals never notify: call the registered interceptor directly.
  await vi.waitFor(() => expect(interceptor).toBeDefined());
  return interceptor!({ canBlockProgress });
};

describe("the disclosure", () => {
  test("renders an unticked box with the merchant's text and links, and no phone field yet", async () => {
    await extension.render();

    expect(checkbox().getAttribute("label")).toBe("Text me news and offers");
    expect(checkbox().hasAttribute("checked")).toBe(false);
    expect(texts()).toContain(DISCLOSURE.texts.en);
    const links = [...document.querySelectorAll("s-link")].map((link) => [link.textContent, link.getAttribute("href")]);
    expect(links).toEqual([
      ["SMS terms", DISCLOSURE.termsUrl],
      ["Privacy policy", DISCLOSURE.privacyUrl],
    ]);
    expect(phoneField()).toBeNull();
    expect(applyAttributeChange).not.toHaveBeenCalled();
  });

  test.each([
    ["es", "es", "Envíame novedades y ofertas por SMS", "Términos de SMS"],
    ["fr-CA", "fr", "Recevoir les nouveautés et offres par SMS", "Conditions SMS"],
  ] as const)("is shown in the buyer's language (%s)", async (language, locale, label, terms) => {
    extension.shopify.localization.language.value = { isoCode: language };
    extension.shopify.i18n.translate = translator(locale);

    await extension.render();

    const text = DISCLOSURE.texts[locale];
    expect(texts()).toContain(text);
    for (const required of ["Acme Outdoors", "6", "STOP", "HELP"]) expect(text).toContain(required);
    expect(checkbox().getAttribute("label")).toBe(label);
    expect(document.querySelector("s-link")?.textContent).toBe(terms);
  });

  test("falls back to English when the merchant wrote none in the buyer's language", async () => {
    extension.shopify.localization.language.value = { isoCode: "de" };

    await extension.render();

    expect(texts()).toContain(DISCLOSURE.texts.en);
  });

  test.each([
    ["no metafield", []],
    ["an unusable metafield", [disclosureEntry({ ...DISCLOSURE, termsUrl: undefined })]],
  ])("renders nothing with %s", async (_, entries) => {
    extension.shopify.appMetafields.value = entries;

    await extension.render();

    expect(document.body.innerHTML).toBe("");
    expect(extension.shopify.buyerJourney.intercept).not.toHaveBeenCalled();
  });

  test("says so instead of offering a box when the checkout cannot take attributes", async () => {
    extension.shopify.instructions.value = {
      ...extension.shopify.instructions.value,
      attributes: { canUpdateAttributes: false },
    };

    await extension.render();

    expect(checkbox()).toBeNull();
    expect(texts()).toEqual(["Sign-up for text messages isn't available for this checkout."]);
  });
});

describe("ticking and unticking", () => {
  test("ticking writes the consent with the buyer's number and the disclosure version", async () => {
    setCheckoutPhone(extension.shopify, { buyer: "+1 415-555-0123" });
    await extension.render();

    fire(checkbox(), "change", { checked: true });

    await vi.waitFor(() => expect(written()).toHaveLength(5));
    expect(written()).toEqual([
      { type: "updateAttribute", key: "_sms_consent_phone", value: "+14155550123" },
      { type: "updateAttribute", key: "_sms_disclosure_version", value: DISCLOSURE.versionId },
      { type: "updateAttribute", key: "_sms_disclosure_locale", value: "en" },
      { type: "updateAttribute", key: "_sms_consent_at", value: expect.stringMatching(ISO_TIME) },
      { type: "updateAttribute", key: "_sms_consent", value: "granted" },
    ]);
    expect(texts()).toContain("Texts will go to +14155550123.");
    expect(phoneField()).toBeNull();
  });

  test("without a number in the checkout, asks for one and writes it once plausible", async () => {
    await extension.render();
    fire(checkbox(), "change", { checked: true });
    await vi.waitFor(() => expect(phoneField()).not.toBeNull());
    expect(applyAttributeChange).not.toHaveBeenCalled();

    fire(phoneField()!, "input", { value: "(415) 555-01" });
    fire(phoneField()!, "change", { value: "(415) 555-01" });
    await vi.waitFor(() =>
      expect(phoneField()!.getAttribute("error")).toBe(
        "Enter a valid mobile number with its country code, for example +1 415 555 0123.",
      ),
    );
    expect(applyAttributeChange).not.toHaveBeenCalled();

    fire(phoneField()!, "input", { value: "(415) 555-0123" });
    await vi.waitFor(() => expect(written()).toHaveLength(5));
    expect(written()).toContainEqual({ type: "updateAttribute", key: "_sms_consent_phone", value: "+14155550123" });
    expect(written().at(-1)).toEqual({ type: "updateAttribute", key: "_sms_consent", value: "granted" });
    expect(phoneField()!.hasAttribute("error")).toBe(false);
  });

  test("unticking withdraws the consent given earlier in this checkout", async () => {
    extension.shopify.attributes.value = [
      { key: ATTRIBUTE.phone, value: "+14155550123" },
      { key: ATTRIBUTE.disclosureVersion, value: DISCLOSURE.versionId },
      { key: ATTRIBUTE.disclosureLocale, value: "en" },
      { key: ATTRIBUTE.at, value: "2026-11-23T10:00:00.000Z" },
      { key: ATTRIBUTE.consent, value: "granted" },
    ];
    await extension.render();
    expect(checkbox().hasAttribute("checked")).toBe(true);
    expect(applyAttributeChange).not.toHaveBeenCalled();

    fire(checkbox(), "change", { checked: false });

    await vi.waitFor(() => expect(written()).toHaveLength(5));
    expect(written()).toEqual([
      { type: "updateAttribute", key: "_sms_consent", value: "withdrawn" },
      { type: "updateAttribute", key: "_sms_consent_at", value: expect.stringMatching(ISO_TIME) },
      { type: "removeAttribute", key: "_sms_disclosure_locale" },
      { type: "removeAttribute", key: "_sms_disclosure_version" },
      { type: "removeAttribute", key: "_sms_consent_phone" },
    ]);
  });

  test.each([
    ["refuses the attribute", () => applyAttributeChange.mockResolvedValue(createResult("applyAttributeChange", { type: "error", message: "nope" }))],
    ["fails", () => applyAttributeChange.mockRejectedValue(new Error("offline"))],
  ])("says so when checkout %s, and still lets the interceptor answer", async (_, breakIt) => {
    setCheckoutPhone(extension.shopify, { buyer: "+14155550123" });
    breakIt();
    await extension.render();

    fire(checkbox(), "change", { checked: true });

    await vi.waitFor(() =>
      expect(texts()).toContain("We couldn't save your text message choice. Please try again."),
    );
    expect(await intercept()).toEqual({ behavior: "allow" });
  });
});

describe("blocking progress", () => {
  test("ticked without a number: blocks with a message, shown on the field too", async () => {
    await extension.render();
    fire(checkbox(), "change", { checked: true });
    await vi.waitFor(() => expect(phoneField()).not.toBeNull());

    const result = await intercept();

    const message = "Enter your mobile number to get text messages, or untick the box.";
    expect(result).toMatchObject({ behavior: "block", errors: [{ message }] });
    expect(result.behavior === "block" && result.reason).toBeTruthy();
    await result.perform?.({ behavior: "block" });
    await vi.waitFor(() => expect(phoneField()!.getAttribute("error")).toBe(message));
  });

  test("ticked with an implausible number: blocks", async () => {
    await extension.render();
    fire(checkbox(), "change", { checked: true });
    await vi.waitFor(() => expect(phoneField()).not.toBeNull());
    fire(phoneField()!, "input", { value: "+33 1 23 45 67 89" }); // a landline

    await vi.waitFor(async () =>
      expect(await intercept()).toMatchObject({
        behavior: "block",
        errors: [{ message: "Enter a valid mobile number with its country code, for example +1 415 555 0123." }],
      }),
    );
  });

  test("ticked with a plausible number: allows, once the attributes are written", async () => {
    await extension.render();
    fire(checkbox(), "change", { checked: true });
    await vi.waitFor(() => expect(phoneField()).not.toBeNull());
    fire(phoneField()!, "input", { value: "+44 7700 900123" });

    await vi.waitFor(() => expect(written()).toHaveLength(5));
    expect(await intercept()).toEqual({ behavior: "allow" });
  });

  test("not ticked: allows", async () => {
    await extension.render();

    expect(await intercept()).toEqual({ behavior: "allow" });
  });

  test("allows when the merchant has not let the extension block", async () => {
    await extension.render();
    fire(checkbox(), "change", { checked: true });
    await vi.waitFor(() => expect(phoneField()).not.toBeNull());

    expect(await intercept(false)).toEqual({ behavior: "allow" });
  });
});
