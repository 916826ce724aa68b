/**
 * Group commit through the app's own withSqlTransaction, on each provider
 * (PostgreSQL: plain pg connections from the app's pool; SQLite: the app's
 * one connection). The SQLite mechanics in isolation are in
 * sqlite-group-commit.test.ts.
 */
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import prisma, { databaseProvider, withSqlRead, withSqlTransaction } from "../db.server";
import type { Sql } from "./sql.server";

const committedNotes = async (prefix: string) =>
  (await prisma.$queryRawUnsafe<{ id: string }[]>(`SELECT "id" FROM "GroupCommitNote" ORDER BY "id"`))
    .map((row) => row.id)
    .filter((id) => id.startsWith(prefix));

const insertNote = (id: string, parentId: string | null = null) => async (sql: Sql) => {
  await sql.run(`INSERT INTO "GroupCommitNote" ("id", "parentId") VALUES (?, ?)`, [id, parentId]);
  return id;
};

const newPrefix = () => `${randomBytes(4).toString("hex")}-`;
// Work naming the same shop's chain queues in one group on PostgreSQL (on SQLite all work does).
const ONE_QUEUE = { mayLockChainOf: "group-commit-test.myshopify.com" };
const inOneQueue = <T>(work: (sql: Sql) => Promise<T>) => withSqlTransaction(work, ONE_QUEUE);

beforeAll(async () => {
  // This file's own tables, in its own database: a deferred foreign key is checked only at COMMIT.
  await prisma.$executeRawUnsafe(`CREATE TABLE "GroupCommitParent" ("id" TEXT PRIMARY KEY)`);
  await prisma.$executeRawUnsafe(
    `CREATE TABLE "GroupCommitNote" ("id" TEXT PRIMARY KEY, "parentId" TEXT REFERENCES "GroupCommitParent"("id") DEFERRABLE INITIALLY DEFERRED)`,
  );
});

