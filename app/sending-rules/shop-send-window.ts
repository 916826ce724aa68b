import { allowedToSendAt, type ShopQuietHours } from "./quiet-hours";

const MINUTE_MS = 60_000;
// Any day will do: the question is about the clock, in a zone without daylight saving and with no state's rules.
const A_DAY_AT_UTC_MIDNIGHT = Date.UTC(2026, 0, 5); // a Monday
const ANYWHERE = { zones: ["UTC"], regions: [], source: "shop" as const };

/**
 * Whether the shop's own quiet hours leave at least one minute of the federal
 * window (8:00 to 21:00) to send marketing in. Quiet hours of 08:00 to 21:00
 * would leave none: every campaign text would be skipped, so the settings form
 * refuses them.
 */
export function shopQuietHoursLeaveSendingTime(quietHours: ShopQuietHours): boolean {
  for (let minute = 0; minute < 24 * 60; minute++) {
    if (allowedToSendAt(ANYWHERE, quietHours, new Date(A_DAY_AT_UTC_MIDNIGHT + minute * MINUTE_MS))) return true;
  }
  return false;
}
