/**
 * The body the Thank-you block posts to /api/checkout-consent (see
 * extensions/sms-consent-checkout/src/consent-api.ts):
 * `{ orderId, checkoutToken, status: "granted", phone, disclosureVersionId, disclosureLocale, at }`
 * or `{ orderId, checkoutToken, status: "withdrawn", at }`. The checkout token
 * is what proves the order is this checkout's (see thank-you-order.server.ts).
 *
 * Only the shape is checked here; whether the number can receive texts and
 * whether the disclosure version exists is the domain's to decide.
 */
import { z } from "zod";
import { ipOrNull, orderGid, type CheckoutAnswer } from "./order-consent";

const orderIdSchema = z
  .string({ required_error: "orderId is required" })
  .max(100)
  .transform((value, context) => {
    const gid = orderGid(value);
    if (!gid) context.addIssue({ code: z.ZodIssueCode.custom, message: 'orderId must be an order id like "gid://shopify/Order/123"' });
    return gid ?? z.NEVER;
  });

const checkoutTokenSchema = z
  .string({ required_error: "checkoutToken is required (the checkout that placed the order)" })
  .regex(/^[A-Za-z0-9_-]{1,200}$/, "checkoutToken must be the checkout's token");

const atSchema = z.string({ required_error: "at is required" }).datetime({ offset: true, message: "at must be an ISO 8601 time" });

export const thankYouConsentSchema = z.discriminatedUnion(
  "status",
  [
    z.object({
      orderId: orderIdSchema,
      checkoutToken: checkoutTokenSchema,
      status: z.literal("granted"),
      phone: z.string({ required_error: "phone is required with status granted" }).max(40),
      disclosureVersionId: z.string({ required_error: "disclosureVersionId is required with status granted" }).min(1).max(500),
      disclosureLocale: z.string().min(2).max(20).optional(),
      at: atSchema,
    }),
    z.object({ orderId: orderIdSchema, checkoutToken: checkoutTokenSchema, status: z.literal("withdrawn"), at: atSchema }),
  ],
  { errorMap: (issue, context) => ({ message: issue.code === "invalid_union_discriminator" ? 'status must be "granted" or "withdrawn"' : context.defaultError }) },
);

export type ThankYouConsentRequest = z.infer<typeof thankYouConsentSchema>;

export type ParsedThankYouConsent =
  | { ok: true; orderId: string; checkoutToken: string; answer: CheckoutAnswer; at: string }
  | { ok: false; reason: string };

export function parseThankYouConsent(body: unknown): ParsedThankYouConsent {
  const parsed = thankYouConsentSchema.safeParse(body);
  if (!parsed.success) {
    return { ok: false, reason: parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ") };
  }
  const request = parsed.data;
  const answer: CheckoutAnswer =
    request.status === "granted"
      ? {
          status: "granted",
          phone: request.phone,
          disclosureVersionId: request.disclosureVersionId,
          disclosureLocale: request.disclosureLocale?.toLowerCase() ?? null,
          consentAt: new Date(request.at),
        }
      : { status: "withdrawn", phone: null, disclosureVersionId: null, disclosureLocale: null, consentAt: new Date(request.at) };
  return { ok: true, orderId: request.orderId, checkoutToken: request.checkoutToken, answer, at: request.at };
}

const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/\d+$/;

/** The logged-in buyer's customer id, from the session token's `sub` (absent for guests). */
export function customerIdOfToken(sub: unknown): string | null {
  return typeof sub === "string" && CUSTOMER_GID.test(sub) ? sub : null;
}

/**
 * The shop from the session token's `dest` ("https://acme.myshopify.com", or a
 * bare host). The token's signature already proves Shopify issued it for this
 * app; this only takes the host out and refuses anything that is not one.
 */
export function shopOfTokenDest(dest: unknown): string | null {
  if (typeof dest !== "string" || !dest) return null;
  let host: string;
  try {
    host = new URL(dest.includes("://") ? dest : `https://${dest}`).hostname.toLowerCase();
  } catch {
    return null;
  }
  return /^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$/.test(host) ? host : null;
}

/**
 * The shopper's IP as the proxy in front of the app reports it (the first
 * X-Forwarded-For entry, else X-Real-IP). Evidence "as reported": without a
 * proxy the header is whatever the client sent.
 */
export function clientIpOf(headers: Headers): string | null {
  const forwarded = headers.get("X-Forwarded-For")?.split(",")[0];
  return ipOrNull(forwarded) ?? ipOrNull(headers.get("X-Real-IP"));
}

/**
 * The client that rate limits count: the address server/app-server.ts puts in
 * the load context (`clientAddress`: the TCP peer, or the entry a trusted proxy
 * added, see TRUST_PROXY), which a client cannot choose. Unlike clientIpOf
 * (evidence, as reported), never a header the client wrote itself, except
 * under a server that passes no address (`npm run dev`'s Vite server).
 */
export function rateLimitClientOf(context: unknown, headers: Headers): string | null {
  if (typeof context === "object" && context !== null && "clientAddress" in context) {
    return typeof context.clientAddress === "string" ? ipOrNull(context.clientAddress) : null;
  }
  return clientIpOf(headers);
}
