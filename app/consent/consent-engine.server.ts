/**
 * The consent engine: the only code that changes a subscriber's status, and so
 * the only writer of consent events. A change is one transaction: the
 * subscriber row, exactly one ledger event and, for an opt-out, the
 * cancellation of that subscriber's queued marketing messages commit together
 * or not at all.
 *
 * Concurrency: a change that will write first takes the shop's consent lock
 * (its ledger chain head row, which every append locks anyway) and only then
 * reads the subscriber again, so two changes for one number (a STOP racing a
 * retried "Y", two app instances) apply one after the other and each event's
 * fromStatus is the status it really replaced. A change that alters nothing is
 * decided on a plain read and writes nothing, so retried webhooks stay cheap.
 * This relies on READ COMMITTED (Prisma's default on PostgreSQL): the read
 * after the lock sees what the previous holder committed.
 *
 * Every statement is plain SQL (subscriber-sql.server.ts, ledger.server.ts):
 * this runs for every inbound text, and Prisma's per-query cost was most of
 * the webhook's time. Pass the caller's transaction (a Prisma `tx`, or the Sql
 * of withSqlTransaction) to make the change part of it.
 */
import type { ConsentEvent, Subscriber } from "@prisma/client";
import prisma, { sqlOf, withSqlTransaction, type DbTx } from "../db.server";
import type { Sql } from "../db/sql.server";
import { findRedactedSuppression, redactedPhoneKey } from "./redacted-phone.server";
import { queueShopifyConsentSync } from "../queues/shopify-consent-sync-queue.server";
import {
  appendConsentEvent,
  consentChainLockStatement,
  holdsConsentChain,
  lockConsentChain,
  lockedConsentChain,
  type ChainHead,
  type Evidence,
  type NewConsentEvent,
} from "./ledger.server";
import {
  cancelQueuedMarketing,
  createSubscriber,
  findSubscriber,
  findSubscriberAndErasedRecord,
  subscribersRead,
  updateSubscriber,
  type SubscriberChanges,
} from "./subscriber-sql.server";
import {
  predatesOptOut,
  REVOKED_SINCE,
  SUBSCRIBER_STATUSES,
  transition,
  type ConsentAction,
  type ConsentSource,
  type SubscriberStatus,
  type Transition,
} from "./transitions";

export interface ConsentChange {
  shop: string;
  phone: string; // E.164, already normalised by the caller
  action: ConsentAction;
  source: ConsentSource;
  occurredAt?: Date; // default now
  evidence: Evidence; // MessageSid, body, order id, disclosure version, ip, ua…
  optInLevel?: "single" | "confirmed";
  locale?: string | null;
  shopifyCustomerId?: string | null;
  pendingExpiresAt?: Date | null; // for request_opt_in; default: now + the shop's pendingExpiryHours
}

/** The only actions that can leave an unknown number unknown: a "Y" nobody asked for, an expiry of nothing. */
type MayFindNothing = "confirm" | "expire";

export interface ConsentChangeResult<A extends ConsentAction = ConsentAction> {
  /** Null only for a confirm/expire on a number that was unknown (then nothing changed); typed per action. */
  subscriber: A extends MayFindNothing ? Subscriber | null : Subscriber;
  /** The status the action was applied to (null = number was unknown; "expired" when a lapsed request was expired first). */
  previousStatus: SubscriberStatus | null;
  transition: Transition;
  /** The event this action appended, null if unchanged. */
  event: ConsentEvent | null;
  /** Queued marketing messages cancelled by an opt-out. */
  cancelledMessages: number;
  /** The "expired" event written first when the change found a pending request past its window. */
  expiredFirst: ConsentEvent | null;
}

const HOUR_MS = 60 * 60 * 1000;
const PERSON_USED_THE_NUMBER: ReadonlySet<ConsentSource> = new Set(["keyword", "checkout", "form"]);
const DEFAULT_PENDING_EXPIRY_HOURS = 72; // the Shop model's default, for a shop row that does not exist (yet)

export async function applyConsentChange<A extends ConsentAction>(
  change: ConsentChange & { action: A },
  tx?: DbTx | Sql,
): Promise<ConsentChangeResult<A>> {
  const result = await (tx
    ? applyWithin(sqlOf(tx), change)
    : withSqlTransaction((sql) => applyWithin(sql, change), { mayLockChainOf: change.shop }));
  return result as ConsentChangeResult<A>; // see MayFindNothing: every other action creates or finds the row
}

/**
 * Before a batch of one shop's consent changes (db/group-commit.ts, BatchHint):
 * takes the shop's chain lock, then reads every number's subscriber and the
 * record an erasure left for it in one query, into Sql.known, where the
 * batch's changes find them without a round trip each.
 */
