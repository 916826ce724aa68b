/**
 * Group commit: the transactions that arrive together (texts that came in
 * during the same turn of the event loop) share one transaction and one
 * COMMIT, on SQLite (sqlite-group-commit.ts) and on PostgreSQL
 * (pg-group-commit.server.ts).
 *
 * Committing is the costliest statement of an inbound text (a disk sync), and
 * on PostgreSQL every opt-out of a shop waits for the one before it to commit
 * (the shop's ledger chain head is a row lock). Each unit of work still runs
 * on its own, in its own SAVEPOINT: a failing one is rolled back alone and its
 * caller gets the error at once; the others go on. Nobody's promise resolves
 * before the COMMIT that makes its work durable, and if that COMMIT fails,
 * every unit in it fails: nothing is acknowledged that was not stored.
 */
import { runAsPlainSqlWork } from "./plain-sql-guard";
import type { Sql } from "./sql.server";

/** Enough for every connection of a busy shop's burst; bounds how long the first in a group waits. */
export const MAX_UNITS_PER_COMMIT = 64;

/** One transaction of a group, on a connection held for the whole group. */
export interface GroupTransaction {
  readonly sql: Sql;
  begin(): Promise<void>;
  /** Before each unit. */
  startUnit(): Promise<void>;
  /** After a unit that succeeded. */
  keepUnit(): Promise<void>;
  /** After a unit that failed: undoes it alone, or throws if the whole transaction is lost. */
  undoUnit(): Promise<void>;
  commit(): Promise<void>;
  /** After a failure of the whole group: ends the transaction if it is still open. */
  abandon(): Promise<void>;
}

/** Holds a connection for `work` (one group), and gives it back whatever happens. */
export type WithGroupTransaction = (work: (transaction: GroupTransaction) => Promise<void>) => Promise<void>;

interface Unit {
  work: (sql: Sql) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /**
   * When a group fails as a whole, fail the units still waiting too. Right for
   * SQLite, where that means a locked or broken database file that the next
   * group would wait on again.
   */
  failWaitingOnGroupFailure?: boolean;
}

export class GroupCommit {
  private readonly waiting: Unit[] = [];
  private committing = false;

  constructor(
    private readonly withTransaction: WithGroupTransaction,
    private readonly options: GroupCommitOptions = {},
  ) {}

  /** Units waiting for a group (not counting the one being committed). */
  get waitingCount(): number {
    return this.waiting.length;
  }

  run<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.committing) void this.commitAll();
    });
  }

  private async commitAll(): Promise<void> {
    this.committing = true;
    try {
      while (this.waiting.length > 0) {
        // A failure to get a connection at all fails the units it would have served.
        await this.withTransaction((transaction) => this.commitGroup(transaction)).catch((error: unknown) => {
          for (const unit of this.waiting.splice(0)) unit.reject(error);
        });
      }
    } finally {
      this.committing = false;
    }
  }

  private async commitGroup(transaction: GroupTransaction): Promise<void> {
    const done: { unit: Unit; result: unknown }[] = [];
    let current: Unit | undefined;
    let units = 0;
    try {
      await transaction.begin();
      while (units < MAX_UNITS_PER_COMMIT && (current = await this.next())) {
        units += 1;
        await transaction.startUnit();
        try {
          const { work } = current;
          const result = await runAsPlainSqlWork(() => work(transaction.sql));
          await transaction.sql.flush(); // its deferred writes, inside its SAVEPOINT: their failure is its failure
          done.push({ unit: current, result });
          await transaction.keepUnit();
        } catch (error) {
          // Some errors (disk full, I/O, a lost connection) end the whole transaction: then the group fails together, below.
          await transaction.undoUnit().catch(() => {
            throw error;
          });
          current.reject(error);
        }
        current = undefined;
      }
      await transaction.commit();
    } catch (error) {
      await transaction.abandon().catch(() => {});
      current?.reject(error);
      for (const { unit } of done) unit.reject(error);
      if (this.options.failWaitingOnGroupFailure) for (const unit of this.waiting.splice(0)) unit.reject(error);
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
