/**
 * The subscribers page's list and the CSV export's rows: one shop's
 * subscribers, searched, filtered and sorted as app/subscribers/
 * subscriber-search.ts reads the URL, in keyset pages.
 *
 * Keyset, not OFFSET: a page after the cursor (sort value, id) costs the same
 * at row 50 as at row 99,950, and a row changed while the merchant pages is
 * neither shown twice nor skipped in a way OFFSET would shift. The default
 * order (last change) walks the (shop, updatedAt) index, the phone order the
 * (shop, phone) unique index. "Subscribed" dates are nullable (a pending
 * number has none): they sort after every dated row, in either direction.
 *
 * Region and subscribed-between come from the campaign audience's own SQL
 * (app/campaigns/audience.server.ts), and the source filter means what the
 * audience's does (the source of the latest opt-in), so a filter here means
 * exactly what it means there. One SQL text for both databases (`?` placeholders, see
 * app/db/sql.server.ts); the subscriber table is aliased "s".
 */
import { DateTime } from "luxon";
import prisma, { sqlOf } from "../db.server";
import { readDate, readInt, type Sql, type SqlValue } from "../db/sql.server";
import { REDACTED_PREFIX, redactedPhoneKey } from "../consent/redacted-phone.server";
import { countryListOf, type PhonePolicy } from "../phone/phone-number";
import { CONDITIONS, CONSENT_GIVING_KINDS, type AudienceContext, type SqlCondition } from "../campaigns/audience.server";
import {
  containsPattern,
  encodeCursor,
  isFiltered,
  searchTermsOf,
  sortKeyOf,
  type Cursor,
  type SortKey,
  type SubscriberQuery,
} from "./subscriber-search";

export const PAGE_SIZE = 50;

export interface SubscriberRow {
  id: string;
  /** E.164; empty for an erased customer's row, which keeps only a keyed hash of the number (`erased`). */
  phone: string;
  erased: boolean;
  status: string;
  optInLevel: string | null;
  /** Source of the latest consent-giving event (see subscriber-search.ts); null when the ledger holds none. */
  source: string | null;
  subscribedAt: Date | null;
  unsubscribedAt: Date | null;
  updatedAt: Date;
  region: string | null;
  locale: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  shopifyCustomerId: string | null;
}

/** What reading the query needs to know of the shop: the country a national number is read in, the zone days are counted in. */
export interface ListContext {
  defaultCountry: PhonePolicy["defaultCountry"];
  timezone: string;
  /** Which SQL form the source filter takes (see latestConsentSourceIn). */
  provider: Sql["provider"];
}

export async function listContextFor(shop: string): Promise<ListContext> {
  const settings = await prisma.shop.findUnique({ where: { shop }, select: { smsCountries: true, timezone: true } });
  const country = countryListOf(settings?.smsCountries)[0] ?? "US";
  return { defaultCountry: country as PhonePolicy["defaultCountry"], timezone: settings?.timezone ?? "UTC", provider: sqlOf(prisma).provider };
}

const SORT_COLUMNS: Record<SortKey, { column: string; nullable: boolean }> = {
  updated: { column: `"s"."updatedAt"`, nullable: false },
  subscribed: { column: `"s"."subscribedAt"`, nullable: true },
  phone: { column: `"s"."phone"`, nullable: false },
};

const GIVING = CONSENT_GIVING_KINDS.map((kind) => `'${kind}'`).join(", ");

const ROW_COLUMNS = `"s"."id", "s"."phone", "s"."status", "s"."optInLevel", "s"."subscribedAt", "s"."unsubscribedAt", "s"."updatedAt",
  "s"."region", "s"."locale", "s"."firstName", "s"."lastName", "s"."email", "s"."shopifyCustomerId",
  (SELECT "e"."source" FROM "ConsentEvent" AS "e"
     WHERE "e"."subscriberId" = "s"."id" AND "e"."kind" IN (${GIVING})
     ORDER BY "e"."seq" DESC LIMIT 1) AS "source"`;

