import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allowedToSendAt, localWallTimeToInstant, nextAllowedSendTime, NoAllowedSendTimeError, type ShopQuietHours } from "./quiet-hours";
import type { RecipientLocation } from "./recipient-location";

const NO_SHOP_QUIET: ShopQuietHours = { start: "00:00", end: "00:00" };
const DEFAULT_SHOP_QUIET: ShopQuietHours = { start: "21:00", end: "08:00" };
const at = (iso: string) => new Date(iso);
const place = (zones: string[], regions: string[] = []): RecipientLocation => ({ zones, regions, source: "area_code" });

const NEW_YORK = place(["America/New_York"]);
const FLORIDA_EAST = place(["America/New_York"], ["US-FL"]);
const TEXAS_CENTRAL = place(["America/Chicago"], ["US-TX"]);
const IDAHO_TWO_ZONES = place(["America/Boise", "America/Los_Angeles"], ["US-ID"]);

describe("allowedToSendAt", () => {
  it("allows 08:00:00 to 20:59:59 at the recipient under federal law, and refuses 21:00:00", () => {
    // 27 November 2026, New York on EST (UTC-5).
    expect(allowedToSendAt(NEW_YORK, NO_SHOP_QUIET, at("2026-11-27T12:59:59Z"))).toBe(false);
    expect(allowedToSendAt(NEW_YORK, NO_SHOP_QUIET, at("2026-11-27T13:00:00Z"))).toBe(true);
    expect(allowedToSendAt(NEW_YORK, NO_SHOP_QUIET, at("2026-11-28T01:59:59.999Z"))).toBe(true);
    expect(allowedToSendAt(NEW_YORK, NO_SHOP_QUIET, at("2026-11-28T02:00:00Z"))).toBe(false);
  });

  it("applies a stricter state: Florida stops at 20:00", () => {
    expect(allowedToSendAt(FLORIDA_EAST, NO_SHOP_QUIET, at("2026-11-28T00:59:59Z"))).toBe(true);
    expect(allowedToSendAt(FLORIDA_EAST, NO_SHOP_QUIET, at("2026-11-28T01:00:00Z"))).toBe(false);
  });

  it("applies Texas's Sunday window: noon to 21:00", () => {
    // Sunday 29 November 2026, Chicago on CST (UTC-6).
    expect(allowedToSendAt(TEXAS_CENTRAL, NO_SHOP_QUIET, at("2026-11-29T17:59:00Z"))).toBe(false);
    expect(allowedToSendAt(TEXAS_CENTRAL, NO_SHOP_QUIET, at("2026-11-29T18:00:00Z"))).toBe(true);
    // Saturday: from 9:00.
    expect(allowedToSendAt(TEXAS_CENTRAL, NO_SHOP_QUIET, at("2026-11-28T14:59:00Z"))).toBe(false);
    expect(allowedToSendAt(TEXAS_CENTRAL, NO_SHOP_QUIET, at("2026-11-28T15:00:00Z"))).toBe(true);
  });

  it("requires every zone of the location to allow: Boise's 21:00 is 20:00 in Los Angeles", () => {
    expect(allowedToSendAt(IDAHO_TWO_ZONES, NO_SHOP_QUIET, at("2026-11-28T03:59:00Z"))).toBe(true); // 19:59 PST, 20:59 MST
    expect(allowedToSendAt(IDAHO_TWO_ZONES, NO_SHOP_QUIET, at("2026-11-28T04:00:00Z"))).toBe(false); // 20:00 PST, 21:00 MST
    expect(allowedToSendAt(IDAHO_TWO_ZONES, NO_SHOP_QUIET, at("2026-11-27T15:30:00Z"))).toBe(false); // 07:30 PST
  });

  it("lets the shop narrow the window and never widen it", () => {
    const lateShop: ShopQuietHours = { start: "23:00", end: "06:00" };
    expect(allowedToSendAt(NEW_YORK, lateShop, at("2026-11-28T02:30:00Z"))).toBe(false); // 21:30, federal still says no
    expect(allowedToSendAt(NEW_YORK, lateShop, at("2026-11-27T11:30:00Z"))).toBe(false); // 06:30
    const lunchShop: ShopQuietHours = { start: "12:00", end: "14:00" };
    expect(allowedToSendAt(NEW_YORK, lunchShop, at("2026-11-27T16:59:00Z"))).toBe(true); // 11:59
    expect(allowedToSendAt(NEW_YORK, lunchShop, at("2026-11-27T17:00:00Z"))).toBe(false); // 12:00
    expect(allowedToSendAt(NEW_YORK, lunchShop, at("2026-11-27T19:00:00Z"))).toBe(true); // 14:00
    expect(allowedToSendAt(NEW_YORK, DEFAULT_SHOP_QUIET, at("2026-11-28T01:59:00Z"))).toBe(true); // 20:59
    expect(allowedToSendAt(NEW_YORK, DEFAULT_SHOP_QUIET, at("2026-11-28T02:00:00Z"))).toBe(false); // 21:00
  });

  it("refuses to judge with no zone or an unknown one, or with quiet hours it cannot read", () => {
    expect(() => allowedToSendAt(place([]), NO_SHOP_QUIET, at("2026-11-27T15:00:00Z"))).toThrow(/at least one time zone/);
    expect(() => allowedToSendAt(place(["Mars/Olympus"]), NO_SHOP_QUIET, at("2026-11-27T15:00:00Z"))).toThrow(/Unknown time zone/);
    expect(() => allowedToSendAt(NEW_YORK, { start: "9pm", end: "08:00" }, at("2026-11-27T15:00:00Z"))).toThrow(/time of day/);
  });
});

