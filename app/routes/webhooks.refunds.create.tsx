/**
 * POST /webhooks/refunds/create: a refund reduces the revenue credited to a
 * campaign. The HMAC is checked before anything is read; the work is a few
 * queries in one transaction, idempotent on the delivery and on the refund. A
 * refund of an order the app never recorded is answered 200 too: Shopify must
 * not retry what will never change.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { refundFactsFrom } from "~/attribution/order-facts";
import { handleRefundsCreate } from "~/attribution/refunds-create.server";
import { authenticateShopifyWebhook, refuseMalformedDelivery } from "~/shopify/authenticate-webhook.server";

export async function action({ request }: ActionFunctionArgs) {
  // Throws 401 on a bad HMAC (400 without Shopify's headers) before anything is written.
  const { shop, topic, webhookId, payload } = await authenticateShopifyWebhook(request);
  if (topic !== "REFUNDS_CREATE") {
    console.warn(`webhooks/refunds/create received topic ${topic} from ${shop}: ignored`);
    return new Response(null, { status: 200 });
  }
  const refund = refundFactsFrom(payload);
  if (!refund.ok) return refuseMalformedDelivery(request, `Not a refund: ${refund.reason}`);
  await handleRefundsCreate(shop, webhookId, refund.facts);
  return new Response(null, { status: 200 });
}
