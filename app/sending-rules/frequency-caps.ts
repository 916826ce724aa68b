/**
 * How many marketing texts one subscriber may get: the shop's daily cap per
 * rolling 24 hours (or the state's, where a statute sets a stricter one), the
 * monthly number the disclosure promises (per calendar month in the shop's
 * zone, the month the merchant and the subscriber read it in), and the
 * optional "smart sending" gap after any marketing text.
 *
 * The history holds texts that were sent or may have been (a worker that died
 * mid-call): counting a text that never left is the safe mistake.
 */
import { DateTime } from "luxon";

export interface MarketingHistory {
  /** Marketing texts to this subscriber, newest last, at least the last 32 days. */
  sentAt: readonly Date[];
}

export interface FrequencyRules {
  /** The shop's cap per rolling 24 hours. */
  dailyCap: number;
  /** The shop's cap per calendar month in `timezone`. */
  monthlyCap: number;
  /** 0 = off; else no marketing text within this many hours of the last one. */
  smartSendingHours: number;
  /** The strictest statutory cap per 24 hours of the recipient's states (state-quiet-hours.ts), or null. */
  stateDailyCap: number | null;
  /** The shop's IANA zone: where a month begins. */
  timezone: string;
}

export type CapSkipReason = "daily_cap" | "monthly_cap" | "smart_sending";
export type CapVerdict = { ok: true } | { ok: false; reason: CapSkipReason };

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Whether one more marketing text may go at `at`. A text sent exactly 24 hours
 * (or exactly the smart-sending gap) before `at` no longer counts: the windows
 * are (at − 24 h, at]. Texts the history dates after `at` (clocks of two
 * machines) count as recent. When several caps are reached, the daily cap is
 * named first, then the monthly cap, then smart sending.
 */
export function capVerdict(history: MarketingHistory, rules: FrequencyRules, at: Date): CapVerdict {
  const now = at.getTime();
  const dailyCap = rules.stateDailyCap === null ? rules.dailyCap : Math.min(rules.dailyCap, rules.stateDailyCap);
  const monthStart = startOfMonth(now, rules.timezone);
  const smartGap = Math.max(0, rules.smartSendingHours) * HOUR_MS;

  let lastDay = 0;
  let thisMonth = 0;
  let withinGap = false;
  for (const sent of history.sentAt) {
    const time = sent.getTime();
    if (time > now - DAY_MS) lastDay++;
    if (time >= monthStart) thisMonth++;
    if (smartGap > 0 && time > now - smartGap) withinGap = true;
  }
  if (lastDay >= dailyCap) return { ok: false, reason: "daily_cap" };
  if (thisMonth >= rules.monthlyCap) return { ok: false, reason: "monthly_cap" };
  if (withinGap) return { ok: false, reason: "smart_sending" };
  return { ok: true };
}

// Planning asks for every recipient, nearly always in the same month of the same few zones: keep the last month per zone.
const monthOfZone = new Map<string, { start: number; end: number }>();

/** The instant the calendar month containing `instant` began in `zone`. */
function startOfMonth(instant: number, zone: string): number {
  const known = monthOfZone.get(zone);
  if (known && instant >= known.start && instant < known.end) return known.start;
  const local = DateTime.fromMillis(instant, { zone });
  if (!local.isValid) throw new Error(`Unknown time zone ${JSON.stringify(zone)}`);
  const start = local.startOf("month");
  monthOfZone.set(zone, { start: start.toMillis(), end: start.plus({ months: 1 }).toMillis() });
  return start.toMillis();
}
