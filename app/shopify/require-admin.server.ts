import { authenticate } from "../shopify.server";
import { staffMemberOf } from "./staff-member";

export type { StaffMember } from "./staff-member";

/**
 * Authenticates an admin request (session token checked by Shopify's library)
 * and returns the shop every query of the request must be scoped by, and the
 * staff member making it.
 */
export async function requireAdmin(request: Request) {
  const { session, admin, sessionToken } = await authenticate.admin(request);
  return { shop: session.shop, admin, staff: staffMemberOf(sessionToken?.sub, session.onlineAccessInfo?.associated_user) };
}
