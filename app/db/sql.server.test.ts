/**
 * The plain-SQL path (sql.server.ts) against the real database, once per
 * provider: what it writes reads back the same through Prisma and the other
 * way round, its transactions commit or roll back whole, and a duplicate key
 * is recognised whichever way it was hit.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import prisma, { sqlOf, withSqlTransaction } from "../db.server";
import { isUniqueViolation, readDate, readInt, type Sql } from "./sql.server";

const newSid = () => `SM${randomBytes(16).toString("hex")}`;
const SHOP = "sql-test.myshopify.com";

function insertInbound(sql: Sql, messageSid: string, receivedAt: Date) {
  return sql.run(
    `INSERT INTO "InboundMessage" ("messageSid", "shop", "fromPhone", "toPhone", "body", "intent", "subscriberId", "replyTwiml", "receivedAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [messageSid, SHOP, "+12025550101", "+12025550100", "hello", "other", null, "<Response/>", receivedAt],
  );
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

describe("plain SQL on the app's database", () => {
  it("stores dates exactly as Prisma does, in both directions", async () => {
    const at = new Date("2026-03-08T06:59:59.123Z");
    const viaSql = newSid();
    await withSqlTransaction((sql) => insertInbound(sql, viaSql, at));
    expect((await prisma.inboundMessage.findUniqueOrThrow({ where: { messageSid: viaSql } })).receivedAt).toEqual(at);

    const viaPrisma = newSid();
    await prisma.inboundMessage.create({
      data: { messageSid: viaPrisma, shop: SHOP, fromPhone: "+1", toPhone: "+1", body: "", intent: "other", replyTwiml: "", receivedAt: at },
    });
    const [row] = await withSqlTransaction((sql) => sql.all(`SELECT "receivedAt" FROM "InboundMessage" WHERE "messageSid" = ?`, [viaPrisma]));
    expect(readDate(row!.receivedAt)).toEqual(at);

    // Ordering and range queries compare the stored values: both writers' values must sort together.
    const later = await prisma.inboundMessage.count({ where: { messageSid: { in: [viaSql, viaPrisma] }, receivedAt: { gte: at } } });
    expect(later).toBe(2);
  });

  it("commits a transaction's statements together, or none of them", async () => {
    const [kept, lost] = [newSid(), newSid()];
    await withSqlTransaction(async (sql) => {
      await insertInbound(sql, kept, new Date());
    });
    const failure = await rejectionOf(
      withSqlTransaction(async (sql) => {
        await insertInbound(sql, lost, new Date());
        throw new Error("changed my mind");
      }),
    );
    expect(failure).toEqual(new Error("changed my mind"));
    const found = await prisma.inboundMessage.findMany({ where: { messageSid: { in: [kept, lost] } }, select: { messageSid: true } });
    expect(found).toEqual([{ messageSid: kept }]);
  });

  it("runs inside a caller's Prisma transaction through sqlOf(tx), and rolls back with it", async () => {
    const sid = newSid();
    const failure = await rejectionOf(
      prisma.$transaction(async (tx) => {
        await insertInbound(sqlOf(tx), sid, new Date());
        expect(await tx.inboundMessage.count({ where: { messageSid: sid } })).toBe(1); // same transaction
        throw new Error("abort");
      }),
    );
    expect(failure).toEqual(new Error("abort"));
    expect(await prisma.inboundMessage.count({ where: { messageSid: sid } })).toBe(0);
  });

  it("recognises a duplicate key however it was hit", async () => {
    const sid = newSid();
    await withSqlTransaction((sql) => insertInbound(sql, sid, new Date()));
    const viaOwnTransaction = await rejectionOf(withSqlTransaction((sql) => insertInbound(sql, sid, new Date())));
    const viaPrismaTransaction = await rejectionOf(prisma.$transaction((tx) => insertInbound(sqlOf(tx), sid, new Date())));
    const viaModel = await rejectionOf(
      prisma.inboundMessage.create({
        data: { messageSid: sid, shop: SHOP, fromPhone: "+1", toPhone: "+1", body: "", intent: "other", replyTwiml: "" },
      }),
    );
    for (const error of [viaOwnTransaction, viaPrismaTransaction, viaModel]) expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(new Error("something else"))).toBe(false);
  });
});

describe("reading values back", () => {
  it("accepts dates and integers as either driver returns them, and refuses anything else", () => {
    const at = new Date("2026-11-23T10:00:00.000Z");
    expect(readDate(at)).toBe(at);
    expect(readDate("2026-11-23T10:00:00.000+00:00")).toEqual(at);
    expect(readDate(null)).toBeNull();
    expect(() => readDate("not a date")).toThrow(/Expected a date/);
    expect(readInt(7)).toBe(7);
    expect(readInt(7n)).toBe(7);
    expect(() => readInt("7")).toThrow(/Expected an integer/);
  });
});
