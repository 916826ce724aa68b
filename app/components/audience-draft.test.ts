import { describe, expect, it } from "vitest";
import { audienceDraftOf, EMPTY_AUDIENCE_DRAFT, readAudienceDraft, type AudienceDraft } from "./audience-draft";

const segment = (changes: Partial<AudienceDraft>): AudienceDraft => ({ ...EMPTY_AUDIENCE_DRAFT, kind: "segment", ...changes });

describe("the audience picker's draft", () => {
  it("is everyone until the merchant picks a segment", () => {
    expect(readAudienceDraft(EMPTY_AUDIENCE_DRAFT)).toEqual({ ok: true, filter: { kind: "all" } });
    expect(readAudienceDraft({ ...EMPTY_AUDIENCE_DRAFT, sources: ["checkout"] })).toEqual({ ok: true, filter: { kind: "all" } });
  });

  it("leaves out every condition set to any", () => {
    expect(readAudienceDraft(segment({}))).toEqual({ ok: true, filter: { kind: "segment" } });
  });

  it("reads each condition the way the filter stores it", () => {
    const draft = segment({
      sources: ["checkout", "keyword"],
      locales: ["fr"],
      regions: "us-fl, US-TX  ca-on",
      subscribedAfter: "2026-01-01",
      subscribedBefore: "2026-11-01",
      ordered: "did_not",
      orderedWithinDays: "90",
      clicked: true,
      clickedWithinDays: "14",
    });
    const read = readAudienceDraft(draft);
    expect(read).toEqual({
      ok: true,
      filter: {
        kind: "segment",
        sources: ["checkout", "keyword"],
        locales: ["fr"],
        regions: ["US-FL", "US-TX", "CA-ON"],
        subscribedAfter: "2026-01-01",
        subscribedBefore: "2026-11-01",
        ordered: { withinDays: 90, did: false },
        clicked: { withinDays: 14 },
      },
    });
    expect(read.ok && audienceDraftOf(read.filter)).toEqual({ ...draft, regions: "US-FL, US-TX, CA-ON" });
  });

  it("puts each problem next to the field the merchant typed it in", () => {
    expect(readAudienceDraft(segment({ ordered: "did", orderedWithinDays: "" }))).toEqual({ ok: false, errors: { orderedWithinDays: "Enter a number of days" } });
    expect(readAudienceDraft(segment({ clicked: true, clickedWithinDays: "0" }))).toEqual({ ok: false, errors: { clickedWithinDays: "At least 1 day" } });
    expect(readAudienceDraft(segment({ regions: "Florida" }))).toEqual({ ok: false, errors: { regions: "Use region codes such as US-FL or CA-ON" } });
    expect(readAudienceDraft(segment({ subscribedAfter: "2026-11-01", subscribedBefore: "2026-10-01" }))).toEqual({
      ok: false,
      errors: { subscribedBefore: "“Subscribed before” must be later than “subscribed after”: nobody can match both" },
    });
  });

  it("shows everyone as an empty draft", () => {
    expect(audienceDraftOf({ kind: "all" })).toEqual(EMPTY_AUDIENCE_DRAFT);
  });
});
