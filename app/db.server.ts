/**
 * The one Prisma client of the app. DATABASE_URL picks the provider: a `file:`
 * URL uses the embedded SQLite database, a `postgresql://` URL the PostgreSQL
 * scale path. Both generated clients have the same models (one schema is derived
 * from the other), so the app is typed against the SQLite client for both.
 */
import { createRequire } from "node:module";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { providerOf, resolveDatabaseUrl, sqliteFilePath, type DatabaseProvider } from "./db/database-url";
import { pgConnectionConfig } from "./db/pg-config";
import { serializedSqliteFactory } from "./db/serialized-sqlite-adapter";
import { POSTGRES_CLIENT_MODULE } from "./db/schema-twin";
import type { BatchHint, GroupCommit } from "./db/group-commit";
import { PgGroupCommits, withPooledConnection } from "./db/pg-group-commit.server";
import { refusingInsidePlainSqlWork, runAsPlainSqlWork } from "./db/plain-sql-guard";
import { SqliteGroupCommit } from "./db/sqlite-group-commit";
import { storableTextFactory } from "./db/storable-text-adapter";
import { isSql, pgSql, prismaSql, sqliteSql, type Sql } from "./db/sql.server";

export type Db = PrismaClient;
/** A client or the transaction client handed to `$transaction(async (tx) => …)`. */
export type DbTx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

// How withSqlTransaction reaches a client's own connections. A registry
// symbol rather than a WeakMap: a second copy of this module (a script that
// imports the source next to the built app) shares globalThis.__prisma.
const PLAIN_SQL = Symbol.for("sms-consent.plain-sql");
type PlainSql = {
  provider: DatabaseProvider;
  groupFor: (chainShop: string | undefined) => GroupCommit;
  /** Read-only work outside any transaction (see withSqlRead). */
  read: <T>(work: (sql: Sql) => Promise<T>) => Promise<T>;
  /** After Prisma's $disconnect: closes what Prisma does not (PostgreSQL: the pool, if Prisma itself never used it). */
  close: () => Promise<void>;
};
type WithPlainSql = { [PLAIN_SQL]?: PlainSql };
const plainSqlOf = (prismaClient: PrismaClient) => {
  const plainSql = (prismaClient as WithPlainSql)[PLAIN_SQL];
  if (!plainSql) throw new Error("This Prisma client was not made by createPrismaClient: it has no plain-SQL path");
  return plainSql;
};

export function createPrismaClient(url = resolveDatabaseUrl()): PrismaClient {
  let prismaClient: PrismaClient;
  let groupFor: (chainShop: string | undefined) => GroupCommit;
  let read: PlainSql["read"];
  let close = async () => {};
  if (providerOf(url) === "sqlite") {
    const adapter = serializedSqliteFactory(new PrismaBetterSQLite3({ url: `file:${sqliteFilePath(url)}`, timeout: 10_000 }));
    prismaClient = new PrismaClient({ adapter: storableTextFactory(refusingInsidePlainSqlWork(adapter)) });
    const groupCommit = new SqliteGroupCommit(adapter.exclusive);
    groupFor = () => groupCommit; // one connection, one writer: every transaction joins the same group
    read = (work) => adapter.exclusive((db) => runAsPlainSqlWork(() => work(sqliteSql(db, { exclusive: true }))));
  } else {
    const { config, schema } = pgConnectionConfig(url);
    const require = createRequire(import.meta.url);
    const { PrismaClient: PostgresPrismaClient } = require(POSTGRES_CLIENT_MODULE) as {
      PrismaClient: new (options: { adapter: SqlDriverAdapterFactory }) => PrismaClient;
    };
    // One pool for Prisma and the plain-SQL path; Prisma's $disconnect ends it.
    const pool = new pg.Pool({ ...config, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
    const adapter = new PrismaPg(pool, { ...(schema ? { schema } : {}), disposeExternalPool: true });
    prismaClient = new PostgresPrismaClient({ adapter: storableTextFactory(refusingInsidePlainSqlWork(adapter)) });
    const groupCommits = new PgGroupCommits(pool);
    groupFor = (chainShop) => groupCommits.for(chainShop);
    read = (work) => withPooledConnection(pool, (connection) => runAsPlainSqlWork(() => work(pgSql(connection))));
    // Prisma ends the pool only if it connected; a process that used only plain SQL would otherwise wait for idle timeouts to exit.
    close = async () => {
      if (!pool.ended) await pool.end();
    };
  }
  (prismaClient as WithPlainSql)[PLAIN_SQL] = { provider: providerOf(url), groupFor, read, close };
  return prismaClient;
}

export function databaseProvider(): DatabaseProvider {
  return providerOf(resolveDatabaseUrl());
}

declare global {
  // Reused across Vite's hot reloads in development so connections are not leaked.
  var __prisma: PrismaClient | undefined;
}

function client(): PrismaClient {
  globalThis.__prisma ??= createPrismaClient();
  return globalThis.__prisma;
}

/** Lazily created so that tests and scripts can set DATABASE_URL before first use. */
const prisma = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const target = client();
    const value = Reflect.get(target, property, target) as unknown;
    return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
  },
});

/** Plain SQL in the caller's transaction (or on the client itself). See app/db/sql.server.ts. */
export function sqlOf(tx: DbTx | Sql): Sql {
  if (isSql(tx)) return tx;
  return prismaSql(tx, plainSqlOf(client()).provider);
}

export interface SqlTransactionOptions {
  /**
   * The shop whose consent ledger the work may append to (and so lock). On
   * PostgreSQL such work queues with the shop's other consent changes of this
   * process, and work that names no shop never waits behind them; a work that
   * locks a chain without saying so is still correct, only slower.
   */
  mayLockChainOf?: string;
  /**
   * The work may run in a batch with others of the same key (PostgreSQL; see
   * BatchHint in db/group-commit.ts for what it promises). Ignored elsewhere.
   */
  batch?: BatchHint;
}

/**
 * Runs `work` in a transaction of its own, with plain SQL, committed together
 * with the other work that arrived at the same time (see db/group-commit.ts):
 * on SQLite directly on the app's connection, on PostgreSQL on a plain `pg`
 * connection from the app's pool. Resolves only once the work is committed.
 * `work` must use only the Sql it is given: the Prisma client throws
 * PrismaInsidePlainSqlError if called inside it (see db/plain-sql-guard.ts).
 */
export async function withSqlTransaction<T>(work: (sql: Sql) => Promise<T>, options: SqlTransactionOptions = {}): Promise<T> {
  return plainSqlOf(client()).groupFor(options.mayLockChainOf).run(work, options.batch);
}

/**
 * Runs read-only `work` with plain SQL outside any transaction: each
 * statement sees what is committed when it runs, and the work never waits for
 * a group's COMMIT (on PostgreSQL a pooled connection of its own, one round
 * trip per statement or per `allInOrder`; on SQLite the one connection between
 * two groups). For reads on a hot path that must be fresh, not consistent with
 * a write: dispatch reads consent again right before a text goes. Like
 * withSqlTransaction's work, it must use only the Sql it is given.
 */
export async function withSqlRead<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
  return plainSqlOf(client()).read(work);
}

export async function disconnectPrisma(): Promise<void> {
  const existing = globalThis.__prisma;
  globalThis.__prisma = undefined;
  await existing?.$disconnect();
  if (existing) await plainSqlOf(existing).close();
}

export default prisma;