const placeholders = (values: readonly unknown[]) => values.map(() => "?").join(", ");

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/**
 * Subscribers whose latest consent-giving event has one of these sources: the
 * campaign audience's `sources` condition, in another form. The audience asks
 * each subscriber for its latest event (right for the few hundred rows a
 * planning batch looks at); over a whole list that is one index probe per
 * subscriber, twice (page and count): about a second at 100,000 on
 * PostgreSQL. Here the shop's events of these sources with no later
 * consent-giving event form a set PostgreSQL hashes once: 51 ms for a page,
 * 220 ms for the count at 100,000 (busy machine). SQLite's planner does worse
 * with this form (193 ms of CPU against 99 ms for the probes at 100,000), so
 * SQLite keeps the audience's. The test compares the two on both databases.
 * `OFFSET 0` keeps PostgreSQL from folding the set into the outer query: with
 * a name search beside it, it otherwise ran the anti-join per matching row
 * (471 ms against 169 ms at 100,000, `npm run bench:admin`).
 */
function latestConsentSourceIn(shop: string, sources: readonly string[]): SqlCondition {
  return {
    sql: `"s"."id" IN (SELECT "e"."subscriberId" FROM "ConsentEvent" AS "e"
            WHERE "e"."shop" = ? AND "e"."kind" IN (${GIVING}) AND "e"."source" IN (${placeholders(sources)})
              AND NOT EXISTS (SELECT 1 FROM "ConsentEvent" AS "later"
                WHERE "later"."subscriberId" = "e"."subscriberId" AND "later"."kind" IN (${GIVING}) AND "later"."seq" > "e"."seq")
            OFFSET 0)`,
    params: [shop, ...sources],
  };
}

/** The WHERE clause (over "Subscriber" AS "s") of this shop's subscribers matching `query`; the cursor is not part of it. */
export async function subscriberWhere(shop: string, query: SubscriberQuery, context: ListContext): Promise<SqlCondition> {
  const parts: SqlCondition[] = [{ sql: `"s"."shop" = ?`, params: [shop] }];
  const audienceContext: AudienceContext = { now: new Date(), shopTimezone: context.timezone };
  const terms = searchTermsOf(query.q, context.defaultCountry);
  if (terms?.kind === "phone") {
    // A whole number the shop holds: that number (also an erased customer's row, found by its keyed hash), through
    // the (shop, phone) index. Otherwise the numbers holding these digits (never an erased row's hash): typed digits
    // can read as a whole number of some country ("555 0123" in the UK) and still be meant as part of one.
    const exact = terms.e164 ? [terms.e164, redactedPhoneKey(shop, terms.e164)] : [];
    const held = exact.length > 0 && (await prisma.subscriber.findFirst({ where: { shop, phone: { in: exact } }, select: { id: true } })) !== null;
    parts.push(
      held
        ? { sql: `"s"."phone" IN (?, ?)`, params: exact }
        : { sql: `"s"."phone" LIKE ? ESCAPE '\\'`, params: [`+${containsPattern(terms.digits)}`] },
    );
  } else if (terms?.kind === "words") {
    for (const word of terms.words) {
      const pattern = containsPattern(word);
      parts.push({
        sql: ["firstName", "lastName", "email"].map((column) => `LOWER("s"."${column}") LIKE ? ESCAPE '\\'`).join(" OR "),
        params: [pattern, pattern, pattern],
      });
    }
  }
  if (query.statuses.length) parts.push({ sql: `"s"."status" IN (${placeholders(query.statuses)})`, params: [...query.statuses] });
  if (query.optInLevel) parts.push({ sql: `"s"."optInLevel" = ?`, params: [query.optInLevel] });
  if (query.sources.length) {
    parts.push(context.provider === "postgresql" ? latestConsentSourceIn(shop, query.sources) : CONDITIONS.sources(query.sources, audienceContext));
  }
  if (query.regions.length) parts.push(CONDITIONS.regions(query.regions, audienceContext));
  if (query.from) parts.push(CONDITIONS.subscribedAfter(query.from, audienceContext));
  if (query.to) parts.push(CONDITIONS.subscribedBefore(nextDay(query.to), audienceContext));
  return { sql: parts.map((part) => `(${part.sql})`).join(" AND "), params: parts.flatMap((part) => part.params) };
}