describe(`withSqlTransaction's group commit (${databaseProvider()})`, () => {
  it("answers each caller with its own result, once its work is committed", async () => {
    const p = newPrefix();
    const ids = [`${p}a`, `${p}b`, `${p}c`];
    const results = await Promise.all(ids.map((id) => withSqlTransaction(insertNote(id)).then(async (result) => ({ result, seen: await committedNotes(p) }))));
    expect(results.map((r) => r.result)).toEqual(ids);
    for (const { result, seen } of results) expect(seen).toContain(result); // visible to another connection when answered
  });

  it("puts work that arrives together in one transaction: one unit's failed COMMIT fails them all, and stores none", async () => {
    const p = newPrefix();
    const outcomes = await Promise.allSettled([
      inOneQueue(insertNote(`${p}a`)),
      inOneQueue(insertNote(`${p}orphan`, "no-such-parent")),
      inOneQueue(insertNote(`${p}c`)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected", "rejected"]);
    for (const outcome of outcomes) expect(String((outcome as PromiseRejectedResult).reason)).toMatch(/foreign key/i);
    expect(await committedNotes(p)).toEqual([]);

    // The next work gets a working connection.
    await inOneQueue(insertNote(`${p}after`));
    expect(await committedNotes(p)).toEqual([`${p}after`]);
  });

  it("rolls back a failing unit alone; the others in its group commit", async () => {
    const p = newPrefix();
    const outcomes = await Promise.allSettled([
      inOneQueue(insertNote(`${p}a`)),
      inOneQueue(async (sql) => {
        await insertNote(`${p}half-done`)(sql);
        await insertNote(`${p}a`)(sql); // duplicate key
        return "never";
      }),
      inOneQueue(insertNote(`${p}c`)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await committedNotes(p)).toEqual([`${p}a`, `${p}c`]); // nothing of the failed unit, not even its first row
  });

  it("fails the whole group when its connection dies mid-group, and the next work gets a fresh connection", async () => {
    if (databaseProvider() !== "postgresql") return expect(databaseProvider()).toBe("sqlite"); // one in-process connection: nothing to kill
    const p = newPrefix();
    const outcomes = await Promise.allSettled([
      inOneQueue(insertNote(`${p}a`)),
      inOneQueue(async (sql) => {
        await sql.all(`SELECT pg_terminate_backend(pg_backend_pid())`);
        return "never";
      }),
      inOneQueue(insertNote(`${p}c`)),
    ]);
    // The group with the killed connection fails whole; work that waited for the next group may then succeed, and is stored.
    expect(outcomes.slice(0, 2).map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
    const answered = outcomes.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
    expect(await committedNotes(p)).toEqual(answered);
    await inOneQueue(insertNote(`${p}after`));
    expect(await committedNotes(p)).toEqual([...answered, `${p}after`].sort());
  });
});

describe(`deferred writes (${databaseProvider()})`, () => {
  const deferNote = (id: string, parentId: string | null = null) => async (sql: Sql) => {
    await sql.defer(`INSERT INTO "GroupCommitNote" ("id", "parentId") VALUES (?, ?)`, [id, parentId]);
    return id;
  };

  it("are seen by the unit's next read, and an UPDATE after an INSERT of the same table sees the row", async () => {
    const p = newPrefix();
    const seen = await inOneQueue(async (sql) => {
      await sql.defer(`INSERT INTO "GroupCommitParent" ("id") VALUES (?)`, [`${p}parent`]);
      await deferNote(`${p}a`)(sql);
      await sql.defer(`UPDATE "GroupCommitNote" SET "parentId" = ? WHERE "id" = ?`, [`${p}parent`, `${p}a`]);
      return sql.all(`SELECT "id", "parentId" FROM "GroupCommitNote" WHERE "id" = ?`, [`${p}a`]);
    });
    expect(seen).toEqual([{ id: `${p}a`, parentId: `${p}parent` }]);
  });

  it("fail their own unit alone, at its end, and a unit that throws takes its waiting writes with it", async () => {
    const p = newPrefix();
    const outcomes = await Promise.allSettled([
      inOneQueue(deferNote(`${p}a`)),
      inOneQueue(async (sql) => {
        await deferNote(`${p}half-done`)(sql);
        await deferNote(`${p}a`)(sql); // duplicate key, found when the unit's writes are sent
        return "never";
      }),
      inOneQueue(async (sql) => {
        await deferNote(`${p}thrown-away`)(sql);
        throw new Error("changed my mind");
      }),
      inOneQueue(deferNote(`${p}d`)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    expect(await committedNotes(p)).toEqual([`${p}a`, `${p}d`]);
  });
});

describe(`withSqlTransaction's queues (${databaseProvider()})`, () => {
  it("lets work that locks no ledger chain commit while a shop's consent queue is busy (PostgreSQL)", async () => {
    if (databaseProvider() !== "postgresql") return expect(databaseProvider()).toBe("sqlite"); // one connection: one queue
    const p = newPrefix();
    let releaseSlow!: () => void;
    const slowMayFinish = new Promise<void>((resolve) => (releaseSlow = resolve));
    const slow = inOneQueue(async (sql) => {
      await insertNote(`${p}slow`)(sql);
      await slowMayFinish;
    });
    // Committed and answered while the shop's group is still open.
    await withSqlTransaction(insertNote(`${p}free`));
    expect(await committedNotes(p)).toEqual([`${p}free`]);
    releaseSlow();
    await slow;
    expect(await committedNotes(p)).toEqual([`${p}free`, `${p}slow`]);
  });
});

describe(`the Prisma client inside withSqlTransaction's work (${databaseProvider()})`, () => {
  it("refuses at once and says what to do, instead of freezing every database call (SQLite) or escaping the transaction", async () => {
    const p = newPrefix();
    const misuse = withSqlTransaction(async (sql) => {
      await insertNote(`${p}before`)(sql);
      return prisma.$queryRawUnsafe(`SELECT COUNT(*) FROM "GroupCommitNote"`);
    });
    await expect(misuse).rejects.toThrow(/Prisma client was called inside withSqlTransaction's work\. Use the Sql/);
    // Its unit was rolled back; the database and the Prisma client still answer.
    await expect(prisma.$queryRawUnsafe(`SELECT 1 AS "one"`)).resolves.toHaveLength(1);
    expect(await committedNotes(p)).toEqual([]);
  });

  it("refuses model queries and transactions too, even after the work has awaited other things", async () => {
    const viaModel = withSqlTransaction(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return prisma.inboundMessage.count();
    });
    const viaTransaction = withSqlTransaction(() => prisma.$transaction((tx) => tx.inboundMessage.count()));
    // Both awaited together: a rejection waiting for its turn would count as unhandled.
    await Promise.all([
      expect(viaModel).rejects.toThrow(/inside withSqlTransaction/),
      expect(viaTransaction).rejects.toThrow(/inside withSqlTransaction/),
    ]);
    // Outside the work, the same calls run.
    expect(await prisma.inboundMessage.count()).toBeGreaterThanOrEqual(0);
  });
});

describe(`withSqlRead (${databaseProvider()})`, () => {
  it("reads what is committed, outside any transaction, and refuses the Prisma client inside its work", async () => {
    const p = newPrefix();
    await withSqlTransaction(insertNote(`${p}committed`));
    const read = (sql: Sql) => sql.all<{ id: string }>(`SELECT "id" FROM "GroupCommitNote" WHERE "id" LIKE ? ORDER BY "id"`, [`${p}%`]);
    expect((await withSqlRead(read)).map((row) => row.id)).toEqual([`${p}committed`]);
    await expect(withSqlRead(() => prisma.inboundMessage.count())).rejects.toThrow(/Prisma client was called inside/);
  });

  it.runIf(databaseProvider() === "postgresql")("does not wait for a group's COMMIT, and sees none of its writes before it (PostgreSQL)", async () => {
    const p = newPrefix();
    let finishGroup!: () => void;
    const groupMayEnd = new Promise<void>((resolve) => (finishGroup = resolve));
    let groupWrote!: () => void;
    const written = new Promise<void>((resolve) => (groupWrote = resolve));
    const group = withSqlTransaction(async (sql) => {
      await insertNote(`${p}open`)(sql);
      groupWrote();
      await groupMayEnd;
    });
    await written;
    // The group is open, its row written and not committed: the read answers now, without it.
    const whileOpen = await withSqlRead((sql) => sql.all<{ id: string }>(`SELECT "id" FROM "GroupCommitNote" WHERE "id" LIKE ?`, [`${p}%`]));
    expect(whileOpen).toEqual([]);
    finishGroup();
    await group;
    expect(await committedNotes(p)).toEqual([`${p}open`]);
  });
});

describe("a unit stuck behind another transaction's lock (PostgreSQL)", () => {
  it("fails alone once the statement timeout passes; the rest of its group commits", async () => {
    if (databaseProvider() !== "postgresql") return expect(databaseProvider()).toBe("sqlite"); // one connection: no other holder
    const { default: pg } = await import("pg");
    const { pgConnectionConfig } = await import("./pg-config");
    const { PgGroupCommit } = await import("./pg-group-commit.server");
    const pool = new pg.Pool(pgConnectionConfig(process.env.DATABASE_URL!).config);
    const groupCommit = new PgGroupCommit(pool, { statementTimeoutMs: 200 });
    const p = newPrefix();
    await withSqlTransaction(insertNote(`${p}locked`));
    let holderHasLock!: () => void;
    const locked = new Promise<void>((resolve) => (holderHasLock = resolve));
    // Another connection holds the row for a second.
    const holder = prisma.$transaction(async (tx) => {
      await tx.$queryRawUnsafe(`SELECT "id" FROM "GroupCommitNote" WHERE "id" = $1 FOR UPDATE`, `${p}locked`);
      holderHasLock();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    });
    await locked;
    try {
      const outcomes = await Promise.allSettled([
        groupCommit.run(insertNote(`${p}a`)),
        groupCommit.run((sql) => sql.run(`UPDATE "GroupCommitNote" SET "parentId" = NULL WHERE "id" = ?`, [`${p}locked`])),
        groupCommit.run(insertNote(`${p}c`)),
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/(lock|statement) timeout/);
      expect(await committedNotes(p)).toEqual([`${p}a`, `${p}c`, `${p}locked`]);
    } finally {
      await holder;
      await pool.end();
    }
  });
});

describe(`batches: units with the same BatchHint key (${databaseProvider()})`, () => {
  const isPostgres = databaseProvider() === "postgresql";
  // PostgreSQL: rows written by one transaction share its xmin.
  const transactionsOf = async (prefix: string) =>
    isPostgres
      ? (await prisma.$queryRawUnsafe<{ x: string }[]>(`SELECT DISTINCT xmin::text AS "x" FROM "GroupCommitNote" WHERE "id" LIKE $1`, `${prefix}%`)).length
      : undefined;

  function batchOf(key: string) {
    const prepared: string[][] = [];
    const hint = (data: string) => ({ key, data, prepare: async (_sql: Sql, all: string[]) => void prepared.push(all) });
    const run = <T>(data: string, work: (sql: Sql) => Promise<T>) => withSqlTransaction(work, { ...ONE_QUEUE, batch: hint(data) });
    return { prepared, run };
  }
  const deferNote = (id: string, parentId: string | null = null) => async (sql: Sql) => {
    await sql.defer(`INSERT INTO "GroupCommitNote" ("id", "parentId") VALUES (?, ?)`, [id, parentId]);
    return id;
  };

  it("run together in one transaction (PostgreSQL): prepared once with every unit's data in order, each seeing the earlier units' writes", async () => {
    const p = newPrefix();
    const { prepared, run } = batchOf(`${p}key`);
    const counting = (id: string) => async (sql: Sql) => {
      await deferNote(id)(sql);
      const [row] = await sql.all(`SELECT COUNT(*) AS "n" FROM "GroupCommitNote" WHERE "id" LIKE ?`, [`${p}%`]);
      return Number(row!.n);
    };
    const results = await Promise.all([run("a", counting(`${p}a`)), run("b", deferNote(`${p}b`)), run("c", counting(`${p}c`))]);
    expect(results).toEqual([1, `${p}b`, 3]);
    expect(await committedNotes(p)).toEqual([`${p}a`, `${p}b`, `${p}c`]);
    if (isPostgres) {
      expect(prepared).toEqual([["a", "b", "c"]]);
      expect(await transactionsOf(p)).toBe(1);
    } else {
      expect(prepared).toEqual([]); // SQLite has no batches: the hint is ignored
    }
  });

  it("keep every value as it was, where BEGIN goes with the first statement and the writes with the COMMIT (as SQL literals)", async () => {
    const p = newPrefix();
    const awkward = [`${p}it's`, `${p}back\\slash and 'quote'`, `${p}what? $1 ??`, `${p}"double" ⚡ ünï`, `${p}E'x'\\'`, `${p}new\nline`];
    const read: unknown[] = [];
    const hint = (data: string) => ({
      key: `${p}key`,
      data,
      // The batch's first statement: on PostgreSQL it carries BEGIN, and its values go as literals.
      prepare: async (sql: Sql) => {
        const [row] = await sql.all(`SELECT ? AS "text", ? AS "nothing", CAST(? AS INTEGER) AS "number", CAST(? AS TIMESTAMP(3)) AS "at"`, [
          awkward[1]!,
          null,
          42,
          new Date("2026-11-27T12:34:56.789Z"),
        ]);
        read.push(row);
      },
    });
    await Promise.all(awkward.map((id) => withSqlTransaction(deferNote(id), { ...ONE_QUEUE, batch: hint(id) })));
    expect((await committedNotes(p)).sort()).toEqual([...awkward].sort());
    // SQLite has no batches (nothing to prepare); on PostgreSQL the batch was prepared once.
    expect(read).toEqual(isPostgres ? [{ text: awkward[1], nothing: null, number: 42, at: new Date("2026-11-27T12:34:56.789Z") }] : []);
  });

  it("a unit that fails in a batch fails alone: the batch is rolled back and its units run again as ordinary units", async () => {
    const p = newPrefix();
    const { prepared, run } = batchOf(`${p}key`);
    let thrownTimes = 0;
    const outcomes = await Promise.allSettled([
      run("a", deferNote(`${p}a`)),
      run("dup", async (sql) => {
        await deferNote(`${p}half-done`)(sql);
        return deferNote(`${p}a`)(sql); // duplicate key: found only when the batch's writes are sent
      }),
      run("throws", async (sql) => {
        await deferNote(`${p}thrown-away`)(sql);
        thrownTimes += 1;
        throw new Error("a bad value");
      }),
      run("d", deferNote(`${p}d`)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    expect(await committedNotes(p)).toEqual([`${p}a`, `${p}d`]);
    // On PostgreSQL the batch stopped at the first failure (the throw) and the units ran again, one SAVEPOINT each.
    expect(thrownTimes).toBe(isPostgres ? 2 : 1);
    expect(prepared).toEqual(isPostgres ? [["a", "dup", "throws", "d"]] : []);
  });

  it("a failed COMMIT fails every unit of the batch and stores none; the next work commits", async () => {
    const p = newPrefix();
    const { run } = batchOf(`${p}key`);
    const outcomes = await Promise.allSettled([run("a", deferNote(`${p}a`)), run("orphan", deferNote(`${p}orphan`, "no-such-parent")), run("c", deferNote(`${p}c`))]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected", "rejected"]);
    for (const outcome of outcomes) expect(String((outcome as PromiseRejectedResult).reason)).toMatch(/foreign key/i);
    expect(await committedNotes(p)).toEqual([]);
    await run("after", deferNote(`${p}after`));
    expect(await committedNotes(p)).toEqual([`${p}after`]);
  });

  it("a failed prepare fails its batch's units, and nothing of them is stored", async () => {
    const p = newPrefix();
    const failing = { key: `${p}key`, data: null, prepare: async () => Promise.reject(new Error("lock timeout")) };
    const outcomes = await Promise.allSettled([
      withSqlTransaction(deferNote(`${p}a`), { ...ONE_QUEUE, batch: failing }),
      withSqlTransaction(deferNote(`${p}b`), { ...ONE_QUEUE, batch: failing }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(isPostgres ? ["rejected", "rejected"] : ["fulfilled", "fulfilled"]);
    expect(await committedNotes(p)).toEqual(isPostgres ? [] : [`${p}a`, `${p}b`]);
  });

  it("units of another key, or without one, are not in the batch and keep their order", async () => {
    const p = newPrefix();
    const first = batchOf(`${p}first`);
    const second = batchOf(`${p}second`);
    const order: string[] = [];
    const noting = (id: string) => async (sql: Sql) => {
      order.push(id);
      return deferNote(`${p}${id}`)(sql);
    };
    await Promise.all([first.run("a", noting("a")), first.run("b", noting("b")), inOneQueue(noting("plain")), second.run("c", noting("c")), first.run("d", noting("d"))]);
    expect(order).toEqual(["a", "b", "plain", "c", "d"]);
    expect(await committedNotes(p)).toEqual([`${p}a`, `${p}b`, `${p}c`, `${p}d`, `${p}plain`]);
    // The ordinary group after the batch takes every unit waiting behind it, batch hint or not.
    if (isPostgres) expect([first.prepared, second.prepared]).toEqual([[["a", "b"]], []]);
  });
});
