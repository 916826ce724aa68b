/**
 * The date range of a consent-records download, from the URL: the first and
 * last day, both included, read in the shop's time zone (a day is the
 * merchant's day). Bad input is refused with a sentence, nothing read.
 */
import { DateTime } from "luxon";
import { z } from "zod";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const recordsRangeSchema = z.object({
  from: z.string({ required_error: "Choose the first day of the records." }).trim().min(1, "Choose the first day of the records."),
  to: z.string({ required_error: "Choose the last day of the records." }).trim().min(1, "Choose the last day of the records."),
});

export interface RecordsRange {
  /** As given: "2026-11-01". */
  fromDay: string;
  toDay: string;
  /** The first instant of the first day in the shop's zone. */
  start: Date;
  /** The first instant after the last day. */
  end: Date;
}

export type RecordsRangeResult = { ok: true; range: RecordsRange } | { ok: false; error: string };

export function parseRecordsRange(params: URLSearchParams, timezone: string): RecordsRangeResult {
  const parsed = recordsRangeSchema.safeParse({ from: params.get("from") ?? undefined, to: params.get("to") ?? undefined });
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]!.message };
  const { from, to } = parsed.data;
  const start = dayStart(from, timezone);
  if (!start) return { ok: false, error: `The first day, "${from.slice(0, 40)}", is not a date: use a date like 2026-11-01.` };
  const last = dayStart(to, timezone);
  if (!last) return { ok: false, error: `The last day, "${to.slice(0, 40)}", is not a date: use a date like 2026-11-30.` };
  if (start > last) return { ok: false, error: `The first day (${from}) is after the last day (${to}): swap them.` };
  return { ok: true, range: { fromDay: from, toDay: to, start: start.toJSDate(), end: last.plus({ days: 1 }).toJSDate() } };
}

function dayStart(day: string, timezone: string): DateTime | null {
  if (!DAY.test(day)) return null;
  const start = DateTime.fromISO(day, { zone: timezone }).startOf("day");
  return start.isValid && start.toISODate() === day ? start : null;
}

/** The download's name: "consent-records_acme.myshopify.com_2026-11-01_to_2026-11-30.csv". */
export function recordsFileName(shop: string, range: Pick<RecordsRange, "fromDay" | "toDay">): string {
  return `consent-records_${shop.replace(/[^\w.-]/g, "_")}_${range.fromDay}_to_${range.toDay}.csv`;
}
