/**
 * The subscribers list as CSV, streamed: the filtered list read in keyset
 * batches (subscribers.server.ts) and written with csv-stringify, one batch
 * at a time and only when the reader asks for more (a pull-based
 * ReadableStream), so memory stays flat however long the list and however
 * slow the connection: a million rows hold one batch in memory, not a file.
 *
 * Spreadsheets run a cell that starts with = + - @ (or a tab or carriage
 * return) as a formula ("CSV injection"); such cells get a leading ', by the
 * app's one guard (app/compliance/csv-safety.ts). A phone number in E.164
 * ("+14155550123") is left as it is: digits after a plus sign cannot be a
 * formula, and the number must survive a round trip into another SMS tool.
 */
import { stringify } from "csv-stringify/sync";
import { safeCell } from "../compliance/csv-safety";
import prisma, { sqlOf } from "../db.server";
import { SOURCE_LABELS, type SubscriberQuery } from "./subscriber-search";
import { cursorFor, listContextFor, shopDay, subscriberBatch, subscriberWhere, type SubscriberRow } from "./subscribers.server";

export const EXPORT_BATCH_SIZE = 2_000;

export const EXPORT_COLUMNS = [
  "phone",
  "status",
  "opt-in level",
  "source",
  "subscribed at",
  "unsubscribed at",
  "region",
  "locale",
  "first name",
  "last name",
  "e-mail",
  "Shopify customer id",
] as const;

const iso = (date: Date | null) => (date ? date.toISOString() : "");

function csvRecord(row: SubscriberRow): string[] {
  return [
    row.erased ? "(erased at the customer's request)" : row.phone,
    row.status,
    row.optInLevel ?? "",
    row.source ? (SOURCE_LABELS[row.source] ?? row.source) : "",
    iso(row.subscribedAt),
    iso(row.unsubscribedAt),
    row.region ?? "",
    row.locale ?? "",
    row.firstName ?? "",
    row.lastName ?? "",
    row.email ?? "",
    row.shopifyCustomerId?.replace(/^gid:\/\/shopify\/Customer\//, "") ?? "",
  ].map(safeCell);
}

/** "subscribers-juniper-pine-2026-11-27.csv": the shop's handle and the day in its zone. */
export function exportFileName(shop: string, day: string): string {
  const handle = shop.replace(/\.myshopify\.com$/, "").replace(/[^a-z0-9-]+/gi, "-").slice(0, 60) || "shop";
  return `subscribers-${handle}-${day}.csv`;
}

export interface SubscriberExport {
  fileName: string;
  /** UTF-8 CSV with a header row; rows in the query's sort order. */
  body: ReadableStream<Uint8Array>;
}

/** The shop's subscribers matching `query` (its cursor ignored: the whole list) as a CSV stream. */
export async function exportSubscribers(
  shop: string,
  query: SubscriberQuery,
  options: { now?: Date; batchSize?: number } = {},
): Promise<SubscriberExport> {
  const context = await listContextFor(shop);
  const whole: SubscriberQuery = { ...query, after: null, before: null };
  const where = await subscriberWhere(shop, whole, context);
  const batchSize = options.batchSize ?? EXPORT_BATCH_SIZE;
  const encoder = new TextEncoder();
  let cursor: SubscriberRow | null = null;
  let done = false;

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // A BOM so Excel reads the names as UTF-8.
        controller.enqueue(encoder.encode(`\uFEFF${stringify([[...EXPORT_COLUMNS]])}`));
      },
      // Called only when the reader has room for more: the next batch is not read before the last one was taken.
      async pull(controller) {
        if (done) return controller.close();
        const { rows, more } = await subscriberBatch(sqlOf(prisma), where, whole, cursor ? cursorFor(whole, cursor) : null, batchSize);
        if (rows.length > 0) controller.enqueue(encoder.encode(stringify(rows.map(csvRecord))));
        cursor = rows[rows.length - 1] ?? cursor;
        done = !more;
        if (done) controller.close();
      },
    },
    { highWaterMark: 1 },
  );
  return { fileName: exportFileName(shop, shopDay(options.now ?? new Date(), context.timezone)), body };
}
