/**
 * Test databases. SQLite: one migrated base file per run, copied for each test
 * file. PostgreSQL: one schema per test file in the database named by
 * TEST_POSTGRES_URL (default: the local `test` database), migrated and dropped.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrate } from "../../app/db/migrator";

export const DEFAULT_TEST_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test";

export function testPostgresUrl(): string {
  return process.env.TEST_POSTGRES_URL || DEFAULT_TEST_POSTGRES_URL;
}

export async function postgresReachable(url = testPostgresUrl()): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function createSqliteBase(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sms-consent-test-"));
  const file = path.join(dir, "base.db");
  await migrate(`file:${file}`);
  return file;
}

export function copySqliteBase(base: string): string {
  const file = path.join(path.dirname(base), `t-${randomBytes(6).toString("hex")}.db`);
  fs.copyFileSync(base, file);
  return `file:${file}`;
}

export async function createPostgresSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const base = new URL(testPostgresUrl());
  base.searchParams.set("schema", schema);
  const url = base.toString();
  await migrate(url);
  return {
    url,
    drop: async () => {
      const client = new pg.Client({ connectionString: testPostgresUrl() });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}
