import { describe, expect, it } from "vitest";
import { shopQuietHoursLeaveSendingTime } from "./shop-send-window";

describe("shopQuietHoursLeaveSendingTime", () => {
  it("accepts quiet hours that leave part of the federal window", () => {
    expect(shopQuietHoursLeaveSendingTime({ start: "21:00", end: "08:00" })).toBe(true);
    expect(shopQuietHoursLeaveSendingTime({ start: "20:59", end: "08:00" })).toBe(true);
    expect(shopQuietHoursLeaveSendingTime({ start: "12:00", end: "20:59" })).toBe(true); // 08:00–12:00 and 20:59–21:00 remain
    expect(shopQuietHoursLeaveSendingTime({ start: "00:00", end: "00:00" })).toBe(true); // no quiet hours of the shop's own
  });

  it("refuses quiet hours that cover the whole federal window", () => {
    expect(shopQuietHoursLeaveSendingTime({ start: "08:00", end: "21:00" })).toBe(false);
    expect(shopQuietHoursLeaveSendingTime({ start: "07:00", end: "22:00" })).toBe(false);
    expect(shopQuietHoursLeaveSendingTime({ start: "07:59", end: "21:00" })).toBe(false);
  });
});
