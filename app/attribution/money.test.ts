import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { minorDigitsOf, toMinorUnits } from "./money";

describe("toMinorUnits", () => {
  it("reads Shopify's decimal text exactly, in the currency's minor unit", () => {
    expect(toMinorUnits("19.99", "USD")).toBe(1999);
    expect(toMinorUnits("0.10", "USD")).toBe(10);
    expect(toMinorUnits("48", "USD")).toBe(4800);
    expect(toMinorUnits("1500", "JPY")).toBe(1500);
    expect(toMinorUnits("1500.00", "JPY")).toBe(1500);
    expect(toMinorUnits("3.250", "KWD")).toBe(3250);
    expect(toMinorUnits("3.25", "KWD")).toBe(3250);
    expect(toMinorUnits("1.005", "BHD")).toBe(1005);
    expect(toMinorUnits(" 12.30 ", "EUR")).toBe(1230);
  });

  it("is exact where a float is not: 0.29 is 29 cents, not 28", () => {
    expect(Math.floor(0.29 * 100)).toBe(28); // the float way
    expect(toMinorUnits("0.29", "USD")).toBe(29);
    expect(toMinorUnits("1.15", "USD")).toBe(115);
  });

  it("refuses what it cannot read exactly rather than guess", () => {
    expect(toMinorUnits("19.999", "USD")).toBeNull();
    expect(toMinorUnits("1500.5", "JPY")).toBeNull();
    expect(toMinorUnits("-5.00", "USD")).toBeNull();
    expect(toMinorUnits("1e3", "USD")).toBeNull();
    expect(toMinorUnits("", "USD")).toBeNull();
    expect(toMinorUnits("12.00", "usd")).toBeNull();
    expect(toMinorUnits("12.00", "")).toBeNull();
    expect(toMinorUnits("99999999999999999.00", "USD")).toBeNull();
  });

  it("knows each currency's minor digits", () => {
    expect([minorDigitsOf("USD"), minorDigitsOf("JPY"), minorDigitsOf("KWD"), minorDigitsOf("CLP"), minorDigitsOf("nope")]).toEqual([2, 0, 3, 0, null]);
  });

  it("reads back any amount written with the currency's digits", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.constantFrom("USD", "JPY", "KWD", "EUR"), (minor, currency) => {
        const digits = minorDigitsOf(currency)!;
        const text = digits === 0 ? String(minor) : `${Math.floor(minor / 10 ** digits)}.${String(minor % 10 ** digits).padStart(digits, "0")}`;
        expect(toMinorUnits(text, currency)).toBe(minor);
      }),
    );
  });
});
