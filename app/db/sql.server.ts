/**
 * Plain SQL for the few write paths that run on every inbound text (the
 * consent engine, the ledger, the inbound record). Prisma 6 compiles each model
 * query (about 0.5 ms of CPU apiece), which alone kept the inbound webhook
 * near 200 req/s; these paths are a handful of prepared statements instead.
 *
 * One SQL text serves both databases: `?` placeholders (numbered for
 * PostgreSQL here), double-quoted identifiers, `ON CONFLICT` and `RETURNING`,
 * which SQLite ≥ 3.35 and PostgreSQL share. Dates are bound as Prisma binds
 * them (on SQLite an ISO string with "+00:00"), so rows written here and rows
 * written by Prisma read back the same, and `readDate` / `readInt` accept
 * what either driver returns.
 *
 * Two ways to run it:
 * - `sqlOf(tx)`: inside a Prisma transaction (any caller that already has one);
 * - `withSqlTransaction(fn)`: a transaction of its own, committed together
 *   with the others that arrived at the same time (group-commit.ts). On SQLite
 *   it runs directly on the app's one better-sqlite3 connection, holding the
 *   lock that serialises Prisma's use of it (see serialized-sqlite-adapter.ts):
 *   no query compiler, no round trips, statements prepared once. On PostgreSQL
 *   it runs on a plain `pg` client from the pool Prisma also uses, with named
 *   (server-side prepared) statements: no query compiler either, and none of
 *   the extra round trips of a Prisma interactive transaction.
 */
import type { Database, Statement } from "better-sqlite3";
import pg from "pg";
import type { DatabaseProvider } from "./database-url";
import { storableText } from "./storable-text";

export type SqlValue = string | number | boolean | Date | null;
export type SqlRow = Record<string, unknown>;

export interface Sql {
  readonly provider: DatabaseProvider;
  /**
   * True when the transaction has held the database's write lock since it
   * began (SQLite's BEGIN IMMEDIATE): no other connection can change a row
   * between two of its statements, so a read need not be repeated after
   * taking a row lock.
   */
  readonly exclusive: boolean;
  /**
   * Row locks this transaction is known to hold, by key, with what their
   * holder keeps about them (the ledger: the chain head). Where present, work
   * later in the same transaction skips taking them again; forgotten when a
   * unit of a group rolls back. Absent where nobody tracks them.
   */
  readonly heldLocks?: Map<string, unknown>;
  /**
   * Rows this transaction knows the current content of, by key, kept by the
   * code that reads and writes them (subscriber-sql.server.ts): a read found
   * here needs no round trip. Present only in a batch of a PostgreSQL group
   * (group-commit.ts), whose units all write those rows through that code.
   */
  readonly known?: Map<string, unknown>;
  /** Rows of a SELECT, or of a write with RETURNING. */
  all<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs a write; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /**
   * A plain INSERT or UPDATE whose result nobody reads. On a group's
   * PostgreSQL connection it waits and goes with the next ones as one
   * statement (one round trip), always before this Sql's next `all` or `run`
   * and before its unit of work ends, where its error then surfaces. Elsewhere
   * it runs at once. `replaces`: a later write with the same key makes this
   * one unnecessary (the ledger's chain head): a waiting one is dropped.
   */
  defer(sql: string, params?: readonly SqlValue[], options?: { replaces?: string }): Promise<void>;
  /** Sends the deferred writes now. */
  flush(): Promise<void>;
  /**
   * Statements run one after another, each seeing what the ones before it did
   * (and, on PostgreSQL, what other transactions committed before it began):
   * the rows of each. On a group's PostgreSQL connection they go in one round
   * trip where their values allow; elsewhere one by one.
   */
  allInOrder(statements: readonly SqlStatement[]): Promise<SqlRow[][]>;
}

export interface SqlStatement {
  sql: string;
  params: readonly SqlValue[];
}

/** allInOrder for a Sql that sends statements one by one. */
async function oneByOne(sql: Pick<Sql, "all">, statements: readonly SqlStatement[]): Promise<SqlRow[][]> {
  const rows: SqlRow[][] = [];
  for (const statement of statements) rows.push(await sql.all(statement.sql, statement.params));
  return rows;
}

