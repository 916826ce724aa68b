/**
 * Group commit (group-commit.ts) on SQLite's one connection: BEGIN IMMEDIATE,
 * a SAVEPOINT per unit, one COMMIT. The group holds the connection (and keeps
 * Prisma off it) from BEGIN to COMMIT.
 */
import type { Database } from "better-sqlite3";
import { GroupCommit, type GroupTransaction } from "./group-commit";
import { sqliteSql } from "./sql.server";

export { MAX_UNITS_PER_COMMIT } from "./group-commit";

type Exclusive = <T>(work: (db: Database) => Promise<T>) => Promise<T>;

function sqliteGroupTransaction(db: Database): GroupTransaction {
  const sql = sqliteSql(db, { exclusive: true });
  return {
    sql,
    // IMMEDIATE: take the write lock up front, so another process holding it makes us wait rather than fail half-way.
    begin: async () => void (await sql.run("BEGIN IMMEDIATE")),
    startUnit: async () => void (await sql.run("SAVEPOINT unit")),
    keepUnit: async () => void (await sql.run("RELEASE unit")),
    async undoUnit() {
      if (!db.inTransaction) throw new Error("the transaction ended with the failed unit");
      await sql.run("ROLLBACK TO unit");
      await sql.run("RELEASE unit");
    },
    commit: async () => void (await sql.run("COMMIT")),
    abandon: async () => {
      if (db.inTransaction) await sql.run("ROLLBACK");
    },
  };
}

export class SqliteGroupCommit extends GroupCommit {
  /** `exclusive` holds the connection (and keeps Prisma off it) for the whole group. */
  constructor(exclusive: Exclusive) {
    // Units still waiting when a group fails would meet the same failure (a locked or broken database): tell them now.
    super((work) => exclusive((db) => work(sqliteGroupTransaction(db))), { failWaitingOnGroupFailure: true });
  }
}
