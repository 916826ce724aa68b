import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { afterAll, describe, expect, it } from "vitest";
import prisma, { createPrismaClient, databaseProvider, sqlOf } from "../db.server";
import { prismaSql, readInt, type Sql } from "../db/sql.server";
import { backoffDelayMs, claimDueJobs, endClaim, endClaimStatement, expireLeases, type JobTable } from "./job-lease.server";

const OUTBOX: JobTable = { table: "Message", ready: "queued", leased: "sending" };
const SECOND = 1000;

async function queue(shop: string, count: number, nextAttemptAt: Date, extra: { kind?: string; campaignId?: string } = {}) {
  const ids = Array.from({ length: count }, () => randomUUID());
  await prisma.message.createMany({
    data: ids.map((id, i) => ({ id, shop, phone: `+1555800${String(i).padStart(4, "0")}`, body: "x", kind: extra.kind ?? "transactional", nextAttemptAt, campaignId: extra.campaignId ?? null, subscriberId: extra.campaignId ? randomUUID() : null })),
  });
  return ids;
}

const others: PrismaClient[] = [];
afterAll(async () => {
  await Promise.all(others.map((client) => client.$disconnect()));
});

describe(`claimDueJobs (${databaseProvider()})`, () => {
  it("claims due rows only, oldest first, marking them leased and counting the attempt", async () => {
    const shop = `lease-${randomUUID()}.myshopify.com`;
    const now = new Date(Date.now() + 3600 * SECOND); // each test claims by its own shop (eligible), so times need not differ
    const [older] = await queue(shop, 1, new Date(now.getTime() - 2 * SECOND));
    const [newer] = await queue(shop, 1, new Date(now.getTime() - SECOND));
    const [notDue] = await queue(shop, 1, new Date(now.getTime() + SECOND));
    const eligible = { sql: `"job"."shop" = ?`, params: [shop] };

    const first = await claimDueJobs(sqlOf(prisma), OUTBOX, { now, limit: 1, leaseMs: 60 * SECOND, eligible });
    expect(first.map((row) => row.id)).toEqual([older]);
    const second = await claimDueJobs(sqlOf(prisma), OUTBOX, { now, limit: 5, leaseMs: 60 * SECOND, eligible });
    expect(second.map((row) => row.id)).toEqual([newer]);
    expect(readInt(second[0]!.attempts)).toBe(1);

    const rows = await prisma.message.findMany({ where: { shop }, orderBy: { nextAttemptAt: "asc" } });
    expect(rows.map((row) => [row.id, row.status, row.attempts])).toEqual([
      [older, "sending", 1],
      [newer, "sending", 1],
      [notDue, "queued", 0],
    ]);
    expect(rows[0]!.lockedUntil?.getTime()).toBe(now.getTime() + 60 * SECOND);
  });

  it("never gives one row to two claimers, however many claim at once on their own connections", async () => {
    const shop = `race-${randomUUID()}.myshopify.com`;
    const now = new Date(Date.now() + 7200 * SECOND);
    const ids = await queue(shop, 120, new Date(now.getTime() - SECOND));
    const eligible = { sql: `"job"."shop" = ?`, params: [shop] };
    const clients = Array.from({ length: 4 }, () => createPrismaClient(process.env.DATABASE_URL));
    others.push(...clients);

    const claimedBy = await Promise.all(
      clients.map(async (client) => {
        const sql = prismaSql(client, databaseProvider());
        const mine: string[] = [];
        for (;;) {
          const rows = await claimDueJobs(sql, OUTBOX, { now, limit: 7, leaseMs: 60 * SECOND, eligible });
          if (rows.length === 0) return mine;
          mine.push(...rows.map((row) => String(row.id)));
        }
      }),
    );
    const all = claimedBy.flat();
    expect(all).toHaveLength(ids.length);
    expect(new Set(all).size).toBe(ids.length);
    expect(claimedBy.filter((mine) => mine.length > 0).length).toBeGreaterThan(1); // they really did claim side by side
    const attempts = await prisma.message.groupBy({ by: ["attempts", "status"], where: { shop }, _count: { _all: true } });
    expect(attempts).toEqual([{ attempts: 1, status: "sending", _count: { _all: ids.length } }]);
  });

  it("claims only rows that meet the extra condition", async () => {
    const shop = `eligible-${randomUUID()}.myshopify.com`;
    const now = new Date(Date.now() + 9000 * SECOND);
    await queue(shop, 2, new Date(now.getTime() - SECOND), { kind: "marketing" });
    const [compliance] = await queue(shop, 1, new Date(now.getTime() - SECOND), { kind: "compliance" });
    const rows = await claimDueJobs(sqlOf(prisma), OUTBOX, {
      now,
      limit: 10,
      leaseMs: SECOND,
      eligible: { sql: `"job"."shop" = ? AND "job"."kind" <> ?`, params: [shop, "marketing"] },
    });
    expect(rows.map((row) => row.id)).toEqual([compliance]);
  });
});

