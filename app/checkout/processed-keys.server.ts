/**
 * Idempotency keys for checkout consent (claimed through
 * app/webhooks/idempotency.server.ts, kept in ProcessedWebhook).
 * Webhook deliveries are keyed by X-Shopify-Webhook-Id as the model intends;
 * the other keys carry a prefix no webhook id (a UUID) can have:
 * - `order:<shop>:<order gid>`: an order's consent is acted on once, whichever
 *   delivery of orders/create brings it (Shopify may send one order twice
 *   under different webhook ids);
 * - `thank-you:<shop>:<order gid>:<status>:<at>`: one Thank-you answer, so a
 *   repeated request cannot undo a STOP sent since.
 * None of them contains personal data.
 */
export const ORDERS_CREATE_TOPIC = "orders/create";
export const THANK_YOU_TOPIC = "checkout-consent";

export const orderKeyOf = (shop: string, orderId: string) => `order:${shop}:${orderId}`;
export const thankYouKeyOf = (shop: string, orderId: string, status: string, at: string) =>
  `thank-you:${shop}:${orderId}:${status}:${at}`;
