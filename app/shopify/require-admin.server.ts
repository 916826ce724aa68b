import { authenticate } from "../shopify.server";

/**
 * Authenticates an admin request (session token checked by Shopify's library)
 * and returns the shop every query of the request must be scoped by.
 */
export async function requireAdmin(request: Request) {
  const { session, admin } = await authenticate.admin(request);
  return { shop: session.shop, admin };
}
