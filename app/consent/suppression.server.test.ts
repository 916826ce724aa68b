import { beforeAll, describe, expect, it } from "vitest";
import { createTestShop } from "../../tests/support/shop-fixture";
import prisma from "../db.server";
import { applyConsentChange, type ConsentChange } from "./consent-engine.server";
import { mayTextMarketing } from "./suppression.server";

const HOUR = 60 * 60 * 1000;
let shopA: string;
let shopB: string;

beforeAll(async () => {
  shopA = (await createTestShop()).shop;
  shopB = (await createTestShop()).shop;
});

const change = (shop: string, phone: string, action: ConsentChange["action"], extra: Partial<ConsentChange> = {}) =>
  applyConsentChange({ shop, phone, action, source: "keyword", evidence: { body: action }, ...extra });

describe("mayTextMarketing", () => {
  it("allows a subscribed number and sees an opt-out at once", async () => {
    const phone = "+15550200001";
    await change(shopA, phone, "opt_in");
    expect(await mayTextMarketing(shopA, phone, prisma)).toEqual({ allowed: true });

    await change(shopA, phone, "opt_out");
    expect(await mayTextMarketing(shopA, phone, prisma)).toEqual({ allowed: false, reason: "unsubscribed" });
  });

  it("keeps shops apart: a number subscribed at one shop is not allowed at another", async () => {
    const phone = "+15550200002";
    await change(shopA, phone, "opt_in");
    expect(await mayTextMarketing(shopA, phone, prisma)).toEqual({ allowed: true });
    expect(await mayTextMarketing(shopB, phone, prisma)).toEqual({ allowed: false, reason: "unknown_number" });

    await change(shopB, phone, "opt_out");
    expect(await mayTextMarketing(shopA, phone, prisma)).toEqual({ allowed: true });
    expect(await mayTextMarketing(shopB, phone, prisma)).toEqual({ allowed: false, reason: "unsubscribed" });
  });

  it("refuses a pending request, and calls it expired once its window has passed, job or not", async () => {
    const phone = "+15550200003";
    const asked = new Date("2026-11-02T15:00:00Z");
    await change(shopA, phone, "request_opt_in", { occurredAt: asked, pendingExpiresAt: new Date(asked.getTime() + 2 * HOUR) });
    expect(await mayTextMarketing(shopA, phone, prisma, new Date(asked.getTime() + HOUR))).toEqual({ allowed: false, reason: "pending" });
    expect(await mayTextMarketing(shopA, phone, prisma, new Date(asked.getTime() + 2 * HOUR))).toEqual({ allowed: false, reason: "expired" });
  });

  it("refuses an unreachable number even while subscribed", async () => {
    const phone = "+15550200004";
    await change(shopA, phone, "opt_in");
    await prisma.subscriber.update({ where: { shop_phone: { shop: shopA, phone } }, data: { unreachableAt: new Date() } });
    expect(await mayTextMarketing(shopA, phone, prisma)).toEqual({ allowed: false, reason: "unreachable" });
  });

  it("refuses everyone at an uninstalled or unknown shop", async () => {
    const { shop } = await createTestShop();
    const phone = "+15550200005";
    await change(shop, phone, "opt_in");
    await prisma.shop.update({ where: { shop }, data: { uninstalledAt: new Date() } });
    expect(await mayTextMarketing(shop, phone, prisma)).toEqual({ allowed: false, reason: "shop_uninstalled" });
    expect(await mayTextMarketing("nobody.myshopify.com", phone, prisma)).toEqual({ allowed: false, reason: "shop_uninstalled" });
  });

  it("answers inside a transaction, seeing that transaction's own opt-out", async () => {
    const phone = "+15550200006";
    await change(shopA, phone, "opt_in");
    await prisma.$transaction(async (tx) => {
      await applyConsentChange({ shop: shopA, phone, action: "opt_out", source: "keyword", evidence: { body: "STOP" } }, tx);
      expect(await mayTextMarketing(shopA, phone, tx, new Date())).toEqual({ allowed: false, reason: "unsubscribed" });
    });
  });
});
