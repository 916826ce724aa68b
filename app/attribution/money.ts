/**
 * Shopify's money is decimal text ("19.99", "1500", "3.250"); the app keeps it
 * as integers of the currency's minor unit (cents), read digit by digit and
 * never through a float: 0.1 + 0.2 is not 0.3, and a sum of a thousand orders
 * must be exact. How many minor digits a currency has (USD 2, JPY 0, KWD 3)
 * comes from ISO 4217 as Node's ICU data carries it.
 */

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const CURRENCY_CODE = /^[A-Z]{3}$/;

/** ISO 4217 minor digits (JPY 0, USD 2, KWD 3); null for text that is not a currency code. */
export function minorDigitsOf(currency: string): number | null {
  if (!CURRENCY_CODE.test(currency)) return null;
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? null;
  } catch {
    return null;
  }
}

/**
 * "19.99" USD → 1999, "1500" JPY → 1500, "1500.00" JPY → 1500, "3.250" KWD → 3250.
 * Null when the text is not a non-negative decimal, the currency is unknown, the
 * amount has more precision than the currency (Shopify never sends "19.999"
 * USD; guessing how to round it would make a figure nobody can check), or it is
 * too large to count exactly.
 */
export function toMinorUnits(amount: string, currency: string): number | null {
  const digits = minorDigitsOf(currency);
  const match = DECIMAL.exec(amount.trim());
  if (digits === null || !match) return null;
  const [, whole, fraction = ""] = match;
  const significant = fraction.replace(/0+$/, "");
  if (significant.length > digits) return null;
  const minor = Number(`${whole}${significant.padEnd(digits, "0")}`);
  return Number.isSafeInteger(minor) ? minor : null;
}
