/**
 * What an `orders/create` payload says about SMS consent, as pure functions.
 *
 * The checkout extension (contact step) records the shopper's answer as cart
 * attributes, which Shopify copies onto the order as `note_attributes`
 * (`[{ name, value }]`). The keys are the extension's contract, see
 * extensions/sms-consent-checkout/src/consent-state.ts (a unit test keeps the
 * two in step). The rest of the evidence comes from the order itself: its id,
 * when it was placed, the browser's IP and user agent, and the customer.
 *
 * Only what the consent needs is read, plus the customer's first name (for
 * {first_name} in campaign texts), last name and e-mail (so staff can find
 * the subscriber by them) and the state or province they are in (for the
 * sending rules: state quiet hours and caps); everything else in the payload
 * (the addresses themselves, line items, prices) is ignored and never stored.
 */
import { isIP } from "node:net";
import { z } from "zod";
import { regionOfAddress } from "../sending-rules/recipient-location";

import { CONSENT_ATTRIBUTE } from "../../extensions/sms-consent-checkout/src/contract";

export { CONSENT_ATTRIBUTE };

export type ConsentStatus = "granted" | "withdrawn";

/** The shopper's answer as the extension recorded it; nothing here is checked yet (phone, disclosure). */
export interface CheckoutAnswer {
  status: ConsentStatus;
  phone: string | null;
  disclosureVersionId: string | null;
  disclosureLocale: string | null;
  /** When the shopper ticked or unticked, by the browser's clock. */
  consentAt: Date | null;
}

export interface OrderFacts {
  /** Admin GraphQL id, "gid://shopify/Order/…". */
  orderId: string;
  createdAt: Date | null;
  ip: string | null;
  userAgent: string | null;
  /** "gid://shopify/Customer/…", null for a guest checkout. */
  shopifyCustomerId: string | null;
  /** The customer's first name as the order gives it, for campaign texts; null when absent or blank. */
  customerFirstName: string | null;
  /** Last name and e-mail (the customer's, else the order's contact e-mail): only for finding the subscriber in the admin. */
  customerLastName: string | null;
  customerEmail: string | null;
  /** The buyer's state or province ("US-FL") from the order's addresses (regionOfOrder); null when none names one. */
  region: string | null;
}

export type ParsedOrder =
  | { ok: true; order: OrderFacts; answer: CheckoutAnswer | null; problem: string | null }
  | { ok: false; reason: string };

const numericId = z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]);
const attributeValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
// Only the codes are read. An address that is not one is no address: it must never cost the order its consent.
const addressSchema = z.object({ country_code: z.string().nullish(), province_code: z.string().nullish() }).nullish().catch(null);

/** Shaped like Shopify's REST order resource; only the fields read here, all tolerant of null. */
export const ordersCreatePayloadSchema = z.object({
  id: numericId,
  admin_graphql_api_id: z.string().nullish(),
  created_at: z.string().nullish(),
  browser_ip: z.string().nullish(),
  client_details: z
    .object({ browser_ip: z.string().nullish(), user_agent: z.string().nullish() })
    .nullish(),
  email: z.string().nullish(),
  customer: z
    .object({
      id: numericId.nullish(),
      admin_graphql_api_id: z.string().nullish(),
      first_name: z.string().nullish(),
      last_name: z.string().nullish(),
      email: z.string().nullish(),
      default_address: addressSchema,
    })
    .nullish(),
  shipping_address: addressSchema,
  billing_address: addressSchema,
  note_attributes: z.array(z.object({ name: z.string(), value: attributeValue })).nullish(),
});

const ORDER_GID = /^gid:\/\/shopify\/(?:Order|OrderIdentity)\/(\d+)$/;
const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/\d+$/;

