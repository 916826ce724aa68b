/**
 * The benchmark's databases, one per server and run: a SQLite file in the
 * run's temp dir, or a fresh PostgreSQL database (created on the server of
 * --postgres-url, dropped at the end). Counting rows reads each database
 * directly, whatever wrote it.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import type { DatabaseProvider } from "../../app/db/database-url";

export interface BenchDatabase {
  url: string;
  count(sql: string): Promise<number>;
  drop(): Promise<void>;
}

export async function createBenchDatabase(provider: DatabaseProvider, name: string, options: { tmp: string; postgresUrl: string }): Promise<BenchDatabase> {
  if (provider === "sqlite") return sqliteBenchDatabase(path.join(options.tmp, `${name}.db`));
  return postgresBenchDatabase(options.postgresUrl, `bench_${name}_${randomBytes(4).toString("hex")}`);
}

function sqliteBenchDatabase(file: string): BenchDatabase {
  return {
    url: `file:${file}`,
    async count(sql) {
      const db = new Database(file, { readonly: true });
      try {
        return Number((db.prepare(sql).pluck().get() as number | bigint) ?? 0);
      } finally {
        db.close();
      }
    },
    drop: async () => {}, // the temp dir goes as a whole
  };
}

async function postgresBenchDatabase(serverUrl: string, database: string): Promise<BenchDatabase> {
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  await admin((client) => client.query(`CREATE DATABASE "${database}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    async count(sql) {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        const { rows } = await client.query<{ count: string }>(sql.replace(/^SELECT COUNT\(\*\)/, "SELECT COUNT(*) AS count"));
        return Number(rows[0]?.count ?? 0);
      } finally {
        await client.end();
      }
    },
    // WITH (FORCE): a child killed mid-run may leave connections behind.
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)).then(() => undefined),
  };
}
