import { describe, expect, it } from "vitest";
import { campaignSlug, withUtm } from "./utm";

const campaign = { campaignName: "Black Friday — 20% off!", campaignId: "cmp_123" };

describe("withUtm", () => {
  it("adds source, medium, campaign and id to a plain URL", () => {
    expect(withUtm("https://shop.example.com/products/hat", campaign)).toBe(
      "https://shop.example.com/products/hat?utm_source=sms&utm_medium=campaign&utm_campaign=black-friday-20-off&utm_id=cmp_123",
    );
  });

  it("keeps the merchant's query as written and its fragment at the end", () => {
    expect(withUtm("https://shop.example.com/search?q=red+hat&size=M%2FL#reviews", campaign)).toBe(
      "https://shop.example.com/search?q=red+hat&size=M%2FL&utm_source=sms&utm_medium=campaign&utm_campaign=black-friday-20-off&utm_id=cmp_123#reviews",
    );
    expect(withUtm("https://shop.example.com/?", campaign)).toBe(
      "https://shop.example.com/?utm_source=sms&utm_medium=campaign&utm_campaign=black-friday-20-off&utm_id=cmp_123",
    );
  });

  it("never overrides a utm parameter the merchant set, in any case", () => {
    expect(withUtm("https://shop.example.com/?utm_campaign=bf2026&UTM_SOURCE=text", campaign)).toBe(
      "https://shop.example.com/?utm_campaign=bf2026&UTM_SOURCE=text&utm_medium=campaign&utm_id=cmp_123",
    );
    const complete = "https://shop.example.com/?utm_source=a&utm_medium=b&utm_campaign=c&utm_id=d";
    expect(withUtm(complete, campaign)).toBe(complete);
  });

  it("uses the campaign id when the name has no letters or digits", () => {
    expect(withUtm("https://shop.example.com", { campaignName: "🎉🎉", campaignId: "cmp_9" })).toContain("utm_campaign=cmp_9");
  });

  it("leaves anything that is not an http(s) URL alone", () => {
    expect(withUtm("mailto:help@shop.example.com", campaign)).toBe("mailto:help@shop.example.com");
    expect(withUtm("not a url", campaign)).toBe("not a url");
  });
});

describe("campaignSlug", () => {
  it("is lower case words joined by hyphens, accents dropped", () => {
    expect(campaignSlug("  Été SALE: 2 for 1 ")).toBe("ete-sale-2-for-1");
  });
});
