/**
 * POST /webhooks/orders/create: SMS consent the shopper gave at the contact
 * step arrives with the order. The HMAC is checked before anything is read;
 * the work is a few queries in one transaction, idempotent on the delivery and
 * on the order, and every outcome (consent or not) is answered 200 so Shopify
 * does not retry what will not change.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleOrdersCreate } from "~/checkout/orders-create.server";
import { authenticateShopifyWebhook } from "~/shopify/authenticate-webhook.server";

export async function action({ request }: ActionFunctionArgs) {
  // Throws 401 on a bad HMAC (400 without Shopify's headers) before anything is written.
  const { shop, topic, webhookId, payload } = await authenticateShopifyWebhook(request);
  if (topic !== "ORDERS_CREATE") {
    console.warn(`webhooks/orders/create received topic ${topic} from ${shop}: ignored`);
    return new Response(null, { status: 200 });
  }
  await handleOrdersCreate(shop, webhookId, payload);
  return new Response(null, { status: 200 });
}
