/**
 * Numbers, money, dates and times as the merchant reads them: in the language
 * Shopify admin is set to (the `locale` App Bridge adds to the app's URL, else
 * the browser's Accept-Language, else en-US) and in the shop's time zone (the
 * one its quiet hours and schedules use), whatever zone the server or the
 * browser runs in. Server and browser format with the same two values, so the
 * page hydrates without a mismatch.
 *
 * Pure: the admin layout (app/routes/app.tsx) reads both once per load and
 * hands a formatter to the pages through `useFormat()` (./use-format.tsx).
 */
import { formatMicrosAsDollars } from "./money";
import { formatMinor } from "./order-money";

export const DEFAULT_LOCALE = "en-US";
export const DEFAULT_TIME_ZONE = "UTC";

/** A BCP 47 tag ICU can format in, canonical ("pt-br" → "pt-BR"); null for anything else. */
export function supportedLocale(tag: string | null | undefined): string | null {
  if (!tag || tag.length > 35 || tag === "*") return null;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag.trim().replace(/_/g, "-"));
    if (!canonical) return null;
    return Intl.NumberFormat.supportedLocalesOf([canonical]).length > 0 && Intl.DateTimeFormat.supportedLocalesOf([canonical]).length > 0 ? canonical : null;
  } catch {
    return null; // not a well-formed tag
  }
}

/** "fr-CA,fr;q=0.9,en;q=0.8" → ["fr-CA", "fr", "en"]: the tags by preference, q=0 dropped. */
export function acceptedLanguages(header: string | null | undefined): string[] {
  if (!header) return [];
  return header
    .split(",")
    .slice(0, 20)
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag !== "" && Number.isFinite(entry.q) && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((entry) => entry.tag);
}

/**
 * The merchant's locale for a request: Shopify admin's own language first (App
 * Bridge puts it in the embedded app's URL as `locale`), then the browser's
 * languages, then en-US. Anything ICU cannot format in is skipped.
 */
export function localeOfRequest(request: Pick<Request, "url" | "headers">): string {
  const fromAdmin = new URL(request.url).searchParams.get("locale");
  for (const candidate of [fromAdmin, ...acceptedLanguages(request.headers.get("Accept-Language"))]) {
    const locale = supportedLocale(candidate);
    if (locale) return locale;
  }
  return DEFAULT_LOCALE;
}

/** An IANA zone Intl knows ("America/New_York"), else UTC: a shop without settings yet, or a stored value gone bad. */
export function usableTimeZone(zone: string | null | undefined): string {
  if (!zone) return DEFAULT_TIME_ZONE;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return DEFAULT_TIME_ZONE;
  }
}

type DateInput = Date | string | number;

/** "2026-12-01T10:00" (a wall time, as a datetime-local input writes it) → its parts; null when it is not one. */
function wallTimeParts(value: string): number[] | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(value.trim());
  return match ? match.slice(1).map((part) => Number(part ?? 0)) : null;
}

export interface LocaleFormat {
  locale: string;
  timeZone: string;
  /** 1234567 → "1,234,567" (en-US), "1 234 567" (fr). */
  count(value: number): string;
  /** A decimal with at most `maximumFractionDigits` (default 1): 2.5 → "2.5" / "2,5". */
  decimal(value: number, maximumFractionDigits?: number): string;
  /** 0.1234 → "12.3%"; null → "—" (nothing to divide by). */
  percent(ratio: number | null, maximumFractionDigits?: number): string;
  /** Integers of the currency's minor unit: 123456 USD → "$1,234.56" / "1 234,56 $US". */
  money(minor: number, currency: string, options?: { extraDigits?: number }): string;
  /** Millionths of a US dollar (segment prices and costs): 1_245_000 → "$1.25", 8300 → "$0.0083". */
  dollarsFromMicros(micros: number): string;
  /** A price per unit in millionths of a US dollar, every digit it has (2 to 6): 8300 → "$0.0083", 12_500 → "$0.0125". */
  unitPriceFromMicros(micros: number): string;
  /** The day in the shop's zone: "Sep 3, 2026" / "3 sept. 2026". */
  date(value: DateInput): string;
  /** The minute in the shop's zone, the zone named: "Sep 3, 2026, 2:02 PM EDT". */
  dateTime(value: DateInput): string;
  /**
   * A wall time that is not one instant ("2026-12-01T10:00", e.g. a campaign
   * sent at 10:00 in each recipient's own zone), shown as written: no zone.
   * Text that is not a wall time comes back unchanged.
   */
  wallTime(value: string): string;
  /** A chart's hour or day (its start as an instant): "Nov 20" or "Nov 20, 2:00 PM" in the shop's zone. */
  bucket(start: DateInput, unit: "hour" | "day"): string;
}