describe(`expireLeases and endClaim (${databaseProvider()})`, () => {
  it("moves only rows whose lease ran out, and ends a claim only while it is still the same claim", async () => {
    const shop = `expire-${randomUUID()}.myshopify.com`;
    const now = new Date(Date.now() + 11_000 * SECOND);
    const eligible = { sql: `"job"."shop" = ?`, params: [shop] };
    await queue(shop, 2, new Date(now.getTime() - SECOND));
    const [short, long] = await claimDueJobs(sqlOf(prisma), OUTBOX, { now, limit: 1, leaseMs: SECOND, eligible }).then(async (a) => [
      ...a,
      ...(await claimDueJobs(sqlOf(prisma), OUTBOX, { now, limit: 1, leaseMs: 60 * SECOND, eligible })),
    ]);
    const later = new Date(now.getTime() + 2 * SECOND);
    const expired = await expireLeases(sqlOf(prisma), OUTBOX, { now: later, to: "queued", where: eligible, set: { errorMessage: "lease ran out" } });
    expect(expired).toBe(1);
    expect(await prisma.message.findUniqueOrThrow({ where: { id: String(short!.id) } })).toMatchObject({ status: "queued", lockedUntil: null, errorMessage: "lease ran out" });

    // The first claim is over: its worker's late outcome is refused; the second claim's is recorded.
    expect(await endClaim(sqlOf(prisma), OUTBOX, { id: String(short!.id), attempts: 1 }, { status: "failed", now: later })).toBe(false);
    expect(await endClaim(sqlOf(prisma), OUTBOX, { id: String(long!.id), attempts: 1 }, { status: "failed", now: later, set: { errorCode: 21211 } })).toBe(true);
    expect(await prisma.message.findUniqueOrThrow({ where: { id: String(long!.id) } })).toMatchObject({ status: "failed", errorCode: 21211, lockedUntil: null });
    expect(await prisma.message.findUniqueOrThrow({ where: { id: String(short!.id) } })).toMatchObject({ status: "queued" });
  });
});

