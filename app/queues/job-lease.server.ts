/**
 * The one claim / lease / backoff helper of every durable job table (the
 * outbox's Message rows, the Shopify consent-sync jobs, list imports, campaign
 * planning). A job waits in its "ready" status until it is due (`nextAttemptAt`
 * unless the table says otherwise); a worker claims it, which moves it to
 * the "leased" status with `lockedUntil` (the lease) and counts the attempt;
 * the worker then ends its claim with an outcome, conditional on the claim
 * still being its own (status and attempt number), so a worker that was too
 * slow never overwrites what happened after its lease ran out.
 *
 * Jobs that keep their own progress (an import's committed rows, a campaign's
 * written outbox rows) are instead taken over as they are once their lease ran
 * out (`takeOver`), and check that they still hold the job at each step; a
 * table without `lockedUntil` (Campaign) keeps its lease in `updatedAt`, which
 * every step of its worker renews.
 *
 * Claiming is one statement, `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING *`:
 * atomic on SQLite (one writer at a time), and on PostgreSQL the subquery
 * takes its rows `FOR UPDATE SKIP LOCKED`, so workers claiming at the same
 * moment each get different rows instead of waiting on each other's (a row a
 * concurrent claim changed after this one's snapshot is re-checked and
 * skipped). Any number of worker processes on any number of machines can share
 * one database without claiming a row twice.
 *
 * A lease that ran out means its worker died or stalled. What happens to such
 * a job depends on the job (`expireLeases`): the outbox must never blindly
 * re-send a marketing text, while a consent sync is simply taken back.
 *
 * Statements are plain SQL (app/db/sql.server.ts): one text with `?`
 * placeholders for both databases, except the claim's locking clause.
 */
import type { Sql, SqlRow, SqlStatement, SqlValue } from "../db/sql.server";

/** A job table: the statuses that mean "waiting for its turn" and "held by a worker", and how it keeps them. */
export interface JobTable {
  table: "Message" | "ShopifySyncJob" | "SubscriberImport" | "Campaign";
  ready: string;
  leased: string;
  /**
   * Which ready rows are due, claimed oldest first: `{ at: column }`, once that
   * column's time has come (default: "nextAttemptAt"); `{ inOrderOf: column }`,
   * all of them now (a queue that never waits).
   */
  due?: { at: "nextAttemptAt" | "scheduledAt" } | { inOrderOf: "createdAt" };
  /** Whether a claim counts an attempt in "attempts", which is what endClaim checks the claim by (default true). */
  countsAttempts?: boolean;
  /**
   * Where the lease is kept: "lockedUntil" (default), the instant it runs out;
   * "updatedAt", for a table without that column: the worker renews it with
   * every write, and it runs out `leaseMs` after the last.
   */
  lease?: "lockedUntil" | "updatedAt";
}

/** A condition on the row being claimed, which is called "job" in the SQL. */
export interface JobCondition {
  sql: string;
  params: readonly SqlValue[];
}

/** Column assignments written by code (never from input), e.g. `"startedAt" = COALESCE("startedAt", ?)`. */
export interface JobAssignments {
  sql: string;
  params: readonly SqlValue[];
}

export interface ClaimOptions {
  now: Date;
  limit: number;
  leaseMs: number;
  /** Rows that must also meet this (e.g. the campaign is not paused) are the only ones claimed. */
  eligible?: JobCondition;
  /**
   * Leased rows whose lease ran out are claimed too, as they are, for a job
   * that resumes from its own committed progress (with a condition: only the
   * leased rows that meet it). A leased row without any lease counts as
   * released by its worker: never set this for the outbox, whose texts wait
   * for Twilio's callback leased without a lease. Without it, a lease that
   * ran out waits for expireLeases.
   */
  takeOver?: true | JobCondition;
  /** More assignments of the claim. */
  set?: JobAssignments;
  /** The columns the claimed rows are returned with (default every one: a list import's row holds its whole file). */
  returning?: readonly string[];
}

/** The claim a worker holds on a row: what its outcome is conditional on. */
export interface JobClaim {
  id: string;
  attempts: number;
}

