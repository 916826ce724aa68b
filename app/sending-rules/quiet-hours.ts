/**
 * Whether a marketing text may reach a recipient now, and if not, when.
 *
 * The window at a recipient is the intersection of the federal window, the
 * window of every state in `location.regions` (state-quiet-hours.ts) and the
 * complement of the shop's own quiet hours: the shop can only narrow it. It is
 * evaluated on the wall clock of every zone in `location.zones` (an area code
 * may span two), and every zone must allow. Windows are whole minutes, start
 * included and end excluded: 20:59:59 is allowed, 21:00:00 is not.
 *
 * Local times come from luxon, so daylight saving time is the zone's own:
 * on the spring-forward night 02:30 does not exist, on the fall-back night
 * 01:30 happens twice, and neither can move a window.
 */
import { DateTime, IANAZone } from "luxon";
import type { RecipientLocation } from "./recipient-location";
import { FEDERAL_WINDOW, stateSendingRule, stateWindowOn, type DailyWindow, type IsoWeekday, type StateSendingRule } from "./state-quiet-hours";

export interface ShopQuietHours {
  /** "HH:MM": quiet from here… */
  start: string;
  /** …until here (exclusive). start > end wraps past midnight (21:00 → 08:00); start = end means no quiet hours. */
  end: string;
}

/** How far nextAllowedSendTime looks before it gives up: more than a week, so every weekday rule has had its turn. */
export const SEARCH_HORIZON_DAYS = 8;

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;

/** Minutes since local midnight, as half-open [start, end). */
type Interval = readonly [start: number, end: number];

export class NoAllowedSendTimeError extends Error {
  constructor(location: RecipientLocation, shopQuietHours: ShopQuietHours, from: Date) {
    super(
      `No minute between ${from.toISOString()} and ${SEARCH_HORIZON_DAYS} days later is allowed at a recipient in ` +
        `${location.zones.join(", ")}${location.regions.length ? ` (${location.regions.join(", ")})` : ""} ` +
        `with the shop's quiet hours ${shopQuietHours.start}–${shopQuietHours.end}: the rules leave no window to send in.`,
    );
    this.name = "NoAllowedSendTimeError";
  }
}

/** True when a marketing text may reach this recipient at `at`, in every zone of their location. */
export function allowedToSendAt(location: RecipientLocation, shopQuietHours: ShopQuietHours, at: Date): boolean {
  const rules = compileRules(location, shopQuietHours);
  return rules.zones.every((zone) => closedUntil(rules, zone, at.getTime()) === null);
}

/**
 * `at` itself when it is allowed; otherwise the first whole minute after it
 * that every zone of the location allows (seconds 0). Throws
 * NoAllowedSendTimeError when there is none within SEARCH_HORIZON_DAYS.
 */
export function nextAllowedSendTime(location: RecipientLocation, shopQuietHours: ShopQuietHours, at: Date): Date {
  const rules = compileRules(location, shopQuietHours);
  const horizon = at.getTime() + SEARCH_HORIZON_DAYS * DAY_MINUTES * MINUTE_MS;
  let candidate = at.getTime();
  for (;;) {
    // Jump to the latest opening among the zones that are closed: nothing before it can be allowed in all of them.
    let latestOpening: number | null = null;
    for (const zone of rules.zones) {
      const opening = closedUntil(rules, zone, candidate);
      if (opening !== null && (latestOpening === null || opening > latestOpening)) latestOpening = opening;
    }
    if (latestOpening === null) return candidate === at.getTime() ? at : new Date(candidate);
    if (latestOpening > horizon) throw new NoAllowedSendTimeError(location, shopQuietHours, at);
    candidate = latestOpening;
  }
}

/**
 * The instant a wall-clock time happens in a zone: "2026-12-01T10:00" in
 * America/Chicago. A time the clock skips (02:30 on the spring-forward night)
 * is read as if the clock had not jumped (03:30 daylight time); a time it
 * shows twice (01:30 on the fall-back night) is the first of the two, as
 * Temporal's "compatible" reading does.
 */