describe("claimDueJobs' SQL", () => {
  it("is, for the outbox, the statement it has always been (its claim is on the benchmarked hot path)", async () => {
    const statements: [string, unknown[]][] = [];
    const recorder = (provider: Sql["provider"]) => ({ provider, all: async (text: string, params: unknown[]) => (statements.push([text, params]), []) }) as unknown as Sql;
    const now = new Date(1_000_000);
    await claimDueJobs(recorder("postgresql"), OUTBOX, { now, limit: 5, leaseMs: 100, eligible: { sql: `"job"."kind" = ?`, params: ["marketing"] } });
    await claimDueJobs(recorder("sqlite"), OUTBOX, { now, limit: 5, leaseMs: 100 });
    expect(statements).toEqual([
      [
        `UPDATE "Message" SET "status" = ?, "lockedUntil" = ?, "attempts" = "attempts" + 1, "updatedAt" = ?
    WHERE "id" IN (
      SELECT "job"."id" FROM "Message" AS "job"
      WHERE "job"."status" = ? AND "job"."nextAttemptAt" <= ? AND ("job"."kind" = ?)
      ORDER BY "job"."nextAttemptAt" LIMIT ? FOR UPDATE SKIP LOCKED
    )
    RETURNING *`,
        ["sending", new Date(1_000_100), now, "queued", now, "marketing", 5],
      ],
      [
        `UPDATE "Message" SET "status" = ?, "lockedUntil" = ?, "attempts" = "attempts" + 1, "updatedAt" = ?
    WHERE "id" IN (
      SELECT "job"."id" FROM "Message" AS "job"
      WHERE "job"."status" = ? AND "job"."nextAttemptAt" <= ?
      ORDER BY "job"."nextAttemptAt" LIMIT ?
    )
    RETURNING *`,
        ["sending", new Date(1_000_100), now, "queued", now, 5],
      ],
    ]);
  });
});

describe(`claimDueJobs taking over jobs that keep their own progress (${databaseProvider()})`, () => {
  const IMPORTS: JobTable = { table: "SubscriberImport", ready: "queued", leased: "running", due: { inOrderOf: "createdAt" }, countsAttempts: false };
  const CAMPAIGNS: JobTable = { table: "Campaign", ready: "scheduled", leased: "sending", due: { at: "scheduledAt" }, countsAttempts: false, lease: "updatedAt" };

  it("claims queued rows in order, and leased rows only once their lease ran out or was released", async () => {
    const shop = `takeover-${randomUUID()}.myshopify.com`;
    const now = new Date(Date.now() + 13_000 * SECOND);
    const importRow = (status: string, lockedUntil: Date | null, createdAt: Date) =>
      prisma.subscriberImport.create({ data: { shop, fileName: "a.csv", fileHash: "h", mapping: "{}", confirmMode: "double_opt_in", status, lockedUntil, createdAt } });
    const held = await importRow("running", new Date(now.getTime() + SECOND), new Date(now.getTime() - 5 * SECOND));
    const ranOut = await importRow("running", new Date(now.getTime() - SECOND), new Date(now.getTime() - 4 * SECOND));
    const released = await importRow("running", null, new Date(now.getTime() - 3 * SECOND));
    const queued = await importRow("queued", null, new Date(now.getTime() + 60 * SECOND)); // never waits, however new
    await importRow("done", null, new Date(now.getTime() - 6 * SECOND));
    const options = { now, limit: 10, leaseMs: 60 * SECOND, eligible: { sql: `"job"."shop" = ?`, params: [shop] }, returning: ["id", "status"] };

    expect(await claimDueJobs(sqlOf(prisma), IMPORTS, options)).toEqual([{ id: queued.id, status: "running" }]);
    const oldestFirst = await claimDueJobs(sqlOf(prisma), IMPORTS, { ...options, limit: 1, takeOver: true });
    expect(oldestFirst.map((row) => row.id)).toEqual([ranOut.id]);
    expect((await claimDueJobs(sqlOf(prisma), IMPORTS, { ...options, takeOver: true })).map((row) => row.id)).toEqual([released.id]);
    const rows = await prisma.subscriberImport.findMany({ where: { shop, status: "running" }, orderBy: { createdAt: "asc" } });
    expect(rows.map((row) => [row.id, row.lockedUntil?.getTime()])).toEqual([
      [held.id, now.getTime() + SECOND],
      [ranOut.id, now.getTime() + 60 * SECOND],
      [released.id, now.getTime() + 60 * SECOND],
      [queued.id, now.getTime() + 60 * SECOND],
    ]);
  });

  it("keeps a lease in updatedAt for a table without lockedUntil, taking over only the leased rows that meet its condition", async () => {
    const shop = `updated-${randomUUID()}.myshopify.com`;
    const now = new Date(Date.now() + 15_000 * SECOND);
    const campaign = (status: string, updatedAt: Date, extra: { scheduledAt?: Date; plannedAt?: Date } = {}) =>
      prisma.campaign.create({ data: { shop, name: status, body: "x", status, ...extra } }).then((row) =>
        prisma.campaign.update({ where: { id: row.id }, data: { updatedAt }, select: { id: true } }),
      );
    const due = await campaign("scheduled", now, { scheduledAt: new Date(now.getTime() - SECOND) });
    await campaign("scheduled", now, { scheduledAt: new Date(now.getTime() + SECOND) });
    await campaign("sending", new Date(now.getTime() - 30 * SECOND)); // its planner renewed the lease 30 s ago
    const dead = await campaign("sending", new Date(now.getTime() - 61 * SECOND));
    await campaign("sending", new Date(now.getTime() - 61 * SECOND), { plannedAt: now }); // planned: sending, not planning
    const claim = () =>
      claimDueJobs(sqlOf(prisma), CAMPAIGNS, {
        now,
        limit: 10,
        leaseMs: 60 * SECOND,
        eligible: { sql: `"job"."shop" = ?`, params: [shop] },
        takeOver: { sql: `"job"."plannedAt" IS NULL`, params: [] },
        set: { sql: `"startedAt" = COALESCE("startedAt", ?)`, params: [now] },
      });

    expect((await claim()).map((row) => row.id).sort()).toEqual([due.id, dead.id].sort());
    expect(await prisma.campaign.findUniqueOrThrow({ where: { id: dead.id } })).toMatchObject({ status: "sending", updatedAt: now, startedAt: now });
    expect(await claim()).toEqual([]); // the claim renewed their leases
  });

  it("refuses expireLeases and endClaim on a table whose lease or attempts they cannot read", () => {
    expect(() => endClaimStatement(CAMPAIGNS, { id: "x", attempts: 1 }, { status: "sent", now: new Date() })).toThrow(/lockedUntil/);
    expect(() => endClaimStatement(IMPORTS, { id: "x", attempts: 1 }, { status: "done", now: new Date() })).toThrow(/counted attempts/);
    expect(() => expireLeases(sqlOf(prisma), CAMPAIGNS, { now: new Date(), to: "scheduled" })).toThrow(/Campaign/);
  });
});

