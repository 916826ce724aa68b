/**
 * The Subscriber rows the consent engine reads and writes, in plain SQL (see
 * app/db/sql.server.ts for why). Only the consent engine and the inbound
 * handler use these; everything else reads subscribers through Prisma.
 */
import { randomUUID } from "node:crypto";
import type { Subscriber } from "@prisma/client";
import { readDate, readInt, readRequiredDate, type Sql, type SqlRow, type SqlStatement, type SqlValue } from "../db/sql.server";

/** What a consent change may set on a subscriber. */
export type SubscriberChanges = Partial<
  Pick<
    Subscriber,
    | "status"
    | "optInLevel"
    | "subscribedAt"
    | "unsubscribedAt"
    | "pendingExpiresAt"
    | "locale"
    | "shopifyCustomerId"
    | "undeliverableCount"
    | "unreachableAt"
  >
>;
type ChangedColumn = keyof SubscriberChanges;

/**
 * In a batch (Sql.known, see db/group-commit.ts): the subscriber rows of the
 * batch's numbers, read once by loadSubscribers and kept current by every
 * create and update below, so the batch's units read them without a round
 * trip and each sees the earlier units' changes. Null: no row for that number.
 * Rows change only under the shop's chain lock, which the batch holds.
 */
const knownKey = (shop: string, phone: string) => `subscriber\u0000${shop}\u0000${phone}`;

function known(sql: Sql, shop: string, phone: string): Subscriber | null | undefined {
  return sql.known?.get(knownKey(shop, phone)) as Subscriber | null | undefined;
}

function remember(sql: Sql, subscriber: Subscriber): void {
  sql.known?.set(knownKey(subscriber.shop, subscriber.phone), subscriber);
}

/** Reads the rows of these numbers (and records their absence) into Sql.known, in one query. Only where Sql.known exists. */
export async function loadSubscribers(sql: Sql, shop: string, phones: readonly string[]): Promise<void> {
  const read = subscribersRead(sql, shop, phones);
  if (read) read.remember(await sql.all(read.statement.sql, read.statement.params));
}

/**
 * loadSubscribers in two halves, for a caller that sends the read with other
 * statements (Sql.allInOrder): the statement, and what to do with its rows.
 * Null when there is nothing to read.
 */
export function subscribersRead(
  sql: Sql,
  shop: string,
  phones: readonly string[],
): { statement: SqlStatement; remember(rows: readonly SqlRow[]): void } | null {
  const knownRows = sql.known;
  if (!knownRows) return null;
  const wanted = [...new Set(phones)].filter((phone) => !knownRows.has(knownKey(shop, phone)));
  if (wanted.length === 0) return null;
  const statement: SqlStatement =
    sql.provider === "postgresql"
      ? { sql: `SELECT * FROM "Subscriber" WHERE "shop" = ? AND "phone" = ANY(?)`, params: [shop, wanted as unknown as string] }
      : { sql: `SELECT * FROM "Subscriber" WHERE "shop" = ? AND "phone" IN (${wanted.map(() => "?").join(", ")})`, params: [shop, ...wanted] };
  return {
    statement,
    remember(rows) {
      for (const phone of wanted) knownRows.set(knownKey(shop, phone), null);
      for (const row of rows) remember(sql, subscriberFromRow(row));
    },
  };
}

export async function findSubscriber(sql: Sql, shop: string, phone: string): Promise<Subscriber | null> {
  const cached = known(sql, shop, phone);
  if (cached !== undefined) return cached;
  const [row] = await sql.all(`SELECT * FROM "Subscriber" WHERE "shop" = ? AND "phone" = ?`, [shop, phone]);
  return row ? subscriberFromRow(row) : null;
}

/**
 * The number's row and, in the same round trip, the row a customer erasure
 * left for it (its phone replaced by `erasedPhone`, the keyed hash of
 * app/consent/redacted-phone.server.ts). This runs for every opt-out.
 */