/** A formatter for one locale and time zone; both are checked (en-US and UTC stand in for unusable values). */
export function createLocaleFormat(locale: string, timeZone: string): LocaleFormat {
  const usedLocale = supportedLocale(locale) ?? DEFAULT_LOCALE;
  const usedZone = usableTimeZone(timeZone);
  const integer = new Intl.NumberFormat(usedLocale, { maximumFractionDigits: 0 });
  const dateFormat = new Intl.DateTimeFormat(usedLocale, { timeZone: usedZone, year: "numeric", month: "short", day: "numeric" });
  const dateTimeFormat = new Intl.DateTimeFormat(usedLocale, {
    timeZone: usedZone,
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
  });
  // Wall times are formatted as if they were UTC instants: the parts come back exactly as written.
  const wallDateTime = new Intl.DateTimeFormat(usedLocale, { timeZone: "UTC", year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
  const wallDate = new Intl.DateTimeFormat(usedLocale, { timeZone: "UTC", year: "numeric", month: "short", day: "numeric" });
  const bucketDay = new Intl.DateTimeFormat(usedLocale, { timeZone: usedZone, month: "short", day: "numeric" });
  const bucketHour = new Intl.DateTimeFormat(usedLocale, { timeZone: usedZone, month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
  const unitPrice = new Intl.NumberFormat(usedLocale, { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 6 });
  const decimal = (value: number, maximumFractionDigits = 1) => new Intl.NumberFormat(usedLocale, { maximumFractionDigits }).format(value);
  const instant = (value: DateInput) => (value instanceof Date ? value : new Date(value));
  const shown = (format: Intl.DateTimeFormat, value: DateInput) => {
    const at = instant(value);
    return Number.isNaN(at.getTime()) ? "—" : format.format(at);
  };

  return {
    locale: usedLocale,
    timeZone: usedZone,
    count: (value) => integer.format(value),
    decimal,
    percent: (ratio, maximumFractionDigits = 1) =>
      ratio === null || !Number.isFinite(ratio) ? "—" : new Intl.NumberFormat(usedLocale, { style: "percent", maximumFractionDigits }).format(ratio),
    money: (minor, currency, options = {}) => formatMinor(minor, currency, { ...options, locale: usedLocale }),
    dollarsFromMicros: (micros) => formatMicrosAsDollars(micros, usedLocale),
    unitPriceFromMicros: (micros) => unitPrice.format(micros / 1_000_000),
    date: (value) => shown(dateFormat, value),
    dateTime: (value) => shown(dateTimeFormat, value),
    wallTime: (value) => {
      const parts = wallTimeParts(value);
      if (!parts) return value;
      const [year, month, day, hour, minute] = parts as [number, number, number, number, number];
      const at = new Date(Date.UTC(year, month - 1, day, hour, minute));
      if (Number.isNaN(at.getTime()) || at.getUTCDate() !== day) return value;
      return (/[T ]\d/.test(value.trim()) ? wallDateTime : wallDate).format(at);
    },
    bucket: (start, unit) => shown(unit === "hour" ? bucketHour : bucketDay, start),
  };
}
