/**
 * The independent audit of marketing texts actually sent, one text at a time,
 * pure: was it sent inside the hours the law allows at the recipient's
 * location, and within the daily and monthly caps? Recomputed with the same
 * pure rules the planner and the dispatcher use (app/sending-rules/), from
 * what was sent, not from the dispatcher's own flags. The gathering of the
 * texts and their history is sending-audit.server.ts.
 *
 * Quiet hours are judged against the law only (the federal window and each
 * state's, at every zone the recipient may be in): a shop's own quiet hours
 * narrow the window further, but they may have changed since a text went, so
 * they would make exceptions of texts that were sent by the rules of the day.
 * Caps are the shop's daily and monthly limits as set now (the stricter
 * state cap where one applies); smart sending is a preference, not a cap.
 */
import { DateTime } from "luxon";
import { capVerdict } from "../sending-rules/frequency-caps";
import { allowedToSendAt, minutesOfClock } from "../sending-rules/quiet-hours";
import type { RecipientLocation } from "../sending-rules/recipient-location";
import { FEDERAL_WINDOW, stateDailyCap, stateSendingRule, stateWindowOn, type IsoWeekday } from "../sending-rules/state-quiet-hours";

/** No quiet hours of the shop's own: the law's window alone (start = end means none, quiet-hours.ts). */
const LAW_ONLY = { start: "00:00", end: "00:00" } as const;

export interface AuditRules {
  dailyCap: number;
  monthlyCap: number;
  /** The shop's zone: where a calendar month begins. */
  timezone: string;
}

export interface AuditedText {
  messageId: string;
  subscriberId: string | null;
  campaignId: string | null;
  phone: string;
  sentAt: Date;
  location: RecipientLocation;
  /** This subscriber's marketing texts before this one (oldest first), at least the 32 days before it. */
  before: readonly Date[];
}

interface ExceptionBase {
  messageId: string;
  subscriberId: string | null;
  campaignId: string | null;
  phone: string;
  sentAt: string;
}

export type SendingException =
  | (ExceptionBase & {
      rule: "quiet_hours";
      /** The recipient's wall clock in each zone they may be in: "21:14", "Friday". */
      localTimes: { zone: string; time: string; weekday: string }[];
      regions: string[];
      /** The window the law allows there that day, in the first zone: "8:00–20:00". */
      window: string;
    })
  | (ExceptionBase & {
      rule: "daily_cap" | "monthly_cap";
      /** Which text this was in the 24 hours or the month: 4 for the 4th. */
      count: number;
      limit: number;
      /** Whose limit, in words: "your daily limit", "Florida law", "the monthly number your disclosure promises". */
      limitSource: string;
    });

/** The exceptions of one text: none, one or two (a text can be in quiet hours and over a cap). */
export function auditText(text: AuditedText, rules: AuditRules): SendingException[] {
  const base: ExceptionBase = {
    messageId: text.messageId,
    subscriberId: text.subscriberId,
    campaignId: text.campaignId,
    phone: text.phone,
    sentAt: text.sentAt.toISOString(),
  };
  const exceptions: SendingException[] = [];
  if (!allowedToSendAt(text.location, LAW_ONLY, text.sentAt)) {
    exceptions.push({ ...base, rule: "quiet_hours", ...quietHoursDetail(text.location, text.sentAt) });
  }
  const stateCap = stateDailyCap(text.location.regions);
  const verdict = capVerdict(
    { sentAt: [...text.before] },
    { dailyCap: rules.dailyCap, monthlyCap: rules.monthlyCap, smartSendingHours: 0, stateDailyCap: stateCap, timezone: rules.timezone },
    text.sentAt,
  );
  if (!verdict.ok && verdict.reason === "daily_cap") {
    const dayAgo = text.sentAt.getTime() - 24 * 3600_000;
    const stateIsStricter = stateCap !== null && stateCap < rules.dailyCap;
    exceptions.push({
      ...base,
      rule: "daily_cap",
      count: text.before.filter((at) => at.getTime() > dayAgo).length + 1,
      limit: stateIsStricter ? stateCap : rules.dailyCap,
      limitSource: stateIsStricter ? `${statesOf(text.location.regions, stateCap)} law` : "your daily limit",
    });
  }
  // The daily cap is named first when both are reached (frequency-caps.ts); the month is checked on its own here.
  const monthly = capVerdict(
    { sentAt: [...text.before] },
    { dailyCap: Number.MAX_SAFE_INTEGER, monthlyCap: rules.monthlyCap, smartSendingHours: 0, stateDailyCap: null, timezone: rules.timezone },
    text.sentAt,
  );
  if (!monthly.ok) {
    const monthStart = DateTime.fromJSDate(text.sentAt, { zone: rules.timezone }).startOf("month").toMillis();
    exceptions.push({
      ...base,
      rule: "monthly_cap",
      count: text.before.filter((at) => at.getTime() >= monthStart).length + 1,
      limit: rules.monthlyCap,
      limitSource: "the monthly number your disclosure promises",
    });
  }
  return exceptions;
}

const WEEKDAYS = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

function quietHoursDetail(location: RecipientLocation, at: Date) {
  const localTimes = location.zones.map((zone) => {
    const local = DateTime.fromJSDate(at, { zone });
    return { zone, time: local.toFormat("HH:mm"), weekday: WEEKDAYS[local.weekday]! };
  });
  const weekday = DateTime.fromJSDate(at, { zone: location.zones[0]! }).weekday as IsoWeekday;
  return { localTimes, regions: [...location.regions], window: lawWindowOn(location.regions, weekday) };
}

/** The federal window narrowed by each state's on a weekday, as "8:00–20:00". */
export function lawWindowOn(regions: readonly string[], weekday: IsoWeekday): string {
  let start = minutesOfClock(FEDERAL_WINDOW.start);
  let end = minutesOfClock(FEDERAL_WINDOW.end);
  for (const region of regions) {
    const rule = stateSendingRule(region);
    if (!rule) continue;
    const window = stateWindowOn(rule, weekday);
    start = Math.max(start, minutesOfClock(window.start));
    end = Math.min(end, minutesOfClock(window.end));
  }
  const clock = (minutes: number) => `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}`;
  return `${clock(start)}–${clock(end)}`;
}

function statesOf(regions: readonly string[], cap: number): string {
  const names = regions.map(stateSendingRule).filter((rule) => rule?.dailyCap === cap).map((rule) => rule!.state);
  return [...new Set(names)].join(" and ") || "state";
}
