import type { ActionFunctionArgs } from "@remix-run/node";
import { parsePrivacyWebhook } from "~/compliance/privacy-webhooks";
import { redactShop } from "~/compliance/shop-redaction.server";
import { authenticateShopifyWebhook, refuseMalformedDelivery } from "~/shopify/authenticate-webhook.server";

/** Shopify's shop/redact, 48 hours after uninstall: every row of the shop is deleted. */
export async function action({ request }: ActionFunctionArgs) {
  // Throws a 401 response on a bad HMAC before anything is read or written.
  const { shop, topic, payload } = await authenticateShopifyWebhook(request);
  const parsed = parsePrivacyWebhook("shop/redact", { shop, topic, payload });
  if (!parsed.ok) return refuseMalformedDelivery(request, parsed.reason);
  const deleted = await redactShop(shop);
  const rows = Object.values(deleted).reduce((sum, n) => sum + n, 0);
  console.info(`shop/redact: deleted ${rows} rows of ${shop}`);
  return new Response(null, { status: 200 });
}
