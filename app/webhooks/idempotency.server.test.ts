import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import prisma, { type DbTx } from "../db.server";
import { isUniqueViolation } from "../db/sql.server";
import { claimKey, inIdempotentTransaction, oncePerWebhook } from "./idempotency.server";

const SHOP = "idempotency.myshopify.com";
const TOPIC = "orders/create";
const NOW = new Date("2026-11-27T12:00:00Z");

/** Work with an effect we can count: one PrivacyRequest row per run. */
async function recordRun(tx: DbTx, marker: string): Promise<string> {
  const row = await tx.privacyRequest.create({ data: { shop: SHOP, topic: TOPIC, shopifyRequestId: marker, receivedAt: NOW } });
  return row.id;
}

const runsOf = (marker: string) => prisma.privacyRequest.count({ where: { shop: SHOP, shopifyRequestId: marker } });
const keysOf = (key: string) => prisma.processedWebhook.findMany({ where: { webhookId: key } });

describe("oncePerWebhook", () => {
  it("does the work once and answers a retry of the same delivery as replayed, without running the work", async () => {
    const delivery = { webhookId: randomUUID(), shop: SHOP, topic: TOPIC };
    const first = await oncePerWebhook(delivery, (tx) => recordRun(tx, delivery.webhookId), NOW);
    let ranAgain = false;
    const retry = await oncePerWebhook(delivery, async () => {
      ranAgain = true;
      return "unexpected";
    }, NOW);

    expect(first).toMatchObject({ replayed: false, result: expect.any(String) });
    expect(retry).toEqual({ replayed: true });
    expect(ranAgain).toBe(false);
    expect(await runsOf(delivery.webhookId)).toBe(1);
    expect(await keysOf(delivery.webhookId)).toMatchObject([{ shop: SHOP, topic: TOPIC, outcome: "processed", processedAt: NOW }]);
  });

  it("lets exactly one of two concurrent duplicates do the work; the other sees it replayed", async () => {
    const delivery = { webhookId: randomUUID(), shop: SHOP, topic: TOPIC };
    // The work holds its transaction open a moment, so the second delivery
    // starts while the first's key is written but not yet committed.
    const slowWork = async (tx: DbTx) => {
      const id = await recordRun(tx, delivery.webhookId);
      await sleep(150);
      return id;
    };
    const results = await Promise.all([oncePerWebhook(delivery, slowWork, NOW), oncePerWebhook(delivery, slowWork, NOW)]);

    expect(results.filter((result) => result.replayed)).toHaveLength(1);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(await runsOf(delivery.webhookId)).toBe(1);
    expect(await keysOf(delivery.webhookId)).toHaveLength(1);
  });

  it("leaves no mark when the work fails, so the retry does the work", async () => {
    const delivery = { webhookId: randomUUID(), shop: SHOP, topic: TOPIC };
    const failing = oncePerWebhook(delivery, async (tx) => {
      await recordRun(tx, delivery.webhookId);
      throw new Error("Shopify's payload named a shop we do not know");
    }, NOW);

    await expect(failing).rejects.toThrow("a shop we do not know");
    expect(await keysOf(delivery.webhookId)).toEqual([]);
    expect(await runsOf(delivery.webhookId)).toBe(0);

    const retry = await oncePerWebhook(delivery, (tx) => recordRun(tx, delivery.webhookId), NOW);
    expect(retry.replayed).toBe(false);
    expect(await runsOf(delivery.webhookId)).toBe(1);
    expect(await keysOf(delivery.webhookId)).toHaveLength(1);
  });
});

describe("claimKey", () => {
  it("claims a key once, in the caller's transaction, whatever shop asks next", async () => {
    const key = `order:${SHOP}:gid://shopify/Order/${Date.now()}`;
    const claims = await prisma.$transaction(async (tx) => [
      await claimKey(tx, { key, shop: SHOP, topic: TOPIC }, NOW),
      await claimKey(tx, { key, shop: SHOP, topic: TOPIC }, NOW),
    ]);
    const otherShop = await prisma.$transaction((tx) => claimKey(tx, { key, shop: "other.myshopify.com", topic: TOPIC }, NOW));

    expect(claims).toEqual([true, false]);
    expect(otherShop).toBe(false);
    expect(await keysOf(key)).toMatchObject([{ shop: SHOP }]);
  });
});

describe("inIdempotentTransaction", () => {
  it("runs the work once more after a unique violation, with the first attempt rolled back whole", async () => {
    const marker = randomUUID();
    const blocker = `blocker:${marker}`;
    await prisma.processedWebhook.create({ data: { webhookId: blocker, shop: SHOP, topic: TOPIC } });
    let attempts = 0;

    const result = await inIdempotentTransaction(async (tx) => {
      attempts++;
      await recordRun(tx, marker);
      // The first attempt collides with a row a concurrent request committed; the second finds its way around it.
      if (attempts === 1) await tx.processedWebhook.create({ data: { webhookId: blocker, shop: SHOP, topic: TOPIC } });
      return attempts;
    });

    expect(result).toBe(2);
    expect(await runsOf(marker)).toBe(1);
  });

  it("gives up after the second unique violation and rolls everything back", async () => {
    const marker = randomUUID();
    const blocker = `blocker:${marker}`;
    await prisma.processedWebhook.create({ data: { webhookId: blocker, shop: SHOP, topic: TOPIC } });
    let attempts = 0;

    const failing = inIdempotentTransaction(async (tx) => {
      attempts++;
      await recordRun(tx, marker);
      await tx.processedWebhook.create({ data: { webhookId: blocker, shop: SHOP, topic: TOPIC } });
    });

    const error: unknown = await failing.catch((caught: unknown) => caught);
    expect(isUniqueViolation(error)).toBe(true);
    expect(attempts).toBe(2);
    expect(await runsOf(marker)).toBe(0);
  });

  it("does not retry other errors", async () => {
    let attempts = 0;
    const failing = inIdempotentTransaction(async () => {
      attempts++;
      throw new Error("not a duplicate");
    });
    await expect(failing).rejects.toThrow("not a duplicate");
    expect(attempts).toBe(1);
  });
});
