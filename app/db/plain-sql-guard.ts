/**
 * Work given to withSqlTransaction must use only the Sql it is handed. A call
 * to the Prisma client inside it would, on SQLite, wait for the connection the
 * group holds until the group ends: it never returns, and every database call
 * of the process freezes behind it. On PostgreSQL it would run outside the
 * transaction (not rolled back with it) or wait forever for a row lock the
 * group holds. So the Prisma client refuses at once, with what to do instead.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";

const insidePlainSqlWork = new AsyncLocalStorage<true>();

/** Runs one unit of withSqlTransaction's work, marked so that the Prisma client refuses to run inside it. */
export function runAsPlainSqlWork<T>(work: () => Promise<T>): Promise<T> {
  // Awaited inside: a lazy promise the work returns (a Prisma query not yet awaited) starts within the mark too.
  return insidePlainSqlWork.run(true, async () => await work());
}

export class PrismaInsidePlainSqlError extends Error {
  constructor() {
    super(
      "The Prisma client was called inside withSqlTransaction's work. Use the Sql that work is given (sql.all / sql.run), " +
        "or make the Prisma call before or after withSqlTransaction. (On SQLite it would wait for this transaction forever.)",
    );
    this.name = "PrismaInsidePlainSqlError";
  }
}

function refuseInsidePlainSqlWork(): void {
  if (insidePlainSqlWork.getStore()) throw new PrismaInsidePlainSqlError();
}

function guardedAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: async (query) => (refuseInsidePlainSqlWork(), adapter.queryRaw(query)),
    executeRaw: async (query) => (refuseInsidePlainSqlWork(), adapter.executeRaw(query)),
    executeScript: async (script) => (refuseInsidePlainSqlWork(), adapter.executeScript(script)),
    startTransaction: async (isolationLevel) => (refuseInsidePlainSqlWork(), adapter.startTransaction(isolationLevel)),
    ...(adapter.getConnectionInfo ? { getConnectionInfo: () => adapter.getConnectionInfo!() } : {}),
    dispose: () => adapter.dispose(),
  };
}

/** `factory` whose connections refuse every statement issued from inside withSqlTransaction's work. */
export function refusingInsidePlainSqlWork(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => guardedAdapter(await factory.connect()),
  };
}
