/**
 * An answer from the Thank-you block (POST /api/checkout-consent), recorded
 * once: each answer is keyed by its order, status and the time the shopper
 * gave it, so a repeated request changes nothing, while a later answer for the
 * same order (unticked, ticked again, another number) is acted on. Only an
 * accepted answer is remembered; a refused one writes nothing at all.
 *
 * The order cannot be checked against the shop here (that would need an Admin
 * API call per request): the session token proves the shop and that the
 * request came from its checkout, and the order id is kept as evidence.
 */
import { inIdempotentTransaction, isProcessed, markProcessed } from "../webhooks/idempotency.server";
import { recordCheckoutConsent, type CheckoutConsentRejection, type CheckoutConsentResult } from "./checkout-consent.server";
import { THANK_YOU_TOPIC, thankYouKeyOf } from "./processed-keys.server";
import type { CheckoutAnswer } from "./order-consent";

export interface ThankYouAnswer {
  orderId: string;
  answer: CheckoutAnswer;
  /** The answer's time exactly as sent: part of its key. */
  at: string;
}

export interface ThankYouContext {
  ip: string | null;
  userAgent: string | null;
  shopifyCustomerId: string | null;
}

export type ThankYouOutcome =
  | { ok: true; status: Exclude<CheckoutConsentResult, { ok: false }>["status"] | "duplicate" }
  | { ok: false; reason: CheckoutConsentRejection };

const TRANSACTION_OPTIONS = { maxWait: 5_000, timeout: 10_000 };

export async function recordThankYouConsent(
  shop: string,
  request: ThankYouAnswer,
  context: ThankYouContext,
  options: { now?: Date; log?: (line: string) => void } = {},
): Promise<ThankYouOutcome> {
  const now = options.now ?? new Date();
  const key = thankYouKeyOf(shop, request.orderId, request.answer.status, request.at);
  return inIdempotentTransaction(async (tx): Promise<ThankYouOutcome> => {
    if (await isProcessed(tx, key)) return { ok: true, status: "duplicate" };
    const result = await recordCheckoutConsent(
      shop,
      { ...request.answer, ...context, orderId: request.orderId, channel: "thank_you" },
      { tx, now, log: options.log },
    );
    if (!result.ok) return result; // nothing was written
    await markProcessed(tx, { key, shop, topic: THANK_YOU_TOPIC }, now);
    return { ok: true, status: result.status };
  }, TRANSACTION_OPTIONS);
}
