import { describe, expect, it } from "vitest";
import { minutesOfClock } from "./quiet-hours";
import { FEDERAL_WINDOW, STATE_SENDING_RULES, stateDailyCap, stateSendingRule, stateWindowOn, type IsoWeekday } from "./state-quiet-hours";

const WEEK: IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];

describe("the state table", () => {
  it("has one rule per region, each with its source and windows that are real times of day", () => {
    expect(new Set(STATE_SENDING_RULES.map((rule) => rule.region)).size).toBe(STATE_SENDING_RULES.length);
    for (const rule of STATE_SENDING_RULES) {
      expect(rule.region).toMatch(/^US-[A-Z]{2}$/);
      expect(rule.source.length).toBeGreaterThan(20);
      for (const weekday of WEEK) {
        const window = stateWindowOn(rule, weekday);
        expect(minutesOfClock(window.start)).toBeLessThan(minutesOfClock(window.end));
      }
    }
    expect(FEDERAL_WINDOW).toEqual({ start: "08:00", end: "21:00" });
  });

  it("holds the windows and caps of the compliance notes", () => {
    const summary = Object.fromEntries(STATE_SENDING_RULES.map((rule) => [rule.region, [rule.window.start, rule.window.end, rule.dailyCap]]));
    expect(summary).toEqual({
      "US-FL": ["08:00", "20:00", 3],
      "US-MD": ["08:00", "20:00", 3],
      "US-OK": ["08:00", "20:00", 3],
      "US-CT": ["09:00", "20:00", null],
      "US-NJ": ["08:00", "21:00", 3],
      "US-TX": ["09:00", "21:00", null],
    });
    const texas = stateSendingRule("US-TX")!;
    expect(WEEK.map((weekday) => stateWindowOn(texas, weekday).start)).toEqual(["09:00", "09:00", "09:00", "09:00", "09:00", "09:00", "12:00"]);
  });

  it("looks regions up in any case, and knows none for states without rules", () => {
    expect(stateSendingRule(" us-fl ")?.state).toBe("Florida");
    expect(stateSendingRule("US-NY")).toBeNull();
  });

  it("takes the strictest statutory daily cap of the regions, or none", () => {
    expect(stateDailyCap(["US-TX", "US-FL"])).toBe(3);
    expect(stateDailyCap(["US-TX", "US-CT"])).toBeNull();
    expect(stateDailyCap([])).toBeNull();
  });
});
