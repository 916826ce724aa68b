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
import { providerOf, resolveDatabaseUrl, sqliteFilePath, type DatabaseProvider } from "./db/database-url";
import { pgConnectionConfig } from "./db/pg-config";
import { serializedSqliteFactory } from "./db/serialized-sqlite-adapter";
import { POSTGRES_CLIENT_MODULE } from "./db/schema-twin";

export type Db = PrismaClient;
/** A client or the transaction client handed to `$transaction(async (tx) => …)`. */
export type DbTx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export function createPrismaClient(url = resolveDatabaseUrl()): PrismaClient {
  if (providerOf(url) === "sqlite") {
    const adapter = serializedSqliteFactory(new PrismaBetterSQLite3({ url: `file:${sqliteFilePath(url)}`, timeout: 10_000 }));
    return new PrismaClient({ adapter });
  }
  const { config, schema } = pgConnectionConfig(url);
  const require = createRequire(import.meta.url);
  const { PrismaClient: PostgresPrismaClient } = require(POSTGRES_CLIENT_MODULE) as {
    PrismaClient: new (options: { adapter: PrismaPg }) => PrismaClient;
  };
  const adapter = new PrismaPg(
    { ...config, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) },
    schema ? { schema } : undefined,
  );
  return new PostgresPrismaClient({ adapter });
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

export async function disconnectPrisma(): Promise<void> {
  const existing = globalThis.__prisma;
  globalThis.__prisma = undefined;
  await existing?.$disconnect();
}

export default prisma;
