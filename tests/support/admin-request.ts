import { signSessionToken } from "../../app/demo/demo-link.server";
import { TEST_ENV } from "../setup/test-env";

/** A request as App Bridge makes it from Shopify admin: the shop's session token, signed with the app's secret. */
export function adminRequest(shop: string, path: string, init: RequestInit = {}): Request {
  const token = signSessionToken({ shop, apiKey: TEST_ENV.SHOPIFY_API_KEY, apiSecret: TEST_ENV.SHOPIFY_API_SECRET });
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token}`);
  return new Request(new URL(path, TEST_ENV.SHOPIFY_APP_URL), { ...init, headers });
}
