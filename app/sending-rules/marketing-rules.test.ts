import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { marketingRulesVerdict, type MarketingRulesSettings } from "./marketing-rules";
import type { RecipientLocation } from "./recipient-location";

const SETTINGS: MarketingRulesSettings = {
  timezone: "America/New_York",
  quietHoursStart: "21:00",
  quietHoursEnd: "08:00",
  maxMessagesPerDay: 3,
  maxMessagesPerMonth: 6,
  smartSendingHours: 0,
};
const place = (zones: string[], regions: string[] = []): RecipientLocation => ({ zones, regions, source: "area_code" });
const NEW_YORK = place(["America/New_York"]);
const FLORIDA_EAST = place(["America/New_York"], ["US-FL"]);
const HOUR = 60 * 60 * 1000;
// Friday 27 November 2026, 10:00 in New York (EST, UTC-5).
const MORNING = new Date("2026-11-27T15:00:00Z");
const ago = (hours: number) => new Date(MORNING.getTime() - hours * HOUR);

describe("marketingRulesVerdict", () => {
  it("sends inside the window and under every cap", () => {
    expect(marketingRulesVerdict(SETTINGS, NEW_YORK, [ago(30)], MORNING)).toEqual({ action: "send" });
  });

  it("defers a text due in quiet hours to the recipient's next allowed minute, whatever the history", () => {
    // 21:30 in New York: the federal window and the shop's quiet hours both say 8:00 the next morning.
    const evening = new Date("2026-11-28T02:30:00Z");
    const full = [1, 2, 3].map((hours) => new Date(evening.getTime() - hours * HOUR));
    expect(marketingRulesVerdict(SETTINGS, NEW_YORK, full, evening)).toEqual({
      action: "defer",
      until: new Date("2026-11-28T13:00:00Z"),
      reason: "quiet_hours",
    });
  });

  it("skips with no_send_window when the shop's quiet hours leave no minute", () => {
    const alwaysQuiet = { ...SETTINGS, quietHoursStart: "00:00", quietHoursEnd: "23:59" };
    expect(marketingRulesVerdict(alwaysQuiet, NEW_YORK, [], MORNING)).toEqual({ action: "skip", reason: "no_send_window" });
  });

  it("skips over the shop's daily cap, the state's daily cap, the monthly cap and the smart-sending gap", () => {
    expect(marketingRulesVerdict(SETTINGS, NEW_YORK, [ago(1), ago(2), ago(3)], MORNING)).toEqual({ action: "skip", reason: "daily_cap" });
    // Florida caps at 3 per 24 hours even when the shop allows 5.
    const generous = { ...SETTINGS, maxMessagesPerDay: 5 };
    expect(marketingRulesVerdict(generous, NEW_YORK, [ago(1), ago(2), ago(3)], MORNING)).toEqual({ action: "send" });
    expect(marketingRulesVerdict(generous, FLORIDA_EAST, [ago(1), ago(2), ago(3)], MORNING)).toEqual({ action: "skip", reason: "daily_cap" });
    const thisMonth = [25, 50, 75, 100, 125, 150].map(ago);
    expect(marketingRulesVerdict(SETTINGS, NEW_YORK, thisMonth, MORNING)).toEqual({ action: "skip", reason: "monthly_cap" });
    expect(marketingRulesVerdict({ ...SETTINGS, smartSendingHours: 6 }, NEW_YORK, [ago(5)], MORNING)).toEqual({ action: "skip", reason: "smart_sending" });
  });

  it("does not depend on the order of the history (a batch passes it unsorted)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 * 24 }), { maxLength: 8 }),
        fc.integer({ min: 0, max: 12 }),
        (hoursAgo, smartSendingHours) => {
          const history = hoursAgo.map(ago);
          const settings = { ...SETTINGS, smartSendingHours };
          const sorted = [...history].sort((a, b) => a.getTime() - b.getTime());
          expect(marketingRulesVerdict(settings, NEW_YORK, history, MORNING)).toEqual(marketingRulesVerdict(settings, NEW_YORK, sorted, MORNING));
        },
      ),
    );
  });
});