export async function prepareConsentBatch(sql: Sql, shop: string, phones: readonly string[]): Promise<void> {
  const read = subscribersRead(sql, shop, phones.flatMap((phone) => [phone, redactedPhoneKey(shop, phone)]));
  if (!read || holdsConsentChain(sql, shop)) {
    await lockConsentChain(sql, shop);
    if (read) read.remember(await sql.all(read.statement.sql, read.statement.params));
    return;
  }
  // The lock, then the read, in one round trip where the database allows: the read begins once the lock is granted,
  // so it sees every change committed before (PostgreSQL gives each statement of a round trip its own snapshot).
  const [lockRows, rows] = await sql.allInOrder([consentChainLockStatement(shop), read.statement]);
  lockedConsentChain(sql, shop, lockRows!);
  read.remember(rows!);
}

/** Expires every pending request whose window has closed (a periodic job); one event each. Returns how many. */
export async function expireStalePending(now: Date = new Date(), limit = 500): Promise<number> {
  const stale = await prisma.subscriber.findMany({
    where: { status: "pending", pendingExpiresAt: { lte: now } },
    orderBy: { pendingExpiresAt: "asc" },
    take: limit,
    select: { shop: true, phone: true },
  });
  let expired = 0;
  // One short transaction each: no shop's lock is held for the whole batch, and what expired stays expired if a later one fails.
  for (const { shop, phone } of stale) {
    const event = await withSqlTransaction(async (sql) => {
      const head = await lockConsentChain(sql, shop);
      // Read again under the lock: it may have been confirmed or re-requested since the query above.
      const current = await findSubscriber(sql, shop, phone);
      return current && hasLapsed(current, now) ? (await expireLapsed(sql, head, current, "job")).event : null;
    }, { mayLockChainOf: shop });
    if (event) expired += 1;
  }
  return expired;
}

async function applyWithin(sql: Sql, change: ConsentChange): Promise<ConsentChangeResult> {
  const at = change.occurredAt ?? new Date();
  const lockedBeforeReading = holdsConsentChain(sql, change.shop);
  const { subscriber: seen, erased } = await findSubscriberAndErasedRecord(sql, change.shop, change.phone, redactedPhoneKey(change.shop, change.phone));
  const seenStatus = await priorStatus(sql, change, seen, erased);
  if (!willWrite(seen, seenStatus, change, at)) {
    return unchangedResult(seen, seenStatus, outcomeFor(seen, seenStatus, change, at), null);
  }

  const head = await lockConsentChain(sql, change.shop);
  // It may have changed while we waited for the lock, unless the transaction held the lock before it read.
  let current = lockedBeforeReading ? seen : await findSubscriber(sql, change.shop, change.phone);
  let expiredFirst: ConsentEvent | null = null;
  if (current && change.action !== "expire" && hasLapsed(current, at)) {
    // A late "Y" must not subscribe: the request is over, whatever arrives after it.
    ({ subscriber: current, event: expiredFirst } = await expireLapsed(sql, head, current, change.action));
  }

  const previousStatus = current === seen ? seenStatus : await priorStatus(sql, change, current);
  // Decided here, under the lock: a STOP that landed since the first read counts.
  const outcome = outcomeFor(current, previousStatus, change, at);
  if (!outcome.changed) return unchangedResult(current, previousStatus, outcome, expiredFirst);

  const fields = await fieldsFor(sql, outcome, change, at);
  const { subscriber, event } = await record(sql, head, current, change.shop, change.phone, fields, {
    kind: outcome.kind,
    source: change.source,
    fromStatus: previousStatus,
    toStatus: outcome.to,
    occurredAt: at,
    evidence: change.evidence,
  });
  // A subscriber created just now has nothing queued.
  const cancelledMessages = outcome.to === "unsubscribed" && current ? await cancelQueuedMarketing(sql, subscriber, at) : 0;
  return { subscriber, previousStatus, transition: outcome, event, cancelledMessages, expiredFirst };
}

function willWrite(subscriber: Subscriber | null, status: SubscriberStatus | null, change: ConsentChange, at: Date): boolean {
  if (subscriber && change.action !== "expire" && hasLapsed(subscriber, at)) return true;
  return outcomeFor(subscriber, status, change, at).changed;
}

function outcomeFor(subscriber: Subscriber | null, status: SubscriberStatus | null, change: ConsentChange, at: Date): Transition {
  if (status === "unsubscribed" && predatesOptOut(change.action, at, subscriber?.unsubscribedAt ?? null)) {
    return { changed: false, reason: REVOKED_SINCE };
  }
  return transition(status, change.action, change.source);
}

/**
 * Where the number stands. A number whose customer was erased (customers/redact)
 * has no row of its own, but its opt-out survives as a keyed hash: it counts as
 * unsubscribed, so only the person's own new consent can bring it back.
 */
