// A light plausibility check for mobile numbers. libphonenumber-js would be
// exact, but measured with this extension (scripts/build.mjs, gzipped) it takes
// the deployed bundle from about 11 KB to 40 KB with "/min" metadata and 45 KB
// with "/mobile": two thirds of Shopify's 64 KB limit for a check the server
// repeats anyway with the full libphonenumber-js before it sends anything.
// Here: E.164 shape for every country, plus mobile ranges for a few large
// markets (NANP, UK, IE, AU, FR, BE, ES, MX, DE); elsewhere any E.164-shaped
// number passes.

interface CountryRule {
  callingCode: string;
  /** National significant number (no trunk 0) of a mobile line. */
  mobile: RegExp;
}

// NANP numbers do not reveal whether they are mobile: area code and exchange
// code both start with 2-9.
const NANP: CountryRule = { callingCode: "1", mobile: /^[2-9]\d{2}[2-9]\d{6}$/ };

const RULES: Record<string, CountryRule> = {
  US: NANP,
  CA: NANP,
  GB: { callingCode: "44", mobile: /^7\d{9}$/ },
  IE: { callingCode: "353", mobile: /^8[3-9]\d{7}$/ },
  AU: { callingCode: "61", mobile: /^4\d{8}$/ },
  FR: { callingCode: "33", mobile: /^[67]\d{8}$/ },
  BE: { callingCode: "32", mobile: /^4\d{8}$/ },
  ES: { callingCode: "34", mobile: /^[67]\d{8}$/ },
  MX: { callingCode: "52", mobile: /^\d{10}$/ },
  DE: { callingCode: "49", mobile: /^1[5-7]\d{8,9}$/ },
};

const RULES_BY_CALLING_CODE = new Map(
  Object.values(RULES).map((rule) => [rule.callingCode, rule]),
);

/**
 * The number in E.164 form ("+14155550123") when it is a plausible mobile
 * number, else null. Numbers without "+" or "00" are read as national numbers
 * of `country` (the buyer's country), when that country has a rule.
 */
export function toMobileE164(input: string, country?: string): string | null {
  const compact = input.replace(/[\s().\-/]/g, "");
  let digits: string;
  if (/^\+\d+$/.test(compact)) digits = compact.slice(1);
  else if (/^00\d+$/.test(compact)) digits = compact.slice(2);
  else if (/^\d+$/.test(compact)) {
    const rule = country ? RULES[country.toUpperCase()] : undefined;
    if (!rule) return null;
    digits = rule.callingCode + stripTrunkPrefix(compact, rule);
  } else return null;

  if (!/^[1-9]\d{7,14}$/.test(digits)) return null;
  const rule = ruleFor(digits);
  if (rule) {
    const national = stripTrunkPrefix(digits.slice(rule.callingCode.length), rule);
    if (!rule.mobile.test(national)) return null;
    digits = rule.callingCode + national;
  }
  return `+${digits}`;
}

export type PhoneProblem = "missing" | "invalid";

export function phoneProblem(input: string, country?: string): PhoneProblem | null {
  if (input.trim() === "") return "missing";
  return toMobileE164(input, country) ? null : "invalid";
}

function ruleFor(digits: string): CountryRule | undefined {
  for (const length of [1, 2, 3]) {
    const rule = RULES_BY_CALLING_CODE.get(digits.slice(0, length));
    if (rule) return rule;
  }
  return undefined;
}

// "0612345678" in France, "+44 07700 900123" typed by habit, "1 415 555 0123"
// in the US: drop the national prefix before matching the mobile range.
function stripTrunkPrefix(national: string, rule: CountryRule): string {
  if (rule === NANP) return national.length === 11 && national.startsWith("1") ? national.slice(1) : national;
  return national.startsWith("0") ? national.slice(1) : national;
}
