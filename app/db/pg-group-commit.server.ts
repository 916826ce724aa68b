/**
 * Group commit (group-commit.ts) on PostgreSQL: one pooled connection per
 * group, BEGIN, a SAVEPOINT per unit, one COMMIT, in plain `pg` calls. BEGIN
 * goes with the group's first statement, and a batch's writes with its
 * COMMIT: a batch of texts that change no consent is one round trip.
 *
 * Why: every opt-out of a shop locks the shop's ledger chain head row until
 * its transaction commits, so one transaction per text let a shop's opt-outs
 * through one COMMIT (one WAL flush) at a time. A group takes the lock once
 * and releases it at its one COMMIT, having appended every opt-out that
 * arrived meanwhile. Groups of one process run one after another; several
 * processes still serialise on the row lock, so the chain never forks.
 */
import type pg from "pg";
import { GroupCommit, type GroupTransaction } from "./group-commit";
import { pgSql } from "./sql.server";

/**
 * How long one statement may wait for a lock or run. Twilio gives up on an
 * answer after 15 s; failing sooner fails only the unit (its SAVEPOINT), and
 * Twilio retries it, where waiting on would hold up the whole queue behind it.
 */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;

function pgGroupTransaction(client: pg.PoolClient, statementTimeoutMs: number): GroupTransaction & { lost?: Error } {
  // A kept unit's RELEASE is sent with the next unit's SAVEPOINT (or implied by COMMIT): one round trip less per unit.
  let released = false;
  // A row lock taken in a unit that rolls back is released with it: then forget every lock, to be safe.
  const heldLocks = new Map<string, unknown>();
  const { discardDeferred, sendWithNext, dropPending, exec, flushAndCommit, ...sql } = pgSql(client);
  const transaction: GroupTransaction & { lost?: Error } = {
    sql: { ...sql, heldLocks },
    // A batch (group-commit.ts): no SAVEPOINT per unit, the rows its units read and wrote known, writes sent together.
    batchSql: { ...sql, heldLocks, known: new Map() },
    // Sent with the transaction's first statement, in its round trip. LOCAL: they end with the transaction, and the
    // pooled connection is left as it was.
    begin: async () =>
      sendWithNext(`BEGIN; SET LOCAL lock_timeout = ${Math.trunc(statementTimeoutMs)}; SET LOCAL statement_timeout = ${Math.trunc(statementTimeoutMs)}`),
    startUnit: () => exec(released ? "RELEASE SAVEPOINT unit; SAVEPOINT unit" : "SAVEPOINT unit"),
    keepUnit: async () => void (released = true),
    async undoUnit() {
      released = false;
      heldLocks.clear();
      discardDeferred(); // a unit that threw before its end may have left writes waiting: they go with it
      await exec("ROLLBACK TO SAVEPOINT unit; RELEASE SAVEPOINT unit");
    },
    // A transaction that never sent a statement has nothing to commit or roll back.
    commit: () => (dropPending() ? Promise.resolve() : exec("COMMIT")),
    // The batch's writes and its COMMIT in one round trip.
    commitWithWrites: flushAndCommit,
    async abandon() {
      heldLocks.clear();
      discardDeferred();
      if (dropPending()) return;
      try {
        await exec("ROLLBACK");
      } catch (error) {
        transaction.lost = error as Error; // the connection is unusable: not reused (PgGroupCommit)
        throw error;
      }
    },
  };
  return transaction;
}

/**
 * Runs `work` on a connection of the pool. A connection lost while checked out
 * (database restart, killed backend) is reported on the client: without a
 * listener that would crash the process (the query in flight fails too). A
 * connection lost, or one `work` reports unusable through `lost`, is dropped
 * by the pool rather than reused.
 */
export async function withPooledConnection<T>(pool: pg.Pool, work: (client: pg.PoolClient, state: { lost?: Error }) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const state: { lost?: Error } = {};
  const onError = (error: Error) => (state.lost ??= error);
  client.on("error", onError);
  try {
    return await work(client, state);
  } finally {
    client.off("error", onError);
    client.release(state.lost);
  }
}

export class PgGroupCommit extends GroupCommit {
  constructor(pool: pg.Pool, options: { statementTimeoutMs?: number } = {}) {
    super((work) =>
      withPooledConnection(pool, async (client, state) => {
        const transaction = pgGroupTransaction(client, options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS);
        try {
          await work(transaction);
        } finally {
          // A connection that could not even roll back (transaction.lost) is not reused.
          state.lost ??= transaction.lost;
        }
      }),
    );
  }
}

/** Groups for work that locks no ledger chain: they run side by side, each on its own connection. */
const FREE_GROUPS = 3;

/**
 * The groups of one process. Work that may lock a shop's ledger chain head
 * (a consent change) queues in that shop's own group, so it never waits for a
 * group of its own process holding that lock, and the lock is taken once per
 * group. Work that locks no chain (an inbound HELP or question) goes to the
 * least busy of a few other groups and never waits for a shop's opt-outs.
 * Groups of other shops and of other processes run side by side; the row lock
 * alone keeps each shop's chain in one line.
 */
export class PgGroupCommits {
  private readonly byShop = new Map<string, PgGroupCommit>();
  private readonly free: PgGroupCommit[];

  constructor(private readonly pool: pg.Pool) {
    this.free = Array.from({ length: FREE_GROUPS }, () => new PgGroupCommit(pool));
  }

  for(chainShop: string | undefined): GroupCommit {
    if (chainShop === undefined) return this.free.reduce((least, group) => (group.waitingCount < least.waitingCount ? group : least));
    let group = this.byShop.get(chainShop);
    if (!group) this.byShop.set(chainShop, (group = new PgGroupCommit(this.pool)));
    return group;
  }
}
