/**
 * Delivery status callbacks, as pure decisions: what a callback means for the
 * outbox row, and for the subscriber it was sent to.
 *
 * Twilio sends callbacks out of order and more than once, so a message's
 * status only ever moves forward: queued < sending < sent < final, and a final
 * status (delivered, undelivered, failed, cancelled, suppressed) is kept; a
 * late "sent" never undoes "delivered", and a failure after delivery is ignored.
 */
import { z } from "zod";
import { movesForward, readMessageStatus, type MessageStatus } from "./message-status";

// Twilio's MessageStatus values onto ours. Any other value (e.g. "receiving", or
// one Twilio adds later) is acknowledged and ignored. A Map, so that a name like
// "constructor" is unknown rather than a property of every object.
const FROM_TWILIO: ReadonlyMap<string, MessageStatus> = new Map([
  ["queued", "sending"], // queued at Twilio: it has left our outbox, which must never send it again
  ["accepted", "sending"],
  ["scheduled", "sending"],
  ["sending", "sending"],
  ["sent", "sent"],
  ["delivered", "delivered"],
  ["read", "delivered"],
  ["undelivered", "undelivered"],
  ["failed", "failed"],
  ["canceled", "cancelled"],
]);

export const statusCallbackSchema = z.object({
  MessageSid: z.string().regex(/^[A-Z]{2}[0-9a-f]{32}$/i, "must be SM followed by 32 hex digits"),
  MessageStatus: z.string().min(1, "Required"),
  ErrorCode: z
    .string()
    .regex(/^\d{0,9}$/, "must be a number")
    .optional()
    .transform((code) => (code && Number(code) > 0 ? Number(code) : null)), // "" and "0" mean no error
});
export type StatusCallback = z.infer<typeof statusCallbackSchema>;

/** Twilio errors that concern the number rather than the message. */
export const CARRIER_OPT_OUT = 21610; // the recipient texted STOP to Twilio: never text them again
const UNDELIVERABLE: Record<number, { permanent: boolean }> = {
  30003: { permanent: false }, // unreachable handset: may be switched off, so only after repeats
  30005: { permanent: true }, // unknown or inactive number
  30006: { permanent: true }, // landline or unreachable carrier
};
export const UNREACHABLE_AFTER_REPEATS = 3;

/**
 * What the failure codes a campaign's texts come back with mean, in the
 * merchant's words: the campaign results page shows them beside each count.
 * A code not listed is described by its number and Twilio's error dictionary.
 */
const TWILIO_ERROR_MEANINGS: ReadonlyMap<number, string> = new Map([
  [CARRIER_OPT_OUT, "The recipient had opted out at the carrier (texted STOP to the number)"],
  [21211, "Not a valid phone number"],
  [21408, "Texting this region is not enabled on the Twilio account"],
  [21612, "The carrier cannot route texts from this sender to this number"],
  [21614, "Not a mobile number"],
  [30003, "The handset was unreachable (switched off or out of coverage)"],
  [30004, "The recipient's carrier blocked the text (the number may block it, or be on a deny list)"],
  [30005, "Unknown or inactive number"],
  [30006, "A landline, or a carrier that cannot take texts"],
  [30007, "Filtered by the carrier as spam or unregistered traffic"],
  [30008, "Unknown delivery error at the carrier"],
]);

export function twilioErrorMeaning(code: number | null): string {
  if (code === null) return "No error code was reported";
  return TWILIO_ERROR_MEANINGS.get(code) ?? `Twilio error ${code} (see Twilio's error dictionary)`;
}

export type SubscriberEffect =
  | { kind: "carrier_opt_out" }
  | { kind: "undeliverable"; permanent: boolean }
  | { kind: "delivered" }
  | { kind: "none" };

export interface DeliveryUpdate {
  status: MessageStatus;
  errorCode: number | null;
  setSentAt: boolean;
  setDeliveredAt: boolean;
  effect: SubscriberEffect;
}

/** What a callback changes, or null when it changes nothing (stale, repeated or unknown status). */
export function planDeliveryUpdate(
  message: { status: string; errorCode: number | null; sentAt: Date | null; deliveredAt: Date | null },
  callback: Pick<StatusCallback, "MessageStatus" | "ErrorCode">,
): DeliveryUpdate | null {
  const next = FROM_TWILIO.get(callback.MessageStatus.toLowerCase());
  // Rows an earlier version wrote (e.g. "accepted") are read as what they meant, so their callbacks still count.
  const current = readMessageStatus(message.status);
  if (!next || !current || !movesForward(current, next)) return null;

  const failed = next === "undelivered" || next === "failed";
  return {
    status: next,
    errorCode: callback.ErrorCode ?? message.errorCode,
    // "undelivered" means the carrier had it, so it was sent; "failed" never left Twilio.
    setSentAt: message.sentAt === null && (next === "sent" || next === "delivered" || next === "undelivered"),
    setDeliveredAt: message.deliveredAt === null && next === "delivered",
    effect: failed ? effectOfError(callback.ErrorCode) : next === "delivered" ? { kind: "delivered" } : { kind: "none" },
  };
}

function effectOfError(code: number | null): SubscriberEffect {
  if (code === CARRIER_OPT_OUT) return { kind: "carrier_opt_out" };
  const undeliverable = code === null ? undefined : UNDELIVERABLE[code];
  return undeliverable ? { kind: "undeliverable", permanent: undeliverable.permanent } : { kind: "none" };
}
