import { describe, expect, it } from "vitest";
import { clickRate, costMicros, revenueReturns, totalRevenue } from "./campaign-figures";

describe("campaign figures", () => {
  it("click rate is unique clickers over delivered, none before a delivery", () => {
    expect(clickRate(25, 1000)).toBe(0.025);
    expect(clickRate(0, 0)).toBeNull();
  });

  it("cost is segments times the segment price, in micros", () => {
    expect(costMicros(200_000, 8300)).toBe(1_660_000_000);
  });

  it("return on cost only for US dollars, which the segment price is in", () => {
    // $83.00 spent (10,000 segments at $0.0083), $830.00 earned: 10 per dollar.
    expect(revenueReturns([{ currency: "USD", orders: 4, revenueMinor: 83_000 }, { currency: "CAD", orders: 1, revenueMinor: 500 }], 5000, 83_000_000)).toEqual([
      { currency: "USD", revenuePerTextMinor: 16.6, returnOnCost: 10 },
      { currency: "CAD", revenuePerTextMinor: 0.1, returnOnCost: null },
    ]);
    expect(revenueReturns([{ currency: "USD", orders: 1, revenueMinor: 100 }], 0, 0)).toEqual([{ currency: "USD", revenuePerTextMinor: null, returnOnCost: null }]);
  });

  it("adds click- and delivery-credited revenue per currency", () => {
    expect(totalRevenue([{ currency: "USD", orders: 2, revenueMinor: 6500 }], [{ currency: "USD", orders: 1, revenueMinor: 3000 }, { currency: "EUR", orders: 1, revenueMinor: 10 }])).toEqual([
      { currency: "EUR", orders: 1, revenueMinor: 10 },
      { currency: "USD", orders: 3, revenueMinor: 9500 },
    ]);
  });
});
