/**
 * The kinds of Twilio sender a shop texts from (Shop.senderType), and how many
 * message segments per second each sends when the shop sets no rate of its own
 * (Shop.maxMessagesPerSecond null). Twilio queues anything faster and fails what
 * waits too long (error 30001), so the app paces itself to these.
 */
export const SENDER_TYPES = ["long_code", "toll_free", "short_code", "messaging_service"] as const;
export type SenderType = (typeof SENDER_TYPES)[number];

/**
 * Twilio's documented defaults for US senders: a long code sends 1 segment a
 * second, a toll-free number 3, a short code 100. A Messaging Service sends as
 * fast as the senders in its pool together; without knowing the pool, assume
 * the one long code every pool has at least.
 */
export const DEFAULT_MESSAGES_PER_SECOND: Readonly<Record<SenderType, number>> = {
  long_code: 1,
  toll_free: 3,
  short_code: 100,
  messaging_service: 1,
};

export const SENDER_TYPE_LABELS: Readonly<Record<SenderType, string>> = {
  long_code: "Long code (10DLC number)",
  toll_free: "Toll-free number",
  short_code: "Short code",
  messaging_service: "Messaging Service (a pool of senders)",
};

const KNOWN: ReadonlySet<string> = new Set(SENDER_TYPES);

/** A stored sender type as one of ours; anything else reads as the slowest, a long code. */
export function readSenderType(stored: string): SenderType {
  return KNOWN.has(stored) ? (stored as SenderType) : "long_code";
}

/** The shop's sending rate: its own setting, else its sender type's default. */
export function messagesPerSecondFor(shop: { senderType: string; maxMessagesPerSecond: number | null }): number {
  return shop.maxMessagesPerSecond ?? DEFAULT_MESSAGES_PER_SECOND[readSenderType(shop.senderType)];
}
