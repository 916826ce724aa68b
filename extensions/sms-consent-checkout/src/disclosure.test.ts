import { describe, expect, test } from "vitest";
import { disclosureText, findDisclosure, parseDisclosure } from "./disclosure";
import { DISCLOSURE, disclosureEntry } from "./test-helpers";

const json = (value: unknown) => JSON.stringify(value);

describe("parseDisclosure", () => {
  test("reads the app's metafield", () => {
    expect(parseDisclosure(json(DISCLOSURE))).toEqual(DISCLOSURE);
  });

  test.each([
    ["not JSON", "{"],
    ["no version id", json({ ...DISCLOSURE, versionId: "" })],
    ["no monthly cap", json({ ...DISCLOSURE, maxMessagesPerMonth: 0 })],
    ["terms not https", json({ ...DISCLOSURE, termsUrl: "http://acme.example/terms" })],
    ["no privacy link", json({ ...DISCLOSURE, privacyUrl: undefined })],
    ["no English text", json({ ...DISCLOSURE, texts: { es: DISCLOSURE.texts.es } })],
    ["English text without the brand", json({ ...DISCLOSURE, texts: { en: "Up to 6 msgs/month." } })],
  ])("refuses a disclosure with %s", (_, value) => {
    expect(parseDisclosure(value)).toBeNull();
  });

  test("drops a translation that does not state the monthly cap", () => {
    const texts = { ...DISCLOSURE.texts, fr: "Acme Outdoors : SMS marketing." };
    expect(parseDisclosure(json({ ...DISCLOSURE, texts }))?.texts).not.toHaveProperty("fr");
  });

  test("appUrl is optional, without a trailing slash", () => {
    const { appUrl: _, ...withoutApp } = DISCLOSURE;
    expect(parseDisclosure(json(withoutApp))?.appUrl).toBeUndefined();
    expect(parseDisclosure(json({ ...DISCLOSURE, appUrl: "https://a.example/" }))?.appUrl).toBe("https://a.example");
  });
});

test("findDisclosure picks $app/sms_disclosure among the metafields", () => {
  const other = { ...disclosureEntry(), metafield: { ...disclosureEntry().metafield, key: "other" } };
  expect(findDisclosure([other, disclosureEntry()])?.versionId).toBe(DISCLOSURE.versionId);
  expect(findDisclosure([other])).toBeNull();
  expect(findDisclosure([])).toBeNull();
});

test.each([
  ["en", "en"],
  ["es-MX", "es"],
  ["fr", "fr"],
  ["fr-CA", "fr"],
  ["de", "en"],
])("the text for %s is the %s one", (language, locale) => {
  expect(disclosureText(DISCLOSURE, language)).toEqual({
    locale,
    text: DISCLOSURE.texts[locale as keyof typeof DISCLOSURE.texts],
  });
});
