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
import { providerOf, resolveDatabaseUrl, sqliteFilePath, type DatabaseProvider } from "./db/database-url";
import { pgConnectionConfig } from "./db/pg-config";
import { serializedSqliteFactory } from "./db/serialized-sqlite-adapter";
import { POSTGRES_CLIENT_MODULE } from "./db/schema-twin";
import { SqliteGroupCommit } from "./db/sqlite-group-commit";
import { storableTextFactory } from "./db/storable-text-adapter";
import { isSql, prismaSql, type Sql } from "./db/sql.server";

export type Db = PrismaClient;
/** A client or the transaction client handed to `$transaction(async (tx) => …)`. */
export type DbTx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

// How withSqlTransaction reaches a SQLite client's connection. A registry
// symbol rather than a WeakMap: a second copy of this module (a script that
// imports the source next to the built app) shares globalThis.__prisma.
const SQLITE_GROUP_COMMIT = Symbol.for("sms-consent.sqlite-group-commit");
type WithGroupCommit = { [SQLITE_GROUP_COMMIT]?: SqliteGroupCommit };
const groupCommitOf = (prismaClient: PrismaClient) => (prismaClient as WithGroupCommit)[SQLITE_GROUP_COMMIT];

export function createPrismaClient(url = resolveDatabaseUrl()): PrismaClient {
  if (providerOf(url) === "sqlite") {
    const adapter = serializedSqliteFactory(new PrismaBetterSQLite3({ url: `file:${sqliteFilePath(url)}`, timeout: 10_000 }));
    const sqliteClient = new PrismaClient({ adapter: storableTextFactory(adapter) });
    (sqliteClient as WithGroupCommit)[SQLITE_GROUP_COMMIT] = new SqliteGroupCommit(adapter.exclusive);
    return sqliteClient;
  }
  const { config, schema } = pgConnectionConfig(url);
  const require = createRequire(import.meta.url);
  const { PrismaClient: PostgresPrismaClient } = require(POSTGRES_CLIENT_MODULE) as {
    PrismaClient: new (options: { adapter: SqlDriverAdapterFactory }) => PrismaClient;
  };
  const adapter = new PrismaPg(
    { ...config, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) },
    schema ? { schema } : undefined,
  );
  return new PostgresPrismaClient({ adapter: storableTextFactory(adapter) });
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
  return prismaSql(tx, groupCommitOf(client()) ? "sqlite" : "postgresql");
}

// Twilio waits 15 s for an answer. On SQLite every transaction queues for the
// one connection; under a burst, waiting beats failing (a 5xx loses the text).
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 10_000 };

/**
 * Runs `work` in a transaction of its own, with plain SQL. On SQLite, directly
 * on the app's connection, committed together with the other work that
 * arrived at the same time (see sqlite-group-commit.ts); on PostgreSQL, in a
 * Prisma transaction. Resolves only once the work is committed. `work` must
 * use only the Sql it is given: on SQLite the Prisma client waits until the
 * group is committed.
 */
export async function withSqlTransaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
  const current = client();
  const groupCommit = groupCommitOf(current);
  if (!groupCommit) return current.$transaction((tx) => work(prismaSql(tx, "postgresql")), TRANSACTION_OPTIONS);
  return groupCommit.run(work);
}

export async function disconnectPrisma(): Promise<void> {
  const existing = globalThis.__prisma;
  globalThis.__prisma = undefined;
  await existing?.$disconnect();
}

export default prisma;
