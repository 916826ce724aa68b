/**
 * POST /webhooks/customers/marketing_consent_update: an SMS consent change made
 * in Shopify, recorded in our ledger (source shopify_sync). The HMAC is checked
 * before anything is read; the work is idempotent on the delivery, and every
 * outcome is answered 200 so Shopify does not retry what will not change.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleMarketingConsentUpdate } from "~/shopify/marketing-consent-webhook.server";
import { authenticateShopifyWebhook } from "~/shopify/authenticate-webhook.server";

export async function action({ request }: ActionFunctionArgs) {
  // Throws 401 on a bad HMAC (400 without Shopify's headers) before anything is written.
  const { shop, topic, webhookId, payload } = await authenticateShopifyWebhook(request);
  if (topic !== "CUSTOMERS_MARKETING_CONSENT_UPDATE") {
    console.warn(`webhooks/customers/marketing_consent_update received topic ${topic} from ${shop}: ignored`);
    return new Response(null, { status: 200 });
  }
  await handleMarketingConsentUpdate({ shop, webhookId, payload });
  return new Response(null, { status: 200 });
}
