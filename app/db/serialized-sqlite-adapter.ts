/**
 * Prisma's better-sqlite3 adapter shares one connection and locks it only for
 * interactive transactions: a plain query issued while another request's
 * transaction is open runs INSIDE that transaction, sees its uncommitted rows,
 * and vanishes if it rolls back. This wrapper puts every statement outside a
 * transaction behind the same lock as the transactions, so each one runs on its
 * own. (Code inside `$transaction(async (tx) => …)` must use `tx`, never the
 * global client: the global client would wait for the transaction to end.)
 */
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

export function serializeSqliteAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const lock = new Lock();
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => lock.run(() => adapter.queryRaw(query)),
    executeRaw: (query) => lock.run(() => adapter.executeRaw(query)),
    executeScript: (script) => lock.run(() => adapter.executeScript(script)),
    ...(adapter.getConnectionInfo ? { getConnectionInfo: () => adapter.getConnectionInfo!() } : {}),
    async startTransaction(isolationLevel) {
      const release = await lock.acquire();
      try {
        return holdUntilEnd(await adapter.startTransaction(isolationLevel), release);
      } catch (error) {
        release();
        throw error;
      }
    },
    dispose: () => adapter.dispose(),
  };
}

export function serializedSqliteFactory(inner: SqlMigrationAwareDriverAdapterFactory): SqlDriverAdapterFactory {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => serializeSqliteAdapter(await inner.connect()),
  };
}
