import { parsePhoneNumberFromString } from "libphonenumber-js";
import { geocoder, timezones } from "libphonenumber-geo-carrier";
import { describe, expect, it } from "vitest";
import { normaliseRegion, regionOfAddress, regionsOfPlace } from "./recipient-location";
import { numberPlace, recipientLocation, zonesOfRegion } from "./recipient-location.server";

const SHOP_ZONE = "America/Los_Angeles";
const byNumber = (phone: string) => recipientLocation({ phone, timezone: null, region: null }, SHOP_ZONE);

describe("recipientLocation from the number's prefix", () => {
  it("splits area codes that span two zones by exchange, as Google's data does", async () => {
    // Florida's panhandle: Pensacola is on Central time, Tallahassee on Eastern.
    expect(await byNumber("+18504345678")).toEqual({ zones: ["America/Chicago"], regions: ["US-FL"], source: "area_code" });
    expect(await byNumber("+18502221234")).toEqual({ zones: ["America/New_York"], regions: ["US-FL"], source: "area_code" });
    // Indiana: Evansville Central, the rest of 812 Eastern.
    expect((await byNumber("+18124221234")).zones).toEqual(["America/Chicago"]);
    expect(await byNumber("+18125551234")).toEqual({ zones: ["America/New_York"], regions: ["US-IN"], source: "area_code" });
    // Tennessee and Kentucky, both ways.
    expect(await byNumber("+14232321234")).toMatchObject({ zones: ["America/New_York"], regions: ["US-TN"] });
    expect(await byNumber("+19315551234")).toMatchObject({ zones: ["America/Chicago"], regions: ["US-TN"] });
    expect(await byNumber("+12706851234")).toMatchObject({ zones: ["America/Chicago"], regions: ["US-KY"] });
    expect(await byNumber("+16065551234")).toMatchObject({ zones: ["America/New_York"], regions: ["US-KY"] });
  });

  it("returns every zone a prefix spans", async () => {
    expect(await byNumber("+12085551234")).toEqual({ zones: ["America/Boise", "America/Los_Angeles"], regions: ["US-ID"], source: "area_code" });
  });

  it("places El Paso in Mountain time in Texas, and Canadian numbers in their province", async () => {
    expect(await byNumber("+19155321234")).toEqual({ zones: ["America/Denver"], regions: ["US-TX"], source: "area_code" });
    expect(await byNumber("+14165551234")).toEqual({ zones: ["America/Toronto"], regions: ["CA-ON"], source: "area_code" });
    expect(await byNumber("+16045551234")).toEqual({ zones: ["America/Vancouver"], regions: ["CA-BC"], source: "area_code" });
  });

  it("falls back to the shop's zone for numbers the data does not place", async () => {
    // 555 is no area code, 800 is toll-free: the data only has its entry for all of +1, every zone from Guam to Newfoundland.
    for (const phone of ["+15550200001", "+18005551234", "not a number", "+1"]) {
      expect(await byNumber(phone)).toEqual({ zones: [SHOP_ZONE], regions: [], source: "shop" });
    }
  });

  it("takes the zones the data gives a number outside North America", async () => {
    expect(await byNumber("+33612345678")).toEqual({ zones: ["Europe/Paris"], regions: [], source: "area_code" });
  });

  it("answers as the package's own timezones() and geocoder() do", async () => {
    const numbers = [
      "+18504345678", "+18502221234", "+19155321234", "+13175551234", "+18124221234", "+12195551234", "+14232321234",
      "+19315551234", "+12706851234", "+16063871234", "+12085551234", "+15413721234", "+14165551234", "+17805551234",
      "+15065551234", "+12015550123", "+19072221234", "+18082221234", "+16022221234", "+12125551234", "+13052221234",
      "+17015551234", "+16055551234", "+33612345678", "+61412345678", "+447911123456",
    ];
    for (const phone of numbers) {
      const parsed = parsePhoneNumberFromString(phone);
      const [zones, place] = await Promise.all([timezones(parsed), geocoder(parsed)]);
      expect(await numberPlace(phone), phone).toEqual({ zones, regions: regionsOfPlace(place) });
    }
  });
});