export function parseOrdersCreate(payload: unknown): ParsedOrder {
  const parsed = ordersCreatePayloadSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: `not an order: ${parsed.error.issues.map(describeIssue).join("; ")}` };
  const order = parsed.data;
  const facts: OrderFacts = {
    orderId: orderGid(order.admin_graphql_api_id) ?? `gid://shopify/Order/${order.id}`,
    createdAt: parseTime(order.created_at),
    ip: ipOrNull(order.browser_ip) ?? ipOrNull(order.client_details?.browser_ip),
    userAgent: textOrNull(order.client_details?.user_agent),
    shopifyCustomerId: customerGid(order.customer),
    customerFirstName: textOrNull(order.customer?.first_name)?.slice(0, 100) ?? null,
    customerLastName: textOrNull(order.customer?.last_name)?.slice(0, 100) ?? null,
    customerEmail: emailOrNull(order.customer?.email) ?? emailOrNull(order.email),
    region: regionOfOrder(order),
  };
  const { answer, problem } = answerFrom(order.note_attributes ?? []);
  return { ok: true, order: facts, answer, problem };
}

type OrdersCreatePayload = z.infer<typeof ordersCreatePayloadSchema>;

/**
 * Where the buyer is: the state of the address the order ships to, else the
 * one it bills, else the customer's default address; the first of them that
 * names a US state or Canadian province (regionOfAddress). The shipping address
 * comes first as the freshest sign of where they are now; a gift shipped to
 * another state is the exception we accept (a card's billing address is often
 * years old, and no address at all leaves only the number's area code).
 */
export function regionOfOrder(order: Pick<OrdersCreatePayload, "shipping_address" | "billing_address" | "customer">): string | null {
  for (const address of [order.shipping_address, order.billing_address, order.customer?.default_address]) {
    const region = regionOfAddress(address?.country_code, address?.province_code);
    if (region) return region;
  }
  return null;
}

function emailOrNull(value: string | null | undefined): string | null {
  const email = textOrNull(value)?.toLowerCase() ?? null;
  return email && email.length <= 254 && /^[^\s@]+@[^\s@]+$/.test(email) ? email : null;
}

/** Normalises the order ids Shopify hands out ("gid://shopify/Order/1", the Thank-you page's "…/OrderIdentity/1") to the Admin API's. */
export function orderGid(value: string | null | undefined): string | null {
  const match = value ? ORDER_GID.exec(value.trim()) : null;
  return match ? `gid://shopify/Order/${match[1]}` : null;
}

function customerGid(customer: z.infer<typeof ordersCreatePayloadSchema>["customer"]): string | null {
  if (!customer) return null;
  if (customer.admin_graphql_api_id && CUSTOMER_GID.test(customer.admin_graphql_api_id)) return customer.admin_graphql_api_id;
  return customer.id != null ? `gid://shopify/Customer/${customer.id}` : null;
}

function answerFrom(attributes: readonly { name: string; value: string | number | boolean | null }[]): {
  answer: CheckoutAnswer | null;
  problem: string | null;
} {
  // The last value wins if a key appears twice, as it does when a cart attribute is updated.
  const values = new Map(attributes.map(({ name, value }) => [name, value == null ? null : String(value).trim()]));
  const status = values.get(CONSENT_ATTRIBUTE.consent);
  if (status == null || status === "") return { answer: null, problem: null };
  if (status !== "granted" && status !== "withdrawn") {
    return { answer: null, problem: `unrecognised ${CONSENT_ATTRIBUTE.consent} value "${status.slice(0, 40)}"` };
  }
  return {
    answer: {
      status,
      phone: values.get(CONSENT_ATTRIBUTE.phone) || null,
      disclosureVersionId: values.get(CONSENT_ATTRIBUTE.disclosureVersion) || null,
      disclosureLocale: values.get(CONSENT_ATTRIBUTE.disclosureLocale)?.toLowerCase() || null,
      consentAt: parseTime(values.get(CONSENT_ATTRIBUTE.at)),
    },
    problem: null,
  };
}

export function parseTime(value: string | null | undefined): Date | null {
  if (!value) return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : time;
}

/** Only a well-formed IPv4/IPv6 address is evidence; anything else is dropped rather than stored. */
export function ipOrNull(value: string | null | undefined): string | null {
  const candidate = value?.trim();
  return candidate && isIP(candidate) ? candidate : null;
}

function textOrNull(value: string | null | undefined): string | null {
  const text = value?.trim();
  return text ? text.slice(0, 1000) : null;
}

function describeIssue(issue: z.ZodIssue): string {
  return `${issue.path.join(".") || "payload"}: ${issue.message}`;
}
