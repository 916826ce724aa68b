/**
 * Prisma's better-sqlite3 adapter shares one connection and locks it only for
 * interactive transactions: a plain query issued while another request's
 * transaction is open runs INSIDE that transaction, sees its uncommitted rows,
 * and vanishes if it rolls back. This wrapper puts every statement outside a
 * transaction behind the same lock as the transactions, so each one runs on its
 * own. (Code inside `$transaction(async (tx) => …)` must use `tx`, never the
 * global client: the global client would wait for the transaction to end.)
 *
 * The same lock lets hot paths use the connection directly (`exclusive`, see
 * app/db/sql.server.ts): while they hold it, Prisma waits, exactly as it waits
 * for one of its own transactions. So a Prisma call from inside that work
 * would wait forever: plain-sql-guard.ts makes it throw instead.
 *
 * Another process (the worker) writes the same file: every transaction here
 * begins IMMEDIATE, so it waits for that process's write lock up front
 * instead of failing half-way (see beginImmediate).
 */
import type { Database } from "better-sqlite3";
import { startWalCheckpointer } from "./sqlite-checkpointer";
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlMigrationAwareDriverAdapterFactory, Transaction } from "@prisma/driver-adapter-utils";

class Lock {
  private tail: Promise<void> = Promise.resolve();

  /** Resolves with a release function once every earlier holder has released. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => released);
    return ready;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/**
 * A Prisma transaction begun with BEGIN IMMEDIATE on the adapter's connection.
 * Prisma's own (a deferred BEGIN) takes the write lock only at its first
 * write: if another process (the worker) committed after the transaction's
 * first read, that write fails at once with SQLITE_BUSY_SNAPSHOT, and if the
 * other process holds the lock right then, with SQLITE_BUSY; the busy timeout
 * helps neither. Taking the lock up front waits for it (up to the busy
 * timeout) while the transaction has read nothing yet. Prisma sends COMMIT
 * and ROLLBACK itself (usePhantomQuery: false), as it does with the adapter's
 * own transactions.
 */
async function beginImmediate(adapter: SqlDriverAdapter): Promise<Transaction> {
  await adapter.executeRaw({ sql: "BEGIN IMMEDIATE", args: [], argTypes: [] });
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    options: { usePhantomQuery: false },
    queryRaw: (query) => adapter.queryRaw(query),
    executeRaw: (query) => adapter.executeRaw(query),
    commit: async () => {},
    rollback: async () => {},
  };
}

function holdUntilEnd(transaction: Transaction, release: () => void): Transaction {
  let open = true;
  const end = async (finish: () => Promise<void>) => {
    try {
      await finish();
    } finally {
      if (open) {
        open = false;
        release();
      }
    }
  };
  return {
    provider: transaction.provider,
    adapterName: transaction.adapterName,
    options: transaction.options,
    queryRaw: (query) => transaction.queryRaw(query),
    executeRaw: (query) => transaction.executeRaw(query),
    commit: () => end(() => transaction.commit()),
    rollback: () => end(() => transaction.rollback()),
  };
}

export interface SerializedSqliteAdapter extends SqlDriverAdapter {
  /** Runs `work` with the connection to itself: no Prisma statement or transaction runs until it settles. */
  exclusive<T>(work: (db: Database) => Promise<T>): Promise<T>;
}

/** The better-sqlite3 connection inside Prisma's adapter (a public field of its class, not in its types). */
function connectionOf(adapter: SqlDriverAdapter): Database {
  const client = (adapter as { client?: unknown }).client;
  if (typeof client !== "object" || client === null || typeof (client as Database).prepare !== "function") {
    throw new Error("The SQLite driver adapter does not expose its better-sqlite3 connection (did @prisma/adapter-better-sqlite3 change?)");
  }
  return client as Database;
}

export function serializeSqliteAdapter(adapter: SqlDriverAdapter, onDispose: () => void = () => {}): SerializedSqliteAdapter {
  const lock = new Lock();
  const db = connectionOf(adapter);
  // Every COMMIT reaches the disk before anyone is told it happened: a STOP we answered must survive a power cut too.
  // (better-sqlite3's default in WAL mode, NORMAL, syncs only at checkpoints.) Group commit keeps this to one sync per group.
  db.pragma("synchronous = FULL");
  const checkpointer = startWalCheckpointer(db);
  return {
    exclusive: (work) => lock.run(() => work(db)),
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => lock.run(() => adapter.queryRaw(query)),
    executeRaw: (query) => lock.run(() => adapter.executeRaw(query)),
    executeScript: (script) => lock.run(() => adapter.executeScript(script)),
    ...(adapter.getConnectionInfo ? { getConnectionInfo: () => adapter.getConnectionInfo!() } : {}),
    async startTransaction(isolationLevel) {
      // SQLite transactions are serializable; the adapter refuses any other level, so let it say so.
      if (isolationLevel && isolationLevel !== "SERIALIZABLE") return adapter.startTransaction(isolationLevel);
      const release = await lock.acquire();
      try {
        return holdUntilEnd(await beginImmediate(adapter), release);
      } catch (error) {
        release();
        throw error;
      }
    },
    dispose: async () => {
      onDispose();
      await checkpointer.stop();
      return adapter.dispose();
    },
  };
}

export interface SerializedSqliteFactory extends SqlDriverAdapterFactory {
  /** The one connection Prisma also uses (opened now if Prisma has not yet), held exclusively for `work`. */
  exclusive<T>(work: (db: Database) => Promise<T>): Promise<T>;
}

/** One connection per factory, shared by Prisma and `exclusive` until Prisma disposes of it. */
export function serializedSqliteFactory(inner: SqlMigrationAwareDriverAdapterFactory): SerializedSqliteFactory {
  let connection: Promise<SerializedSqliteAdapter> | null = null;
  const connect = () => {
    connection ??= inner.connect().then((adapter) => serializeSqliteAdapter(adapter, () => (connection = null)));
    connection.catch(() => (connection = null));
    return connection;
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect,
    exclusive: async (work) => (await connect()).exclusive(work),
  };
}