describe("nextAllowedSendTime", () => {
  it("returns `at` itself when it is allowed", () => {
    const now = at("2026-11-27T15:00:12.345Z");
    expect(nextAllowedSendTime(NEW_YORK, DEFAULT_SHOP_QUIET, now)).toBe(now);
  });

  it("moves a text due at 21:00:30 to 08:00:00 the next morning, never to 21:00:01", () => {
    expect(nextAllowedSendTime(NEW_YORK, DEFAULT_SHOP_QUIET, at("2026-11-28T02:00:30Z"))).toEqual(at("2026-11-28T13:00:00Z"));
    expect(nextAllowedSendTime(NEW_YORK, DEFAULT_SHOP_QUIET, at("2026-11-27T12:59:59.500Z"))).toEqual(at("2026-11-27T13:00:00Z"));
  });

  it("waits for Texas's Sunday noon, and for the shop's lunch break to end", () => {
    expect(nextAllowedSendTime(TEXAS_CENTRAL, NO_SHOP_QUIET, at("2026-11-29T15:00:00Z"))).toEqual(at("2026-11-29T18:00:00Z"));
    // Saturday 20:00 Chicago → Sunday noon.
    expect(nextAllowedSendTime(TEXAS_CENTRAL, NO_SHOP_QUIET, at("2026-11-29T03:00:00Z"))).toEqual(at("2026-11-29T18:00:00Z"));
    expect(nextAllowedSendTime(NEW_YORK, { start: "12:00", end: "14:00" }, at("2026-11-27T17:30:00Z"))).toEqual(at("2026-11-27T19:00:00Z"));
  });

  it("finds the window both zones allow: Florida's rules on Eastern and Central time", () => {
    const panhandle = place(["America/Chicago", "America/New_York"], ["US-FL"]);
    // 08:00 Central (09:00 Eastern) opens it; 20:00 Eastern (19:00 Central) closes it.
    expect(nextAllowedSendTime(panhandle, NO_SHOP_QUIET, at("2026-11-27T13:30:00Z"))).toEqual(at("2026-11-27T14:00:00Z"));
    expect(allowedToSendAt(panhandle, NO_SHOP_QUIET, at("2026-11-28T00:59:00Z"))).toBe(true);
    expect(nextAllowedSendTime(panhandle, NO_SHOP_QUIET, at("2026-11-28T01:00:00Z"))).toEqual(at("2026-11-28T14:00:00Z"));
  });

  it("is right across the spring-forward night of 8 March 2026, when 02:30 does not exist", () => {
    // 01:30 EST and 03:30 EDT (the hour between never happens): 08:00 EDT is 12:00Z, not 13:00Z.
    expect(nextAllowedSendTime(NEW_YORK, DEFAULT_SHOP_QUIET, at("2026-03-08T06:30:00Z"))).toEqual(at("2026-03-08T12:00:00Z"));
    expect(nextAllowedSendTime(NEW_YORK, DEFAULT_SHOP_QUIET, at("2026-03-08T07:30:00Z"))).toEqual(at("2026-03-08T12:00:00Z"));
    // Saturday evening before: 21:00 EST closes at 02:00Z, and Sunday opens at 08:00 EDT.
    expect(nextAllowedSendTime(NEW_YORK, DEFAULT_SHOP_QUIET, at("2026-03-08T02:00:00Z"))).toEqual(at("2026-03-08T12:00:00Z"));
    // Texas on Central time: Sunday noon CDT is 17:00Z.
    expect(nextAllowedSendTime(TEXAS_CENTRAL, NO_SHOP_QUIET, at("2026-03-08T08:00:00Z"))).toEqual(at("2026-03-08T17:00:00Z"));
    // Denver springs forward, Phoenix does not: from Monday on, Phoenix's 08:00 opens and Denver's 21:00 closes.
    const denverAndPhoenix = place(["America/Denver", "America/Phoenix"]);
    expect(nextAllowedSendTime(denverAndPhoenix, NO_SHOP_QUIET, at("2026-03-09T14:00:00Z"))).toEqual(at("2026-03-09T15:00:00Z"));
    expect(allowedToSendAt(denverAndPhoenix, NO_SHOP_QUIET, at("2026-03-10T02:59:00Z"))).toBe(true);
    expect(allowedToSendAt(denverAndPhoenix, NO_SHOP_QUIET, at("2026-03-10T03:00:00Z"))).toBe(false);
  });

  it("is right across the fall-back night of 1 November 2026, when 01:30 happens twice", () => {
    // 01:30 EDT (05:30Z) and 01:30 EST (06:30Z) both wait for 08:00 EST, 13:00Z.
    expect(nextAllowedSendTime(NEW_YORK, DEFAULT_SHOP_QUIET, at("2026-11-01T05:30:00Z"))).toEqual(at("2026-11-01T13:00:00Z"));
    expect(nextAllowedSendTime(NEW_YORK, DEFAULT_SHOP_QUIET, at("2026-11-01T06:30:00Z"))).toEqual(at("2026-11-01T13:00:00Z"));
    // Saturday 31 October, 21:00 EDT is 01:00Z on 1 November.
    expect(allowedToSendAt(NEW_YORK, DEFAULT_SHOP_QUIET, at("2026-11-01T00:59:59Z"))).toBe(true);
    expect(allowedToSendAt(NEW_YORK, DEFAULT_SHOP_QUIET, at("2026-11-01T01:00:00Z"))).toBe(false);
    // Texas Central on that Sunday: noon CST is 18:00Z.
    expect(nextAllowedSendTime(TEXAS_CENTRAL, NO_SHOP_QUIET, at("2026-11-01T07:30:00Z"))).toEqual(at("2026-11-01T18:00:00Z"));
    // Florida in both of its zones, the Monday after.
    const panhandle = place(["America/Chicago", "America/New_York"], ["US-FL"]);
    expect(nextAllowedSendTime(panhandle, NO_SHOP_QUIET, at("2026-11-02T01:00:00Z"))).toEqual(at("2026-11-02T14:00:00Z"));
  });

  it("throws a clear error instead of searching forever when the rules leave no window", () => {
    // The shop's quiet hours cover the whole federal window.
    expect(() => nextAllowedSendTime(NEW_YORK, { start: "08:00", end: "21:00" }, at("2026-11-27T15:00:00Z"))).toThrow(NoAllowedSendTimeError);
    expect(() => nextAllowedSendTime(NEW_YORK, { start: "00:00", end: "23:59" }, at("2026-11-27T15:00:00Z"))).toThrow(/no window to send in/);
    // Three zones eight hours apart never share a minute of 08:00–21:00.
    const aroundTheWorld = place(["UTC", "Asia/Shanghai", "America/Los_Angeles"]);
    expect(() => nextAllowedSendTime(aroundTheWorld, NO_SHOP_QUIET, at("2026-11-27T15:00:00Z"))).toThrow(NoAllowedSendTimeError);
  });
});

