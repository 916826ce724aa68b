/**
 * The plain SQL the results figures share: one statement per figure, on
 * either database, through the app's Prisma client (app/db/sql.server.ts).
 */
import prisma, { sqlOf } from "../db.server";
import type { DatabaseProvider } from "../db/database-url";
import { readInt, type Sql } from "../db/sql.server";
import { SLOT_SECONDS } from "./time-buckets";

export function resultsSql(): Sql {
  return sqlOf(prisma);
}

/**
 * The 15-minute UTC slot of a DateTime column (seconds since the epoch / 900).
 * SQLite holds DateTimes as ISO 8601 text with "+00:00", which strftime reads;
 * PostgreSQL holds them as TIMESTAMP in UTC, whose epoch is taken as UTC.
 */
export function slotExpression(provider: DatabaseProvider, column: string): string {
  return provider === "sqlite"
    ? `(CAST(strftime('%s', ${column}) AS INTEGER) / ${SLOT_SECONDS})`
    : `CAST(FLOOR(EXTRACT(EPOCH FROM ${column}) / ${SLOT_SECONDS}) AS BIGINT)`;
}

/** A COUNT or SUM as either driver returns it; SUM over no rows is NULL. */
export function readTotal(value: unknown): number {
  return value === null || value === undefined ? 0 : readInt(value);
}
