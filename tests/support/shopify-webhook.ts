import { randomUUID } from "node:crypto";
import { getHmac } from "@shopify/shopify-api/test-helpers";
import { TEST_ENV } from "../setup/test-env";

/** A webhook request shaped and signed like Shopify's (X-Shopify-Hmac-Sha256 over the raw body). */
export function shopifyWebhookRequest(options: {
  path: string;
  topic: string;
  shop: string;
  payload: unknown;
  /** Sent (and signed) instead of the JSON of `payload`: e.g. a body that is not JSON. */
  rawBody?: string;
  webhookId?: string;
  secret?: string;
  /** X-Shopify-Triggered-At: when the event happened at Shopify (default: now). */
  triggeredAt?: Date;
}): Request {
  const body = options.rawBody ?? JSON.stringify(options.payload);
  return new Request(new URL(options.path, TEST_ENV.SHOPIFY_APP_URL), {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": options.topic,
      "X-Shopify-Shop-Domain": options.shop,
      "X-Shopify-API-Version": "2026-07",
      "X-Shopify-Webhook-Id": options.webhookId ?? randomUUID(),
      "X-Shopify-Triggered-At": (options.triggeredAt ?? new Date()).toISOString(),
      "X-Shopify-Hmac-Sha256": getHmac(body, options.secret ?? TEST_ENV.SHOPIFY_API_SECRET),
    },
  });
}