/** The raw-query half of a Prisma client or transaction client. */
export interface PrismaRawQueries {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

export function isSql(value: unknown): value is Sql {
  return typeof value === "object" && value !== null && typeof (value as Sql).all === "function" && typeof (value as Sql).run === "function";
}

/** SQL run through a Prisma (transaction) client: same transaction as the caller's model queries. */
export function prismaSql(client: PrismaRawQueries, provider: DatabaseProvider): Sql {
  const text = provider === "postgresql" ? numberedPlaceholders : (sql: string) => sql;
  const sql: Sql = {
    provider,
    exclusive: false,
    all: <T extends SqlRow>(sql: string, params: readonly SqlValue[] = []) => client.$queryRawUnsafe<T[]>(text(sql), ...params),
    run: (sql, params = []) => client.$executeRawUnsafe(text(sql), ...params),
    defer: async (sql, params = []) => void (await client.$executeRawUnsafe(text(sql), ...params)),
    flush: async () => {},
    allInOrder: (statements) => oneByOne(sql, statements),
  };
  return sql;
}

const numbered = new Map<string, string>();

/** `?` → `$1, $2…` for PostgreSQL. The SQL given to Sql never has a `?` inside a literal. */
function numberedPlaceholders(sql: string): string {
  let converted = numbered.get(sql);
  if (converted === undefined) {
    let n = 0;
    converted = sql.replace(/\?/g, () => `$${++n}`);
    numbered.set(sql, converted);
  }
  return converted;
}

const sqliteSqls = new WeakMap<Database, { exclusive: Sql; shared: Sql }>();

/**
 * SQL run directly on a better-sqlite3 connection (statements prepared once
 * per connection). The caller owns the transaction, and says whether it began
 * it with BEGIN IMMEDIATE (`exclusive`).
 */
export function sqliteSql(db: Database, options: { exclusive: boolean }): Sql {
  let pair = sqliteSqls.get(db);
  if (!pair) {
    const shared = preparingSql(db);
    sqliteSqls.set(db, (pair = { shared, exclusive: { ...shared, exclusive: true } }));
  }
  return options.exclusive ? pair.exclusive : pair.shared;
}

function preparingSql(db: Database): Sql {
  const statements = new Map<string, Statement<unknown[]>>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      // The adapter turns safe integers on for the whole connection; this app's integers are all small.
      statement = db.prepare<unknown[]>(sql).safeIntegers(false);
      statements.set(sql, statement);
    }
    return statement;
  };
  return {
    provider: "sqlite",
    exclusive: false,
    async all<T extends SqlRow>(sql: string, params: readonly SqlValue[] = []) {
      const statement = prepared(sql);
      const values = params.map(sqliteValue);
      if (statement.reader) return statement.all(...values) as T[];
      statement.run(...values);
      return [];
    },
    async run(sql, params = []) {
      return prepared(sql).run(...params.map(sqliteValue)).changes;
    },
    // One connection in this process, no round trips: nothing to gain by waiting.
    async defer(sql, params = []) {
      prepared(sql).run(...params.map(sqliteValue));
    },
    flush: async () => {},
    allInOrder(statements) {
      return oneByOne(this, statements);
    },
  };
}

const statementNames = new Map<string, string>();

/** PostgreSQL prepares a named statement once per connection; the same text always gets the same name. */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) statementNames.set(text, (name = `sql_${statementNames.size + 1}`));
  return name;
}

// TIMESTAMP (without time zone) holds UTC, as Prisma writes it: read it as UTC, whatever the process's time zone.
const TIMESTAMP_OID = 1114;
const readUtcTimestamp = (value: string) => new Date(`${value.replace(" ", "T")}Z`);
const pgTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP_OID ? readUtcTimestamp : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
};

/** A plain INSERT INTO a table with one VALUES tuple and nothing after it: several of them can become one multi-row INSERT. */
const PLAIN_INSERT = /^\s*INSERT INTO "\w+" \([^)]*\)\s*VALUES\s*(\([^()]*\))\s*$/i;