describe("recipientLocation from what we know of the subscriber", () => {
  it("prefers the subscriber's zone, and keeps the number's state when the region is unknown", async () => {
    expect(await recipientLocation({ phone: "+18504345678", timezone: "America/New_York", region: null }, SHOP_ZONE)).toEqual({
      zones: ["America/New_York"],
      regions: ["US-FL"],
      source: "subscriber",
    });
    expect(await recipientLocation({ phone: "+15550200001", timezone: "america/denver", region: "us-co" }, SHOP_ZONE)).toEqual({
      zones: ["America/Denver"],
      regions: ["US-CO"],
      source: "subscriber",
    });
  });

  it("ignores a zone that is not an IANA name", async () => {
    expect(await recipientLocation({ phone: "+18502221234", timezone: "EST+5", region: null }, SHOP_ZONE)).toMatchObject({
      zones: ["America/New_York"],
      source: "area_code",
    });
  });

  it("with a known state and no zone: the number's zones when it is from that state, else every zone of the state and the number's", async () => {
    expect(await recipientLocation({ phone: "+18504345678", timezone: null, region: "US-FL" }, SHOP_ZONE)).toEqual({
      zones: ["America/Chicago"],
      regions: ["US-FL"],
      source: "area_code",
    });
    // Moved to Florida with a New York number: both Florida zones count, and both states' rules (the stricter of each).
    expect(await recipientLocation({ phone: "+12125551234", timezone: null, region: "US-FL" }, SHOP_ZONE)).toEqual({
      zones: ["America/Chicago", "America/New_York"],
      regions: ["US-FL", "US-NY"],
      source: "subscriber",
    });
    // Moved to Texas with a Florida panhandle number: Texas's zones and the number's, Texas's and Florida's rules.
    expect(await recipientLocation({ phone: "+18504345678", timezone: null, region: "US-TX" }, SHOP_ZONE)).toEqual({
      zones: expect.arrayContaining(["America/Chicago", "America/Denver"]),
      regions: ["US-TX", "US-FL"],
      source: "subscriber",
    });
    // A known zone stays the only zone; the number's state still brings its rules.
    expect(await recipientLocation({ phone: "+18504345678", timezone: "America/Denver", region: "US-CO" }, SHOP_ZONE)).toEqual({
      zones: ["America/Denver"],
      regions: ["US-CO", "US-FL"],
      source: "subscriber",
    });
  });

  it("knows which zones each state spans", async () => {
    expect(await zonesOfRegion("US-TX")).toEqual(expect.arrayContaining(["America/Chicago", "America/Denver"]));
    expect(await zonesOfRegion("US-TN")).toEqual(expect.arrayContaining(["America/Chicago", "America/New_York"]));
    expect(await zonesOfRegion("US-NJ")).toEqual(["America/New_York"]);
    expect(await zonesOfRegion("US-ZZ")).toEqual([]);
  });
});

describe("place names and regions", () => {
  it("reads the region of Google's place names", () => {
    expect(regionsOfPlace("Pensacola, FL")).toEqual(["US-FL"]);
    expect(regionsOfPlace("Florida")).toEqual(["US-FL"]);
    expect(regionsOfPlace("Washington D.C.")).toEqual(["US-DC"]);
    expect(regionsOfPlace("British Colombia")).toEqual(["CA-BC"]);
    expect(regionsOfPlace("Nova Scotia/Prince Edward Island")).toEqual(["CA-NS", "CA-PE"]);
    expect(regionsOfPlace("Grand Bahama")).toEqual([]);
    expect(regionsOfPlace(null)).toEqual([]);
  });

  it("normalises stored regions", () => {
    expect(normaliseRegion("us-fl")).toBe("US-FL");
    expect(normaliseRegion("FL")).toBe("US-FL");
    expect(normaliseRegion("Ontario")).toBe("CA-ON");
    expect(normaliseRegion("US-ON")).toBeNull();
    expect(normaliseRegion("")).toBeNull();
    expect(normaliseRegion(null)).toBeNull();
  });

  it("reads an address's country and province codes as a region, and nothing it cannot check", () => {
    expect(regionOfAddress("US", "FL")).toBe("US-FL");
    expect(regionOfAddress(" ca ", "on")).toBe("CA-ON");
    expect(regionOfAddress("US", "PR")).toBe("US-PR");
    // Both codes or nothing; a province of the other country, a name, a military "state" or a made-up code is not a region.
    expect(regionOfAddress("US", null)).toBeNull();
    expect(regionOfAddress(null, "FL")).toBeNull();
    expect(regionOfAddress("", "")).toBeNull();
    expect(regionOfAddress("CA", "FL")).toBeNull();
    expect(regionOfAddress("US", "Florida")).toBeNull();
    expect(regionOfAddress("USA", "FL")).toBeNull();
    expect(regionOfAddress("US", "AE")).toBeNull();
    expect(regionOfAddress("US", "ZZ")).toBeNull();
    expect(regionOfAddress("US", "FL-")).toBeNull();
    // Outside the US and Canada no state rules apply and Shopify's codes are no one format ("BY", "JP-13"): not kept.
    expect(regionOfAddress("DE", "BY")).toBeNull();
    expect(regionOfAddress("JP", "JP-13")).toBeNull();
    expect(regionOfAddress("GB", null)).toBeNull();
  });
});