/**
 * Rows after (or, `backwards`, before) `cursor` in the query's order, as the
 * SQL predicate and ORDER BY. Going backwards reverses the order (nulls then
 * come first) and the caller reverses the rows it gets.
 */
function keyset(query: SubscriberQuery, cursor: Cursor | null, backwards: boolean): { where: SqlCondition | null; orderBy: string } {
  const { key, descending } = sortKeyOf(query.sort);
  const { column, nullable } = SORT_COLUMNS[key];
  const down = descending !== backwards;
  const nullsLast = !backwards;
  const direction = down ? "DESC" : "ASC";
  const orderBy = `${nullable ? `CASE WHEN ${column} IS NULL THEN ${nullsLast ? 1 : 0} ELSE ${nullsLast ? 0 : 1} END, ` : ""}${column} ${direction}, "s"."id" ${direction}`;
  if (!cursor) return { where: null, orderBy };
  const beyond = down ? "<" : ">";
  const value = cursorValue(key, cursor.value);
  if (value === null) {
    // Among the rows without a date: by id; before them (going backwards), every dated row.
    const sameGroup = `(${column} IS NULL AND "s"."id" ${beyond} ?)`;
    return { where: { sql: nullsLast ? sameGroup : `${sameGroup} OR ${column} IS NOT NULL`, params: [cursor.id] }, orderBy };
  }
  // "<=" first lets both databases walk the sort column's index from the cursor on.
  const after = `${column} ${beyond}= ? AND (${column} ${beyond} ? OR "s"."id" ${beyond} ?)`;
  return {
    where: { sql: nullable && nullsLast ? `(${after}) OR ${column} IS NULL` : after, params: [value, value, cursor.id] },
    orderBy,
  };
}

