/**
 * The sending rules against the database: the marketing history caps are
 * counted from (in batches, for planning), and the whole verdict for one text
 * about to go (for dispatch, which checks again what planning decided: a text
 * planned hours ago may now fall in quiet hours or over a cap).
 */
import prisma, { sqlOf } from "../db.server";
import { readDate, type Sql, type SqlRow } from "../db/sql.server";
import { marketingRulesVerdict, type DispatchVerdict } from "./marketing-rules";
import { recipientLocation } from "./recipient-location.server";

/**
 * Statuses of a marketing text that was sent or may have been: handed to a
 * worker or to Twilio ("sending", and "accepted" in rows from before November
 * 2026), out to the carrier, or lost with a worker mid-call ("unknown").
 * Counting one that never left is the safe mistake; "failed" never left
 * Twilio, and queued, cancelled, suppressed and skipped ones were never sent.
 * (The names are Message.status's, app/messaging/message-status.ts, a layer
 * above this one.)
 */
export const MAY_HAVE_BEEN_SENT = ["sending", "accepted", "sent", "delivered", "undelivered", "unknown"] as const;

/** How far back caps look: the rolling 24 hours and the calendar month, with room to spare. */
export const HISTORY_DAYS = 32;

const DAY_MS = 24 * 60 * 60 * 1000;

export interface MarketingHistoryOptions {
  /** Leave out this message: the one being dispatched, already marked "sending" by its claim. */
  excludeMessageId?: string;
  /** Read in the caller's plain-SQL transaction (planning) rather than through the Prisma client. */
  sql?: Sql;
}

/**
 * Each subscriber's marketing texts of the last HISTORY_DAYS days, oldest
 * first, at the shop; subscribers with none are absent from the map.
 *
 * One query, over the span of the ids: from the least to the greatest of them
 * in the database's own order (it computes both, so its collation decides),
 * as one range scan of the index on ("shop", "subscriberId"); texts of
 * subscribers inside the span who were not asked for are dropped here. So a
 * run of neighbouring ids (a page of an audience read in id order, as
 * planning reads it) costs one index range scan whatever its size, where an
 * IN-list per few hundred ids left PostgreSQL's planner, before the table's
 * statistics catch up with a bulk load, walking every text of the shop once
 * per list. Ids scattered over the shop are still answered right, at the cost
 * of reading the texts between them.
 *
 * A text is dated by when it was sent. One that may have been sent but has
 * no sentAt (claimed, or lost mid-call) is dated by the latest moment it
 * could have gone: the last change of its row, its due time or its lease,
 * whichever is latest. A later date keeps it in the rolling 24 hours longer.
 */
export async function marketingHistoryFor(
  shop: string,
  subscriberIds: readonly string[],
  now: Date,
  options: MarketingHistoryOptions = {},
): Promise<Map<string, Date[]>> {
  const history = new Map<string, Date[]>();
  const asked = new Set(subscriberIds);
  if (asked.size === 0) return history;
  const sql = options.sql ?? sqlOf(prisma);
  const since = new Date(now.getTime() - HISTORY_DAYS * DAY_MS);
  const ids = JSON.stringify([...asked]);
  const rows = await sql.all<SqlRow>(
    `SELECT "subscriberId", "sentAt", "updatedAt", "nextAttemptAt", "lockedUntil" FROM "Message"
      WHERE "shop" = ? AND "subscriberId" BETWEEN (SELECT MIN("value") FROM ${jsonElements(sql)}) AND (SELECT MAX("value") FROM ${jsonElements(sql)})
        AND "kind" = 'marketing' AND "status" IN (${MAY_HAVE_BEEN_SENT.map(() => "?").join(", ")})
        AND ("sentAt" >= ? OR ("sentAt" IS NULL AND ("updatedAt" >= ? OR "nextAttemptAt" >= ? OR "lockedUntil" >= ?)))
        ${options.excludeMessageId ? `AND "id" <> ?` : ""}`,
    [shop, ids, ids, ...MAY_HAVE_BEEN_SENT, since, since, since, since, ...(options.excludeMessageId ? [options.excludeMessageId] : [])],
  );
  for (const row of rows) {
    const subscriberId = String(row.subscriberId);
    if (!asked.has(subscriberId)) continue;
    const dates = history.get(subscriberId);
    if (dates) dates.push(dateOfText(row));
    else history.set(subscriberId, [dateOfText(row)]);
  }
  for (const dates of history.values()) if (dates.length > 1) dates.sort((a, b) => a.getTime() - b.getTime());
  return history;
}

/** The elements of a JSON array of strings bound as one parameter, as a table with one column, "value". */
const jsonElements = (sql: Sql) => (sql.provider === "postgresql" ? `json_array_elements_text(CAST(? AS json))` : `json_each(?)`);

function dateOfText(row: SqlRow): Date {
  const sentAt = readDate(row.sentAt);
  if (sentAt) return sentAt;
  const candidates = [readDate(row.updatedAt), readDate(row.nextAttemptAt), readDate(row.lockedUntil)].filter((date): date is Date => date !== null);
  return new Date(Math.max(...candidates.map((date) => date.getTime())));
}

export interface DispatchedMessage {
  shop: string;
  subscriberId: string | null;
  phone: string;
  /** The message's own id: it is left out of the history it is judged by (its claim already marked it "sending"). */
  id?: string;
}

/**
 * The rules for one marketing text at the moment it would go: deferred to the
 * recipient's next allowed minute in quiet hours, skipped over a cap (or when
 * the shop's quiet hours leave no minute to send in: "no_send_window"), else
 * sent. Consent is not checked here (app/consent/suppression.server.ts).
 */
export async function marketingRulesAtDispatch(message: DispatchedMessage, now: Date): Promise<DispatchVerdict> {
  const settings = await prisma.shop.findUnique({
    where: { shop: message.shop },
    select: {
      timezone: true,
      quietHoursStart: true,
      quietHoursEnd: true,
      maxMessagesPerDay: true,
      maxMessagesPerMonth: true,
      smartSendingHours: true,
    },
  });
  if (!settings) throw new Error(`No settings for shop ${message.shop}: its marketing texts cannot be judged`);
  const subscriber = await prisma.subscriber.findFirst({
    where: message.subscriberId ? { id: message.subscriberId, shop: message.shop } : { shop: message.shop, phone: message.phone },
    select: { id: true, timezone: true, region: true },
  });

  const location = await recipientLocation(
    { phone: message.phone, timezone: subscriber?.timezone ?? null, region: subscriber?.region ?? null },
    settings.timezone,
  );
  const history = subscriber
    ? ((await marketingHistoryFor(message.shop, [subscriber.id], now, { excludeMessageId: message.id })).get(subscriber.id) ?? [])
    : [];
  return marketingRulesVerdict(settings, location, history, now);
}
