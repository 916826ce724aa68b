import { describe, expect, it, vi } from "vitest";
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

  it("acknowledges an uninstall triggered before the shop's current installation began, changes nothing and logs it", async () => {
    const shop = await shopWithQueuedText();
    const installedAt = new Date();
    await prisma.shop.update({ where: { shop }, data: { installedAt } });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const triggeredAt = new Date(installedAt.getTime() - 60_000);
      const response = await call(shopifyWebhookRequest({ path: "/webhooks/app/uninstalled", topic: "app/uninstalled", shop, payload: { domain: shop }, triggeredAt }));

      expect(response.status).toBe(200);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(`from ${shop} was triggered at ${triggeredAt.toISOString()}, before the current installation began`));
    } finally {
      warn.mockRestore();
    }
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop } })).uninstalledAt).toBeNull();
    expect(await prisma.message.findMany({ where: { shop }, select: { status: true } })).toEqual([{ status: "queued" }]);
    expect(await prisma.session.count({ where: { shop } })).toBe(1);
  });

  it("applies an uninstall triggered at or after the installation began", async () => {
    const shop = await shopWithQueuedText();
    const { installedAt } = await prisma.shop.findUniqueOrThrow({ where: { shop } });

    const response = await call(shopifyWebhookRequest({ path: "/webhooks/app/uninstalled", topic: "app/uninstalled", shop, payload: { domain: shop }, triggeredAt: installedAt }));

    expect(response.status).toBe(200);
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop } })).uninstalledAt).toBeInstanceOf(Date);
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
