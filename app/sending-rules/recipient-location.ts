/**
 * Where a recipient is, as the sending rules need it: the time zones whose
 * wall clock counts, and the states or provinces whose rules apply. The
 * lookup itself (Google's prefix data) is recipient-location.server.ts; this
 * module holds the shape and the names, and does no I/O.
 */

export interface RecipientLocation {
  /** IANA zones; a text may go only when every one of them allows it (an area code can span two). Never empty. */
  zones: string[];
  /** ISO 3166-2 codes ("US-FL", "CA-ON"); empty when unknown. */
  regions: string[];
  /** Where the zones came from: what we know of the subscriber, the number's prefix, or the shop's own zone. */
  source: "subscriber" | "area_code" | "shop";
}

// The place names Google's geocoding data ends its North American entries
// with: a state or province in full ("Florida") or as the postal
// abbreviation after a city ("Pensacola, FL"). Names of places, not area codes.
const US_STATES: Readonly<Record<string, string>> = {
  AL: "Alabama", AK: "Alaska", AZ: "Arizona", AR: "Arkansas", CA: "California", CO: "Colorado", CT: "Connecticut",
  DE: "Delaware", DC: "District of Columbia", FL: "Florida", GA: "Georgia", HI: "Hawaii", ID: "Idaho", IL: "Illinois",
  IN: "Indiana", IA: "Iowa", KS: "Kansas", KY: "Kentucky", LA: "Louisiana", ME: "Maine", MD: "Maryland",
  MA: "Massachusetts", MI: "Michigan", MN: "Minnesota", MS: "Mississippi", MO: "Missouri", MT: "Montana",
  NE: "Nebraska", NV: "Nevada", NH: "New Hampshire", NJ: "New Jersey", NM: "New Mexico", NY: "New York",
  NC: "North Carolina", ND: "North Dakota", OH: "Ohio", OK: "Oklahoma", OR: "Oregon", PA: "Pennsylvania",
  RI: "Rhode Island", SC: "South Carolina", SD: "South Dakota", TN: "Tennessee", TX: "Texas", UT: "Utah",
  VT: "Vermont", VA: "Virginia", WA: "Washington", WV: "West Virginia", WI: "Wisconsin", WY: "Wyoming",
  PR: "Puerto Rico", VI: "U.S. Virgin Islands", GU: "Guam", AS: "American Samoa", MP: "Northern Mariana Islands",
};
const CANADIAN_PROVINCES: Readonly<Record<string, string>> = {
  AB: "Alberta", BC: "British Columbia", MB: "Manitoba", NB: "New Brunswick", NL: "Newfoundland and Labrador",
  NS: "Nova Scotia", NT: "Northwest Territories", NU: "Nunavut", ON: "Ontario", PE: "Prince Edward Island",
  QC: "Quebec", SK: "Saskatchewan", YT: "Yukon",
};
// Spellings the data uses besides the names above.
const OTHER_SPELLINGS: Readonly<Record<string, string>> = {
  "washington state": "US-WA",
  "washington d.c.": "US-DC",
  "british colombia": "CA-BC",
  "newfoundland": "CA-NL",
};

const REGION_BY_ABBREVIATION = new Map<string, string>([
  ...Object.keys(US_STATES).map((code) => [code, `US-${code}`] as const),
  ...Object.keys(CANADIAN_PROVINCES).map((code) => [code, `CA-${code}`] as const),
]);
const REGION_BY_NAME = new Map<string, string>([
  ...Object.entries(US_STATES).map(([code, name]) => [name.toLowerCase(), `US-${code}`] as const),
  ...Object.entries(CANADIAN_PROVINCES).map(([code, name]) => [name.toLowerCase(), `CA-${code}`] as const),
  ...Object.entries(OTHER_SPELLINGS),
]);

/**
 * The regions a geocoded place lies in: "Pensacola, FL" → ["US-FL"],
 * "Florida" → ["US-FL"], "Nova Scotia/Prince Edward Island" → both. Empty for
 * places outside the US and Canada (Caribbean numbers share +1).
 */
export function regionsOfPlace(place: string | null): string[] {
  if (!place) return [];
  const comma = place.lastIndexOf(", ");
  if (comma >= 0) {
    const region = REGION_BY_ABBREVIATION.get(place.slice(comma + 2).trim().toUpperCase());
    return region ? [region] : [];
  }
  const regions = place
    .split("/")
    .map((name) => REGION_BY_NAME.get(name.trim().toLowerCase()))
    .filter((region): region is string => region !== undefined);
  return [...new Set(regions)];
}

/**
 * A stored region as an ISO 3166-2 code: "us-fl" → "US-FL", and a bare state or
 * province abbreviation ("FL") or name ("Florida") too. Null for anything else.
 */
export function normaliseRegion(region: string | null | undefined): string | null {
  const text = region?.trim();
  if (!text) return null;
  const upper = text.toUpperCase();
  const code = /^(US|CA)-([A-Z]{2})$/.exec(upper);
  if (code) return REGION_BY_ABBREVIATION.get(code[2]!) === upper ? upper : null;
  return REGION_BY_ABBREVIATION.get(upper) ?? REGION_BY_NAME.get(text.toLowerCase()) ?? null;
}

/**
 * The region an address's codes name, as Shopify's addresses carry them
 * (country_code "US", province_code "FL") → "US-FL". Null unless both are
 * there and name a US state or territory or a Canadian province: those are
 * the only regions the sending rules act on, and a subdivision we cannot
 * check is not worth keeping about a person (elsewhere Shopify's province
 * codes are not even one format).
 */
export function regionOfAddress(countryCode: string | null | undefined, provinceCode: string | null | undefined): string | null {
  const country = countryCode?.trim().toUpperCase();
  const province = provinceCode?.trim().toUpperCase();
  if (!country || !province || !/^[A-Z]{2}$/.test(country) || !/^[A-Z]{2}$/.test(province)) return null;
  return normaliseRegion(`${country}-${province}`);
}
