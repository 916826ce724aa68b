/**
 * The sending rules' verdict for one marketing text at the moment it would go,
 * from what is already known: the shop's settings, where the recipient is and
 * their marketing history. No I/O: a single text (marketingRulesAtDispatch,
 * sending-rules.server.ts) and a claimed batch (app/messaging/dispatch-facts.server.ts)
 * read their facts their own way and are judged by this one function.
 * Consent is not checked here (app/consent/suppression.server.ts).
 */
import { capVerdict, type CapSkipReason } from "./frequency-caps";
import { allowedToSendAt, nextAllowedSendTime, NoAllowedSendTimeError } from "./quiet-hours";
import type { RecipientLocation } from "./recipient-location";
import { stateDailyCap } from "./state-quiet-hours";

/** The shop's settings the rules read (Shop's columns of the same names). */
export interface MarketingRulesSettings {
  timezone: string;
  quietHoursStart: string;
  quietHoursEnd: string;
  maxMessagesPerDay: number;
  maxMessagesPerMonth: number;
  smartSendingHours: number;
}

export type DispatchSkipReason = CapSkipReason | "no_send_window";

export type DispatchVerdict =
  | { action: "send" }
  | { action: "defer"; until: Date; reason: "quiet_hours" }
  | { action: "skip"; reason: DispatchSkipReason };

/**
 * Deferred to the recipient's next allowed minute in quiet hours, skipped over
 * a cap (or when the shop's quiet hours leave no minute to send in:
 * "no_send_window"), else sent. `history` is the subscriber's marketing texts
 * that were or may have been sent, without the text being judged, in any
 * order (empty when the number has no subscriber row).
 */
export function marketingRulesVerdict(
  settings: MarketingRulesSettings,
  location: RecipientLocation,
  history: readonly Date[],
  now: Date,
): DispatchVerdict {
  const quietHours = { start: settings.quietHoursStart, end: settings.quietHoursEnd };
  if (!allowedToSendAt(location, quietHours, now)) {
    try {
      return { action: "defer", until: nextAllowedSendTime(location, quietHours, now), reason: "quiet_hours" };
    } catch (error) {
      if (error instanceof NoAllowedSendTimeError) return { action: "skip", reason: "no_send_window" };
      throw error;
    }
  }
  const verdict = capVerdict(
    { sentAt: history },
    {
      dailyCap: settings.maxMessagesPerDay,
      monthlyCap: settings.maxMessagesPerMonth,
      smartSendingHours: settings.smartSendingHours,
      stateDailyCap: stateDailyCap(location.regions),
      timezone: settings.timezone,
    },
    now,
  );
  return verdict.ok ? { action: "send" } : { action: "skip", reason: verdict.reason };
}
