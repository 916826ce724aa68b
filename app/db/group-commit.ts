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
 *
 * Batches (PostgreSQL): there a unit's statements are round trips, which cap
 * a shop's opt-outs at a few hundred a second. Units that say they may be
 * batched (a BatchHint with the same key: one shop's inbound texts) run
 * together without a SAVEPOINT each: `prepare` does once, for all of them,
 * what each would do first (lock the chain head, read every unit's subscriber
 * in one query); their reads are then answered from what the batch knows
 * (Sql.known) and their writes wait and go as one statement, multi-row
 * INSERTs per table, in the round trip of the one COMMIT where the database
 * allows (GroupTransaction.commitWithWrites). A batch costs about the same few
 * round trips whatever its size. Units run in arrival order, each seeing the
 * earlier ones' writes. If anything fails before the COMMIT (one unit's own
 * error, a duplicate MessageSid), the batch is rolled back and its units run
 * again as ordinary units (a SAVEPOINT each) in the next group, first in the
 * queue: nothing was answered, so nothing is lost or reordered, and a failing
 * unit fails alone. A failed COMMIT fails every unit of the batch.
 */
import { runAsPlainSqlWork } from "./plain-sql-guard";
import { CommitFailedError, type Sql } from "./sql.server";

/** Enough for every connection of a busy shop's burst; bounds how long the first in a group waits. */
export const MAX_UNITS_PER_COMMIT = 64;

/** One transaction of a group, on a connection held for the whole group. */
export interface GroupTransaction {
  readonly sql: Sql;
  /** Where batches are supported: the Sql of a batch (its own `known` rows, writes waiting until flushed). */
  readonly batchSql?: Sql;
  begin(): Promise<void>;
  /** Before each unit. */
  startUnit(): Promise<void>;
  /** After a unit that succeeded. */
  keepUnit(): Promise<void>;
  /** After a unit that failed: undoes it alone, or throws if the whole transaction is lost. */
  undoUnit(): Promise<void>;
  commit(): Promise<void>;
  /**
   * Where supported: a batch's deferred writes (batchSql's) and the COMMIT,
   * together. Throws CommitFailedError when the COMMIT failed; any other error
   * means the writes failed, before the COMMIT.
   */
  commitWithWrites?(): Promise<void>;
  /** After a failure of the whole group: ends the transaction if it is still open. */
  abandon(): Promise<void>;
}

/** Holds a connection for `work` (one group), and gives it back whatever happens. */
export type WithGroupTransaction = (work: (transaction: GroupTransaction) => Promise<void>) => Promise<void>;

/**
 * Says a unit may run in a batch with the other waiting units of the same
 * `key`. Its work must write only what `prepare` and the code behind
 * Sql.known keep track of, and may be run twice (the batch's first run is
 * rolled back if it fails): no effects outside the transaction.
 */
export interface BatchHint<D = unknown> {
  key: string;
  data: D;
  /** Run once per batch, before its units, with every unit's data in order. */
  prepare(sql: Sql, data: D[]): Promise<void>;
}

interface Unit {
  work: (sql: Sql) => Promise<unknown>;
  batch?: BatchHint;
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

  run<T>(work: (sql: Sql) => Promise<T>, batch?: BatchHint): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, ...(batch ? { batch } : {}), resolve: resolve as (value: unknown) => void, reject });
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
    if (transaction.batchSql && this.waiting[0]?.batch) return this.commitBatch(transaction, transaction.batchSql);
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

  /** The waiting units of the first one's batch key, in order, up to the limit; their batch, once. */
  private async commitBatch(transaction: GroupTransaction, sql: Sql): Promise<void> {
    // One turn of the event loop lets texts that have arrived join the batch.
    await new Promise((resolve) => setImmediate(resolve));
    const key = this.waiting[0]!.batch!.key;
    let size = 0;
    while (size < this.waiting.length && size < MAX_UNITS_PER_COMMIT && this.waiting[size]!.batch?.key === key) size += 1;
    const units = this.waiting.splice(0, size);
    const failAll = async (error: unknown) => {
      await transaction.abandon().catch(() => {});
      for (const unit of units) unit.reject(error);
    };

    try {
      await transaction.begin();
      await units[0]!.batch!.prepare(sql, units.map((unit) => unit.batch!.data));
    } catch (error) {
      return failAll(error); // the lock or the read failed (a timeout, a lost connection): nothing of any unit's own
    }

    const results: unknown[] = [];
    try {
      for (const { work } of units) results.push(await runAsPlainSqlWork(() => work(sql)));
      if (transaction.commitWithWrites) {
        await transaction.commitWithWrites();
        units.forEach((unit, i) => unit.resolve(results[i]));
        return;
      }
      await sql.flush();
    } catch (error) {
      if (error instanceof CommitFailedError) return failAll(error.cause);
      // Which unit failed is not known: roll back, and run them again as ordinary units, first in the next group.
      try {
        await transaction.abandon();
      } catch (error) {
        for (const unit of units) unit.reject(error);
        return;
      }
      this.waiting.unshift(...units.map(({ batch: _batch, ...unit }) => unit));
      return;
    }

    try {
      await transaction.commit();
    } catch (error) {
      return failAll(error);
    }
    units.forEach((unit, i) => unit.resolve(results[i]));
  }

  /** The next unit; when none is waiting, one turn of the event loop lets texts that have arrived join the group. */
  private async next(): Promise<Unit | undefined> {
    if (this.waiting.length === 0) await new Promise((resolve) => setImmediate(resolve));
    return this.waiting.shift();
  }
}
