/**
 * The one way every Shopify webhook route authenticates a delivery:
 * shopify-app-remix's `authenticate.webhook` (HMAC first: 401 before anything
 * is read or written), with two things it leaves to us.
 *
 * - A validly signed body that is not JSON: `authenticate.webhook` checks the
 *   HMAC, then calls JSON.parse on the body, whose SyntaxError became a 500,
 *   which Shopify retries for 48 hours. It is answered 400 instead, and the
 *   delivery is recorded under its X-Shopify-Webhook-Id with outcome
 *   "malformed" (once: a retry adds nothing), so an operator can see it. The
 *   record is keyed by that id alone, so it cannot make a later delivery under
 *   another id look processed.
 *   A body that is JSON but not an object (`null`, `42`, `[]`) is refused the
 *   same way, and so is a payload a route's schema refuses
 *   (refuseMalformedDelivery).
 * - Text the databases cannot store: every string of the payload is cleaned
 *   (app/db/storable-text.ts) before a handler sees it, so what a handler
 *   hashes into the consent ledger is exactly what is stored.
 */
import { z } from "zod";
import { storableJson } from "../db/storable-text";
import { authenticate } from "../shopify.server";
import { claimKey, inIdempotentTransaction } from "../webhooks/idempotency.server";

export const MALFORMED_OUTCOME = "malformed";

export async function authenticateShopifyWebhook(request: Request) {
  let context: Awaited<ReturnType<typeof authenticate.webhook>>;
  try {
    context = await authenticate.webhook(request);
  } catch (thrown) {
    // Only JSON.parse throws a SyntaxError there, and only once the HMAC has passed.
    if (!(thrown instanceof SyntaxError)) throw thrown;
    throw await refuseMalformedDelivery(request, "The webhook body is not valid JSON", "the body is not JSON");
  }
  // Every Shopify payload is a JSON object; null, a number or an array is as malformed as bad JSON.
  if (!isJsonObject(context.payload)) {
    throw await refuseMalformedDelivery(request, "The webhook body is not a JSON object", "the body is not a JSON object");
  }
  return { ...context, payload: storableJson(context.payload) };
}

function isJsonObject(payload: unknown): payload is Record<string, unknown> {
  return typeof payload === "object" && payload !== null && !Array.isArray(payload);
}

/**
 * A validly signed delivery whose payload cannot be handled (not JSON, not an
 * object, or a route's own schema refuses it): recorded as malformed and
 * answered 400 with the reason. Returned for the caller to throw or return.
 */
export async function refuseMalformedDelivery(request: Request, reason: string, logReason: string = reason): Promise<Response> {
  await recordMalformedDelivery(request.headers, logReason);
  return new Response(reason, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

// Shopify's own headers, which its validation already required; bounded so a record stays small.
const deliveryHeadersSchema = z.object({
  webhookId: z.string().min(1).max(255),
  shop: z.string().min(1).max(255),
  topic: z.string().min(1).max(255),
});

async function recordMalformedDelivery(headers: Headers, reason: string, now: Date = new Date()): Promise<void> {
  const delivery = deliveryHeadersSchema.safeParse({
    webhookId: headers.get("x-shopify-webhook-id"),
    shop: headers.get("x-shopify-shop-domain"),
    topic: headers.get("x-shopify-topic"),
  });
  if (!delivery.success) return; // nothing to key a record by; the 400 still tells Shopify
  const { webhookId, shop, topic } = delivery.data;
  console.warn(`Shopify webhook ${topic} ${webhookId} from ${shop}: ${reason}; answered 400, recorded as malformed`);
  // A record already there (a retry, or a delivery processed before) is kept as it is.
  await inIdempotentTransaction((tx) => claimKey(tx, { key: webhookId, shop, topic, outcome: MALFORMED_OUTCOME }, now));
}
