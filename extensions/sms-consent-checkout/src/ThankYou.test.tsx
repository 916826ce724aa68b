import { getExtension } from "@shopify/ui-extensions-tester";
import { render } from "preact";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { ATTRIBUTE } from "./consent-state";
import { DISCLOSURE, disclosureEntry, fire, ISO_TIME, setCheckoutPhone, translator } from "./test-helpers";

const extension = getExtension("purchase.thank-you.block.render");
const CHECKOUT_TOKEN = "a3f9c2e17b4d4e0c9f8a6b5d4c3e2f10";
let fetchMock: ReturnType<typeof vi.fn<typeof fetch>>;

beforeEach(() => {
  extension.setUp();
  const { shopify } = extension;
  shopify.appMetafields.value = [disclosureEntry()];
  shopify.i18n.translate = translator("en");
  shopify.sessionToken.get = async () => "session-token";
  shopify.orderConfirmation.value = { order: { id: "gid://shopify/Order/5001" }, number: "X1", isFirstOrder: true };
  shopify.checkoutToken.value = CHECKOUT_TOKEN;
  setCheckoutPhone(shopify, {});
  fetchMock = vi.fn<typeof fetch>(async () => new Response(null, { status: 204 }));
  extension.fetch = fetchMock;
});

afterEach(() => {
  render(null, document.body);
  extension.tearDown();
});

const checkbox = () => document.querySelector("s-checkbox")!;
const phoneField = () => document.querySelector("s-phone-field");
const texts = () => [...document.querySelectorAll("s-text")].map((element) => element.textContent);
const posted = () =>
  fetchMock.mock.calls.map(([url, init]) => ({
    url,
    authorization: new Headers(init?.headers).get("Authorization"),
    body: JSON.parse(String(init?.body)),
  }));

describe("what it shows", () => {
  test("an unticked box under the merchant's disclosure, in the buyer's language", async () => {
    extension.shopify.localization.language.value = { isoCode: "es" };
    extension.shopify.i18n.translate = translator("es");

    await extension.render();

    expect(checkbox().hasAttribute("checked")).toBe(false);
    expect(checkbox().getAttribute("label")).toBe("Envíame novedades y ofertas por SMS");
    expect(texts()).toContain(DISCLOSURE.texts.es);
    expect([...document.querySelectorAll("s-link")].map((link) => link.getAttribute("href"))).toEqual([
      DISCLOSURE.termsUrl,
      DISCLOSURE.privacyUrl,
    ]);
  });

  test.each([
    ["no metafield", []],
    ["no app address to send the answer to", [disclosureEntry({ ...DISCLOSURE, appUrl: undefined })]],
  ])("nothing with %s", async (_, entries) => {
    extension.shopify.appMetafields.value = entries;

    await extension.render();

    expect(document.body.innerHTML).toBe("");
  });

  test("nothing without the checkout's token: the app could not tell this order is the shopper's", async () => {
    extension.shopify.checkoutToken.value = undefined;

    await extension.render();

    expect(document.body.innerHTML).toBe("");
  });

  test("nothing when the shopper already consented at the contact step", async () => {
    extension.shopify.attributes.value = [{ key: ATTRIBUTE.consent, value: "granted" }];

    await extension.render();

    expect(document.body.innerHTML).toBe("");
  });
});

describe("recording the answer", () => {
  test("ticking sends the consent for this order to the app, with the session token", async () => {
    setCheckoutPhone(extension.shopify, { shipping: "+1 415 555 0123" });
    await extension.render();

    fire(checkbox(), "change", { checked: true });

    await vi.waitFor(() => expect(texts()).toContain("You're signed up. We'll text you to confirm."));
    expect(posted()).toEqual([
      {
        url: "https://sms-consent.example.app/api/checkout-consent",
        authorization: "Bearer session-token",
        body: {
          orderId: "gid://shopify/Order/5001",
          checkoutToken: CHECKOUT_TOKEN,
          status: "granted",
          phone: "+14155550123",
          disclosureVersionId: DISCLOSURE.versionId,
          disclosureLocale: "en",
          at: expect.stringMatching(ISO_TIME),
        },
      },
    ]);
  });

  test("ticked without a number: says so inline and sends nothing until there is one", async () => {
    await extension.render();
    fire(checkbox(), "change", { checked: true });

    await vi.waitFor(() =>
      expect(phoneField()?.getAttribute("error")).toBe(
        "Enter your mobile number to get text messages, or untick the box.",
      ),
    );
    fire(phoneField()!, "change", { value: "+1 415 555" });
    await vi.waitFor(() =>
      expect(phoneField()!.getAttribute("error")).toBe(
        "Enter a valid mobile number with its country code, for example +1 415 555 0123.",
      ),
    );
    expect(fetchMock).not.toHaveBeenCalled();

    fire(phoneField()!, "change", { value: "+1 415 555 0123" });

    await vi.waitFor(() => expect(posted()).toHaveLength(1));
    expect(posted()[0]?.body).toMatchObject({ status: "granted", phone: "+14155550123" });
  });

  test("unticking after a grant withdraws it", async () => {
    setCheckoutPhone(extension.shopify, { buyer: "+14155550123" });
    await extension.render();
    fire(checkbox(), "change", { checked: true });
    await vi.waitFor(() => expect(posted()).toHaveLength(1));

    fire(checkbox(), "change", { checked: false });

    await vi.waitFor(() => expect(posted()).toHaveLength(2));
    expect(posted()[1]?.body).toEqual({
      orderId: "gid://shopify/Order/5001",
      checkoutToken: CHECKOUT_TOKEN,
      status: "withdrawn",
      at: expect.stringMatching(ISO_TIME),
    });
    await vi.waitFor(() => expect(texts()).toContain("You won't get marketing texts from us."));
  });

  test("unticking before anything was sent sends nothing", async () => {
    await extension.render();
    fire(checkbox(), "change", { checked: true });
    fire(checkbox(), "change", { checked: false });

    await vi.waitFor(() => expect(phoneField()).toBeNull());
    expect(fetchMock).not.toHaveBeenCalled();
  });

  test("says so when the app does not take the answer", async () => {
    setCheckoutPhone(extension.shopify, { buyer: "+14155550123" });
    fetchMock.mockResolvedValue(new Response(null, { status: 500 }));
    await extension.render();

    fire(checkbox(), "change", { checked: true });

    await vi.waitFor(() => expect(texts()).toContain("We couldn't save your choice. Please try again."));
  });
});
