import { describe, expect, it } from "vitest";
import type { RecipientLocation } from "../sending-rules/recipient-location";
import { auditText, lawWindowOn, type AuditedText } from "./sending-audit";

const NEW_YORK: RecipientLocation = { zones: ["America/New_York"], regions: [], source: "subscriber" };
const rules = { dailyCap: 3, monthlyCap: 6, timezone: "America/New_York" };
const text = (sentAt: string, before: string[] = [], location: RecipientLocation = NEW_YORK): AuditedText => ({
  messageId: "m",
  subscriberId: "s",
  campaignId: null,
  phone: "+12125550100",
  sentAt: new Date(sentAt),
  location,
  before: before.map((at) => new Date(at)),
});

describe("auditText", () => {
  it("takes the law's window at the recipient's location, to the second", () => {
    expect(auditText(text("2026-11-20T01:59:59Z"), rules)).toEqual([]); // 20:59:59 in New York
    expect(auditText(text("2026-11-20T02:00:00Z"), rules).map((e) => e.rule)).toEqual(["quiet_hours"]); // 21:00:00
    expect(auditText(text("2026-11-20T12:59:00Z"), rules).map((e) => e.rule)).toEqual(["quiet_hours"]); // 07:59
  });

  it("needs every zone of a split area to allow", () => {
    const split = { zones: ["America/New_York", "America/Chicago"], regions: ["US-FL"], source: "area_code" as const };
    const [exception] = auditText(text("2026-11-20T00:30:00Z", [], split), rules); // 19:30 Eastern, 18:30 Central: fine
    expect(exception).toBeUndefined();
    const late = auditText(text("2026-11-20T01:30:00Z", [], split), rules); // 20:30 Eastern: past Florida's 20:00
    expect(late[0]).toMatchObject({ rule: "quiet_hours", window: "8:00–20:00", localTimes: [{ time: "20:30" }, { time: "19:30" }] });
  });

  it("counts the daily cap over a rolling 24 hours and the monthly cap per calendar month in the shop's zone", () => {
    const day = ["2026-11-19T15:00:00Z", "2026-11-19T16:00:00Z", "2026-11-19T17:00:00Z"];
    expect(auditText(text("2026-11-20T15:00:01Z", day), rules)).toEqual([]); // the first is now 24 hours old
    expect(auditText(text("2026-11-20T14:59:59Z", day), rules).map((e) => [e.rule, "count" in e ? e.count : null])).toEqual([["daily_cap", 4]]);
    const month = ["2026-11-01T15:00:00Z", "2026-11-03T15:00:00Z", "2026-11-05T15:00:00Z", "2026-11-07T15:00:00Z", "2026-11-09T15:00:00Z", "2026-11-11T15:00:00Z"];
    expect(auditText(text("2026-11-20T15:00:00Z", month), rules)).toMatchObject([{ rule: "monthly_cap", count: 7, limit: 6 }]);
    // 30 Nov 23:30 in New York is still November: over; 1 Dec 00:30 is a new month.
    expect(auditText(text("2026-12-01T04:30:00Z", month), rules).map((e) => e.rule)).toEqual(["quiet_hours", "monthly_cap"]);
    expect(auditText(text("2026-12-01T05:30:00Z", month), rules).filter((e) => e.rule === "monthly_cap")).toEqual([]);
  });
});

describe("lawWindowOn", () => {
  it("narrows the federal window by each state's, weekday by weekday", () => {
    expect(lawWindowOn([], 1)).toBe("8:00–21:00");
    expect(lawWindowOn(["US-CT"], 1)).toBe("9:00–20:00");
    expect(lawWindowOn(["US-TX"], 7)).toBe("12:00–21:00");
    expect(lawWindowOn(["US-TX", "US-FL"], 7)).toBe("12:00–20:00");
  });
});
