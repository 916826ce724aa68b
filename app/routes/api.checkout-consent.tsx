/**
 * POST /api/checkout-consent: the Thank-you block's answer (see
 * extensions/sms-consent-checkout/src/consent-api.ts). The checkout session
 * token (Authorization: Bearer, signed with the app secret) names the shop;
 * `requireCheckoutSession` answers the CORS preflight and refuses a bad token
 * with 401. Every answer, refusals included, carries the CORS headers the
 * block needs to read it.
 *
 * Remix hands OPTIONS (the preflight) to the loader, not the action: the
 * loader authenticates too, so the preflight gets its 204 and CORS headers.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { recordThankYouConsent } from "~/checkout/thank-you-consent.server";
import { clientIpOf, customerIdOfToken, parseThankYouConsent, shopOfTokenDest } from "~/checkout/thank-you-request";
import { requireCheckoutSession } from "~/shopify/require-checkout.server";

const MAX_BODY_BYTES = 4_096;

export async function loader({ request }: LoaderFunctionArgs) {
  const { cors } = await requireCheckoutSession(request);
  return cors(Response.json({ ok: false, reason: "POST only" }, { status: 405, headers: { Allow: "POST, OPTIONS" } }));
}

export async function action({ request }: ActionFunctionArgs) {
  const { sessionToken, cors } = await requireCheckoutSession(request);
  const refuse = (status: number, reason: string) => cors(Response.json({ ok: false, reason }, { status }));
  if (request.method !== "POST") return refuse(405, "POST only");

  const shop = shopOfTokenDest(sessionToken.dest);
  if (!shop) return refuse(401, "the session token names no shop");

  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) return refuse(413, "body too large");
  const parsed = parseThankYouConsent(parseJson(text));
  if (!parsed.ok) return refuse(400, parsed.reason);

  const outcome = await recordThankYouConsent(shop, parsed, {
    ip: clientIpOf(request.headers),
    userAgent: request.headers.get("User-Agent")?.slice(0, 1000) || null,
    shopifyCustomerId: customerIdOfToken(sessionToken.sub),
  });
  if (!outcome.ok) return refuse(400, outcome.reason);
  return cors(Response.json({ ok: true, status: outcome.status }));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
