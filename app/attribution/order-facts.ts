/**
 * The few facts attribution needs from Shopify's orders/create and
 * refunds/create payloads (REST resources), as pure functions. Nothing else
 * is read: no addresses, no line items, no names.
 */
import { z } from "zod";
import { toMinorUnits } from "./money";

export interface OrderAttributionFacts {
  /** Shopify's numeric order id, as text ("5734001001"). */
  shopifyOrderId: string;
  /** The order's total (total_price) in minor units of `currency`, the shop's currency. */
  totalMinor: number;
  currency: string;
  placedAt: Date;
  /** "gid://shopify/Customer/…", as Subscriber.shopifyCustomerId holds it; null for a guest. */
  shopifyCustomerId: string | null;
  /** The buyer's phone as the order gives it (not yet normalised); null when none. */
  phone: string | null;
}

export interface RefundFacts {
  /** Shopify's numeric refund id, as text. */
  shopifyRefundId: string;
  shopifyOrderId: string;
  /** Money that went back to the buyer: refund transactions that succeeded, each in its own currency. */
  refunded: { amountMinor: number; currency: string }[];
  /** Transactions whose amount could not be read exactly (reported, never guessed at). */
  unreadable: number;
}

/**
 * The largest amount, in minor units, the app stores: Order.totalMinor,
 * Order.refundedMinor and OrderRefund.amountMinor are Int columns, a 32-bit
 * INTEGER on PostgreSQL (21,474,836.47 USD). A larger order is left out of
 * attribution (logged) rather than failing the delivery it came with, which
 * would roll back the checkout consent recorded in the same transaction.
 */
export const MAX_STORED_MINOR = 2_147_483_647;

export type Parsed<T> = { ok: true; facts: T } | { ok: false; reason: string };

const numericId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);
const money = z.union([z.string(), z.number().transform(String)]);

export const orderPayloadSchema = z.object({
  id: numericId,
  created_at: z.string().nullish(),
  processed_at: z.string().nullish(),
  currency: z.string(),
  total_price: money,
  phone: z.string().nullish(),
  customer: z
    .object({ id: numericId.nullish(), admin_graphql_api_id: z.string().nullish(), phone: z.string().nullish() })
    .nullish(),
  billing_address: z.object({ phone: z.string().nullish() }).nullish(),
});

const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/\d+$/;

export function orderFactsFrom(payload: unknown, now: Date): Parsed<OrderAttributionFacts> {
  const parsed = orderPayloadSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: describe(parsed.error) };
  const order = parsed.data;
  const totalMinor = toMinorUnits(order.total_price, order.currency);
  if (totalMinor === null) return { ok: false, reason: `total_price "${order.total_price.slice(0, 20)}" is not an exact amount of ${order.currency.slice(0, 3)}` };
  if (totalMinor > MAX_STORED_MINOR) {
    return { ok: false, reason: `total_price ${order.total_price} ${order.currency} is more than the largest total the app records (${MAX_STORED_MINOR} minor units)` };
  }
  const customer = order.customer;
  const shopifyCustomerId =
    customer?.admin_graphql_api_id && CUSTOMER_GID.test(customer.admin_graphql_api_id)
      ? customer.admin_graphql_api_id
      : customer?.id != null
        ? `gid://shopify/Customer/${customer.id}`
        : null;
  // The order's own phone first (the one given at checkout), then the customer's, then the billing address's.
  // Never the shipping address's: a gift's recipient is not the buyer, and a click of theirs did not sell it.
  const phone = [order.phone, customer?.phone, order.billing_address?.phone].map((p) => p?.trim()).find(Boolean) ?? null;
  return {
    ok: true,
    facts: {
      shopifyOrderId: order.id,
      totalMinor,
      currency: order.currency,
      placedAt: timeOf(order.created_at) ?? timeOf(order.processed_at) ?? now,
      shopifyCustomerId,
      phone,
    },
  };
}

export const refundPayloadSchema = z.object({
  id: numericId,
  order_id: numericId,
  transactions: z
    .array(z.object({ kind: z.string().nullish(), status: z.string().nullish(), amount: money.nullish(), currency: z.string().nullish() }))
    .nullish(),
});

/**
 * What a refund gave back: the sum of its transactions of kind "refund" with
 * status "success". Shopify documents a refund's total as "the total amount
 * across all transactions for the refund", and warns that a refund's existence
 * does not mean the money went back (a pending or failed transaction did not
 * return it). refund_line_items say which items came back, not how much money
 * did (a merchant may refund less, or refund shipping with no line at all).
 */
export function refundFactsFrom(payload: unknown): Parsed<RefundFacts> {
  const parsed = refundPayloadSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: describe(parsed.error) };
  const refunded: RefundFacts["refunded"] = [];
  let unreadable = 0;
  for (const transaction of parsed.data.transactions ?? []) {
    if (transaction.kind !== "refund" || transaction.status !== "success") continue;
    const currency = transaction.currency ?? "";
    const amountMinor = transaction.amount != null ? toMinorUnits(transaction.amount, currency) : null;
    if (amountMinor === null) unreadable += 1;
    else refunded.push({ amountMinor, currency });
  }
  return { ok: true, facts: { shopifyRefundId: parsed.data.id, shopifyOrderId: parsed.data.order_id, refunded, unreadable } };
}

function timeOf(value: string | null | undefined): Date | null {
  if (!value) return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : time;
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "payload"}: ${issue.message}`).join("; ");
}
