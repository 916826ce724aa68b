/**
 * Proof that a Thank-you answer comes from the checkout that placed its order.
 *
 * The checkout session token proves only the shop (`dest`) and, for a
 * logged-in buyer, the customer (`sub`); it names no order or checkout. The
 * order id alone proves nothing: order ids are sequential, and any shopper
 * with a token could otherwise answer for somebody else's order. So the block
 * also sends its checkout token (`shopify.checkoutToken`, the Standard API's
 * id of this checkout), which only the buyer's browser and the shop's staff
 * and apps know, and the order is read from Shopify with the shop's offline
 * session (`order(id)` sees this shop's orders only). The answer stands when:
 * - Shopify knows the order in this shop;
 * - the order's `checkoutToken` is the one the block sent (guests included);
 * - the order was placed within the Thank-you window (the page is one visit);
 * - a logged-in buyer (`sub`) is the order's customer, when it has one.
 * Anything else is refused before anything is written. The consent is then
 * recorded under the customer Shopify gives for the order, not the token's.
 */
import { timingSafeEqual } from "node:crypto";
import { AdminApiError, adminGraphql } from "../shopify/admin-graphql.server";
import { THANK_YOU_WINDOW_MS } from "./checkout-consent.server";

export const THANK_YOU_ORDER_QUERY = `#graphql
  query ThankYouOrder($id: ID!) {
    order(id: $id) {
      id
      createdAt
      checkoutToken
      customer {
        id
      }
    }
  }`;

// Shopify's clock and ours may differ by a little; an order "from the future" by more is not this checkout's.
const CLOCK_SKEW_MS = 5 * 60 * 1000;

export type OrderProofRejection = "order_unknown" | "checkout_mismatch" | "order_too_old" | "customer_mismatch";

export type OrderProof =
  | { ok: true; orderId: string; shopifyCustomerId: string | null }
  | { ok: false; reason: OrderProofRejection | "shop_not_set_up" | "shopify_unavailable" };

export const ORDER_PROOF_MESSAGES: Record<Exclude<OrderProof, { ok: true }>["reason"], string> = {
  order_unknown: "Shopify knows no such order in this shop",
  checkout_mismatch: "the order was not placed by this checkout",
  order_too_old: "the order is too old to be answered from its Thank-you page",
  customer_mismatch: "the order belongs to another customer",
  shop_not_set_up: "the app is not installed in this shop",
  shopify_unavailable: "Shopify could not confirm the order just now; try again shortly",
};

interface OrderData {
  order: { id: string; createdAt: string; checkoutToken: string | null; customer: { id: string } | null } | null;
}

export async function proveThankYouOrder(
  shop: string,
  claim: { orderId: string; checkoutToken: string; tokenCustomerId: string | null },
  options: { now?: Date } = {},
): Promise<OrderProof> {
  const now = options.now ?? new Date();
  let data: OrderData;
  try {
    data = await adminGraphql<OrderData>(shop, THANK_YOU_ORDER_QUERY, { id: claim.orderId });
  } catch (error) {
    if (!(error instanceof AdminApiError)) throw error;
    return { ok: false, reason: error.failure === "not_installed" ? "shop_not_set_up" : "shopify_unavailable" };
  }
  const order = data.order;
  if (!order) return { ok: false, reason: "order_unknown" };
  if (!order.checkoutToken || !sameSecret(order.checkoutToken, claim.checkoutToken)) return { ok: false, reason: "checkout_mismatch" };
  const placedAt = new Date(order.createdAt).getTime();
  if (!(placedAt >= now.getTime() - THANK_YOU_WINDOW_MS && placedAt <= now.getTime() + CLOCK_SKEW_MS)) return { ok: false, reason: "order_too_old" };
  const orderCustomerId = order.customer?.id ?? null;
  if (claim.tokenCustomerId && orderCustomerId && claim.tokenCustomerId !== orderCustomerId) return { ok: false, reason: "customer_mismatch" };
  return { ok: true, orderId: claim.orderId, shopifyCustomerId: orderCustomerId ?? claim.tokenCustomerId };
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