function cursorValue(key: SortKey, value: string | null): SqlValue {
  if (value === null) return null;
  if (key === "phone") return value;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

// What an erased row's phone column holds (its keyed hash): the phone order's cursor needs it, the page does not.
const storedPhones = new WeakMap<SubscriberRow, string>();

function sortValueOf(key: SortKey, row: SubscriberRow): string | null {
  if (key === "phone") return storedPhones.get(row) ?? row.phone;
  const date = key === "updated" ? row.updatedAt : row.subscribedAt;
  return date ? date.toISOString() : null;
}

function rowOf(row: Record<string, unknown>): SubscriberRow {
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  const phone = String(row.phone);
  const erased = phone.startsWith(REDACTED_PREFIX);
  const subscriber: SubscriberRow = {
    id: String(row.id),
    phone: erased ? "" : phone,
    erased,
    status: String(row.status),
    optInLevel: text(row.optInLevel),
    source: text(row.source),
    subscribedAt: readDate(row.subscribedAt),
    unsubscribedAt: readDate(row.unsubscribedAt),
    updatedAt: readDate(row.updatedAt)!,
    region: text(row.region),
    locale: text(row.locale),
    firstName: text(row.firstName),
    lastName: text(row.lastName),
    email: text(row.email),
    shopifyCustomerId: text(row.shopifyCustomerId),
  };
  if (erased) storedPhones.set(subscriber, phone);
  return subscriber;
}

/**
 * Up to `limit` rows after (`direction` "next") or before ("previous") the
 * cursor, in the query's order, and whether more lie that way. The export
 * walks the whole list with it, a batch at a time.
 */
export async function subscriberBatch(
  sql: Sql,
  where: SqlCondition,
  query: SubscriberQuery,
  cursor: Cursor | null,
  limit: number,
  direction: "next" | "previous" = "next",
): Promise<{ rows: SubscriberRow[]; more: boolean }> {
  const backwards = direction === "previous";
  const page = keyset(query, cursor, backwards);
  const conditions = page.where ? `(${where.sql}) AND (${page.where.sql})` : where.sql;
  const found = await sql.all(`SELECT ${ROW_COLUMNS} FROM "Subscriber" AS "s" WHERE ${conditions} ORDER BY ${page.orderBy} LIMIT ?`, [
    ...where.params,
    ...(page.where?.params ?? []),
    limit + 1,
  ]);
  const rows = found.slice(0, limit).map(rowOf);
  if (backwards) rows.reverse();
  return { rows, more: found.length > limit };
}

/** The position of `row` in the query's order: a page after it starts with the row that follows it. */
export function cursorFor(query: SubscriberQuery, row: SubscriberRow): Cursor {
  return { sort: query.sort, value: sortValueOf(sortKeyOf(query.sort).key, row), id: row.id };
}

/** The same, as the URL-safe text of a page link. */
export function cursorAt(query: SubscriberQuery, row: SubscriberRow): string {
  return encodeCursor(cursorFor(query, row));
}

export async function countSubscribers(shop: string, query: SubscriberQuery, context?: ListContext): Promise<number> {
  return countWhere(await subscriberWhere(shop, query, context ?? (await listContextFor(shop))));
}

async function countWhere(where: SqlCondition): Promise<number> {
  const [row] = await sqlOf(prisma).all(`SELECT CAST(COUNT(*) AS INTEGER) AS "n" FROM "Subscriber" AS "s" WHERE ${where.sql}`, where.params);
  return row ? readInt(row.n) : 0;
}

export interface SubscriberList {
  rows: SubscriberRow[];
  /** Subscribers matching the query (every page). */
  total: number;
  /** False only for a shop with no subscriber at all: the empty state then leads to getting some, not to clearing filters. */
  shopHasSubscribers: boolean;
  nextCursor: string | null;
  previousCursor: string | null;
}

/** One page of the shop's subscribers matching `query`, and how many match in all. */
export async function listSubscribers(shop: string, query: SubscriberQuery, options: { pageSize?: number } = {}): Promise<SubscriberList> {
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const context = await listContextFor(shop);
  const where = await subscriberWhere(shop, query, context);
  const sql = sqlOf(prisma);
  const backwards = !query.after && query.before !== null;
  const [page, total] = await Promise.all([
    subscriberBatch(sql, where, query, query.after ?? query.before, pageSize, backwards ? "previous" : "next"),
    countWhere(where),
  ]);
  const hasNext = backwards ? true : page.more;
  const hasPrevious = backwards ? page.more : query.after !== null;
  const first = page.rows[0];
  const last = page.rows[page.rows.length - 1];
  const shopHasSubscribers = total > 0 || (isFiltered(query) && (await prisma.subscriber.findFirst({ where: { shop }, select: { id: true } })) !== null);
  return {
    rows: page.rows,
    total,
    shopHasSubscribers,
    nextCursor: hasNext && last ? cursorAt(query, last) : null,
    previousCursor: hasPrevious && first ? cursorAt(query, first) : null,
  };
}

/** Days in the shop's zone for a date shown to the merchant, e.g. the export's file name. */
export function shopDay(now: Date, timezone: string): string {
  return DateTime.fromJSDate(now, { zone: timezone }).toISODate() ?? now.toISOString().slice(0, 10);
}

/** One subscriber and the evidence of every consent change, oldest first; null if not this shop's. */
export async function getSubscriberHistory(shop: string, subscriberId: string) {
  const subscriber = await prisma.subscriber.findFirst({ where: { id: subscriberId, shop } });
  if (!subscriber) return null;
  const events = await prisma.consentEvent.findMany({
    where: { shop, subscriberId },
    orderBy: { seq: "asc" },
    select: { seq: true, kind: true, source: true, fromStatus: true, toStatus: true, occurredAt: true, evidence: true, hash: true, redactedAt: true },
  });
  return {
    subscriber,
    events: events.map(({ evidence, ...event }) => ({ ...event, evidence: JSON.parse(evidence) as Record<string, unknown> })),
  };
}
