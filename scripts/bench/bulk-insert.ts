/**
 * Batched multi-row INSERTs with the bare driver (better-sqlite3 or pg), for
 * the campaign benchmark: seeding 100,000 subscribers through Prisma's
 * createMany takes minutes on SQLite, and the raw baseline of part (a) must be
 * the database's own speed. Each batch is one statement committed on its own,
 * with the app's durability (synchronous = FULL; synchronous_commit on).
 * Values are bound as Prisma binds them (on SQLite, dates as ISO 8601 with
 * "+00:00"), so the app reads these rows like its own.
 */
import Database from "better-sqlite3";
import pg from "pg";
import { providerOf, sqliteFilePath } from "../../app/db/database-url";

export type BulkValue = string | number | Date | null;
export type BulkRow = Record<string, BulkValue>;

export interface BulkWriter {
  /** Inserts `rows` (all with the keys of the first) in statements of `chunk` rows; ON CONFLICT DO NOTHING. */
  insert(table: string, rows: BulkRow[], chunk?: number): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_CHUNK = 1000;

function insertSql(table: string, columns: string[], count: number, placeholder: (index: number) => string): string {
  const tuples: string[] = [];
  for (let r = 0; r < count; r++) tuples.push(`(${columns.map((_, c) => placeholder(r * columns.length + c)).join(", ")})`);
  return `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${tuples.join(", ")} ON CONFLICT DO NOTHING`;
}

const sqliteValue = (value: BulkValue) => (value instanceof Date ? value.toISOString().replace("Z", "+00:00") : value);

export async function openBulkWriter(databaseUrl: string): Promise<BulkWriter> {
  if (providerOf(databaseUrl) === "sqlite") {
    const db = new Database(sqliteFilePath(databaseUrl), { timeout: 10_000 });
    db.pragma("synchronous = FULL");
    const statements = new Map<string, Database.Statement>();
    return {
      async insert(table, rows, chunk = DEFAULT_CHUNK) {
        if (rows.length === 0) return;
        const columns = Object.keys(rows[0]!);
        for (let i = 0; i < rows.length; i += chunk) {
          const slice = rows.slice(i, i + chunk);
          const key = `${table}:${slice.length}`;
          let statement = statements.get(key);
          if (!statement) statements.set(key, (statement = db.prepare(insertSql(table, columns, slice.length, () => "?"))));
          statement.run(slice.flatMap((row) => columns.map((column) => sqliteValue(row[column] ?? null))));
        }
      },
      async close() {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: databaseUrl, options: "-c synchronous_commit=on" });
  await client.connect();
  return {
    async insert(table, rows, chunk = DEFAULT_CHUNK) {
      if (rows.length === 0) return;
      const columns = Object.keys(rows[0]!);
      for (let i = 0; i < rows.length; i += chunk) {
        const slice = rows.slice(i, i + chunk);
        await client.query(
          insertSql(table, columns, slice.length, (index) => `$${index + 1}`),
          slice.flatMap((row) => columns.map((column) => row[column] ?? null)),
        );
      }
    },
    close: () => client.end(),
  };
}
