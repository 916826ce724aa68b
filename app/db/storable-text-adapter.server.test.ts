/**
 * The safety net under storableText(): text that reaches the database without
 * passing an input boundary is still written (PostgreSQL refuses U+0000), and
 * the same on both databases, whichever way it is bound: Prisma model queries,
 * raw SQL through Prisma, and plain SQL on the app's own connection. (A lone
 * surrogate never reaches Prisma's adapter: Prisma's own query serialisation
 * refuses it first, on both databases, so it is cleaned where JSON is parsed.)
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import prisma, { sqlOf, withSqlTransaction } from "../db.server";

const INSERT = 'INSERT INTO "ProcessedWebhook" ("webhookId", "shop", "topic", "outcome", "processedAt") VALUES (?, ?, ?, ?, ?)';

const stored = (webhookId: string) =>
  prisma.processedWebhook.findUniqueOrThrow({ where: { webhookId }, select: { shop: true, topic: true, outcome: true } });

describe("text PostgreSQL cannot store is cleaned wherever it is bound", () => {
  it("a Prisma model write", async () => {
    const webhookId = randomUUID();

    await prisma.processedWebhook.create({ data: { webhookId, shop: "a\u0000.myshopify.com", topic: "orders/create\u0000", outcome: "processed" } });

    expect(await stored(webhookId)).toEqual({ shop: "a.myshopify.com", topic: "orders/create", outcome: "processed" });
  });

  it("a Prisma lookup by a value with NUL finds the cleaned row instead of failing", async () => {
    const webhookId = randomUUID();
    await prisma.processedWebhook.create({ data: { webhookId, shop: "b.myshopify.com", topic: "t" } });

    expect(await prisma.processedWebhook.findUnique({ where: { webhookId: `${webhookId}\u0000` } })).toMatchObject({ webhookId });
    expect(await prisma.processedWebhook.findMany({ where: { webhookId: { in: [`\u0000${webhookId}`] } } })).toHaveLength(1);
  });

  it("raw SQL through Prisma, in and out of a transaction", async () => {
    const outside = randomUUID();
    const inside = randomUUID();

    await sqlOf(prisma).run(INSERT, [outside, "c\u0000.myshopify.com", "t\u0000", "processed", new Date()]);
    await prisma.$transaction((tx) => sqlOf(tx).run(INSERT, [inside, "d.myshopify.com\u0000", "\u0000t", "processed", new Date()]));

    expect(await stored(outside)).toEqual({ shop: "c.myshopify.com", topic: "t", outcome: "processed" });
    expect(await stored(inside)).toEqual({ shop: "d.myshopify.com", topic: "t", outcome: "processed" });
  });

  it("plain SQL on the app's own connection (withSqlTransaction): NUL removed, a lone surrogate replaced", async () => {
    const webhookId = randomUUID();

    await withSqlTransaction((sql) => sql.run(INSERT, [webhookId, "e.myshopify.com\u0000", "STOP\u0000\uD800", "processed", new Date()]));

    expect(await stored(webhookId)).toEqual({ shop: "e.myshopify.com", topic: "STOP\uFFFD", outcome: "processed" });
  });
});