export function localWallTimeToInstant(wallTime: string, zone: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(wallTime);
  if (!match) throw new Error(`Expected a wall time like "2026-12-01T10:00", got ${JSON.stringify(wallTime)}`);
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  requireZone(zone);
  const local = DateTime.fromObject({ year, month, day, hour, minute }, { zone });
  if (!local.isValid || local.month !== month || local.day !== day) {
    throw new Error(`Not a calendar date and time: ${JSON.stringify(wallTime)}`);
  }
  // luxon resolves both DST cases the "compatible" way; the earlier offset of an ambiguous time is checked explicitly.
  const earlier = local.minus({ hours: 1 });
  if (earlier.hour === hour && earlier.minute === minute && earlier.day === day) return earlier.toJSDate();
  return local.toJSDate();
}

// ---------------------------------------------------------------------------
// Local times are computed from each zone's UTC offset at an instant (luxon's
// IANAZone), with plain arithmetic on "wall
// milliseconds" (the local wall clock read as if it were UTC): a DateTime per
// step costs about ten times more, and planning asks for every recipient.

/**
 * A zone's UTC offset (minutes) at an instant, remembered per quarter hour:
 * every offset in use today is a whole number of quarter hours, so every
 * change of offset happens on a quarter hour of UTC and the offset is the same
 * throughout one. Intl costs about 15 µs a question; a campaign asks millions.
 */
class ZoneOffsets {
  private readonly byQuarterHour = new Map<number, number>();
  constructor(readonly zone: IANAZone) {}

  at(instant: number): number {
    const quarter = Math.floor(instant / QUARTER_HOUR_MS);
    let offset = this.byQuarterHour.get(quarter);
    if (offset === undefined) {
      if (this.byQuarterHour.size >= MAX_REMEMBERED_OFFSETS) this.byQuarterHour.clear();
      this.byQuarterHour.set(quarter, (offset = this.zone.offset(instant)));
    }
    return offset;
  }
}

const QUARTER_HOUR_MS = 15 * MINUTE_MS;
const MAX_REMEMBERED_OFFSETS = 50_000;
const zoneOffsets = new Map<string, ZoneOffsets>();

interface CompiledRules {
  zones: readonly ZoneOffsets[];
  /** The allowed intervals of a local day, by ISO weekday (index 1–7): federal ∩ every state ∩ the shop's. */
  allowedByWeekday: readonly (readonly Interval[])[];
}

const compiled = new Map<string, CompiledRules>();
const MAX_COMPILED = 10_000;

function compileRules(location: RecipientLocation, shopQuietHours: ShopQuietHours): CompiledRules {
  const key = `${location.zones.join(",")}|${location.regions.join(",")}|${shopQuietHours.start}-${shopQuietHours.end}`;
  let rules = compiled.get(key);
  if (rules) return rules;
  if (location.zones.length === 0) throw new Error("A recipient location needs at least one time zone");
  const zones = location.zones.map(requireZone);
  const states = location.regions.map(stateSendingRule).filter((rule): rule is StateSendingRule => rule !== null);
  const shopAllowed = shopAllowedIntervals(shopQuietHours);
  const allowedByWeekday: Interval[][] = [[]];
  for (let weekday = 1; weekday <= 7; weekday++) allowedByWeekday.push(allowedIntervalsOn(states, shopAllowed, weekday as IsoWeekday));
  rules = { zones, allowedByWeekday };
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  compiled.set(key, rules);
  return rules;
}

/** The zone, or a throw for one luxon does not know: it would read every time as invalid, and a rule could pass unnoticed. */
function requireZone(name: string): ZoneOffsets {
  let offsets = zoneOffsets.get(name);
  if (!offsets) {
    const zone = IANAZone.create(name);
    if (!zone.isValid) throw new Error(`Unknown time zone ${JSON.stringify(name)}`);
    zoneOffsets.set(name, (offsets = new ZoneOffsets(zone)));
  }
  return offsets;
}

