import { describe, expect, it } from "vitest";
import prisma, { databaseProvider, withSqlTransaction } from "../db.server";

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
