/**
 * A Shopify webhook whose HMAC is valid but whose body is not JSON, on every
 * Shopify webhook route: 400 (a 500 made Shopify retry it for 48 hours), and
 * the delivery recorded once, with outcome "malformed", under its webhook id.
 */
import { randomUUID } from "node:crypto";
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import prisma from "../../app/db.server";
import { action as appUninstalled } from "../../app/routes/webhooks.app.uninstalled";
import { action as customersDataRequest } from "../../app/routes/webhooks.customers.data_request";
import { action as marketingConsentUpdate } from "../../app/routes/webhooks.customers.marketing_consent_update";
import { action as customersRedact } from "../../app/routes/webhooks.customers.redact";
import { action as ordersCreate } from "../../app/routes/webhooks.orders.create";
import { action as refundsCreate } from "../../app/routes/webhooks.refunds.create";
import { action as shopRedact } from "../../app/routes/webhooks.shop.redact";
import { callAction } from "../support/call-route";
import { shopWithDisclosure } from "../support/checkout-fixture";
import { shopifyWebhookRequest } from "../support/shopify-webhook";

type Action = (args: ActionFunctionArgs) => Promise<Response>;

const ROUTES: Array<{ path: string; topic: string; action: Action }> = [
  { path: "/webhooks/app/uninstalled", topic: "app/uninstalled", action: appUninstalled },
  { path: "/webhooks/customers/data_request", topic: "customers/data_request", action: customersDataRequest },
  { path: "/webhooks/customers/marketing_consent_update", topic: "customers_marketing_consent/update", action: marketingConsentUpdate },
  { path: "/webhooks/customers/redact", topic: "customers/redact", action: customersRedact },
  { path: "/webhooks/orders/create", topic: "orders/create", action: ordersCreate },
  { path: "/webhooks/refunds/create", topic: "refunds/create", action: refundsCreate },
  { path: "/webhooks/shop/redact", topic: "shop/redact", action: shopRedact },
];

const MALFORMED_BODIES = ['{"id": 1,', "not json at all", '{"id": 1}}', "\u0000"];

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

const newShop = () => `malformed-${randomUUID().slice(0, 8)}.myshopify.com`;
const recordsOf = (webhookId: string) => prisma.processedWebhook.findMany({ where: { webhookId } });

describe("Shopify webhooks with a body that is not JSON", () => {
  it.each(ROUTES)("$path: 400 for a validly signed one, recorded once as malformed, retries included", async ({ path, topic, action }) => {
    const shop = newShop();
    for (const rawBody of MALFORMED_BODIES) {
      const webhookId = randomUUID();
      const deliver = () => callAction(action, shopifyWebhookRequest({ path, topic, shop, payload: null, rawBody, webhookId }));

      const first = await deliver();
      expect([first.status, await first.text()], JSON.stringify(rawBody)).toEqual([400, "The webhook body is not valid JSON"]);
      const retry = await deliver();
      expect(retry.status, JSON.stringify(rawBody)).toBe(400);

      expect(warn).toHaveBeenCalledWith(expect.stringContaining(`${topic} ${webhookId} from ${shop}: the body is not JSON`));
      const records = await recordsOf(webhookId);
      expect(records.map(({ shop, topic, outcome }) => ({ shop, topic, outcome }))).toEqual([{ shop, topic, outcome: "malformed" }]);
    }
  });

  it.each(ROUTES)("$path: 401 for one with a wrong signature, recording nothing", async ({ path, topic, action }) => {
    const webhookId = randomUUID();

    const response = await callAction(action, shopifyWebhookRequest({ path, topic, shop: newShop(), payload: null, rawBody: '{"id":', webhookId, secret: "not-our-secret" }));

    expect(response.status).toBe(401);
    expect(await recordsOf(webhookId)).toEqual([]);
  });

  it("a malformed delivery does not make a later valid one, under another id, look processed", async () => {
    const { shop } = await shopWithDisclosure();
    const malformedId = randomUUID();
    const validId = randomUUID();
    const deliver = (webhookId: string, body: { rawBody?: string; payload?: unknown }) =>
      callAction(ordersCreate, shopifyWebhookRequest({ path: "/webhooks/orders/create", topic: "orders/create", shop, payload: body.payload, rawBody: body.rawBody, webhookId }));

    expect((await deliver(malformedId, { rawBody: '{"id": 5734000001, "note_attributes": [' })).status).toBe(400);
    expect((await deliver(validId, { payload: { id: 5_734_000_001, admin_graphql_api_id: "gid://shopify/Order/5734000001", note_attributes: [] } })).status).toBe(200);

    const records = await prisma.processedWebhook.findMany({ where: { shop }, orderBy: { webhookId: "asc" } });
    const outcomes = Object.fromEntries(records.map((r) => [r.webhookId, r.outcome]));
    expect(outcomes[malformedId]).toBe("malformed");
    expect(outcomes[validId]).toBe("processed");
  });

  it.each(ROUTES)("$path: 400 for a signed body that is JSON but not an object, recorded as malformed", async ({ path, topic, action }) => {
    const shop = newShop();
    for (const rawBody of ["null", "42", '"orders"', "[]", '[{"id": 1}]', "true"]) {
      const webhookId = randomUUID();

      const response = await callAction(action, shopifyWebhookRequest({ path, topic, shop, payload: null, rawBody, webhookId }));

      expect([response.status, await response.text()], rawBody).toEqual([400, "The webhook body is not a JSON object"]);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(`${topic} ${webhookId} from ${shop}: the body is not a JSON object`));
      const records = await recordsOf(webhookId);
      expect(records.map(({ shop, topic, outcome }) => ({ shop, topic, outcome })), rawBody).toEqual([{ shop, topic, outcome: "malformed" }]);
    }
  });
});

const PRIVACY_ROUTES = ROUTES.filter(({ topic }) => ["customers/data_request", "customers/redact", "shop/redact"].includes(topic));

describe("Shopify privacy webhooks whose payload their schema refuses", () => {
  it.each(PRIVACY_ROUTES)("$path: 400 with the reason, recorded as malformed, nothing else written", async ({ path, topic, action }) => {
    const shop = newShop();
    const webhookId = randomUUID();
    // No shop_id: every privacy payload carries one.
    const payload = { shop_domain: shop, customer: { id: 7001, phone: "+14155550123" }, orders_requested: [], orders_to_redact: [] };

    const response = await callAction(action, shopifyWebhookRequest({ path, topic, shop, payload, webhookId }));

    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/^shop_id: /);
    expect((await recordsOf(webhookId)).map(({ shop, topic, outcome }) => ({ shop, topic, outcome }))).toEqual([{ shop, topic, outcome: "malformed" }]);
    expect(await prisma.privacyRequest.count({ where: { shop } })).toBe(0);
  });
});
