import { describe, expect, it } from "vitest";
import { formatMinor, minorToMajor } from "./order-money";

describe("order money", () => {
  it("formats minor units in the currency's own digits", () => {
    expect(formatMinor(123456, "USD")).toBe("$1,234.56");
    expect(formatMinor(1500, "JPY")).toBe("¥1,500");
    expect(formatMinor(3250, "KWD")).toMatch(/^KWD\s3\.250$/); // ICU puts a no-break space after the code
    expect(minorToMajor(999, "EUR")).toBe(9.99);
  });

  it("keeps fractions of a cent when asked (revenue per text)", () => {
    expect(formatMinor(1583.333, "USD", { extraDigits: 2 })).toBe("$15.8333");
  });
});
