import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import prisma, { databaseProvider, withSqlTransaction } from "../db.server";
import { resolveDatabaseUrl, sqliteFilePath } from "./database-url";

/** Another request's transaction: writes a campaign, stays open 100 ms, then rolls back. Resolves once it is open. */
async function openTransactionThatRollsBack(shop: string): Promise<{ outcome: Promise<string> }> {
  let inside!: () => void;
  const transactionOpen = new Promise<void>((resolve) => (inside = resolve));
  const outcome = prisma
    .$transaction(async (tx) => {
      await tx.campaign.create({ data: { shop, name: "rolled back", body: "x" } });
      inside();
      await new Promise((resolve) => setTimeout(resolve, 100));
      throw new Error("abort");
    })
    .catch((error: Error) => error.message);
  await transactionOpen;
  return { outcome };
}

const campaignNames = async (shop: string) =>
  (await prisma.campaign.findMany({ where: { shop }, select: { name: true } })).map((c) => c.name).sort();

describe("writes outside a transaction", () => {
  it("never land inside another request's transaction that then rolls back", async () => {
    const shop = `isolation-${databaseProvider()}.myshopify.com`;
    const failing = await openTransactionThatRollsBack(shop);
    // A plain write and a batch transaction issued while the other transaction is open.
    const plain = prisma.campaign.create({ data: { shop, name: "plain", body: "x" } });
    const batch = prisma.$transaction([prisma.campaign.create({ data: { shop, name: "batch", body: "x" } })]);
    expect(await failing.outcome).toBe("abort");
    await Promise.all([plain, batch]);

    expect(await campaignNames(shop)).toEqual(["batch", "plain"]);
  });
});

describe("plain-SQL transactions (withSqlTransaction)", () => {
  it("never run inside another request's Prisma transaction, nor let it run inside theirs", async () => {
    const shop = `isolation-sql-${databaseProvider()}.myshopify.com`;
    const failing = await openTransactionThatRollsBack(shop);
    const now = new Date();
    const viaSql = withSqlTransaction((sql) =>
      sql.run(`INSERT INTO "Campaign" ("id", "shop", "name", "body", "status", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, 'draft', ?, ?)`, [
        `sql-${databaseProvider()}`,
        shop,
        "plain sql",
        "x",
        now,
        now,
      ]),
    );
    expect(await failing.outcome).toBe("abort");
    expect(await viaSql).toBe(1);

    expect(await campaignNames(shop)).toEqual(["plain sql"]);
  });
});

// The worker writes the same SQLite file from another process. A transaction that began deferred (Prisma's own BEGIN)
// and read first could not write once that process had committed (SQLITE_BUSY_SNAPSHOT): the callback answered 500.
describe.runIf(databaseProvider() === "sqlite")("Prisma transactions beside another process's connection", () => {
  it("hold the write lock from BEGIN, so a read-then-write transaction commits even when the other connection writes in between", async () => {
    const shop = "write-lock.myshopify.com";
    const other = new Database(sqliteFilePath(resolveDatabaseUrl()), { timeout: 0 });
    const now = new Date().toISOString();
    const otherWrite = (name: string) =>
      other.prepare(`INSERT INTO "Campaign" ("id", "shop", "name", "body", "status", "createdAt", "updatedAt") VALUES (?, ?, ?, 'x', 'draft', ?, ?)`).run(name, shop, name, now, now);
    let whileOpen: unknown;
    try {
      await prisma.$transaction(async (tx) => {
        await tx.campaign.count({ where: { shop } }); // a read first, as applyDeliveryStatus reads the subscriber
        try {
          otherWrite("other, while open");
        } catch (error) {
          whileOpen = error;
        }
        await tx.campaign.create({ data: { shop, name: "in transaction", body: "x" } });
      });
      otherWrite("other, after");
    } finally {
      other.close();
    }

    expect(whileOpen).toMatchObject({ code: "SQLITE_BUSY" }); // it waits for the lock (here: not at all) instead of slipping in
    expect(await campaignNames(shop)).toEqual(["in transaction", "other, after"]);
  });
});
