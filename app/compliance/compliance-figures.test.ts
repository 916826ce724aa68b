import { describe, expect, it } from "vitest";
import { durationInWords, handlingTimesOf, nearestRankPercentile } from "./compliance-figures";

describe("nearestRankPercentile", () => {
  it("is the smallest value with at least p% at or below it", () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(nearestRankPercentile(hundred, 50)).toBe(50);
    expect(nearestRankPercentile(hundred, 99)).toBe(99);
    expect(nearestRankPercentile(hundred, 100)).toBe(100);
    expect(nearestRankPercentile([10, 20, 30, 40], 50)).toBe(20);
    expect(nearestRankPercentile([10, 20, 30, 40], 99)).toBe(40);
    expect(nearestRankPercentile([7], 1)).toBe(7);
  });

  it("is null for no values and refuses a percentile outside (0, 100]", () => {
    expect(nearestRankPercentile([], 50)).toBeNull();
    expect(() => nearestRankPercentile([1], 0)).toThrow(/between 0/);
    expect(() => nearestRankPercentile([1], 101)).toThrow(/between 0/);
  });
});

describe("handlingTimesOf", () => {
  it("sorts and gives count, p50, p99 and the longest", () => {
    expect(handlingTimesOf([300, 100, 200, 5000])).toEqual({ count: 4, p50Ms: 200, p99Ms: 5000, maxMs: 5000 });
    expect(handlingTimesOf([])).toEqual({ count: 0, p50Ms: null, p99Ms: null, maxMs: null });
  });
});

describe("durationInWords", () => {
  it("says a duration the way a person would", () => {
    expect(durationInWords(0)).toBe("under 1 ms");
    expect(durationInWords(0.4)).toBe("under 1 ms");
    expect(durationInWords(45)).toBe("45 ms");
    expect(durationInWords(999.4)).toBe("999 ms");
    expect(durationInWords(999.6)).toBe("1 s");
    expect(durationInWords(1234)).toBe("1.2 s");
    expect(durationInWords(59_940)).toBe("59.9 s");
    expect(durationInWords(59_999)).toBe("1 min");
    expect(durationInWords(60_000)).toBe("1 min");
    expect(durationInWords(200_000)).toBe("3 min 20 s");
    expect(durationInWords(2 * 3600_000 + 5 * 60_000)).toBe("2 h 5 min");
    expect(durationInWords(3600_000)).toBe("1 h");
  });

  it("formats numbers with the merchant's locale", () => {
    const german = (value: number, digits = 1) => new Intl.NumberFormat("de-DE", { maximumFractionDigits: digits }).format(value);
    expect(durationInWords(1234, german)).toBe("1,2 s");
  });

  it("refuses a negative or non-finite duration", () => {
    expect(() => durationInWords(-1)).toThrow();
    expect(() => durationInWords(Number.NaN)).toThrow();
  });
});
