/**
 * How often the Thank-you block may be answered. A shopper on that page
 * answers a handful of times at most (ticks, fixes a typo in the number,
 * unticks); pumping texts through the endpoint takes hundreds. The rule that
 * shapes every limit here: a counter keyed by something an attacker controls
 * must never lock out somebody else, and a request refused for being
 * malformed costs nothing shared (it is refused before any counter moves).
 *
 * In the order a request meets them:
 * 1. Session token (401) and body (413/400): no counter, nothing written.
 * 2. Before the order is looked up in Shopify (the one expensive step), the
 *    unproven attempt counts against its sender (`limitThankYouRequests`):
 *    - per client, 12 in 10 minutes: the TCP peer, or the address a trusted
 *      proxy reports (see rateLimitClientOf in thank-you-request.ts), never an
 *      address the client writes itself; an IPv6 client counts by its /64,
 *      the block one subscriber gets, so a new address per request is
 *      still one client;
 *    - per logged-in customer (the token's `sub`, which Shopify signs), 12 in
 *      10 minutes;
 *    - per shop, 3,000 lookups in 10 minutes: what this protects is the
 *      shop's Admin API budget, which the app's consent sync shares (Shopify
 *      restores at least 100 points a second on every plan; a lookup costs a
 *      few, so this keeps to about a tenth of it). Only lookups that passed
 *      the per-client limit count (a refused request moves no later
 *      counter), so exhausting it takes 250 real addresses or /64s for the
 *      whole window; a forged header cannot. If it is exhausted anyway, the
 *      checkout's own consent (orders/create) still works.
 * 3. Only once Shopify has proved the order is this checkout's, per order,
 *    20 in 24 hours (`limitThankYouOrder`): one purchase cannot become a
 *    stream of texts to new numbers, and since only the buyer's browser can
 *    prove the order, nobody else can use up its budget.
 * No shop-wide limit on texts: each needs a proved, real order, and an
 * order's answers are capped; a shop-wide cap would only let the first
 * heavy buyer of the day lock out the rest.
 */
import { isIPv4, isIPv6 } from "node:net";
import { shopRateKey, hitRateLimits, type RateLimitRule, type RateLimitVerdict } from "../security/rate-limit.server";

const WINDOW_MS = 10 * 60 * 1000;
const ORDER_WINDOW_MS = 24 * 60 * 60 * 1000;
export const THANK_YOU_LIMITS = { perClient: 12, perShop: 3_000, windowMs: WINDOW_MS, perOrder: 20, orderWindowMs: ORDER_WINDOW_MS } as const;

/** Counts an attempt that is about to be looked up in Shopify, narrowest limit first. */
export function limitThankYouRequests(
  shop: string,
  client: { ip: string | null; customerId: string | null },
  options: { now?: Date } = {},
): Promise<RateLimitVerdict> {
  const rules: RateLimitRule[] = [
    { name: "per client", key: shopRateKey("checkout-consent:ip", shop, clientKeyOf(client.ip)), max: THANK_YOU_LIMITS.perClient, windowMs: WINDOW_MS },
    ...(client.customerId
      ? [{ name: "per customer", key: shopRateKey("checkout-consent:customer", shop, client.customerId), max: THANK_YOU_LIMITS.perClient, windowMs: WINDOW_MS }]
      : []),
    { name: "per shop", key: shopRateKey("checkout-consent:shop", shop), max: THANK_YOU_LIMITS.perShop, windowMs: WINDOW_MS, purgesExpired: true },
  ];
  return hitRateLimits(rules, options);
}

/** Counts an answer whose order Shopify has just proved to be this checkout's. */
export function limitThankYouOrder(shop: string, orderId: string, options: { now?: Date } = {}): Promise<RateLimitVerdict> {
  return hitRateLimits([{ name: "per order", key: shopRateKey("checkout-consent:order", shop, orderId), max: THANK_YOU_LIMITS.perOrder, windowMs: ORDER_WINDOW_MS }], options);
}

/**
 * What one client is, for counting: an IPv4 address (IPv4-mapped IPv6 included)
 * as is, an IPv6 address by its first 64 bits. No address at all (only outside
 * `npm start`, whose server always knows its peer) is one shared "unknown".
 */
export function clientKeyOf(ip: string | null): string {
  if (!ip) return "unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1] && isIPv4(mapped[1])) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const [head = "", tail] = ip.toLowerCase().split("::");
  const groupsOf = (part: string | undefined) => (part ? part.split(":") : []);
  const front = groupsOf(head);
  const back = groupsOf(tail);
  // An embedded IPv4 tail stands for two groups.
  const backGroups = back.length > 0 && back.at(-1)!.includes(".") ? back.length + 1 : back.length;
  const frontGroups = tail === undefined && front.at(-1)?.includes(".") ? front.length + 1 : front.length;
  const zeros = tail === undefined ? [] : Array<string>(8 - frontGroups - backGroups).fill("0");
  const groups = [...front, ...zeros, ...back].slice(0, 4).map((group) => group.replace(/^0+(?=.)/, ""));
  return `${groups.join(":")}::/64`;
}