async function priorStatus(
  sql: Sql,
  change: ConsentChange,
  subscriber: Subscriber | null,
  erasedRecord?: Pick<Subscriber, "status"> | null, // when already read with the subscriber
): Promise<SubscriberStatus | null> {
  if (subscriber) return statusOf(subscriber);
  const erased = erasedRecord !== undefined ? erasedRecord : await findRedactedSuppression(change.shop, change.phone, sql);
  return erased?.status === "unsubscribed" ? "unsubscribed" : null;
}

function unchangedResult(
  subscriber: Subscriber | null,
  previousStatus: SubscriberStatus | null,
  outcome: Transition,
  expiredFirst: ConsentEvent | null,
): ConsentChangeResult {
  return { subscriber, previousStatus, transition: outcome, event: null, cancelledMessages: 0, expiredFirst };
}

function statusOf(subscriber: Subscriber | null): SubscriberStatus | null {
  if (!subscriber) return null;
  const status = subscriber.status as SubscriberStatus;
  if (!SUBSCRIBER_STATUSES.includes(status)) {
    // Refuse to guess: a transition from an unknown state could subscribe someone who never agreed.
    throw new Error(`Subscriber ${subscriber.id} has unknown status "${subscriber.status}"`);
  }
  return status;
}

/** A pending request whose confirmation window has closed is expired, whether or not the job has run yet. */
export function hasLapsed(subscriber: Pick<Subscriber, "status" | "pendingExpiresAt">, at: Date): boolean {
  return subscriber.status === "pending" && subscriber.pendingExpiresAt !== null && subscriber.pendingExpiresAt <= at;
}

async function expireLapsed(sql: Sql, head: ChainHead, subscriber: Subscriber, detectedBy: ConsentAction | "job") {
  const closedAt = subscriber.pendingExpiresAt!;
  return record(sql, head, subscriber, subscriber.shop, subscriber.phone, { status: "expired" }, {
    kind: "expired",
    source: "system",
    fromStatus: "pending",
    toStatus: "expired",
    occurredAt: closedAt, // when the window closed, not when we noticed
    evidence: { reason: "no confirmation before the window closed", pendingExpiresAt: closedAt.toISOString(), detectedBy },
  });
}

async function fieldsFor(
  sql: Sql,
  outcome: Extract<Transition, { changed: true }>,
  change: ConsentChange,
  at: Date,
): Promise<SubscriberChanges> {
  const identity: SubscriberChanges = {
    ...(change.locale != null ? { locale: change.locale } : {}),
    ...(change.shopifyCustomerId != null ? { shopifyCustomerId: change.shopifyCustomerId } : {}),
  };
  // The person just used this number (texted us from it, typed it in at checkout or in a form): earlier delivery
  // failures, perhaps from before it was ported or reassigned, no longer stand in its way. A list or a sync proves nothing.
  const reachable: SubscriberChanges = PERSON_USED_THE_NUMBER.has(change.source) ? { undeliverableCount: 0, unreachableAt: null } : {};
  switch (outcome.to) {
    case "pending":
      return { ...identity, ...reachable, status: "pending", pendingExpiresAt: change.pendingExpiresAt ?? (await defaultWindowEnd(sql, change.shop, at)) };
    case "subscribed":
      return {
        ...identity,
        ...reachable,
        status: "subscribed",
        optInLevel: outcome.kind === "confirmed" ? "confirmed" : (change.optInLevel ?? "single"),
        subscribedAt: at,
        pendingExpiresAt: null,
      };
    case "unsubscribed":
      return { ...identity, status: "unsubscribed", unsubscribedAt: at, pendingExpiresAt: null };
    case "expired":
      return { ...identity, status: "expired" }; // pendingExpiresAt stays: it says when the window closed
  }
}

async function defaultWindowEnd(sql: Sql, shop: string, at: Date): Promise<Date> {
  const [settings] = await sql.all(`SELECT "pendingExpiryHours" FROM "Shop" WHERE "shop" = ?`, [shop]);
  const hours = settings ? Number(settings.pendingExpiryHours) : DEFAULT_PENDING_EXPIRY_HOURS;
  return new Date(at.getTime() + hours * HOUR_MS);
}

/** Writes the subscriber (creating it for an unknown number) and its one event. */
async function record(
  sql: Sql,
  head: ChainHead,
  current: Subscriber | null,
  shop: string,
  phone: string,
  fields: SubscriberChanges,
  event: Omit<NewConsentEvent, "subscriberId" | "phone">,
): Promise<{ subscriber: Subscriber; event: ConsentEvent }> {
  const now = new Date();
  const subscriber = current
    ? await updateSubscriber(sql, current.id, fields, now)
    : await createSubscriber(sql, shop, phone, fields, now);
  const appended = await appendConsentEvent(sql, shop, { ...event, subscriberId: subscriber.id, phone }, head);
  await queueShopifyConsentSync(sql, subscriber, appended);
  return { subscriber, event: appended };
}
