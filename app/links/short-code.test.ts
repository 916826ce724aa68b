import { describe, expect, it } from "vitest";
import { isShortCode, newShortCode, SHORT_CODE_LENGTH } from "./short-code";

describe("newShortCode", () => {
  it("is 8 base62 characters", () => {
    for (let i = 0; i < 1000; i += 1) {
      const code = newShortCode();
      expect(code).toMatch(/^[0-9A-Za-z]{8}$/);
      expect(isShortCode(code)).toBe(true);
    }
    expect(SHORT_CODE_LENGTH).toBe(8);
  });

  it("does not repeat over 100,000 codes and uses every character about equally", () => {
    const codes = new Set<string>();
    const counts = new Map<string, number>();
    for (let i = 0; i < 100_000; i += 1) {
      const code = newShortCode();
      codes.add(code);
      for (const char of code) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect(codes.size).toBe(100_000);
    expect(counts.size).toBe(62);
    const expected = (100_000 * 8) / 62; // ≈ 12,903 per character
    for (const count of counts.values()) expect(Math.abs(count - expected)).toBeLessThan(expected * 0.06);
  });
});

describe("isShortCode", () => {
  it.each(["", "abc", "abcdefghi", "abcd-fgh", "abcd/fgh", "ab%20fgh", "abcdéfgh"])("refuses %j", (text) => {
    expect(isShortCode(text)).toBe(false);
  });
});
