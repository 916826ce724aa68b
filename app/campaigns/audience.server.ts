/**
 * The one SQL definition of a campaign's audience. Counting (the number the
 * merchant sees while editing), the preview's sample and planning (the outbox
 * rows written) all take their WHERE clause from `audienceWhere`, so the
 * count is exactly what planning queues.
 *
 * Everyone in an audience is subscribed right now, reachable (no
 * unreachableAt: repeated permanent failures) and not erased (a customer
 * erasure leaves the row unsubscribed with a keyed hash for a phone, see
 * app/consent/redacted-phone.server.ts): pending, expired, unsubscribed,
 * unreachable and erased numbers are never counted, whatever the filter says.
 *
 * One SQL text for both databases (`?` placeholders, see app/db/sql.server.ts);
 * the subscriber table is aliased "s".
 */
import { DateTime } from "luxon";
import prisma, { sqlOf } from "../db.server";
import { readInt, type Sql, type SqlValue } from "../db/sql.server";
import { REDACTED_PREFIX } from "../consent/redacted-phone.server";
import type { ConsentEventKind } from "../consent/transitions";
import type { AudienceFilter, SegmentConditions } from "./audience";

export interface SqlCondition {
  sql: string;
  params: SqlValue[];
}

export interface AudienceContext {
  /** "Ordered / clicked in the last N days" count back from here. */
  now: Date;
  /** The shop's zone: a "subscribed after 2026-11-01" starts at midnight there. */
  shopTimezone: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The events that give consent; the latest of them is the one a subscriber is subscribed on (a "confirmed" only completes one). */
export const CONSENT_GIVING_KINDS = ["opt_in_requested", "opted_in", "resubscribed"] as const satisfies readonly ConsentEventKind[];

const placeholders = (values: readonly unknown[]) => values.map(() => "?").join(", ");
const quoted = (values: readonly string[]) => values.map((value) => `'${value}'`).join(", ");

type ConditionBuilder<K extends keyof SegmentConditions> = (value: NonNullable<SegmentConditions[K]>, context: AudienceContext) => SqlCondition;

/**
 * One entry per kind of segment condition: the SQL that keeps the subscribers
 * matching it. Typed by SegmentConditions, so a condition added to the schema
 * does not compile until it has its SQL here.
 */
export const CONDITIONS: { [K in keyof SegmentConditions]-?: ConditionBuilder<K> } = {
  // The latest consent-giving event, walked backwards on ConsentEvent(subscriberId, seq): one index probe per subscriber.
  sources: (sources) => ({
    sql: `(SELECT "e"."source" FROM "ConsentEvent" AS "e"
            WHERE "e"."subscriberId" = "s"."id" AND "e"."kind" IN (${quoted(CONSENT_GIVING_KINDS)})
            ORDER BY "e"."seq" DESC LIMIT 1) IN (${placeholders(sources)})`,
    params: [...sources],
  }),
  locales: (locales) => ({ sql: `"s"."locale" IN (${placeholders(locales)})`, params: [...locales] }),
  // The state known from the subscriber's orders (app/checkout/orders-create.server.ts), never guessed from the number: a
  // subscriber with no region matches no region. The prefix's state lives in JavaScript (recipient-location.server.ts),
  // not in SQL, so falling back to it here would break "the count is what planning queues"; the sending rules still
  // place such a subscriber by their number's prefix when they text them.
  regions: (regions) => ({ sql: `"s"."region" IN (${placeholders(regions)})`, params: [...regions] }),
  subscribedAfter: (day, { shopTimezone }) => ({ sql: `"s"."subscribedAt" >= ?`, params: [startOfDay(day, shopTimezone)] }),
  subscribedBefore: (day, { shopTimezone }) => ({ sql: `"s"."subscribedAt" < ?`, params: [startOfDay(day, shopTimezone)] }),
  ordered: ({ withinDays, did }, { now }) => {
    const since = new Date(now.getTime() - withinDays * DAY_MS);
    return did
      ? { sql: `"s"."lastOrderAt" >= ?`, params: [since] }
      : { sql: `("s"."lastOrderAt" IS NULL OR "s"."lastOrderAt" < ?)`, params: [since] };
  },
  // A subscriber belongs to one shop, so their clicks are that shop's clicks.
  clicked: ({ withinDays }, { now }) => ({
    sql: `EXISTS (SELECT 1 FROM "LinkClick" AS "c" WHERE "c"."subscriberId" = "s"."id" AND "c"."clickedAt" >= ?)`,
    params: [new Date(now.getTime() - withinDays * DAY_MS)],
  }),
};

function startOfDay(day: string, zone: string): Date {
  const start = DateTime.fromISO(day, { zone });
  if (!start.isValid) throw new RangeError(`Not a day in ${zone}: ${day}`);
  return start.startOf("day").toJSDate();
}

/** The WHERE clause (over "Subscriber" AS "s") of this shop's audience for `filter`. */
export function audienceWhere(shop: string, filter: AudienceFilter, context: AudienceContext): SqlCondition {
  const parts: SqlCondition[] = [
    {
      sql: `"s"."shop" = ? AND "s"."status" = 'subscribed' AND "s"."unreachableAt" IS NULL AND "s"."phone" NOT LIKE ?`,
      params: [shop, `${REDACTED_PREFIX}%`],
    },
  ];
  if (filter.kind === "segment") {
    for (const key of Object.keys(CONDITIONS) as (keyof SegmentConditions)[]) {
      const value = filter[key];
      if (value === undefined) continue;
      const build = CONDITIONS[key] as ConditionBuilder<typeof key>;
      parts.push(build(value as NonNullable<SegmentConditions[typeof key]>, context));
    }
  }
  return { sql: parts.map((part) => `(${part.sql})`).join(" AND "), params: parts.flatMap((part) => part.params) };
}

/** The shop's zone for date conditions; a shop without settings counts days in UTC (it has nobody to text anyway). */
export async function audienceContextFor(shop: string, now: Date): Promise<AudienceContext> {
  const settings = await prisma.shop.findUnique({ where: { shop }, select: { timezone: true } });
  return { now, shopTimezone: settings?.timezone ?? "UTC" };
}

/** How many subscribers the campaign would be planned for if planning ran at `now`. */
export async function countAudience(shop: string, filter: AudienceFilter, now: Date = new Date()): Promise<number> {
  const where = audienceWhere(shop, filter, await audienceContextFor(shop, now));
  const [row] = await sqlOf(prisma).all(`SELECT CAST(COUNT(*) AS INTEGER) AS "n" FROM "Subscriber" AS "s" WHERE ${where.sql}`, where.params);
  return row ? readInt(row.n) : 0;
}

/** What planning and previews need of a recipient. */
export interface AudienceMember {
  id: string;
  phone: string;
  firstName: string | null;
  locale: string | null;
  timezone: string | null;
  region: string | null;
}

const MEMBER_COLUMNS = `"s"."id", "s"."phone", "s"."firstName", "s"."locale", "s"."timezone", "s"."region"`;

function memberFromRow(row: Record<string, unknown>): AudienceMember {
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  return {
    id: String(row.id),
    phone: String(row.phone),
    firstName: text(row.firstName),
    locale: text(row.locale),
    timezone: text(row.timezone),
    region: text(row.region),
  };
}

/** The next `limit` members after `afterId` in id order (keyset paging: a page costs the same however deep it is). */
export async function audiencePage(sql: Sql, where: SqlCondition, afterId: string | null, limit: number): Promise<AudienceMember[]> {
  const rows = await sql.all(
    `SELECT ${MEMBER_COLUMNS} FROM "Subscriber" AS "s" WHERE ${where.sql}${afterId === null ? "" : ` AND "s"."id" > ?`} ORDER BY "s"."id" LIMIT ?`,
    [...where.params, ...(afterId === null ? [] : [afterId]), limit],
  );
  return rows.map(memberFromRow);
}

/**
 * Every member's id, in id order, in one pass. Planning reads members this
 * way rather than in keyset pages: the index the audience is found by
 * (shop, status) is not in id order, so each keyset page would walk every
 * member after its cursor again, and a large audience would cost the square
 * of its size. 100,000 ids are a few megabytes.
 */
export async function audienceIds(sql: Sql, where: SqlCondition): Promise<string[]> {
  const rows = await sql.all(`SELECT "s"."id" FROM "Subscriber" AS "s" WHERE ${where.sql} ORDER BY "s"."id"`, where.params);
  return rows.map((row) => String(row.id));
}

/**
 * The members among `ids` who are in the audience now: anyone who left it
 * since is not. The rows are found by primary key first (a MATERIALIZED
 * CTE, which both databases honour), then the audience's condition is
 * applied to them: left to itself, SQLite's planner would rather walk the
 * whole (shop, status) index for every lookup. The ids go as one JSON array
 * (one parameter, one statement per call): binding and planning an IN-list
 * of a thousand parameters cost PostgreSQL more than the lookups themselves.
 */
export async function audienceMembersAmong(sql: Sql, where: SqlCondition, ids: readonly string[]): Promise<AudienceMember[]> {
  if (ids.length === 0) return [];
  const idsTable = sql.provider === "postgresql" ? `json_array_elements_text(CAST(? AS json))` : `json_each(?)`;
  const rows = await sql.all(
    `WITH "s" AS MATERIALIZED (SELECT * FROM "Subscriber" WHERE "id" IN (SELECT "value" FROM ${idsTable}))
     SELECT ${MEMBER_COLUMNS} FROM "s" WHERE ${where.sql} ORDER BY "s"."id"`,
    [JSON.stringify(ids), ...where.params],
  );
  return rows.map(memberFromRow);
}

/** A few members of the audience, for previewing the text as a real subscriber would get it. */
export async function sampleRecipients(shop: string, filter: AudienceFilter, take: number, now: Date = new Date()): Promise<AudienceMember[]> {
  const where = audienceWhere(shop, filter, await audienceContextFor(shop, now));
  return audiencePage(sqlOf(prisma), where, null, Math.max(0, Math.min(take, 100)));
}
