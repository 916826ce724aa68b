/**
 * Money as the admin shows it. Prices are stored in whole millionths of a US
 * dollar (Shop.segmentPriceMicros), so sums stay exact integers until shown.
 */

/** 8300 → "0.0083": a unit price as the merchant typed it, up to six decimals, at least two. */
export function formatMicrosAsPrice(micros: number): string {
  const [whole, fraction = ""] = (micros / 1_000_000).toFixed(6).split(".");
  return `${whole}.${fraction.replace(/0+$/, "").padEnd(2, "0")}`;
}

/**
 * 1_245_000 → "$1.25", 8300 → "$0.0083": a total, in cents once it reaches one
 * (below a cent, up to the six decimals a price has). In the merchant's locale
 * when given (app/components/locale-format.ts): "1,25 $US" in French.
 */
export function formatMicrosAsDollars(micros: number, locale = "en-US"): string {
  const dollars = micros / 1_000_000;
  const belowACent = dollars !== 0 && Math.abs(dollars) < 0.01;
  return new Intl.NumberFormat(locale, { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: belowACent ? 6 : 2 }).format(dollars);
}
