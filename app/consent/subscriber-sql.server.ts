/**
 * The Subscriber rows the consent engine reads and writes, in plain SQL (see
 * app/db/sql.server.ts for why). Only the consent engine and the inbound
 * handler use these; everything else reads subscribers through Prisma.
 */
import { randomUUID } from "node:crypto";
import type { Subscriber } from "@prisma/client";
import { readDate, readInt, readRequiredDate, type Sql, type SqlRow, type SqlValue } from "../db/sql.server";

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

export async function findSubscriber(sql: Sql, shop: string, phone: string): Promise<Subscriber | null> {
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
  return subscriberFromRow(row);
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
    pendingExpiresAt: readDate(row.pendingExpiresAt),
    subscribedAt: readDate(row.subscribedAt),
    unsubscribedAt: readDate(row.unsubscribedAt),
    undeliverableCount: readInt(row.undeliverableCount),
    unreachableAt: readDate(row.unreachableAt),
    createdAt: readRequiredDate(row.createdAt),
    updatedAt: readRequiredDate(row.updatedAt),
  };
}
