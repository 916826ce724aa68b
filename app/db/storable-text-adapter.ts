/**
 * The safety net under storableText(): every value Prisma binds to SQL (model
 * queries and raw queries, in transactions or not) passes through the driver
 * adapter, so cleaning the bound strings here means no write path the input
 * boundaries missed can fail on PostgreSQL with "invalid byte sequence" (and
 * lose, say, an opt-out), or store a different text on each database.
 * (The plain SQL run on SQLite's own connection binds through sql.server.ts,
 * which cleans the same way.)
 */
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";
import { storableText } from "./storable-text";

export function storableBoundValue<T>(value: T): T {
  if (typeof value === "string") return storableText(value) as T;
  // PostgreSQL binds lists (`= ANY($1)`) as arrays.
  if (Array.isArray(value)) return value.map((item: unknown) => storableBoundValue(item)) as T;
  return value;
}

const storableQuery = (query: SqlQuery): SqlQuery => ({ ...query, args: query.args.map(storableBoundValue) });

function storableTransaction(transaction: Transaction): Transaction {
  return {
    provider: transaction.provider,
    adapterName: transaction.adapterName,
    options: transaction.options,
    queryRaw: (query) => transaction.queryRaw(storableQuery(query)),
    executeRaw: (query) => transaction.executeRaw(storableQuery(query)),
    commit: () => transaction.commit(),
    rollback: () => transaction.rollback(),
  };
}

function storableAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => adapter.queryRaw(storableQuery(query)),
    executeRaw: (query) => adapter.executeRaw(storableQuery(query)),
    executeScript: (script) => adapter.executeScript(script),
    ...(adapter.getConnectionInfo ? { getConnectionInfo: () => adapter.getConnectionInfo!() } : {}),
    startTransaction: async (isolationLevel) => storableTransaction(await adapter.startTransaction(isolationLevel)),
    dispose: () => adapter.dispose(),
  };
}

/** `factory` with every bound string cleaned by storableText() before it reaches the database. */
export function storableTextFactory(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => storableAdapter(await factory.connect()),
  };
}
