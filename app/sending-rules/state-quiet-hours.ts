/**
 * When marketing texts may reach a recipient, by law: the federal window and
 * the states that set a stricter one or a daily cap. Kept as data, each rule
 * with where it comes from, so a lawyer can read and update it without
 * reading the code that applies it (quiet-hours.ts, frequency-caps.ts).
 * The summary these rows were taken from, checked in November 2026: the
 * quiet hours and caps in docs/compliance.md.
 *
 * Times are the recipient's local wall clock, "HH:MM", start included and end
 * excluded: a window 08:00–21:00 allows 20:59:59 and refuses 21:00:00.
 * Weekdays are ISO (1 = Monday … 7 = Sunday).
 */

export interface DailyWindow {
  /** First allowed minute, "HH:MM". */
  start: string;
  /** First minute no longer allowed, "HH:MM" (exclusive). */
  end: string;
}

export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface StateSendingRule {
  /** ISO 3166-2 code of the state, as Subscriber.region stores it. */
  region: string;
  state: string;
  /** The window on every day, unless `byWeekday` names that day. */
  window: DailyWindow;
  byWeekday?: Partial<Record<IsoWeekday, DailyWindow>>;
  /** Marketing texts per recipient per rolling 24 hours, where the state sets a number; null where it sets none. */
  dailyCap: number | null;
  /** Where the rule comes from, in words. */
  source: string;
  /** What the rule is not certain about, or what goes with it. */
  note?: string;
}

/** 47 CFR 64.1200(c)(1), under the TCPA: no telephone solicitation before 8 a.m. or after 9 p.m. at the called party's location. */
export const FEDERAL_WINDOW: DailyWindow = { start: "08:00", end: "21:00" };
export const FEDERAL_SOURCE = "Telephone Consumer Protection Act, FCC rule 47 CFR 64.1200(c)(1): 8:00 to 21:00 at the recipient's location";

export const STATE_SENDING_RULES: readonly StateSendingRule[] = [
  {
    region: "US-FL",
    state: "Florida",
    window: { start: "08:00", end: "20:00" },
    dailyCap: 3,
    source: "Florida Telephone Solicitation Act, §501.616 Florida Statutes, as amended in 2021: 8:00 to 20:00, at most 3 per rolling 24 hours on the same subject",
    note: "The statute counts texts on the same subject; we count every marketing text, which is never less strict.",
  },
  {
    region: "US-MD",
    state: "Maryland",
    window: { start: "08:00", end: "20:00" },
    dailyCap: 3,
    source: "Maryland Stop the Spam Calls Act of 2024: 8:00 to 20:00, at most 3 per 24 hours on the same subject",
    note: "Counted over every marketing text, as for Florida.",
  },
  {
    region: "US-OK",
    state: "Oklahoma",
    window: { start: "08:00", end: "20:00" },
    dailyCap: 3,
    source: "Oklahoma Telephone Solicitation Act of 2022: 8:00 to 20:00; the cap of 3 per 24 hours as secondary sources read it",
  },
  {
    region: "US-CT",
    state: "Connecticut",
    window: { start: "09:00", end: "20:00" },
    dailyCap: null,
    source: "Connecticut telemarketing rules as vendors summarise them: 9:00 to 20:00",
  },
  {
    region: "US-NJ",
    state: "New Jersey",
    window: { start: "08:00", end: "21:00" },
    dailyCap: 3,
    source: "New Jersey telemarketing rules as vendors summarise them: 8:00 to 21:00; the cap of 3 per 24 hours from secondary sources",
  },
  {
    region: "US-TX",
    state: "Texas",
    window: { start: "09:00", end: "21:00" },
    byWeekday: { 7: { start: "12:00", end: "21:00" } },
    dailyCap: null,
    source: "Texas SB 140 (in force 1 September 2025: texts are telephone solicitation), hours as vendors summarise them: 9:00 to 21:00 Monday to Saturday, 12:00 to 21:00 on Sunday",
    note: "A seller may have to register in Texas ($200 and a bond) unless every recipient gave prior consent.",
  },
];

const RULES_BY_REGION: ReadonlyMap<string, StateSendingRule> = new Map(STATE_SENDING_RULES.map((rule) => [rule.region, rule]));

/** The state's rule for a region code ("US-FL", any case), or null where only federal law applies. */
export function stateSendingRule(region: string): StateSendingRule | null {
  return RULES_BY_REGION.get(region.trim().toUpperCase()) ?? null;
}

/** The window a state allows on a weekday. */
export function stateWindowOn(rule: StateSendingRule, weekday: IsoWeekday): DailyWindow {
  return rule.byWeekday?.[weekday] ?? rule.window;
}

/** The strictest statutory daily cap among the regions, or null when none of them sets one. */
export function stateDailyCap(regions: readonly string[]): number | null {
  let cap: number | null = null;
  for (const region of regions) {
    const ruleCap = stateSendingRule(region)?.dailyCap ?? null;
    if (ruleCap !== null && (cap === null || ruleCap < cap)) cap = ruleCap;
  }
  return cap;
}
