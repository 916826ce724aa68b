import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { capVerdict, type FrequencyRules } from "./frequency-caps";

const HOUR = 60 * 60 * 1000;
const RULES: FrequencyRules = { dailyCap: 3, monthlyCap: 6, smartSendingHours: 0, stateDailyCap: null, timezone: "America/New_York" };
const NOW = new Date("2026-11-20T15:00:00Z");
const ago = (hours: number, from = NOW) => new Date(from.getTime() - hours * HOUR);
const history = (...sentAt: Date[]) => ({ sentAt });

describe("capVerdict: the rolling 24 hours", () => {
  it("allows the third text of a day and refuses the fourth", () => {
    expect(capVerdict(history(ago(5), ago(2)), RULES, NOW)).toEqual({ ok: true });
    expect(capVerdict(history(ago(5), ago(3), ago(2)), RULES, NOW)).toEqual({ ok: false, reason: "daily_cap" });
  });

  it("no longer counts a text sent exactly 24 hours ago, and still counts one sent a millisecond later", () => {
    expect(capVerdict(history(ago(24), ago(3), ago(2)), RULES, NOW)).toEqual({ ok: true });
    expect(capVerdict(history(new Date(ago(24).getTime() + 1), ago(3), ago(2)), RULES, NOW)).toEqual({ ok: false, reason: "daily_cap" });
  });

  it("takes the stricter of the shop's cap and the state's", () => {
    const twoSent = history(ago(3), ago(2));
    expect(capVerdict(twoSent, { ...RULES, dailyCap: 5, stateDailyCap: 2 }, NOW)).toEqual({ ok: false, reason: "daily_cap" });
    expect(capVerdict(twoSent, { ...RULES, dailyCap: 2, stateDailyCap: 3 }, NOW)).toEqual({ ok: false, reason: "daily_cap" });
    expect(capVerdict(twoSent, { ...RULES, dailyCap: 5, stateDailyCap: 3 }, NOW)).toEqual({ ok: true });
  });

  it("counts a text dated after `at` (another machine's clock) as recent", () => {
    expect(capVerdict(history(ago(2), ago(1), ago(-0.01)), RULES, NOW)).toEqual({ ok: false, reason: "daily_cap" });
  });
});

describe("capVerdict: the calendar month in the shop's zone", () => {
  it("refuses the seventh text of a month and allows it in the next", () => {
    const november = history(...[18, 15, 12, 9, 6, 3].map((days) => ago(days * 24)));
    expect(capVerdict(november, RULES, NOW)).toEqual({ ok: false, reason: "monthly_cap" });
    const fiveThisMonth = history(...[18, 15, 12, 9, 6].map((days) => ago(days * 24)));
    expect(capVerdict(fiveThisMonth, RULES, NOW)).toEqual({ ok: true });
  });

  it("starts the month at midnight in the shop's zone, not in UTC", () => {
    // Six texts on 1 November (from 08:00Z, 1 November in New York and Los Angeles alike); a seventh on
    // 30 November at 23:30 New York time is still November.
    const sixOnTheFirst = history(...[0, 1, 2, 3, 4, 5].map((hour) => new Date(Date.UTC(2026, 10, 1, 8 + hour))));
    const lateOnTheThirtieth = new Date("2026-12-01T04:30:00Z"); // 23:30 EST on 30 November
    expect(capVerdict(sixOnTheFirst, RULES, lateOnTheThirtieth)).toEqual({ ok: false, reason: "monthly_cap" });
    // Half an hour later it is December in New York (already December in UTC since 00:00Z).
    expect(capVerdict(sixOnTheFirst, RULES, new Date("2026-12-01T05:00:00Z"))).toEqual({ ok: true });
    // In Los Angeles, 05:00Z on 1 December is still 30 November.
    expect(capVerdict(sixOnTheFirst, { ...RULES, timezone: "America/Los_Angeles" }, new Date("2026-12-01T05:00:00Z"))).toEqual({
      ok: false,
      reason: "monthly_cap",
    });
  });

  it("counts a text sent at the very first instant of the month in that month, and one a millisecond before in the last", () => {
    const firstInstant = new Date("2026-11-01T04:00:00Z"); // 00:00 EDT, 1 November
    const rules = { ...RULES, monthlyCap: 1 };
    expect(capVerdict(history(firstInstant), rules, NOW)).toEqual({ ok: false, reason: "monthly_cap" });
    expect(capVerdict(history(new Date(firstInstant.getTime() - 1)), rules, NOW)).toEqual({ ok: true });
  });
});

describe("capVerdict: smart sending", () => {
  it("skips anyone texted within the gap, and is off at 0", () => {
    const rules = { ...RULES, smartSendingHours: 16 };
    expect(capVerdict(history(ago(15.9)), rules, NOW)).toEqual({ ok: false, reason: "smart_sending" });
    expect(capVerdict(history(ago(16)), rules, NOW)).toEqual({ ok: true });
    expect(capVerdict(history(ago(1)), RULES, NOW)).toEqual({ ok: true });
  });

  it("names the daily cap first when several are reached", () => {
    expect(capVerdict(history(ago(3), ago(2), ago(1)), { ...RULES, monthlyCap: 3, smartSendingHours: 8 }, NOW)).toEqual({
      ok: false,
      reason: "daily_cap",
    });
    expect(capVerdict(history(ago(30), ago(1)), { ...RULES, monthlyCap: 2, smartSendingHours: 8 }, NOW)).toEqual({
      ok: false,
      reason: "monthly_cap",
    });
  });
});

describe("capVerdict, properties", () => {
  it("never allows more than the daily cap in any 24 hours, sending whenever it says yes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 10 * 24 * 60 }), { minLength: 1, maxLength: 60 }),
        (cap, minutes) => {
          const rules = { ...RULES, dailyCap: cap, monthlyCap: 1000 };
          const start = new Date("2026-11-01T12:00:00Z").getTime();
          const sent: Date[] = [];
          for (const minute of [...minutes].sort((a, b) => a - b)) {
            const at = new Date(start + minute * 60_000);
            if (capVerdict({ sentAt: sent }, rules, at).ok) sent.push(at);
          }
          for (const text of sent) {
            const within = sent.filter((other) => other.getTime() <= text.getTime() && other.getTime() > text.getTime() - 24 * HOUR);
            expect(within.length).toBeLessThanOrEqual(cap);
          }
        },
      ),
    );
  });

  it("refuses an unknown zone", () => {
    expect(() => capVerdict(history(), { ...RULES, timezone: "Mars/Olympus" }, NOW)).toThrow(/Unknown time zone/);
  });
});