describe("backoffDelayMs", () => {
  const policy = { baseMs: 30 * SECOND, capMs: 3600 * SECOND, jitter: "full" as const, minimumMs: SECOND };

  it("doubles per attempt up to the cap, drawn uniformly below it (full jitter)", () => {
    expect(backoffDelayMs(policy, 1, { random: () => 0.999999 })).toBe(29_999);
    expect(backoffDelayMs(policy, 3, { random: () => 0.5 })).toBe(60 * SECOND);
    expect(backoffDelayMs(policy, 30, { random: () => 0.5 })).toBe(1800 * SECOND);
    for (let attempt = 1; attempt < 12; attempt += 1) {
      const delay = backoffDelayMs(policy, attempt);
      expect(delay).toBeGreaterThanOrEqual(SECOND);
      expect(delay).toBeLessThanOrEqual(Math.min(3600 * SECOND, 30 * SECOND * 2 ** (attempt - 1)));
    }
  });

  it("never returns less than the minimum or a Retry-After, and has no jitter when told so", () => {
    expect(backoffDelayMs(policy, 1, { random: () => 0 })).toBe(SECOND);
    expect(backoffDelayMs(policy, 1, { random: () => 0, atLeastMs: 45 * SECOND })).toBe(45 * SECOND);
    expect(backoffDelayMs({ ...policy, jitter: "none" }, 2)).toBe(60 * SECOND);
  });
});
