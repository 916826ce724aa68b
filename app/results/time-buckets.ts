/**
 * Figures over time, in the shop's own hours and days.
 *
 * The databases group rows by 15-minute UTC slot (one expression per
 * provider, see slotExpression in results-sql.server.ts); every time zone's
 * offset is a whole number of quarter hours, so each slot lies inside one
 * local hour and one local day, and folding the slots into the shop's hours or
 * days here is exact, DST included. The SQL stays an aggregate (at most 96
 * rows a day), and no database needs to know time zones.
 */
import { DateTime } from "luxon";

export const SLOT_SECONDS = 15 * 60;

export type BucketUnit = "hour" | "day";

export interface TimeBucket {
  /** The bucket's local start, as an ISO instant with the zone's offset (unique even across a DST change). */
  key: string;
  /** "Nov 20" or "Nov 20, 14:00", in the shop's zone. */
  label: string;
}

/** Hours for a span of up to three days, days beyond. */
export function bucketUnitFor(from: Date, to: Date): BucketUnit {
  return to.getTime() - from.getTime() <= 72 * 3600_000 ? "hour" : "day";
}

function startOfBucket(instant: DateTime, unit: BucketUnit): DateTime {
  return instant.startOf(unit);
}

function labelOf(start: DateTime, unit: BucketUnit): string {
  return unit === "day" ? start.toFormat("LLL d") : start.toFormat("LLL d, HH:mm");
}

/** Every bucket from the one holding `from` to the one holding `to`, in `zone`. */
export function bucketsBetween(from: Date, to: Date, unit: BucketUnit, zone: string): TimeBucket[] {
  const last = to.getTime();
  const buckets: TimeBucket[] = [];
  // plus({ hours: 1 }) adds elapsed time and plus({ days: 1 }) a calendar day, so both step correctly across DST.
  for (let start = startOfBucket(DateTime.fromJSDate(from, { zone }), unit); start.toMillis() <= last; start = start.plus({ [`${unit}s`]: 1 })) {
    buckets.push({ key: start.toISO()!, label: labelOf(start, unit) });
  }
  return buckets;
}

/** The key of the bucket a 15-minute UTC slot (seconds since the epoch / SLOT_SECONDS) falls in. */
export function bucketKeyOfSlot(slot: number, unit: BucketUnit, zone: string): string {
  return startOfBucket(DateTime.fromSeconds(slot * SLOT_SECONDS, { zone }), unit).toISO()!;
}

/** Instant → the slot number the SQL would give it. */
export function slotOf(instant: Date): number {
  return Math.floor(instant.getTime() / 1000 / SLOT_SECONDS);
}

/**
 * Adds each slot's values into the bucket it falls in. `series` names the
 * values; buckets with nothing stay at zero, slots outside the buckets are
 * left out.
 */
export function foldSlots<Name extends string>(
  buckets: TimeBucket[],
  unit: BucketUnit,
  zone: string,
  rows: { slot: number; name: Name; value: number }[],
  series: readonly Name[],
): (TimeBucket & Record<Name, number>)[] {
  const folded = buckets.map((bucket) => ({ ...bucket, ...(Object.fromEntries(series.map((name) => [name, 0])) as Record<Name, number>) }));
  // Each bucket's start as an instant (its key carries the offset): a slot finds its bucket by binary search, with no
  // time-zone arithmetic per row. A slot lies wholly inside one bucket (see above), so its start decides.
  const starts = buckets.map((bucket) => Date.parse(bucket.key));
  const end = buckets.length === 0 ? -Infinity : DateTime.fromMillis(starts.at(-1)!, { zone }).plus({ [`${unit}s`]: 1 }).toMillis();
  for (const row of rows) {
    const at = row.slot * SLOT_SECONDS * 1000;
    if (starts.length === 0 || at < starts[0]! || at >= end) continue;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= at) low = middle;
      else high = middle - 1;
    }
    (folded[low] as Record<Name, number>)[row.name] += row.value;
  }
  return folded;
}
