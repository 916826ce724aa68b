/**
 * Applies Prisma's standard migration folders (prisma/migrations for SQLite,
 * prisma/postgresql/migrations for PostgreSQL) without Prisma's native engines,
 * which cannot be downloaded here. It records each migration in
 * `_prisma_migrations` exactly as `prisma migrate deploy` does (id, sha256
 * checksum of migration.sql, timestamps, applied_steps_count), so a normal
 * machine's `prisma migrate deploy` sees the same history and finds nothing to do.
 */
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { type DatabaseProvider, providerOf, sqliteFilePath } from "./database-url";
import { pgConnectionConfig } from "./pg-config";

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function migrationsDir(provider: DatabaseProvider, root = process.cwd()): string {
  return provider === "sqlite"
    ? path.join(root, "prisma", "migrations")
    : path.join(root, "prisma", "postgresql", "migrations");
}

export function readMigrations(dir: string): Migration[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

export async function migrate(url: string, root = process.cwd()): Promise<MigrateResult> {
  const provider = providerOf(url);
  const migrations = readMigrations(migrationsDir(provider, root));
  return provider === "sqlite"
    ? migrateSqlite(sqliteFilePath(url, root), migrations)
    : migratePostgres(url, migrations);
}

function checkHistory(applied: Map<string, string>, migrations: Migration[]): Migration[] {
  for (const migration of migrations) {
    const checksum = applied.get(migration.name);
    if (checksum !== undefined && checksum !== migration.checksum) {
      throw new Error(
        `Migration ${migration.name} was edited after it was applied (checksum differs). Write a new migration instead.`,
      );
    }
  }
  return migrations.filter((migration) => !applied.has(migration.name));
}

function migrateSqlite(file: string, migrations: Migration[]): MigrateResult {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    // WAL lets the app read while a writer commits; it is a property of the file.
    db.pragma("journal_mode = WAL");
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL,
      "checksum" TEXT NOT NULL,
      "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL,
      "logs" TEXT,
      "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
      "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
    )`);
    const rows = db
      .prepare(`SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL`)
      .all() as Array<{ migration_name: string; checksum: string }>;
    const pending = checkHistory(new Map(rows.map((r) => [r.migration_name, r.checksum])), migrations);
    const record = db.prepare(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
       VALUES (?, ?, ?, ?, ?, 1)`,
    );
    for (const migration of pending) {
      const startedAt = Date.now();
      db.transaction(() => {
        db.exec(migration.sql);
        record.run(randomUUID(), migration.checksum, Date.now(), migration.name, startedAt);
      })();
    }
    return { applied: pending.map((m) => m.name), alreadyApplied: migrations.length - pending.length };
  } finally {
    db.close();
  }
}

// Same lock key as Prisma's migrate, so this and `prisma migrate deploy` never run at once.
const PRISMA_ADVISORY_LOCK = 72707369;

async function migratePostgres(url: string, migrations: Migration[]): Promise<MigrateResult> {
  const { config, schema } = pgConnectionConfig(url);
  const client = new pg.Client(config);
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL`,
    );
    const pending = checkHistory(new Map(rows.map((r) => [r.migration_name, r.checksum])), migrations);
    for (const migration of pending) {
      const startedAt = new Date();
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, $4, 1)`,
          [randomUUID(), migration.checksum, migration.name, startedAt],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
    }
    return { applied: pending.map((m) => m.name), alreadyApplied: migrations.length - pending.length };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    await client.end();
  }
}
