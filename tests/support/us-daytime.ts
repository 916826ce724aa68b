import { DateTime } from "luxon";

/**
 * An instant when marketing may be texted anywhere in the mainland US and
 * Hawaii: `from` itself if it is between 14:00 and 16:00 in New York (11:00–13:00 in
 * Los Angeles, 09:00–11:00 in Honolulu), else the next 14:00 New York time.
 *
 * Tests that dispatch marketing texts pass it as the dispatcher's `now`, so
 * they do not depend on the hour the suite runs at: quiet hours are enforced
 * at dispatch, and a run at night would (rightly) defer every text.
 */
export function usDaytime(from: Date = new Date()): Date {
  const newYork = DateTime.fromJSDate(from, { zone: "America/New_York" });
  if (newYork.hour >= 14 && newYork.hour < 16) return from;
  let next = newYork.set({ hour: 14, minute: 0, second: 0, millisecond: 0 });
  if (next <= newYork) next = next.plus({ days: 1 });
  return next.toJSDate();
}
