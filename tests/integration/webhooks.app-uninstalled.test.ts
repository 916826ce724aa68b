import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { action } from "../../app/routes/webhooks.app.uninstalled";
import { callAction } from "../support/call-route";
import { createTestShop } from "../support/shop-fixture";
import { shopifyWebhookRequest } from "../support/shopify-webhook";

async function shopWithQueuedText() {
  const { shop } = await createTestShop();
  await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "x", accessToken: "token" } });
  await prisma.message.create({ data: { shop, phone: "+15551230001", body: "Hi", kind: "marketing" } });
  return shop;
}

const call = (request: Request) => callAction(action, request);

describe("POST /webhooks/app/uninstalled", () => {
  it("stops sending and forgets the access tokens", async () => {
    const shop = await shopWithQueuedText();
    const response = await call(shopifyWebhookRequest({ path: "/webhooks/app/uninstalled", topic: "app/uninstalled", shop, payload: { domain: shop } }));
    expect(response.status).toBe(200);
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop } })).uninstalledAt).toBeInstanceOf(Date);
    expect(await prisma.message.findMany({ where: { shop }, select: { status: true } })).toEqual([{ status: "cancelled" }]);
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
  });

  it("rejects a bad HMAC and writes nothing", async () => {
    const shop = await shopWithQueuedText();
    const response = await call(
      shopifyWebhookRequest({ path: "/webhooks/app/uninstalled", topic: "app/uninstalled", shop, payload: { domain: shop }, secret: "wrong-secret" }),
    );
    expect(response.status).toBe(401);
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop } })).uninstalledAt).toBeNull();
    expect(await prisma.message.findMany({ where: { shop }, select: { status: true } })).toEqual([{ status: "queued" }]);
    expect(await prisma.session.count({ where: { shop } })).toBe(1);
  });
});
