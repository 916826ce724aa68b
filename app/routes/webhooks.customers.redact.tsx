import type { ActionFunctionArgs } from "@remix-run/node";
import { redactCustomer } from "~/compliance/customer-redaction.server";
import { parsePrivacyWebhook } from "~/compliance/privacy-webhooks";
import { authenticateShopifyWebhook, refuseMalformedDelivery } from "~/shopify/authenticate-webhook.server";

/** Shopify's customers/redact: the customer's personal data at this shop is erased at once (README, Privacy requests). */
export async function action({ request }: ActionFunctionArgs) {
  // Throws a 401 response on a bad HMAC before anything is read or written.
  const { shop, topic, webhookId, payload } = await authenticateShopifyWebhook(request);
  const parsed = parsePrivacyWebhook("customers/redact", { shop, topic, payload });
  if (!parsed.ok) return refuseMalformedDelivery(request, parsed.reason);
  await redactCustomer(shop, webhookId, parsed.payload);
  return new Response(null, { status: 200 });
}
