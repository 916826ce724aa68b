/**
 * Shopify's three mandatory privacy webhooks, as pure functions: their
 * payloads (zod), and the identifiers we can find a customer's data by.
 *
 * Shopify sends numeric REST ids; the app stores Admin GraphQL ids
 * ("gid://shopify/Customer/…", "gid://shopify/Order/…"), so both forms are
 * matched. Phones are matched in E.164 only: a number without its country code
 * is not guessed at (a wrong guess would erase a stranger's data).
 */
import { e164OrNull } from "../phone/phone-number";
import { z } from "zod";

export const PRIVACY_TOPICS = {
  CUSTOMERS_DATA_REQUEST: "customers/data_request",
  CUSTOMERS_REDACT: "customers/redact",
  SHOP_REDACT: "shop/redact",
} as const;
export type PrivacyTopic = (typeof PRIVACY_TOPICS)[keyof typeof PRIVACY_TOPICS];

const numericId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);

const customerSchema = z.object({
  id: numericId.nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
});

export const customersDataRequestPayloadSchema = z.object({
  shop_id: numericId,
  shop_domain: z.string().min(1),
  customer: customerSchema,
  orders_requested: z.array(numericId).nullish(),
  data_request: z.object({ id: numericId }).nullish(),
});

export const customersRedactPayloadSchema = z.object({
  shop_id: numericId,
  shop_domain: z.string().min(1),
  customer: customerSchema,
  orders_to_redact: z.array(numericId).nullish(),
});

export const shopRedactPayloadSchema = z.object({
  shop_id: numericId,
  shop_domain: z.string().min(1),
});

const SCHEMAS = {
  "customers/data_request": customersDataRequestPayloadSchema,
  "customers/redact": customersRedactPayloadSchema,
  "shop/redact": shopRedactPayloadSchema,
} as const;

export type PrivacyPayload<T extends PrivacyTopic> = z.infer<(typeof SCHEMAS)[T]>;

export type ParsedPrivacyWebhook<T extends PrivacyTopic> = { ok: true; payload: PrivacyPayload<T> } | { ok: false; reason: string };

/**
 * Checks a verified delivery before anything is read or written: the topic is
 * the one this endpoint handles, and the signed body names the same shop as
 * the X-Shopify-Shop-Domain header (which the HMAC does not cover), so a
 * signed body cannot be replayed against another shop's data.
 */
export function parsePrivacyWebhook<T extends PrivacyTopic>(
  expected: T,
  delivery: { shop: string; topic: string; payload: unknown },
): ParsedPrivacyWebhook<T> {
  const topic = PRIVACY_TOPICS[delivery.topic as keyof typeof PRIVACY_TOPICS] ?? delivery.topic;
  if (topic !== expected) return { ok: false, reason: `this endpoint handles ${expected}, not ${delivery.topic}` };
  const parsed = SCHEMAS[expected].safeParse(delivery.payload);
  if (!parsed.success) {
    return { ok: false, reason: parsed.error.issues.map((issue) => `${issue.path.join(".") || "payload"}: ${issue.message}`).join("; ") };
  }
  if (parsed.data.shop_domain.toLowerCase() !== delivery.shop.toLowerCase()) {
    return { ok: false, reason: "shop_domain does not match the shop the webhook was sent for" };
  }
  return { ok: true, payload: parsed.data as PrivacyPayload<T> };
}

/** What a customer request identifies the customer by, in the forms the app stores. */
export interface CustomerIdentity {
  /** "gid://shopify/Customer/<id>", as the app stores it; null when the request names no customer id. */
  customerGid: string | null;
  /** The Shopify customer id as Shopify sends it and as the app stores it (gid); empty when the request has none. */
  customerIds: string[];
  /** The customer's phone in E.164, null when absent or not a possible number in international form. */
  phone: string | null;
  /** Order gids the request names (orders_requested / orders_to_redact). */
  orderIds: string[];
}

export function customerIdentityOf(request: {
  customer: { id?: string | null; phone?: string | null };
  orderIds?: readonly string[] | null;
}): CustomerIdentity {
  const id = request.customer.id;
  const customerGid = id ? `gid://shopify/Customer/${id}` : null;
  return {
    customerGid,
    customerIds: id && customerGid ? [id, customerGid] : [],
    phone: e164Of(request.customer.phone),
    orderIds: [...new Set(request.orderIds ?? [])].map((order) => `gid://shopify/Order/${order}`),
  };
}

/** "+1 (415) 555-0123", "+14155550123", "0014155550123" → "+14155550123"; national-only numbers → null. */
export function e164Of(phone: string | null | undefined): string | null {
  // Possible rather than valid: the request must find every number we may hold.
  return e164OrNull(phone, { strictness: "possible" });
}

/** The fragment by which canonical evidence JSON names an order (see app/consent/ledger.server.ts canonicalJson). */
export function orderEvidenceFragment(orderGid: string): string {
  return `"orderId":${JSON.stringify(orderGid)}`;
}

/** "gid://shopify/Customer/7001" → "7001", as the merchant sees it in Shopify admin. */
export function customerNumberOf(shopifyCustomerId: string | null): string | null {
  return shopifyCustomerId?.replace(/^gid:\/\/shopify\/Customer\//, "") ?? null;
}

/** e.g. "customer-7001-data-2026-11-04.json": what the merchant downloads and hands over. */
export function exportFileName(request: { id: string; shopifyCustomerId: string | null; receivedAt: Date }): string {
  const who = customerNumberOf(request.shopifyCustomerId)?.replace(/[^\w-]/g, "") || request.id;
  return `customer-${who}-data-${request.receivedAt.toISOString().slice(0, 10)}.json`;
}
