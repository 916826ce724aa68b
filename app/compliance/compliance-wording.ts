/**
 * The Compliance page's sentences, pure: the ledger check's result and each
 * quiet-hours or cap exception, in words a lawyer can read. Numbers and times
 * go through the merchant's formatter (the admin's LocaleFormat fits it).
 */
import type { LedgerCheck, LedgerEventRef } from "./ledger-check.server";
import type { SendingException } from "./sending-audit";

export interface Wording {
  count(value: number): string;
  /** An instant in the shop's zone, the zone named. */
  dateTime(value: Date | string): string;
}

const KIND_WORDS: Record<string, string> = {
  opt_in_requested: "asked to confirm (double opt-in)",
  confirmed: "confirmed",
  opted_in: "opted in",
  opted_out: "opted out",
  resubscribed: "resubscribed",
  expired: "request expired",
  carrier_opt_out: "opted out at the carrier",
};

export const consentKindInWords = (kind: string): string => KIND_WORDS[kind] ?? kind.replace(/_/g, " ");

/** "Event #1,204 (opted out, Sep 3, 2026, 2:02 PM EDT)" */
export function eventInWords(event: LedgerEventRef, format: Wording): string {
  return `Event #${format.count(event.seq)} (${consentKindInWords(event.kind)}, ${format.dateTime(event.occurredAt)})`;
}

/** The check's result as one or two sentences: "Chain intact: …" or the first broken link. */
export function ledgerCheckInWords(check: LedgerCheck, format: Wording): string {
  if (check.ok) {
    if (check.events === 0) return "Chain intact: no consent events recorded yet.";
    const last = check.lastEvent ? `, last event ${format.dateTime(check.lastEvent.occurredAt)}` : "";
    const redacted =
      check.redacted > 0
        ? ` ${format.count(check.redacted)} of them had their personal data erased on a customer's request; their place in the chain still checks.`
        : "";
    return `Chain intact: ${format.count(check.events)} ${check.events === 1 ? "event" : "events"}${last}.${redacted}`;
  }
  const at = check.event ? eventInWords(check.event, format) : `Event #${format.count(check.brokenAt)}`;
  const sound = check.events > 0 ? ` The ${format.count(check.events)} events before it check.` : "";
  switch (check.problem) {
    case "edited":
      return `${at} no longer matches its own hash: the event was changed after it was recorded.${sound}`;
    case "evidence_changed":
      return `${at}: its phone number or evidence no longer matches what the chain recorded: it was changed after it was recorded.${sound}`;
    case "unlinked": {
      const before = check.previous ? eventInWords(check.previous, format) : `Event #${format.count(check.brokenAt - 1)}`;
      return `${before} does not match the hash the next event, #${format.count(check.brokenAt)}, commits to: the ledger was altered at or after this event.${sound}`;
    }
    case "missing": {
      const first = check.events + 1;
      const last = check.brokenAt - 1;
      const gap = first === last ? `Event #${format.count(first)} is` : `Events #${format.count(first)} to #${format.count(last)} are`;
      return `${gap} missing: the chain jumps to ${at}. Events were deleted.${sound}`;
    }
    case "truncated": {
      const lost = check.headSeq - check.events;
      return `The chain ends at event #${format.count(check.events)}, but ${format.count(check.headSeq)} events were recorded: the last ${lost > 0 ? format.count(lost) : ""} ${lost === 1 ? "event was" : "events were"} deleted.`;
    }
    default:
      return `${at}: ${check.reason}.${sound}`;
  }
}

/** One exception of the sending audit: what was sent, when, and which rule it broke. */
export function sendingExceptionInWords(exception: SendingException, format: Wording): string {
  const sent = `Sent ${format.dateTime(exception.sentAt)} to ${exception.phone}`;
  if (exception.rule === "quiet_hours") {
    const local = exception.localTimes.map((local) => `${local.time} on ${local.weekday} in ${local.zone}`).join(" and ");
    const where = exception.regions.length ? ` (${exception.regions.join(", ")})` : "";
    return `${sent}: it was ${local}${where}, outside the hours the law allows there (${exception.window}).`;
  }
  const ordinal = ordinalOf(exception.count);
  if (exception.rule === "daily_cap") {
    return `${sent}: the ${ordinal} marketing text to this number within 24 hours; the limit is ${format.count(exception.limit)} (${exception.limitSource}).`;
  }
  return `${sent}: the ${ordinal} marketing text to this number this calendar month; the limit is ${format.count(exception.limit)} (${exception.limitSource}).`;
}

export function ordinalOf(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}
