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
 * The 15-minute UTC slot of a DateTime column, for GROUP BY; read it with
 * `readSlot`. PostgreSQL holds TIMESTAMPs in UTC, whose epoch is taken as
 * UTC: the slot number itself. SQLite holds ISO 8601 text in UTC
 * ("2026-11-20T15:07:00.000+00:00"; a SQL default writes a space for the T):
 * its minute, cut from the text, which costs half of strftime's parsing per
 * row; several minutes of one slot are added up by the caller.
 */
export function slotExpression(provider: DatabaseProvider, column: string): string {
  return provider === "sqlite" ? `substr(${column}, 1, 16)` : `CAST(FLOOR(EXTRACT(EPOCH FROM ${column}) / ${SLOT_SECONDS}) AS BIGINT)`;
}

/** A slot as slotExpression gives it, as seconds since the epoch / SLOT_SECONDS. */
export function readSlot(value: unknown): number {
  if (typeof value !== "string") return readInt(value);
  const minute = Date.parse(`${value.replace(" ", "T")}:00Z`);
  if (Number.isNaN(minute)) throw new Error(`Expected a time slot from the database, got ${JSON.stringify(value)}`);
  return Math.floor(minute / 1000 / SLOT_SECONDS);
}

/** A COUNT or SUM as either driver returns it; SUM over no rows is NULL. */
export function readTotal(value: unknown): number {
  return value === null || value === undefined ? 0 : readInt(value);
}
