import { describe, expect, it } from "vitest";
import { AudienceFilterSchema, hasConditions, readStoredAudience, storedAudience } from "./audience";

describe("AudienceFilterSchema", () => {
  it("refuses conditions nobody can meet or the database cannot read", () => {
    expect(AudienceFilterSchema.safeParse({ kind: "segment", subscribedAfter: "2026-11-10", subscribedBefore: "2026-11-01" }).success).toBe(false);
    expect(AudienceFilterSchema.safeParse({ kind: "segment", subscribedAfter: "2026-02-30" }).success).toBe(false);
    expect(AudienceFilterSchema.safeParse({ kind: "segment", sources: ["carrier pigeon"] }).success).toBe(false);
    expect(AudienceFilterSchema.safeParse({ kind: "segment", sources: [] }).success).toBe(false);
    expect(AudienceFilterSchema.safeParse({ kind: "segment", ordered: { withinDays: 0, did: true } }).success).toBe(false);
    expect(AudienceFilterSchema.safeParse({ kind: "all", sources: ["form"] }).success).toBe(false);
    expect(AudienceFilterSchema.parse({ kind: "segment", regions: [" us-fl "], locales: ["FR"] })).toEqual({ kind: "segment", regions: ["US-FL"], locales: ["fr"] });
  });
});

describe("stored audiences", () => {
  it("round-trip, and a segment without conditions is stored as everyone", () => {
    const filter = AudienceFilterSchema.parse({ kind: "segment", sources: ["checkout"], ordered: { withinDays: 30, did: false } });
    expect(readStoredAudience(storedAudience(filter))).toEqual(filter);
    expect(hasConditions({ kind: "segment" })).toBe(false);
    expect(storedAudience({ kind: "segment" })).toBe('{"kind":"all"}');
    expect(() => readStoredAudience('{"kind":"segment","sources":"checkout"}')).toThrow(/not a valid filter/);
  });
});