/** Claims up to `limit` due rows, oldest due first; resolves to the claimed rows as the database returns them. */
export function claimDueJobs(sql: Sql, jobs: JobTable, options: ClaimOptions): Promise<SqlRow[]> {
  if (options.limit <= 0) return Promise.resolve([]);
  const statement = claimStatement(jobs, sql.provider, options);
  return sql.all(statement.sql, statement.params);
}

/** One statement; with a table's defaults and no takeOver, set or returning, exactly the SQL the outbox has always claimed with (its hot path). */
function claimStatement(jobs: JobTable, provider: Sql["provider"], options: ClaimOptions): SqlStatement {
  const assignments = joined(", ", [
    fragment(`"status" = ?`, jobs.leased),
    ...(leaseColumn(jobs) === "lockedUntil" ? [fragment(`"lockedUntil" = ?`, new Date(options.now.getTime() + options.leaseMs))] : []),
    ...(jobs.countsAttempts === false ? [] : [fragment(`"attempts" = "attempts" + 1`)]),
    fragment(`"updatedAt" = ?`, options.now),
    ...(options.set ? [options.set] : []),
  ]);
  const where = joined(" AND ", [claimable(jobs, options), ...(options.eligible ? [parenthesised(options.eligible)] : [])]);
  // SKIP LOCKED: a row another worker is claiming right now is left to it, not waited for.
  const lock = provider === "postgresql" ? " FOR UPDATE SKIP LOCKED" : "";
  const returning = options.returning ? options.returning.map((column) => `"${column}"`).join(", ") : "*";
  return {
    sql: `UPDATE "${jobs.table}" SET ${assignments.sql}
    WHERE "id" IN (
      SELECT "job"."id" FROM "${jobs.table}" AS "job"
      WHERE ${where.sql}
      ORDER BY "job"."${orderColumn(jobs)}" LIMIT ?${lock}
    )
    RETURNING ${returning}`,
    params: [...assignments.params, ...where.params, options.limit],
  };
}

/** Ready and due; with takeOver, also leased with a lease that ran out. */
function claimable(jobs: JobTable, options: ClaimOptions): JobCondition {
  const due = jobs.due ?? { at: "nextAttemptAt" };
  const ready = "at" in due ? fragment(`"job"."status" = ? AND "job"."${due.at}" <= ?`, jobs.ready, options.now) : fragment(`"job"."status" = ?`, jobs.ready);
  if (!options.takeOver) return ready;
  const leased = joined(" AND ", [
    fragment(`"job"."status" = ?`, jobs.leased),
    leaseRanOut(jobs, options),
    ...(options.takeOver === true ? [] : [parenthesised(options.takeOver)]),
  ]);
  return { sql: `((${ready.sql}) OR (${leased.sql}))`, params: [...ready.params, ...leased.params] };
}

function leaseRanOut(jobs: JobTable, options: ClaimOptions): JobCondition {
  if (leaseColumn(jobs) === "updatedAt") return fragment(`"job"."updatedAt" < ?`, new Date(options.now.getTime() - options.leaseMs));
  return fragment(`("job"."lockedUntil" IS NULL OR "job"."lockedUntil" < ?)`, options.now);
}

const leaseColumn = (jobs: JobTable) => jobs.lease ?? "lockedUntil";
const orderColumn = (jobs: JobTable) => (jobs.due === undefined ? "nextAttemptAt" : "at" in jobs.due ? jobs.due.at : jobs.due.inOrderOf);
const fragment = (sql: string, ...params: SqlValue[]): JobCondition => ({ sql, params });
const parenthesised = (condition: JobCondition): JobCondition => ({ sql: `(${condition.sql})`, params: condition.params });

function joined(separator: string, parts: readonly JobCondition[]): JobCondition {
  return { sql: parts.map((part) => part.sql).join(separator), params: parts.flatMap((part) => part.params) };
}

