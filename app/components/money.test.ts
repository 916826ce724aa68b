import { describe, expect, it } from "vitest";
import { formatMicrosAsDollars, formatMicrosAsPrice } from "./money";

describe("money as the admin shows it", () => {
  it.each([
    [8300, "0.0083"],
    [7900, "0.0079"],
    [10_000, "0.01"],
    [1_000_000, "1.00"],
    [0, "0.00"],
    [1, "0.000001"],
  ])("shows a unit price of %i millionths as %s", (micros, shown) => {
    expect(formatMicrosAsPrice(micros)).toBe(shown);
  });

  it.each([
    [0, "$0.00"],
    [8300, "$0.0083"],
    [2 * 150 * 8300, "$2.49"],
    [1_234_567_890, "$1,234.57"],
  ])("shows a total of %i millionths as %s", (micros, shown) => {
    expect(formatMicrosAsDollars(micros)).toBe(shown);
  });
});
