/**
 * POST /api/checkout-consent: the Thank-you block's answer (see
 * extensions/sms-consent-checkout/src/consent-api.ts). The checkout session
 * token (Authorization: Bearer, signed with the app secret) names the shop;
 * `requireCheckoutSession` answers the CORS preflight and refuses a bad token
 * with 401. Every answer, refusals included, carries the CORS headers the
 * block needs to read it, and every refusal says why (`reason`). Then, in
 * order: the body is checked (413, 400: nothing counted, nothing written),
 * and the domain (thank-you-consent.server.ts) counts the attempt against its
 * client, asks Shopify whether the order is this checkout's (403), counts it
 * against the proved order (429 with Retry-After, either way) and records it
 * if the number may be texted (400). A refused request writes nothing but
 * its rate-limit counts.
 *
 * Remix hands OPTIONS (the preflight) to the loader, not the action: the
 * loader authenticates too, so the preflight gets its 204 and CORS headers.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { recordThankYouConsent, type ThankYouOutcome } from "~/checkout/thank-you-consent.server";
import { ORDER_PROOF_MESSAGES } from "~/checkout/thank-you-order.server";
import { clientIpOf, customerIdOfToken, parseThankYouConsent, rateLimitClientOf, shopOfTokenDest } from "~/checkout/thank-you-request";
import { requireCheckoutSession } from "~/shopify/require-checkout.server";

const MAX_BODY_BYTES = 4_096;

export async function loader({ request }: LoaderFunctionArgs) {
  const { cors } = await requireCheckoutSession(request);
  return cors(Response.json({ ok: false, reason: "POST only" }, { status: 405, headers: { Allow: "POST, OPTIONS" } }));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { sessionToken, cors } = await requireCheckoutSession(request);
  const refuse = (status: number, reason: string, more: { error?: string; headers?: HeadersInit } = {}) =>
    cors(Response.json({ ok: false, ...(more.error ? { error: more.error } : {}), reason }, { status, headers: more.headers }));
  if (request.method !== "POST") return refuse(405, "POST only");

  const shop = shopOfTokenDest(sessionToken.dest);
  if (!shop) return refuse(401, "the session token names no shop");

  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) return refuse(413, "body too large");
  const parsed = parseThankYouConsent(parseJson(text));
  if (!parsed.ok) return refuse(400, parsed.reason);

  const outcome = await recordThankYouConsent(shop, parsed, {
    ip: clientIpOf(request.headers),
    client: rateLimitClientOf(context, request.headers),
    userAgent: request.headers.get("User-Agent")?.slice(0, 1000) || null,
    tokenCustomerId: customerIdOfToken(sessionToken.sub),
  });
  if (!outcome.ok) return refusal(outcome, refuse);
  return cors(Response.json({ ok: true, status: outcome.status }));
}

/** Order-proof refusals name the problem in words; the consent rules' codes are the extension's to show. */
function refusal(outcome: Extract<ThankYouOutcome, { ok: false }>, refuse: (status: number, reason: string, more?: { error?: string; headers?: HeadersInit }) => Response) {
  if (outcome.reason === "rate_limited") {
    const { rule, retryAfterSeconds } = outcome.limit;
    return refuse(429, `too many consent answers ${rule}; try again in ${retryAfterSeconds} s`, {
      error: "rate_limited",
      headers: { "Retry-After": String(retryAfterSeconds) },
    });
  }
  const { reason } = outcome;
  switch (reason) {
    case "order_unknown":
    case "checkout_mismatch":
    case "order_too_old":
    case "customer_mismatch":
      return refuse(403, ORDER_PROOF_MESSAGES[reason], { error: reason });
    case "shopify_unavailable":
      return refuse(503, ORDER_PROOF_MESSAGES[reason], { error: reason });
    default:
      return refuse(400, reason);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