/** expireLeases reads "lockedUntil", endClaim "attempts" too: on a table that does not keep them they would go silently wrong. */
function requireColumnsFor(what: "expireLeases" | "endClaim", jobs: JobTable): void {
  const missing = leaseColumn(jobs) !== "lockedUntil" ? `"lockedUntil"` : what === "endClaim" && jobs.countsAttempts === false ? "counted attempts" : null;
  if (missing) throw new Error(`${what} needs ${missing}, which ${jobs.table} does not keep`);
}

/**
 * Rows whose lease ran out before `now` (and that meet `where`) get status
 * `to` and lose their lease, plus the columns in `set`. Resolves to how many.
 * Column names in `set` come from code, never from input.
 */
export function expireLeases(
  sql: Sql,
  jobs: JobTable,
  options: { now: Date; to: string; where?: JobCondition; set?: Readonly<Record<string, SqlValue>> },
): Promise<number> {
  requireColumnsFor("expireLeases", jobs);
  const set = Object.entries(options.set ?? {});
  return sql.run(
    `UPDATE "${jobs.table}" AS "job" SET "status" = ?, "lockedUntil" = NULL, "updatedAt" = ?${set.map(([column]) => `, "${column}" = ?`).join("")}
     WHERE "job"."status" = ? AND "job"."lockedUntil" < ?${options.where ? ` AND (${options.where.sql})` : ""}`,
    [options.to, options.now, ...set.map(([, value]) => value), jobs.leased, options.now, ...(options.where?.params ?? [])],
  );
}

/**
 * Ends a worker's claim on a row: the row gets `status` and the columns in
 * `set`, and loses its lease, only if it is still this claim (leased, same
 * attempt). Resolves to false when it was not: the lease ran out and
 * something else happened to the row since.
 */
export async function endClaim(
  sql: Sql,
  jobs: JobTable,
  claim: JobClaim,
  outcome: { status: string; now: Date; set?: Readonly<Record<string, SqlValue>> },
): Promise<boolean> {
  const statement = endClaimStatement(jobs, claim, outcome, { returning: false });
  return (await sql.run(statement.sql, statement.params)) === 1;
}

/**
 * endClaim as a statement that returns the row's id when the claim was still
 * this one (no row when it was not), for callers that send many together
 * (Sql.allInOrder: one round trip on PostgreSQL).
 */
export function endClaimStatement(
  jobs: JobTable,
  claim: JobClaim,
  outcome: { status: string; now: Date; set?: Readonly<Record<string, SqlValue>> },
  options: { returning?: boolean } = {},
): SqlStatement {
  requireColumnsFor("endClaim", jobs);
  const set = Object.entries(outcome.set ?? {});
  return {
    sql: `UPDATE "${jobs.table}" SET "status" = ?, "lockedUntil" = NULL, "updatedAt" = ?${set.map(([column]) => `, "${column}" = ?`).join("")}
     WHERE "id" = ? AND "status" = ? AND "attempts" = ?${options.returning === false ? "" : ` RETURNING "id"`}`,
    params: [outcome.status, outcome.now, ...set.map(([, value]) => value), claim.id, jobs.leased, claim.attempts],
  };
}

export interface BackoffPolicy {
  /** The first retry's delay (before jitter); each further attempt doubles it… */
  baseMs: number;
  /** …up to this. */
  capMs: number;
  /**
   * "full": the delay is drawn uniformly between 0 and the exponential value
   * ("full jitter"), so jobs that failed together (a provider outage, a burst
   * of 429s) do not all come back at the same instant and fail together again.
   * "none": exactly the exponential value.
   */
  jitter: "full" | "none";
  /** Never sooner than this (so a retry is never due at the instant it failed). */
  minimumMs?: number;
}

/** How long to wait before the next attempt, after `attempts` attempts; never less than `atLeastMs` (a Retry-After). */
export function backoffDelayMs(policy: BackoffPolicy, attempts: number, options: { atLeastMs?: number; random?: () => number } = {}): number {
  const exponential = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  const drawn = policy.jitter === "full" ? Math.floor((options.random ?? Math.random)() * exponential) : exponential;
  return Math.max(drawn, policy.minimumMs ?? 0, options.atLeastMs ?? 0);
}