/** "HH:MM" → minutes since midnight ("24:00" is accepted as the end of the day). */
export function minutesOfClock(clock: string): number {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(clock);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
  if (!(minutes <= DAY_MINUTES)) throw new Error(`Expected a time of day like "21:00", got ${JSON.stringify(clock)}`);
  return minutes;
}

function shopAllowedIntervals(quiet: ShopQuietHours): Interval[] {
  const start = minutesOfClock(quiet.start) % DAY_MINUTES;
  const end = minutesOfClock(quiet.end) % DAY_MINUTES;
  if (start === end) return [[0, DAY_MINUTES]];
  // Quiet from start to end across midnight (21:00 → 08:00): allowed from end to start.
  if (start > end) return [[end, start]];
  // Quiet inside one day (12:00 → 14:00): allowed before and after.
  const intervals: Interval[] = [
    [0, start],
    [end, DAY_MINUTES],
  ];
  return intervals.filter(([from, to]) => to > from);
}

const windowInterval = (window: DailyWindow): Interval => [minutesOfClock(window.start), minutesOfClock(window.end)];
const FEDERAL: Interval = windowInterval(FEDERAL_WINDOW);

function allowedIntervalsOn(states: readonly StateSendingRule[], shopAllowed: readonly Interval[], weekday: IsoWeekday): Interval[] {
  let start = FEDERAL[0];
  let end = FEDERAL[1];
  for (const state of states) {
    const [from, to] = windowInterval(stateWindowOn(state, weekday));
    start = Math.max(start, from);
    end = Math.min(end, to);
  }
  const intervals: Interval[] = [];
  for (const [from, to] of shopAllowed) {
    const interval: Interval = [Math.max(start, from), Math.min(end, to)];
    if (interval[1] > interval[0]) intervals.push(interval);
  }
  return intervals;
}

const DAY_MS = DAY_MINUTES * MINUTE_MS;

/** ISO weekday of a wall-clock day (wall milliseconds read as UTC). */
const weekdayOf = (wallMs: number): IsoWeekday => (((new Date(wallMs).getUTCDay() + 6) % 7) + 1) as IsoWeekday;

/**
 * The instant a wall-clock time happens in a zone (luxon's own method): a
 * skipped time lands after the gap, a doubled one on either occurrence.
 */
function wallToInstant(wallMs: number, zone: ZoneOffsets): number {
  const guessOffset = zone.at(wallMs);
  let instant = wallMs - guessOffset * MINUTE_MS;
  const offset = zone.at(instant);
  if (offset === guessOffset) return instant;
  instant -= (offset - guessOffset) * MINUTE_MS;
  const settled = zone.at(instant);
  if (settled === offset) return instant;
  return wallMs - Math.min(offset, settled) * MINUTE_MS;
}

/**
 * null when `instant` is allowed in `zone`; else the first instant after it
 * at which the zone's window opens (a whole minute), or +Infinity when none
 * opens within the horizon. Never earlier than the true opening: the caller
 * may jump straight there.
 */
function closedUntil(rules: CompiledRules, zone: ZoneOffsets, instant: number): number | null {
  const wall = instant + zone.at(instant) * MINUTE_MS;
  const dayStart = wall - (((wall % DAY_MS) + DAY_MS) % DAY_MS);
  const minute = Math.floor((wall - dayStart) / MINUTE_MS);
  const today = rules.allowedByWeekday[weekdayOf(dayStart)]!;
  if (today.some(([from, to]) => minute >= from && minute < to)) return null;

  for (let dayOffset = 0; dayOffset <= SEARCH_HORIZON_DAYS + 1; dayOffset++) {
    const day = dayStart + dayOffset * DAY_MS;
    for (const [from] of rules.allowedByWeekday[weekdayOf(day)]!) {
      const opening = wallToInstant(day + from * MINUTE_MS, zone);
      // A wall time the clock skipped lands later, never earlier; one it shows twice may land before `instant`.
      if (opening > instant) return opening;
    }
  }
  return Number.POSITIVE_INFINITY;
}