export async function findSubscriberAndErasedRecord(
  sql: Sql,
  shop: string,
  phone: string,
  erasedPhone: string,
): Promise<{ subscriber: Subscriber | null; erased: Subscriber | null }> {
  const subscriber = known(sql, shop, phone);
  const erased = known(sql, shop, erasedPhone);
  if (subscriber !== undefined && erased !== undefined) return { subscriber, erased };
  const rows = (await sql.all(`SELECT * FROM "Subscriber" WHERE "shop" = ? AND "phone" IN (?, ?)`, [shop, phone, erasedPhone])).map(subscriberFromRow);
  return { subscriber: rows.find((row) => row.phone === phone) ?? null, erased: rows.find((row) => row.phone === erasedPhone) ?? null };
}

export async function createSubscriber(sql: Sql, shop: string, phone: string, changes: SubscriberChanges, now: Date): Promise<Subscriber> {
  const subscriber: Subscriber = {
    id: randomUUID(),
    shop,
    phone,
    status: "pending",
    optInLevel: null,
    shopifyCustomerId: null,
    locale: null,
    timezone: null,
    region: null,
    firstName: null,
    lastName: null,
    email: null,
    lastOrderAt: null,
    pendingExpiresAt: null,
    subscribedAt: null,
    unsubscribedAt: null,
    undeliverableCount: 0,
    unreachableAt: null,
    createdAt: now,
    updatedAt: now,
    ...changes,
  };
  const columns = Object.keys(subscriber) as (keyof Subscriber)[];
  await sql.defer(
    `INSERT INTO "Subscriber" (${columns.map((column) => `"${column}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
    columns.map((column) => subscriber[column]),
  );
  remember(sql, subscriber);
  return subscriber;
}

export async function updateSubscriber(sql: Sql, id: string, changes: SubscriberChanges, now: Date): Promise<Subscriber> {
  const columns = (Object.keys(changes) as ChangedColumn[]).filter((column) => changes[column] !== undefined);
  const values: SqlValue[] = columns.map((column) => changes[column] ?? null);
  const [row] = await sql.all(
    `UPDATE "Subscriber" SET ${columns.map((column) => `"${column}" = ?, `).join("")}"updatedAt" = ? WHERE "id" = ? RETURNING *`,
    [...values, now, id],
  );
  if (!row) throw new Error(`Subscriber ${id} disappeared during a consent change`);
  const subscriber = subscriberFromRow(row);
  remember(sql, subscriber);
  return subscriber;
}

/** An opt-out takes effect at once: nothing queued for marketing goes out after it. Order updates and compliance texts stay. */
export function cancelQueuedMarketing(sql: Sql, subscriber: Pick<Subscriber, "shop" | "id">, now: Date): Promise<number> {
  return sql.run(
    `UPDATE "Message" SET "status" = 'cancelled', "updatedAt" = ?
     WHERE "shop" = ? AND "subscriberId" = ? AND "kind" = 'marketing' AND "status" = 'queued'`,
    [now, subscriber.shop, subscriber.id],
  );
}

function subscriberFromRow(row: SqlRow): Subscriber {
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  return {
    id: String(row.id),
    shop: String(row.shop),
    phone: String(row.phone),
    status: String(row.status),
    optInLevel: text(row.optInLevel),
    shopifyCustomerId: text(row.shopifyCustomerId),
    locale: text(row.locale),
    timezone: text(row.timezone),
    region: text(row.region),
    firstName: text(row.firstName),
    lastName: text(row.lastName),
    email: text(row.email),
    lastOrderAt: readDate(row.lastOrderAt),
    pendingExpiresAt: readDate(row.pendingExpiresAt),
    subscribedAt: readDate(row.subscribedAt),
    unsubscribedAt: readDate(row.unsubscribedAt),
    undeliverableCount: readInt(row.undeliverableCount),
    unreachableAt: readDate(row.unreachableAt),
    createdAt: readRequiredDate(row.createdAt),
    updatedAt: readRequiredDate(row.updatedAt),
  };
}
