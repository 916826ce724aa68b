/**
 * The consent date of an imported row, as other tools and spreadsheets write
 * it: ISO 8601 with or without a time or offset ("2024-03-05T14:02:11Z",
 * "2024-03-05 14:02:11+00:00", "2024-03-05"), numeric dates with the day or
 * the month first as the mapping says ("05/03/2024 2:02 PM", "5.3.24"),
 * month names ("Mar 5, 2024", "5 March 2024 14:02"), and Unix time in
 * seconds or milliseconds. A date without an offset is read in the shop's
 * time zone. Anything else is not understood, and the row is not imported:
 * guessing a date would make up evidence.
 */
import { DateTime } from "luxon";

export interface ConsentDateOptions {
  /** IANA zone for dates written without an offset. */
  zone: string;
  dayFirst: boolean;
}

const NUMERIC = /^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:[\sT,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap])?\.?\s*m?\.?)?$/i;
const NAMED_FORMATS = [
  "LLL d, yyyy", "LLL d yyyy", "LLLL d, yyyy", "LLLL d yyyy", "d LLL yyyy", "d LLLL yyyy",
  "LLL d, yyyy h:mm a", "LLL d, yyyy H:mm", "LLLL d, yyyy h:mm a", "d LLL yyyy H:mm", "d LLLL yyyy H:mm", "d LLL yyyy h:mm a",
];

export function parseConsentDate(input: string, options: ConsentDateOptions): Date | null {
  const text = input.trim().replace(/\s+/g, " ");
  if (!text) return null;
  if (/^\d{10}$/.test(text)) return new Date(Number(text) * 1000);
  if (/^\d{13}$/.test(text)) return new Date(Number(text));

  const numeric = NUMERIC.exec(text);
  if (numeric && numeric[1]!.length <= 2) return fromNumericParts(numeric, options);

  const opts = { zone: options.zone, setZone: true };
  // ISO and SQL forms only with a whole date: luxon would read "12" as noon today.
  const candidates = /^\d{4}-\d{2}-\d{2}/.test(text)
    ? [DateTime.fromISO(text, opts), DateTime.fromSQL(text, opts)]
    : [DateTime.fromRFC2822(text, opts), DateTime.fromHTTP(text, opts)];
  for (const parsed of candidates) {
    if (parsed.isValid) return parsed.toJSDate();
  }
  for (const format of NAMED_FORMATS) {
    const parsed = DateTime.fromFormat(text, format, { zone: options.zone, locale: "en-US" });
    if (parsed.isValid) return parsed.toJSDate();
  }
  return null;
}

function fromNumericParts(match: RegExpExecArray, options: ConsentDateOptions): Date | null {
  const [, a, b, c, hourText, minuteText, secondText, meridiem] = match;
  const day = Number(options.dayFirst ? a : b);
  const month = Number(options.dayFirst ? b : a);
  let year = Number(c);
  if (c!.length === 2) year += year < 70 ? 2000 : 1900;
  else if (c!.length !== 4) return null;
  let hour = hourText === undefined ? 0 : Number(hourText);
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (meridiem.toLowerCase() === "p" ? 12 : 0);
  }
  const parsed = DateTime.fromObject(
    { year, month, day, hour, minute: minuteText === undefined ? 0 : Number(minuteText), second: secondText === undefined ? 0 : Number(secondText) },
    { zone: options.zone },
  );
  return parsed.isValid ? parsed.toJSDate() : null;
}
