import { describe, expect, it } from "vitest";
import { bucketKeyOfSlot, bucketsBetween, bucketUnitFor, foldSlots, slotOf } from "./time-buckets";

describe("time buckets", () => {
  it("uses hours for up to three days and days beyond", () => {
    const from = new Date("2026-11-20T00:00:00Z");
    expect(bucketUnitFor(from, new Date("2026-11-23T00:00:00Z"))).toBe("hour");
    expect(bucketUnitFor(from, new Date("2026-11-23T00:00:01Z"))).toBe("day");
  });

  it("counts the shop's days across a DST change (a 25-hour day holds all its slots)", () => {
    // 2026-11-01 is 25 hours long in New York: 04:00Z to 05:00Z the next day.
    const zone = "America/New_York";
    const buckets = bucketsBetween(new Date("2026-10-31T12:00:00Z"), new Date("2026-11-02T12:00:00Z"), "day", zone);
    expect(buckets.map((b) => b.label)).toEqual(["Oct 31", "Nov 1", "Nov 2"]);
    const rows = [
      { slot: slotOf(new Date("2026-11-01T04:00:00Z")), name: "n" as const, value: 1 }, // 00:00 EDT: Nov 1
      { slot: slotOf(new Date("2026-11-02T04:45:00Z")), name: "n" as const, value: 1 }, // 23:45 EST: still Nov 1
      { slot: slotOf(new Date("2026-11-02T05:00:00Z")), name: "n" as const, value: 1 }, // 00:00 EST: Nov 2
      { slot: slotOf(new Date("2026-11-05T05:00:00Z")), name: "n" as const, value: 7 }, // outside the buckets
    ];
    expect(foldSlots(buckets, "day", zone, rows, ["n"]).map((b) => b.n)).toEqual([0, 2, 1]);
  });

  it("keeps the repeated hour of a DST fall-back apart", () => {
    const zone = "America/New_York";
    const buckets = bucketsBetween(new Date("2026-11-01T05:00:00Z"), new Date("2026-11-01T06:59:00Z"), "hour", zone);
    expect(buckets.map((b) => b.key)).toEqual(["2026-11-01T01:00:00.000-04:00", "2026-11-01T01:00:00.000-05:00"]);
    expect(bucketKeyOfSlot(slotOf(new Date("2026-11-01T06:30:00Z")), "hour", zone)).toBe("2026-11-01T01:00:00.000-05:00");
  });

  it("folds quarter-hour slots into a half-hour zone's hours exactly", () => {
    const zone = "Asia/Kolkata"; // UTC+05:30
    const buckets = bucketsBetween(new Date("2026-11-20T00:30:00Z"), new Date("2026-11-20T01:29:00Z"), "hour", zone);
    expect(buckets.map((b) => b.label)).toEqual(["Nov 20, 06:00"]);
    const rows = [
      { slot: slotOf(new Date("2026-11-20T00:30:00Z")), name: "n" as const, value: 1 },
      { slot: slotOf(new Date("2026-11-20T01:15:00Z")), name: "n" as const, value: 1 },
    ];
    expect(foldSlots(buckets, "hour", zone, rows, ["n"])[0]!.n).toBe(2);
  });
});
