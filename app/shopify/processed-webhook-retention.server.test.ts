import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { PROCESSED_WEBHOOK_RETENTION_DAYS, pruneProcessedWebhooks } from "./processed-webhook-retention.server";

const DAY_MS = 24 * 60 * 60 * 1000;

describe("pruneProcessedWebhooks", () => {
  it("forgets idempotency records past the retention period, for every shop, and keeps the rest", async () => {
    const now = new Date("2026-11-23T12:00:00Z");
    const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);
    const rows = [
      { webhookId: "old-a", shop: "a.myshopify.com", topic: "orders/create", processedAt: daysAgo(PROCESSED_WEBHOOK_RETENTION_DAYS + 1) },
      { webhookId: "old-b", shop: "b.myshopify.com", topic: "customers/redact", processedAt: daysAgo(90) },
      { webhookId: "edge", shop: "a.myshopify.com", topic: "orders/create", processedAt: daysAgo(PROCESSED_WEBHOOK_RETENTION_DAYS) },
      { webhookId: "retry-window", shop: "b.myshopify.com", topic: "orders/create", processedAt: daysAgo(2) },
    ];
    await prisma.processedWebhook.createMany({ data: rows });

    expect(await pruneProcessedWebhooks(now)).toBe(2);
    const left = await prisma.processedWebhook.findMany({ orderBy: { webhookId: "asc" }, select: { webhookId: true } });
    expect(left.map((row) => row.webhookId)).toEqual(["edge", "retry-window"]);
    expect(await pruneProcessedWebhooks(now)).toBe(0);
  });
});
