import { describe, expect, it } from "vitest";
import { describeAudience } from "./audience-picker";

describe("an audience in one sentence", () => {
  it("says everyone for no conditions", () => {
    expect(describeAudience({ kind: "all" })).toBe("Everyone subscribed");
    expect(describeAudience({ kind: "segment" })).toBe("Everyone subscribed");
  });

  it("names every condition of a segment", () => {
    expect(
      describeAudience({
        kind: "segment",
        sources: ["checkout", "keyword"],
        locales: ["fr"],
        regions: ["US-FL", "US-TX"],
        subscribedAfter: "2026-01-01",
        ordered: { withinDays: 90, did: false },
        clicked: { withinDays: 14 },
      }),
    ).toBe(
      "Subscribers subscribed through checkout or texted a keyword; language fr; in US-FL or US-TX; subscribed on or after 2026-01-01; did not order in the last 90 days; clicked a link in the last 14 days",
    );
  });
});