describe("nextAllowedSendTime, properties", () => {
  const QUARTER_HOUR = 15 * 60_000;
  const locations = [
    NEW_YORK,
    FLORIDA_EAST,
    TEXAS_CENTRAL,
    IDAHO_TWO_ZONES,
    place(["America/Chicago", "America/New_York"], ["US-FL"]),
    place(["America/Denver", "America/Phoenix"], ["US-TX", "US-CT"]),
    place(["Europe/London"]),
    place(["Australia/Lord_Howe"]), // a half-hour DST change
  ];
  const clock = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45)).map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);
  // 2026, with extra weight on the weeks around the US and European DST changes.
  const instant = fc.oneof(
    fc.date({ min: at("2026-01-01T00:00:00Z"), max: at("2026-12-31T00:00:00Z"), noInvalidDate: true }),
    fc.date({ min: at("2026-03-06T00:00:00Z"), max: at("2026-03-10T00:00:00Z"), noInvalidDate: true }),
    fc.date({ min: at("2026-10-24T00:00:00Z"), max: at("2026-11-03T00:00:00Z"), noInvalidDate: true }),
  );

  it("returns an allowed instant, at or after `at`, with no allowed minute before it", () => {
    fc.assert(
      fc.property(fc.constantFrom(...locations), clock, clock, instant, (location, start, end, from) => {
        const quiet = { start, end };
        let next: Date;
        try {
          next = nextAllowedSendTime(location, quiet, from);
        } catch (error) {
          if (!(error instanceof NoAllowedSendTimeError)) throw error;
          return; // the brute-force check below would need 11,520 minutes per case; the fixed cases above cover it
        }
        expect(next.getTime()).toBeGreaterThanOrEqual(from.getTime());
        expect(allowedToSendAt(location, quiet, next)).toBe(true);
        if (next !== from) {
          expect(next.getUTCSeconds()).toBe(0);
          expect(next.getUTCMilliseconds()).toBe(0);
          expect(allowedToSendAt(location, quiet, from)).toBe(false);
          // Windows open and close on quarter hours of local time, and every zone here is a whole quarter hour
          // from UTC, DST changes included: checking the first minute and every quarter hour after it checks them all.
          const firstMinute = Math.ceil(from.getTime() / 60_000) * 60_000;
          const quarterHours = [firstMinute];
          for (let quarter = Math.ceil(firstMinute / QUARTER_HOUR) * QUARTER_HOUR; quarter < next.getTime(); quarter += QUARTER_HOUR) {
            quarterHours.push(quarter);
          }
          for (const minute of quarterHours.filter((minute) => minute < next.getTime())) {
            expect(allowedToSendAt(location, quiet, new Date(minute)), new Date(minute).toISOString()).toBe(false);
          }
        }
      }),
      { numRuns: 200 },
    );
  }, 60_000);
});

