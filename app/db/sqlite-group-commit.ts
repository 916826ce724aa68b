/**
 * Group commit for SQLite: the transactions that arrive together (texts that
 * came in during the same turn of the event loop) share one COMMIT.
 *
 * Committing is the costliest statement of an inbound text (every page it
 * touched is written to the WAL), and concurrent texts touch many of the same
 * pages (table tails, the shop's chain head, index pages). Each unit of work
 * still runs on its own, in its own SAVEPOINT: a failing one is rolled back
 * alone and its caller gets the error at once; the others go on. Nobody's
 * promise resolves before the COMMIT that makes its work durable, and if
 * that COMMIT fails, every unit in it fails: nothing is acknowledged that
 * was not stored.
 */
import type { Database } from "better-sqlite3";
import { sqliteSql, type Sql } from "./sql.server";

/** Enough for every connection of a busy shop's burst; bounds how long the first in a group waits. */
export const MAX_UNITS_PER_COMMIT = 64;

interface Unit {
  work: (sql: Sql) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Exclusive = <T>(work: (db: Database) => Promise<T>) => Promise<T>;

export class SqliteGroupCommit {
  private readonly waiting: Unit[] = [];
  private committing = false;

  /** `exclusive` holds the connection (and keeps Prisma off it) for the whole group. */
  constructor(private readonly exclusive: Exclusive) {}

  run<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.committing) void this.commitAll();
    });
  }

  private async commitAll(): Promise<void> {
    this.committing = true;
    try {
      while (this.waiting.length > 0) await this.exclusive((db) => this.commitGroup(db));
    } finally {
      this.committing = false;
    }
  }

  private async commitGroup(db: Database): Promise<void> {
    const sql = sqliteSql(db, { exclusive: true });
    const done: { unit: Unit; result: unknown }[] = [];
    let current: Unit | undefined;
    let units = 0;
    try {
      // IMMEDIATE: take the write lock up front, so another process holding it makes us wait rather than fail half-way.
      await sql.run("BEGIN IMMEDIATE");
      while (units < MAX_UNITS_PER_COMMIT && (current = await this.next())) {
        units += 1;
        await sql.run("SAVEPOINT unit");
        try {
          done.push({ unit: current, result: await current.work(sql) });
          await sql.run("RELEASE unit");
        } catch (error) {
          // Some errors (disk full, I/O) end the whole transaction: then the group fails together, below.
          if (!db.inTransaction) throw error;
          await sql.run("ROLLBACK TO unit");
          await sql.run("RELEASE unit");
          current.reject(error);
        }
        current = undefined;
      }
      await sql.run("COMMIT");
    } catch (error) {
      if (db.inTransaction) await sql.run("ROLLBACK");
      current?.reject(error);
      for (const { unit } of done) unit.reject(error);
      // Units still waiting would meet the same failure (a locked or broken database): tell them now.
      for (const unit of this.waiting.splice(0)) unit.reject(error);
      return;
    }
    for (const { unit, result } of done) unit.resolve(result);
  }

  /** The next unit; when none is waiting, one turn of the event loop lets texts that have arrived join the group. */
  private async next(): Promise<Unit | undefined> {
    if (this.waiting.length === 0) await new Promise((resolve) => setImmediate(resolve));
    return this.waiting.shift();
  }
}
