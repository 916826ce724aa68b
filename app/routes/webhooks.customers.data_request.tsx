import type { ActionFunctionArgs } from "@remix-run/node";
import { answerCustomerDataRequest } from "~/compliance/customer-export.server";
import { parsePrivacyWebhook } from "~/compliance/privacy-webhooks";
import { authenticateShopifyWebhook, refuseMalformedDelivery } from "~/shopify/authenticate-webhook.server";

/** Shopify's customers/data_request: the customer's data is exported at once and kept for the merchant (Privacy page). */
export async function action({ request }: ActionFunctionArgs) {
  // Throws a 401 response on a bad HMAC before anything is read or written.
  const { shop, topic, webhookId, payload } = await authenticateShopifyWebhook(request);
  const parsed = parsePrivacyWebhook("customers/data_request", { shop, topic, payload });
  if (!parsed.ok) return refuseMalformedDelivery(request, parsed.reason);
  await answerCustomerDataRequest(shop, webhookId, parsed.payload);
  return new Response(null, { status: 200 });
}
