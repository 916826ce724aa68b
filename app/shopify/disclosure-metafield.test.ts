import { describe, expect, it } from "vitest";
import { disclosureText, parseDisclosure } from "../../extensions/sms-consent-checkout/src/disclosure";
import { buildDisclosureMetafield, disclosureVersionIdFor } from "./disclosure-metafield";

const settings = { brandName: "Acme Outfitters", maxMessagesPerMonth: 6, termsUrl: "https://acme.test/sms-terms", privacyUrl: "https://acme.test/privacy" };
const en = (id: string, version: number) => ({
  id,
  version,
  locale: "en",
  text: `Get texts from Acme Outfitters: up to 6 msgs/month. Msg & data rates may apply. Reply STOP to cancel, HELP for help (v${version}).`,
});
const es = {
  id: "ckes2",
  version: 3,
  locale: "es",
  text: "Recibe mensajes de Acme Outfitters: hasta 6 msjs/mes. Pueden aplicarse tarifas. Responde STOP para cancelar, AYUDA para ayuda.",
};

describe("buildDisclosureMetafield", () => {
  it("builds the JSON the checkout extension reads, from the latest text per language", () => {
    const result = buildDisclosureMetafield(settings, [en("cken1", 1), es, en("cken4", 4)], "https://sms-consent.test/");
    expect(result).toEqual({
      ok: true,
      value: {
        versionId: "en:cken4,es:ckes2",
        version: 4,
        brandName: "Acme Outfitters",
        maxMessagesPerMonth: 6,
        termsUrl: "https://acme.test/sms-terms",
        privacyUrl: "https://acme.test/privacy",
        texts: { en: en("cken4", 4).text, es: es.text },
        appUrl: "https://sms-consent.test",
      },
    });
    // What checkout will actually do with it: the extension's own parser keeps every text.
    const parsed = parseDisclosure(JSON.stringify(result.ok && result.value));
    expect(parsed?.texts).toEqual({ en: en("cken4", 4).text, es: es.text });
    expect(disclosureText(parsed!, "es-MX")).toEqual({ locale: "es", text: es.text });
  });

  it("leaves out an appUrl the extension would refuse (not https), keeping the rest usable", () => {
    const result = buildDisclosureMetafield(settings, [en("cken1", 1)], "http://localhost:3000");
    expect(result.ok && result.value.appUrl).toBeUndefined();
    expect(parseDisclosure(JSON.stringify(result.ok && result.value))).not.toBeNull();
  });

  it("lists, in the merchant's terms, everything that would keep checkout from showing the disclosure", () => {
    const result = buildDisclosureMetafield(
      { ...settings, maxMessagesPerMonth: 8, termsUrl: "http://acme.test/terms", privacyUrl: null },
      [{ ...es, text: es.text.replace("6", "8") }, { id: "ckfr", version: 5, locale: "fr", text: "Messages de Acme: jusqu'à 8 msgs/mois. STOP pour arrêter, AIDE pour aide." }],
      "https://sms-consent.test",
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        "Publish an English disclosure: checkout falls back to English when there is no text in the shopper's language.",
        "Add the address of your SMS terms, starting with https://, in Settings.",
        "Add the address of your privacy policy, starting with https://, in Settings.",
        'The fr disclosure must name your brand "Acme Outfitters" and your limit of 8 messages a month, or checkout will not show it.',
      ],
    });
  });
});

describe("disclosureVersionIdFor", () => {
  const versionId = "en:cken4,es:ckes2";
  it("finds the version the shopper read from the language checkout showed", () => {
    expect(disclosureVersionIdFor(versionId, "es")).toBe("ckes2");
    expect(disclosureVersionIdFor(versionId, "es-MX")).toBe("ckes2");
    expect(disclosureVersionIdFor(versionId, "fr")).toBe("cken4"); // checkout showed the English fallback
    expect(disclosureVersionIdFor(versionId, null)).toBe("cken4");
  });

  it("refuses a token we did not publish", () => {
    expect(disclosureVersionIdFor("cken4", "en")).toBeNull();
    expect(disclosureVersionIdFor("en:cken4,<script>", "en")).toBeNull();
    expect(disclosureVersionIdFor("es:ckes2", "fr")).toBeNull();
  });
});
