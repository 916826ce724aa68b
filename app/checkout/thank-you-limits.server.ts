/**
 * How often the Thank-you block may be answered. A shopper on that page
 * answers a handful of times at most (ticks, fixes a typo in the number,
 * unticks); pumping texts through the endpoint takes hundreds. Every request
 * with a valid session token counts, before its body is read, so a flood of
 * invented orders is stopped before any of them reaches Shopify.
 * - per client (the shop and the IP the proxy reports) and per logged-in
 *   customer (the token's `sub`): 12 in 10 minutes;
 * - per shop, all clients together: 600 in 10 minutes (a flash sale's
 *   Thank-you pages are far fewer answers than that), a ceiling on what a
 *   botnet with many IPs can make the merchant pay for;
 * - per order, once the body names it: 20 in 24 hours (the Thank-you window).
 *   Unlike an IP this cannot be forged, and only a real order's checkout gets
 *   further, so one purchase cannot become a stream of texts to new numbers.
 */
import { shopRateKey, hitRateLimits, type RateLimitRule, type RateLimitVerdict } from "../security/rate-limit.server";

const WINDOW_MS = 10 * 60 * 1000;
const ORDER_WINDOW_MS = 24 * 60 * 60 * 1000;
export const THANK_YOU_LIMITS = { perClient: 12, perShop: 600, windowMs: WINDOW_MS, perOrder: 20, orderWindowMs: ORDER_WINDOW_MS } as const;

export function limitThankYouRequests(
  shop: string,
  client: { ip: string | null; customerId: string | null },
  options: { now?: Date } = {},
): Promise<RateLimitVerdict> {
  const rules: RateLimitRule[] = [
    { name: "per client", key: shopRateKey("checkout-consent:ip", shop, client.ip ?? "unknown"), max: THANK_YOU_LIMITS.perClient, windowMs: WINDOW_MS },
    ...(client.customerId
      ? [{ name: "per customer", key: shopRateKey("checkout-consent:customer", shop, client.customerId), max: THANK_YOU_LIMITS.perClient, windowMs: WINDOW_MS }]
      : []),
    { name: "per shop", key: shopRateKey("checkout-consent:shop", shop), max: THANK_YOU_LIMITS.perShop, windowMs: WINDOW_MS, purgesExpired: true },
  ];
  return hitRateLimits(rules, options);
}

export function limitThankYouOrder(shop: string, orderId: string, options: { now?: Date } = {}): Promise<RateLimitVerdict> {
  return hitRateLimits([{ name: "per order", key: shopRateKey("checkout-consent:order", shop, orderId), max: THANK_YOU_LIMITS.perOrder, windowMs: ORDER_WINDOW_MS }], options);
}
