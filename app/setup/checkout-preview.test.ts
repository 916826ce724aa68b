import { describe, expect, it } from "vitest";
import { checkoutPreview } from "./checkout-preview";

const base = {
  locale: "es",
  text: "Acme: hasta 6 mensajes al mes. Pueden aplicarse tarifas. STOP para cancelar, AYUDA para ayuda.",
  brandName: "Acme",
  maxMessagesPerMonth: 6,
  termsUrl: "https://acme.test/t",
  privacyUrl: "https://acme.test/p",
  hasEnglish: true,
};

describe("checkout box preview", () => {
  it("shows the box's own words in the shopper's language, and no problem", () => {
    expect(checkoutPreview(base)).toEqual({
      words: {
        label: "Envíame novedades y ofertas por SMS",
        termsLink: "Términos de SMS",
        privacyLink: "Política de privacidad",
      },
      wordsInEnglish: false,
      problems: [],
    });
  });

  it("falls back to the English words where the extension has no translation", () => {
    const german = checkoutPreview({ ...base, locale: "de" });
    expect(german.wordsInEnglish).toBe(true);
    expect(german.words.label).toBe("Text me news and offers");
  });

  it("says why checkout would show nothing", () => {
    expect(
      checkoutPreview({
        ...base,
        text: "Sign up for texts! Msg & data rates may apply. STOP HELP",
        termsUrl: null,
        hasEnglish: false,
      }).problems
    ).toEqual([
      'It does not name your brand exactly as set ("Acme"), so checkout will not show it.',
      "It does not state your monthly cap (6), so checkout will not show it.",
      "Checkout shows no box until your SMS terms and privacy policy addresses are saved above.",
      "Checkout shows no box until the English text is published.",
    ]);
    expect(checkoutPreview({ ...base, text: " " }).problems).toEqual(["There is no text yet."]);
  });
});
