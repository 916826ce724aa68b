/**
 * Fixed-window request counters in the database (RateLimitWindow), so every
 * app instance sharing it counts the same requests. One statement per counter,
 * an insert that adds one on conflict and returns the new count: atomic on
 * SQLite and PostgreSQL alike, however many instances count at once. A
 * request's counters are one transaction (on SQLite committed together with
 * the other writes of that moment, see withSqlTransaction), so a burst costs
 * a few commits, not one per counter.
 *
 * Keys name what is counted, the shop, and for whom (`shopRateKey`): client
 * identifiers (IPs, customer ids) are hashed, so no personal data is stored in
 * clear, and the shop stands between bars so shop/redact finds every key of
 * a shop and no other's. Expired windows are deleted opportunistically by the first request
 * of each new window of a key the caller marks `purgesExpired` (a key hit
 * steadily, such as a shop's), so the table stays small without a job.
 */
import { createHash } from "node:crypto";
import { sqlOf, withSqlTransaction, type DbTx } from "../db.server";
import { readInt, type Sql } from "../db/sql.server";

export interface RateLimitRule {
  /** Shown in the refusal, e.g. "per client": says which limit was reached. */
  name: string;
  key: string;
  max: number;
  windowMs: number;
  /** The first request of each window of this key also deletes every expired window. */
  purgesExpired?: boolean;
}

export type RateLimitVerdict = { ok: true } | { ok: false; rule: string; retryAfterSeconds: number };

const INCREMENT_SQL = `INSERT INTO "RateLimitWindow" ("key", "windowStart", "count", "expiresAt") VALUES (?, ?, 1, ?)
ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = "RateLimitWindow"."count" + 1
RETURNING "count"`;

const PURGE_SQL = `DELETE FROM "RateLimitWindow" WHERE "expiresAt" < ?`;

/**
 * Counts this request against the rules in order and says whether all of them
 * still allow it. Refused: the rule reached and how long until its window
 * ends. A counter moves even past its limit (a client that keeps hammering
 * stays refused until its window ends), but the rules after the one that
 * refused do not count the request: list the narrowest first (a client, then
 * the shop), so one client's refused flood never uses up what everyone shares.
 */
export function hitRateLimits(rules: readonly RateLimitRule[], options: { now?: Date } = {}): Promise<RateLimitVerdict> {
  const now = options.now ?? new Date();
  return withSqlTransaction((sql) => countAll(sql, rules, now));
}

async function countAll(sql: Sql, rules: readonly RateLimitRule[], now: Date): Promise<RateLimitVerdict> {
  for (const rule of rules) {
    const windowStart = Math.floor(now.getTime() / rule.windowMs) * rule.windowMs;
    const windowEnd = windowStart + rule.windowMs;
    const [row] = await sql.all<{ count: unknown }>(INCREMENT_SQL, [rule.key, new Date(windowStart), new Date(windowEnd)]);
    const count = readInt(row?.count);
    if (count === 1 && rule.purgesExpired) await sql.run(PURGE_SQL, [now]);
    if (count > rule.max) return { ok: false, rule: rule.name, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - now.getTime()) / 1000)) };
  }
  return { ok: true };
}

/** Deletes every window that has ended (the worker, hourly; requests also purge, see `purgesExpired`). */
export async function purgeExpiredRateLimitWindows(db: DbTx, now: Date): Promise<number> {
  return sqlOf(db).run(PURGE_SQL, [now]);
}

/**
 * `<what>|<shop>|<sha256 of the client parts>` (the last part empty for a
 * shop-wide counter): stable, keeps the client's IP or id out of the key, and
 * names the shop where shop/redact looks for it (`|<shop>|`).
 */
export function shopRateKey(what: string, shop: string, ...clientParts: string[]): string {
  const client = clientParts.length > 0 ? createHash("sha256").update(clientParts.join("\u0000")).digest("hex") : "";
  return `${what}|${shop}|${client}`;
}
