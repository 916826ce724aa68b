/**
 * The one vocabulary of Message.status, the state of every text in the outbox.
 * The outbox, its dispatcher, the delivery-status callbacks and every other
 * writer or reader of Message.status use these names, so a status the
 * callbacks cannot rank can no longer be written (the column itself is a
 * plain string).
 *
 * A status only moves forward: queued < sending (or unknown) < sent < final.
 */

export const MESSAGE_STATUSES = [
  "queued", // in our outbox, due at nextAttemptAt
  "sending", // claimed by a worker, or accepted by Twilio and not yet out to the carrier
  "sent", // the carrier has it
  "delivered",
  "undelivered", // the carrier had it and could not deliver it
  "failed", // never left Twilio, or we gave up
  "cancelled", // never sent: consent ended, the customer was erased, the shop uninstalled
  "suppressed", // never sent: not subscribed (or unreachable) at the moment of sending
  "skipped", // never sent: a sending rule held it back (frequency caps, smart sending); skipReason says which
  "unknown", // a worker died between handing a marketing text to Twilio and recording the answer: never re-sent blindly
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

const PROGRESS: Record<MessageStatus, number> = {
  queued: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  undelivered: 3,
  failed: 3,
  cancelled: 3,
  suppressed: 3,
  skipped: 3,
  // Twilio may have the text: a late callback (found by the id in its URL) still moves it on.
  unknown: 1,
};

/** Texts Twilio reported it could not deliver, as the campaign figures count them. */
export const FAILED_DELIVERY_STATUSES = ["undelivered", "failed"] as const satisfies readonly MessageStatus[];

// Statuses earlier versions wrote and this one no longer does, read as what they meant.
// "accepted": until November 2026 the worker stored it once Twilio took a text.
const LEGACY_STATUSES: ReadonlyMap<string, MessageStatus> = new Map([["accepted", "sending"]]);

const KNOWN: ReadonlySet<string> = new Set(MESSAGE_STATUSES);

/** A stored status as one of ours (legacy names mapped), or null for a value no version wrote. */
export function readMessageStatus(stored: string): MessageStatus | null {
  return KNOWN.has(stored) ? (stored as MessageStatus) : (LEGACY_STATUSES.get(stored) ?? null);
}

export function isFinalMessageStatus(status: MessageStatus): boolean {
  return PROGRESS[status] === PROGRESS.delivered;
}

/** Whether a message may go from `current` to `next`: forward only, and never out of a final status. */
export function movesForward(current: MessageStatus, next: MessageStatus): boolean {
  return PROGRESS[next] > PROGRESS[current];
}
