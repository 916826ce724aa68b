import { describe, expect, it } from "vitest";
import { acceptedLanguages, createLocaleFormat, localeOfRequest, supportedLocale, usableTimeZone } from "./locale-format";

const request = (url: string, acceptLanguage?: string) => new Request(url, { headers: acceptLanguage ? { "Accept-Language": acceptLanguage } : {} });
// ICU separates some parts with no-break or narrow no-break spaces: compare with plain ones.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("the merchant's locale", () => {
  it("takes Shopify admin's locale from the URL first", () => {
    expect(localeOfRequest(request("https://app.example/app?embedded=1&locale=fr", "de-DE,de;q=0.9"))).toBe("fr");
    expect(localeOfRequest(request("https://app.example/app?locale=pt-br"))).toBe("pt-BR");
  });

  it("then the browser's languages by preference, then en-US", () => {
    expect(localeOfRequest(request("https://app.example/app", "de-DE,de;q=0.9,en;q=0.8"))).toBe("de-DE");
    expect(localeOfRequest(request("https://app.example/app", "en;q=0.5, ja;q=0.9"))).toBe("ja");
    expect(localeOfRequest(request("https://app.example/app"))).toBe("en-US");
  });

  it("skips what ICU cannot format in, and malformed tags, rather than failing", () => {
    expect(localeOfRequest(request("https://app.example/app?locale=not_a_locale!!", "*, xx-invalid-tag-that-is-long, es-MX"))).toBe("es-MX");
    expect(localeOfRequest(request("https://app.example/app?locale=", "*"))).toBe("en-US");
    expect(supportedLocale("x".repeat(100))).toBeNull();
    expect(supportedLocale("en_GB")).toBe("en-GB");
  });

  it("reads Accept-Language weights, dropping q=0", () => {
    expect(acceptedLanguages("fr-CA,fr;q=0.9,en;q=0.8,de;q=0")).toEqual(["fr-CA", "fr", "en"]);
    expect(acceptedLanguages("")).toEqual([]);
    expect(acceptedLanguages(null)).toEqual([]);
  });

  it("falls back to UTC for a zone Intl does not know", () => {
    expect(usableTimeZone("America/New_York")).toBe("America/New_York");
    expect(usableTimeZone("Mars/Olympus_Mons")).toBe("UTC");
    expect(usableTimeZone(null)).toBe("UTC");
  });
});

describe("formatting in the merchant's locale and the shop's time zone", () => {
  const at = new Date("2026-09-03T18:02:00Z"); // 14:02 in New York (EDT), 20:02 in Paris

  it("formats counts, decimals and percentages in the locale", () => {
    const us = createLocaleFormat("en-US", "America/New_York");
    const fr = createLocaleFormat("fr-FR", "Europe/Paris");
    const de = createLocaleFormat("de-DE", "Europe/Berlin");
    expect(us.count(1234567)).toBe("1,234,567");
    expect(plain(fr.count(1234567))).toBe("1 234 567");
    expect(de.count(1234567)).toBe("1.234.567");
    expect(us.decimal(2.46)).toBe("2.5");
    expect(de.decimal(2.46)).toBe("2,5");
    expect(us.percent(0.1234)).toBe("12.3%");
    expect(plain(fr.percent(0.1234))).toBe("12,3 %");
    expect(us.percent(null)).toBe("—");
    expect(us.percent(Number.NaN)).toBe("—");
  });

  it("formats money in minor units and in millionths of a dollar", () => {
    const us = createLocaleFormat("en-US", "UTC");
    const fr = createLocaleFormat("fr-FR", "UTC");
    expect(us.money(123456, "USD")).toBe("$1,234.56");
    expect(us.money(1500, "JPY")).toBe("¥1,500");
    expect(plain(fr.money(123456, "EUR"))).toBe("1 234,56 €");
    expect(us.money(1583.333, "USD", { extraDigits: 2 })).toBe("$15.8333");
    expect(us.dollarsFromMicros(1_245_000)).toBe("$1.25");
    expect(us.dollarsFromMicros(8300)).toBe("$0.0083");
    expect(us.dollarsFromMicros(0)).toBe("$0.00");
    expect(plain(fr.dollarsFromMicros(1_245_000))).toBe("1,25 $US");
    expect(us.unitPriceFromMicros(8300)).toBe("$0.0083");
    expect(us.unitPriceFromMicros(12_500)).toBe("$0.0125");
    expect(us.unitPriceFromMicros(10_000)).toBe("$0.01");
    expect(plain(fr.unitPriceFromMicros(8300))).toBe("0,0083 $US");
  });

  it("shows dates and times in the shop's zone, naming the zone, whatever zone the machine runs in", () => {
    const us = createLocaleFormat("en-US", "America/New_York");
    expect(plain(us.dateTime(at))).toBe("Sep 3, 2026, 2:02 PM EDT");
    expect(plain(us.dateTime(at.toISOString()))).toBe("Sep 3, 2026, 2:02 PM EDT"); // as a loader's JSON carries it
    expect(us.date(at)).toBe("Sep 3, 2026");
    const gb = createLocaleFormat("en-GB", "Europe/London");
    expect(plain(gb.dateTime(at))).toBe("3 Sept 2026, 19:02 BST");
    // Late in the evening in New York is already the next day in UTC: the day shown is the shop's.
    expect(createLocaleFormat("en-US", "America/New_York").date(new Date("2026-09-04T02:00:00Z"))).toBe("Sep 3, 2026");
  });

  it("labels a chart's hours and days in the shop's zone", () => {
    const us = createLocaleFormat("en-US", "America/New_York");
    expect(us.bucket("2026-11-20T14:00:00.000-05:00", "day")).toBe("Nov 20");
    expect(plain(us.bucket("2026-11-20T14:00:00.000-05:00", "hour"))).toBe("Nov 20, 2:00 PM");
    expect(plain(createLocaleFormat("fr-FR", "Europe/Paris").bucket("2026-11-20T14:00:00.000+01:00", "hour"))).toBe("20 nov., 14:00");
  });

  it("shows an unreadable date as a dash rather than 'Invalid Date'", () => {
    expect(createLocaleFormat("en-US", "UTC").dateTime("not a date")).toBe("—");
  });

  it("shows a wall time (each recipient's local time) as written, in the locale, with no zone", () => {
    const us = createLocaleFormat("en-US", "America/New_York");
    const de = createLocaleFormat("de-DE", "Europe/Berlin");
    expect(plain(us.wallTime("2026-12-01T10:00"))).toBe("Dec 1, 2026, 10:00 AM");
    expect(plain(de.wallTime("2026-12-01T10:00"))).toBe("1. Dez. 2026, 10:00");
    expect(us.wallTime("2026-12-01")).toBe("Dec 1, 2026");
    expect(us.wallTime("2026-02-30T10:00")).toBe("2026-02-30T10:00"); // not a real day: left as it is
    expect(us.wallTime("soon")).toBe("soon");
  });

  it("stands in en-US and UTC for a locale or zone it cannot use", () => {
    const format = createLocaleFormat("??", "Nowhere/Atlantis");
    expect(format.locale).toBe("en-US");
    expect(format.timeZone).toBe("UTC");
    expect(plain(format.dateTime(at))).toBe("Sep 3, 2026, 6:02 PM UTC");
  });
});
