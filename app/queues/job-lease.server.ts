/**
 * The one claim / lease / backoff helper of every durable job table (the
 * outbox's Message rows, the Shopify consent-sync jobs). A job waits in its
 * "ready" status until `nextAttemptAt`; a worker claims it, which moves it to
 * the "leased" status with `lockedUntil` (the lease) and counts the attempt;
 * the worker then ends its claim with an outcome, conditional on the claim
 * still being its own (status and attempt number), so a worker that was too
 * slow never overwrites what happened after its lease ran out.
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

/** A job table: the statuses that mean "waiting for its turn" and "held by a worker". */
export interface JobTable {
  table: "Message" | "ShopifySyncJob";
  ready: string;
  leased: string;
}

/** A condition on the row being claimed, which is called "job" in the SQL. */
export interface JobCondition {
  sql: string;
  params: readonly SqlValue[];
}

export interface ClaimOptions {
  now: Date;
  limit: number;
  leaseMs: number;
  /** Rows that must also meet this (e.g. the campaign is not paused) are the only ones claimed. */
  eligible?: JobCondition;
}

/** The claim a worker holds on a row: what its outcome is conditional on. */
export interface JobClaim {
  id: string;
  attempts: number;
}

function claimSql(jobs: JobTable, provider: Sql["provider"], eligible: string | undefined): string {
  // SKIP LOCKED: a row another worker is claiming right now is left to it, not waited for.
  const lock = provider === "postgresql" ? " FOR UPDATE SKIP LOCKED" : "";
  return `UPDATE "${jobs.table}" SET "status" = ?, "lockedUntil" = ?, "attempts" = "attempts" + 1, "updatedAt" = ?
    WHERE "id" IN (
      SELECT "job"."id" FROM "${jobs.table}" AS "job"
      WHERE "job"."status" = ? AND "job"."nextAttemptAt" <= ?${eligible ? ` AND (${eligible})` : ""}
      ORDER BY "job"."nextAttemptAt" LIMIT ?${lock}
    )
    RETURNING *`;
}

/** Claims up to `limit` due rows, oldest due first; resolves to the claimed rows as the database returns them. */
export function claimDueJobs(sql: Sql, jobs: JobTable, options: ClaimOptions): Promise<SqlRow[]> {
  if (options.limit <= 0) return Promise.resolve([]);
  const lockedUntil = new Date(options.now.getTime() + options.leaseMs);
  return sql.all(claimSql(jobs, sql.provider, options.eligible?.sql), [
    jobs.leased,
    lockedUntil,
    options.now,
    jobs.ready,
    options.now,
    ...(options.eligible?.params ?? []),
    options.limit,
  ]);
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
