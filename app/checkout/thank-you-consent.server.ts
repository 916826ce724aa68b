/**
 * An answer from the Thank-you block (POST /api/checkout-consent), recorded
 * once: each answer is keyed by its order, status and the time the shopper
 * gave it, so a repeated request changes nothing, while a later answer for the
 * same order (unticked, ticked again, another number) is acted on. Only an
 * accepted answer is remembered; a refused one writes nothing at all.
 *
 * The session token proves only the shop (and a logged-in buyer), so before
 * anything else the order is proved to be this checkout's, through Shopify
 * (see thank-you-order.server.ts): an answer for an order the request cannot
 * prove is refused and writes nothing. A withdrawal therefore only ever
 * touches consents given on the Thank-you page of that same checkout.
 *
 * The limits (thank-you-limits.server.ts) sit around that proof: the attempt
 * counts against its client before Shopify is asked, and against its order
 * only once Shopify has proved it, so a stranger naming the order cannot use
 * up its owner's answers.
 */
import { inIdempotentTransaction, isProcessed, markProcessed } from "../webhooks/idempotency.server";
import type { RateLimitVerdict } from "../security/rate-limit.server";
import { limitThankYouOrder, limitThankYouRequests } from "./thank-you-limits.server";
import { proveThankYouOrder, type OrderProof } from "./thank-you-order.server";
import { recordCheckoutConsent, type CheckoutConsentRejection, type CheckoutConsentResult } from "./checkout-consent.server";
import { THANK_YOU_TOPIC, thankYouKeyOf } from "./processed-keys.server";
import type { CheckoutAnswer } from "./order-consent";

export interface ThankYouAnswer {
  orderId: string;
  /** The checkout's token as the block sent it: what proves the order is this checkout's. */
  checkoutToken: string;
  answer: CheckoutAnswer;
  /** The answer's time exactly as sent: part of its key. */
  at: string;
}

export interface ThankYouContext {
  /** Evidence: the shopper's IP as reported. */
  ip: string | null;
  /** Who the rate limits count: an address the client cannot choose (rateLimitClientOf). */
  client: string | null;
  userAgent: string | null;
  /** The session token's logged-in buyer (`sub`), null for a guest. */
  tokenCustomerId: string | null;
}

export type ThankYouOutcome =
  | { ok: true; status: Exclude<CheckoutConsentResult, { ok: false }>["status"] | "duplicate" }
  | { ok: false; reason: CheckoutConsentRejection | Exclude<OrderProof, { ok: true }>["reason"] }
  | { ok: false; reason: "rate_limited"; limit: Extract<RateLimitVerdict, { ok: false }> };

const TRANSACTION_OPTIONS = { maxWait: 5_000, timeout: 10_000 };

export async function recordThankYouConsent(
  shop: string,
  request: ThankYouAnswer,
  context: ThankYouContext,
  options: { now?: Date; log?: (line: string) => void } = {},
): Promise<ThankYouOutcome> {
  const now = options.now ?? new Date();
  const clientLimit = await limitThankYouRequests(shop, { ip: context.client, customerId: context.tokenCustomerId }, { now });
  if (!clientLimit.ok) return { ok: false, reason: "rate_limited", limit: clientLimit };
  // Outside the transaction: a call to Shopify must not hold the database.
  const proof = await proveThankYouOrder(shop, { orderId: request.orderId, checkoutToken: request.checkoutToken, tokenCustomerId: context.tokenCustomerId }, { now });
  if (!proof.ok) {
    (options.log ?? console.warn)(`checkout consent not recorded (shop ${shop}, order ${request.orderId}, thank_you): ${proof.reason}`);
    return proof;
  }
  const orderLimit = await limitThankYouOrder(shop, proof.orderId, { now });
  if (!orderLimit.ok) return { ok: false, reason: "rate_limited", limit: orderLimit };
  const key = thankYouKeyOf(shop, request.orderId, request.answer.status, request.at);
  return inIdempotentTransaction(async (tx): Promise<ThankYouOutcome> => {
    if (await isProcessed(tx, key)) return { ok: true, status: "duplicate" };
    const result = await recordCheckoutConsent(
      shop,
      {
        ...request.answer,
        ip: context.ip,
        userAgent: context.userAgent,
        shopifyCustomerId: proof.shopifyCustomerId,
        orderId: proof.orderId,
        channel: "thank_you",
      },
      { tx, now, log: options.log },
    );
    if (!result.ok) return result; // nothing was written
    await markProcessed(tx, { key, shop, topic: THANK_YOU_TOPIC }, now);
    return { ok: true, status: result.status };
  }, TRANSACTION_OPTIONS);
}