describe("localWallTimeToInstant", () => {
  it("reads a wall time in a zone", () => {
    expect(localWallTimeToInstant("2026-12-01T10:00", "America/Chicago")).toEqual(at("2026-12-01T16:00:00Z"));
    expect(localWallTimeToInstant("2026-07-01T10:00", "America/Chicago")).toEqual(at("2026-07-01T15:00:00Z"));
    expect(localWallTimeToInstant("2026-12-01T10:00", "Asia/Kolkata")).toEqual(at("2026-12-01T04:30:00Z"));
  });

  it("reads a skipped time as if the clock had not jumped, and a doubled one as the first", () => {
    expect(localWallTimeToInstant("2026-03-08T02:30", "America/New_York")).toEqual(at("2026-03-08T07:30:00Z")); // 03:30 EDT
    expect(localWallTimeToInstant("2026-11-01T01:30", "America/New_York")).toEqual(at("2026-11-01T05:30:00Z")); // 01:30 EDT
    expect(localWallTimeToInstant("2026-11-01T00:30", "America/New_York")).toEqual(at("2026-11-01T04:30:00Z"));
    expect(localWallTimeToInstant("2026-11-01T02:30", "America/New_York")).toEqual(at("2026-11-01T07:30:00Z"));
  });

  it("refuses what is not a wall time, a calendar date or a zone", () => {
    expect(() => localWallTimeToInstant("2026-12-01 10:00", "America/Chicago")).toThrow(/wall time/);
    expect(() => localWallTimeToInstant("2026-12-01T10:00Z", "America/Chicago")).toThrow(/wall time/);
    expect(() => localWallTimeToInstant("2026-02-30T10:00", "America/Chicago")).toThrow(/calendar date/);
    expect(() => localWallTimeToInstant("2026-12-01T10:00", "Mars/Olympus")).toThrow(/Unknown time zone/);
  });
});
