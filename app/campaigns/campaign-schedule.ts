/**
 * When a campaign goes out, as pure functions: the three ways a merchant can
 * schedule it, when planning may start, and when each recipient's text is due
 * before quiet hours are applied (sending-rules/quiet-hours.ts does that).
 *
 * Campaign.scheduledAt always holds the instant planning may start:
 * - now: the moment it was scheduled;
 * - shop_time: the instant the merchant chose (a wall time in the shop's zone, converted by the caller);
 * - recipient_local: the first instant anywhere on Earth at which the chosen
 *   wall time happens (UTC+14), so every recipient's row is planned, and
 *   waiting, before their own local time comes round.
 */
import { z } from "zod";
import { localWallTimeToInstant } from "../sending-rules/quiet-hours";

export const SCHEDULE_MODES = ["now", "shop_time", "recipient_local"] as const;
export type ScheduleMode = (typeof SCHEDULE_MODES)[number];

export const LOCAL_SEND_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

export const CampaignScheduleSchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("now") }),
  z.object({ mode: z.literal("shop_time"), at: z.coerce.date({ invalid_type_error: "Choose a date and time to send" }) }),
  z.object({
    mode: z.literal("recipient_local"),
    localSendTime: z
      .string()
      .regex(LOCAL_SEND_TIME, "Choose a date and a time of day, e.g. 2026-12-01T10:00")
      .refine((wallTime) => isWallTime(wallTime), "That date and time do not exist"),
  }),
]);
export type CampaignSchedule = z.infer<typeof CampaignScheduleSchema>;

/** Where the wall clock reaches a time first (UTC+14) and last (UTC−12, here UTC−11, the last inhabited zone). */
const EARLIEST_ZONE = "Pacific/Kiritimati";
const LATEST_ZONE = "Pacific/Pago_Pago";

function isWallTime(wallTime: string): boolean {
  try {
    localWallTimeToInstant(wallTime, "UTC");
    return true;
  } catch {
    return false;
  }
}

/** The instant planning may start (stored as Campaign.scheduledAt). */
export function planningStartsAt(schedule: CampaignSchedule, now: Date): Date {
  switch (schedule.mode) {
    case "now":
      return now;
    case "shop_time":
      return schedule.at;
    case "recipient_local":
      return localWallTimeToInstant(schedule.localSendTime, EARLIEST_ZONE);
  }
}

/**
 * How far ahead a campaign may be scheduled. A year covers every promotion a
 * merchant plans; a time further out is almost always a mistyped year, and
 * one in year 10000 (the last minute of 9999 anywhere west of UTC) is a date
 * neither database driver can store.
 */
export const SCHEDULE_HORIZON_DAYS = 366;

/** Why a schedule cannot be taken at `now`, in the merchant's words; null when it can. */
export function scheduleProblem(schedule: CampaignSchedule, now: Date): string | null {
  const horizon = now.getTime() + SCHEDULE_HORIZON_DAYS * 24 * 60 * 60 * 1000;
  const sendsFrom = schedule.mode === "now" ? now : planningStartsAt(schedule, now);
  if (Number.isNaN(sendsFrom.getTime()) || sendsFrom.getTime() > horizon) return "Choose a send time within the next year.";
  // A minute of grace: the time the merchant picked may pass while they press the button.
  const grace = now.getTime() - 60_000;
  if (schedule.mode === "shop_time" && schedule.at.getTime() < grace) return "That send time has already passed: choose a later one, or send now.";
  if (schedule.mode === "recipient_local" && localWallTimeToInstant(schedule.localSendTime, LATEST_ZONE).getTime() < grace) {
    return "That local time has already passed in every time zone: choose a later one.";
  }
  return null;
}

/**
 * When a recipient's text is due before quiet hours: never before `now`. For
 * a local send time, the latest of its instants in the recipient's zones (an
 * area code may span two), so nobody gets it before the chosen time.
 */
export function intendedSendTime(schedule: CampaignSchedule, zones: readonly string[], now: Date): Date {
  const notBeforeNow = (at: Date) => (at.getTime() < now.getTime() ? now : at);
  switch (schedule.mode) {
    case "now":
      return now;
    case "shop_time":
      return notBeforeNow(schedule.at);
    case "recipient_local": {
      if (zones.length === 0) return now;
      const instants = zones.map((zone) => localWallTimeToInstant(schedule.localSendTime, zone).getTime());
      return notBeforeNow(new Date(Math.max(...instants)));
    }
  }
}

/** The schedule a stored campaign row describes, or null for a campaign that was never scheduled. */
export function scheduleOfCampaign(row: { scheduleMode: string; scheduledAt: Date | null; localSendTime: string | null }): CampaignSchedule | null {
  switch (row.scheduleMode) {
    case "now":
      return { mode: "now" };
    case "shop_time":
      return row.scheduledAt ? { mode: "shop_time", at: row.scheduledAt } : null;
    case "recipient_local":
      return row.localSendTime ? { mode: "recipient_local", localSendTime: row.localSendTime } : null;
    default:
      throw new Error(`Unknown campaign schedule mode "${row.scheduleMode}"`);
  }
}
