/**
 * Order money as the admin shows it: integers of the currency's minor unit
 * (cents; JPY has none, KWD three) until this last step.
 */
import { minorDigitsOf } from "~/attribution/money";

/** 123456 USD → 1234.56: for a chart's axis (the value, not the text). */
export function minorToMajor(minor: number, currency: string): number {
  return minor / 10 ** (minorDigitsOf(currency) ?? 2);
}

/**
 * 123456 USD → "$1,234.56"; 1500 JPY → "¥1,500". A fraction of a cent (revenue per text) keeps two more digits.
 * In the merchant's locale when given (app/components/locale-format.ts), else en-US.
 */
export function formatMinor(minor: number, currency: string, options: { extraDigits?: number; locale?: string } = {}): string {
  const digits = minorDigitsOf(currency) ?? 2;
  return new Intl.NumberFormat(options.locale ?? "en-US", {
    style: "currency",
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits + (options.extraDigits ?? 0),
  }).format(minorToMajor(minor, currency));
}
