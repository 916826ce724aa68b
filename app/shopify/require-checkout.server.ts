import { shopify } from "../shopify.server";

/**
 * Authenticates a request from a checkout UI extension (its session token,
 * checked by Shopify's library, which also answers the CORS preflight).
 *
 * The library refuses a missing or bad token with a bare 401 that has no
 * CORS headers, so the browser hides it from the extension, which can then
 * only report a network failure. That refusal is re-issued here with the
 * headers and a reason the extension can read.
 */
export async function requireCheckoutSession(request: Request) {
  try {
    return await shopify().authenticate.public.checkout(request);
  } catch (thrown) {
    if (thrown instanceof Response && thrown.status === 401) {
      throw Response.json(
        { ok: false, reason: "the checkout session token is missing, invalid or expired" },
        { status: 401, headers: { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Authorization, Content-Type" } },
      );
    }
    throw thrown;
  }
}