/** What pgSql adds for the group transaction that owns its client (pg-group-commit.server.ts). */
export interface PgSession {
  /** Drops the writes still waiting (their unit failed, or the transaction is abandoned). */
  discardDeferred(): void;
  /**
   * Statements (BEGIN…) to send in front of the next one, in the same round
   * trip; "" when none is waiting. Not sent at all if `dropPending` comes first.
   */
  sendWithNext(text: string): void;
  /** Whatever sendWithNext left waiting, dropped: true when there was something (so nothing was sent). */
  dropPending(): boolean;
  /** A statement without parameters (SAVEPOINT, COMMIT, ROLLBACK…), with whatever is waiting in front of it. */
  exec(text: string): Promise<void>;
  /**
   * The deferred writes and COMMIT in one round trip. Throws CommitFailedError
   * if the COMMIT itself failed (the transaction is over); any other error
   * means the writes failed and the transaction is still open (or lost).
   */
  flushAndCommit(): Promise<void>;
}

/** The COMMIT failed: nothing of the transaction was stored, and it is over. */
export class CommitFailedError extends Error {
  constructor(cause: unknown) {
    super(`COMMIT failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = "CommitFailedError";
  }
}

/**
 * `?` replaced by the values as SQL literals, for a text sent together with
 * other statements (the simple query protocol has no parameters). Each value
 * is written as node-postgres sends a parameter (text, type left to the
 * server to infer from where it stands), as a quoted literal, which the
 * server types the same way: the statement means exactly what it would have
 * meant with parameters. Null when a value is not a plain scalar (an array…):
 * then the statement is sent on its own, with parameters.
 */
function inlined(sql: string, params: readonly SqlValue[]): string | null {
  if (params.length === 0) return sql;
  const parts = sql.split("?");
  if (parts.length !== params.length + 1) throw new Error(`The statement has ${parts.length - 1} placeholders for ${params.length} values`);
  let text = parts[0]!;
  for (let i = 0; i < params.length; i++) {
    const value = pgValue(params[i]!);
    if (value === null || value === undefined) text += "NULL";
    else if (typeof value === "string") text += stringLiteral(value);
    else if (typeof value === "number" || typeof value === "boolean") text += `'${String(value)}'`;
    else if (isStringArray(value)) text += stringLiteral(arrayLiteral(value));
    else return null;
    text += parts[i + 1]!;
  }
  return text;
}

const NEEDS_ESCAPING = /['\\]/;

/** pg.escapeLiteral, without its walk through every character of the many texts that have nothing to escape. */
function stringLiteral(value: string): string {
  return NEEDS_ESCAPING.test(value) ? pg.escapeLiteral(value) : `'${value}'`;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

/** A text array as node-postgres writes an array parameter. */
function arrayLiteral(items: readonly string[]): string {
  return `{${items.map((item) => `"${item.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;
}

/** The rows of a simple query's last statement (it returns one result per statement). */
function lastResult<T extends SqlRow>(result: pg.QueryResult<T> | pg.QueryResult<T>[]): pg.QueryResult<T> {
  return Array.isArray(result) ? result[result.length - 1]! : result;
}

/** SQL run directly on a node-postgres client. The caller owns the transaction. */
export function pgSql(client: pg.ClientBase): Sql & PgSession {
  // Statements waiting to go in front of the next one (the group's BEGIN): one round trip less per transaction.
  let pending = "";
  const query = async <T extends SqlRow>(sql: string, params: readonly SqlValue[], named = true): Promise<pg.QueryResult<T>> => {
    if (pending) {
      const text = inlined(sql, params);
      const before = pending;
      pending = "";
      if (text !== null) return lastResult(await client.query<T>({ text: `${before}; ${text}`, types: pgTypes } as pg.QueryConfig));
      await client.query(before);
    }
    const text = numberedPlaceholders(sql);
    // A text made for one batch (its size and mix) is not prepared: the server would keep every variant.
    return client.query<T>({ ...(named ? { name: statementName(text) } : {}), text, values: params.map(pgValue), types: pgTypes });
  };
  const deferred: { sql: string; params: readonly SqlValue[]; table: string; isUpdate: boolean; replaces?: string }[] = [];
  // The deferred writes as one statement: all but the last as data-modifying CTEs. They share one snapshot and run
  // in no set order, so a batch never holds two writes to one table where either is an UPDATE (see defer). Plain
  // INSERTs of the same text (the same table and columns: a group's batch) become one multi-row INSERT, in order.
  const takeDeferred = (): { sql: string; params: SqlValue[]; named: boolean } | null => {
    if (deferred.length === 0) return null;
    const writes: { sql: string; rows: (readonly SqlValue[])[] }[] = [];
    const insertsByText = new Map<string, { sql: string; rows: (readonly SqlValue[])[] }>();
    for (const write of deferred.splice(0)) {
      const same = write.isUpdate ? undefined : insertsByText.get(write.sql);
      if (same) {
        same.rows.push(write.params);
        continue;
      }
      const entry = { sql: write.sql, rows: [write.params] };
      writes.push(entry);
      if (!write.isUpdate && PLAIN_INSERT.test(write.sql)) insertsByText.set(write.sql, entry);
    }
    const coalesced = writes.some((write) => write.rows.length > 1);
    const texts = writes.map(({ sql, rows }) => {
      if (rows.length === 1) return sql;
      const tuple = PLAIN_INSERT.exec(sql)![1]!;
      return `${sql.slice(0, sql.lastIndexOf(tuple))}${rows.map(() => tuple).join(", ")}`;
    });
    const last = texts.pop()!;
    const text = texts.length === 0 ? last : `WITH ${texts.map((write, i) => `"w${i + 1}" AS (${write})`).join(", ")} ${last}`;
    return { sql: text, params: writes.flatMap((write) => write.rows.flat()), named: !coalesced };
  };
  const flush = async () => {
    const writes = takeDeferred();
    if (writes) await query(writes.sql, writes.params, writes.named);
  };
  const run = async (sql: string, params: readonly SqlValue[] = []) => {
    await flush();
    return (await query(sql, params)).rowCount ?? 0;
  };
  const exec = async (text: string) => {
    const before = pending;
    pending = "";
    await client.query(before ? `${before}; ${text}` : text);
  };
  return {
    provider: "postgresql",
    exclusive: false,
    all: async <T extends SqlRow>(sql: string, params: readonly SqlValue[] = []) => {
      await flush();
      return (await query<T>(sql, params)).rows;
    },
    run,
    async defer(sql, params = [], options = {}) {
      const target = /^\s*(INSERT INTO|UPDATE) "(\w+)"/i.exec(sql);
      if (!target || /\b(RETURNING|WITH)\b/i.test(sql)) return void (await run(sql, params));
      const [, verb, table] = target;
      const isUpdate = verb!.toUpperCase() === "UPDATE";
      const { replaces } = options;
      if (replaces !== undefined) {
        const replaced = deferred.findIndex((write) => write.replaces === replaces);
        if (replaced >= 0) deferred.splice(replaced, 1);
      }
      // An UPDATE would not see a row inserted in the same statement, nor may it change a row twice: send those apart.
      if (deferred.some((write) => write.table === table && (write.isUpdate || isUpdate))) await flush();
      deferred.push({ sql, params, table: table!, isUpdate, ...(replaces !== undefined ? { replaces } : {}) });
    },
    flush,
    async allInOrder(statements) {
      await flush();
      const texts = statements.map((statement) => inlined(statement.sql, statement.params));
      if (statements.length < 2 || texts.some((text) => text === null)) return oneByOne(this, statements);
      const before = pending;
      pending = "";
      const result = await client.query({ text: [...(before ? [before] : []), ...texts].join("; "), types: pgTypes } as pg.QueryConfig);
      // One result per statement, the waiting ones (BEGIN…) first.
      return (Array.isArray(result) ? result : [result]).slice(-statements.length).map((each: pg.QueryResult) => each.rows);
    },
    discardDeferred: () => void deferred.splice(0),
    sendWithNext(text) {
      pending = pending ? `${pending}; ${text}` : text;
    },
    dropPending() {
      const had = pending !== "";
      pending = "";
      return had;
    },
    exec,
    async flushAndCommit() {
      const writes = takeDeferred();
      const text = writes ? inlined(writes.sql, writes.params) : "";
      if (writes && text === null) {
        await query(writes.sql, writes.params, writes.named); // not expressible as literals: the writes on their own
        return commitOrThrow(() => exec("COMMIT"));
      }
      // Which statement failed decides what the caller may do: PostgreSQL says whether the transaction is still open.
      return commitOrThrow(() => exec(text ? `${text}; COMMIT` : "COMMIT"), text !== "");
    },
  };

  async function commitOrThrow(send: () => Promise<void>, writesFirst = false): Promise<void> {
    try {
      await send();
    } catch (error) {
      if (!writesFirst) throw new CommitFailedError(error);
      // Which statement failed? The server says whether the transaction is still open, in the message that ends every
      // query; node-postgres may report the error before reading it, so ask once more (this path is rare).
      await client.query("SELECT 1").catch(() => {});
      // "E": a write failed and the transaction is still open (the caller rolls it back). "I": the COMMIT was reached
      // and failed, the transaction is over. Anything else (a lost connection): as a failed write, the rollback then fails.
      if (client.getTransactionStatus() === "I") throw new CommitFailedError(error);
      throw error;
    }
  }
}

/** As Prisma's pg adapter binds a DateTime: UTC, without a zone (the columns are TIMESTAMP(3)). */
function pgValue(value: SqlValue): SqlValue {
  if (typeof value === "string") return storableText(value);
  return value instanceof Date ? value.toISOString().replace("Z", "") : value;
}

/** As Prisma's better-sqlite3 adapter binds values: dates as ISO 8601 with "+00:00", booleans as 0/1. */
function sqliteValue(value: SqlValue): string | number | null {
  if (value instanceof Date) return value.toISOString().replace("Z", "+00:00");
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") return storableText(value); // as on PostgreSQL, so both databases store the same text
  return value;
}

/** A DateTime column as either driver returns it (Date from Prisma, ISO text from better-sqlite3). */
export function readDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === "string" || typeof value === "number") {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new Error(`Expected a date from the database, got ${JSON.stringify(String(value))}`);
}

export function readRequiredDate(value: unknown): Date {
  const date = readDate(value);
  if (!date) throw new Error("Expected a date from the database, got null");
  return date;
}

/** An INTEGER column as either driver returns it (number, or bigint with safe integers on). */
export function readInt(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  throw new Error(`Expected an integer from the database, got ${JSON.stringify(String(value))}`);
}

/** A unique-constraint violation, as Prisma reports it (model or raw query) or as better-sqlite3 throws it. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, meta } = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } };
  return (
    code === "P2002" ||
    (code === "P2010" && meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation") ||
    code === "SQLITE_CONSTRAINT_PRIMARYKEY" ||
    code === "SQLITE_CONSTRAINT_UNIQUE" ||
    code === "23505" // unique_violation, as node-postgres throws it
  );
}

/**
 * The database could not take the write in time, and nothing was written:
 * SQLite's write lock stayed with another process past the busy timeout
 * (Prisma: P1008, or P2010 around a raw query; better-sqlite3: SQLITE_BUSY*),
 * a Prisma transaction could not start in time (P2028), or PostgreSQL gave
 * up waiting for a lock or on a conflict. Trying again later may succeed.
 */
export function isDatabaseBusy(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, meta } = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } };
  return (
    code === "P1008" ||
    code === "P2028" ||
    code === "P2034" || // write conflict or deadlock: Prisma's own advice is to retry
    (code === "P2010" && meta?.driverAdapterError?.cause?.kind === "SocketTimeout") ||
    (typeof code === "string" && /^SQLITE_(BUSY|LOCKED)/.test(code)) ||
    code === "40001" || // serialization_failure
    code === "40P01" || // deadlock_detected
    code === "55P03" // lock_not_available (lock_timeout)
  );
}
