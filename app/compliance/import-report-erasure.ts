/**
 * An import's report lists, as the file wrote them, the numbers it did not
 * subscribe. When a customer is erased, their lines go from every report of
 * the shop. The file's spelling is free ("(415) 555-0123", "0033 6 12…",
 * "07911 123456"), so a line is matched on its digits: without leading zeros
 * (international and trunk prefixes), one number's digits ending the other's,
 * seven digits at least. Erasing a stranger's line by a near match loses a row
 * of a report; keeping the customer's would keep their number.
 */
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";

const MIN_DIGITS = 7;
const PHONE_COLUMN = 1; // Row, Phone (as in the file), Outcome, Reason

function significantDigits(text: string): string {
  return text.replace(/\D/g, "").replace(/^0+/, "");
}

export function sameNumber(written: string, e164: string): boolean {
  const a = significantDigits(written);
  const b = significantDigits(e164);
  if (Math.min(a.length, b.length) < MIN_DIGITS) return false;
  return a.endsWith(b) || b.endsWith(a);
}

/** The report's lines (as stored: CSV without its header) without those of these numbers; null when nothing had to go. */
export function reportWithoutNumbers(lines: string, phones: readonly string[]): { report: string; removed: number } | null {
  if (!lines || phones.length === 0) return null;
  const rows = parse(lines, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  const kept = rows.filter((line) => !phones.some((phone) => sameNumber(line[PHONE_COLUMN] ?? "", phone)));
  if (kept.length === rows.length) return null;
  return { report: kept.length ? stringify(kept) : "", removed: rows.length - kept.length };
}
