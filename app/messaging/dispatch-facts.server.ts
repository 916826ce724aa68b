/**
 * What dispatch must know about a claimed batch of texts before any of them
 * goes out, read for the whole batch at once in plain SQL (no Prisma query
 * compiler on the hot path): each shop's settings (one read per shop per
 * batch), the recipients' subscriber rows (consent, unreachable, location:
 * one query per shop), and their marketing history for the frequency caps (one
 * query per shop). A batch costs the same few statements whatever its size,
 * sent together (one round trip on PostgreSQL), where one text at a time cost
 * about five Prisma queries per marketing text.
 *
 * The verdicts are the same functions a single text is judged by:
 * `marketingPermissionOf` (the one answer of app/consent/suppression.server.ts)
 * and `marketingRulesVerdict` (app/sending-rules/marketing-rules.ts, which
 * `marketingRulesAtDispatch` also calls).
 *
 * `ConsentRereads` answers the question again right before a text is handed
 * to Twilio, for texts whose batch read is no longer fresh (a STOP may have
 * landed since, or the merchant paused or cancelled the campaign): the texts
 * asking while a read is running share the next one.
 */
import type { Message } from "@prisma/client";
import { withSqlRead } from "../db.server";
import { readDate, readInt, type Sql, type SqlRow, type SqlStatement, type SqlValue } from "../db/sql.server";
import { marketingPermissionOf, type MarketingPermission, type SubscriberConsentState } from "../consent/suppression.server";
import { marketingRulesVerdict, type DispatchVerdict, type MarketingRulesSettings } from "../sending-rules/marketing-rules";
import { recipientLocation } from "../sending-rules/recipient-location.server";
import { HISTORY_DAYS, MAY_HAVE_BEEN_SENT } from "../sending-rules/sending-rules.server";

/** The shop's settings dispatch uses: Twilio, its sender and pace, and the sending rules. */
export interface DispatchShop extends MarketingRulesSettings {
  shop: string;
  uninstalledAt: Date | null;
  twilioAccountSid: string | null;
  twilioAuthTokenEncrypted: string | null;
  messagingServiceSid: string | null;
  senderPhoneNumber: string | null;
  senderType: string;
  maxMessagesPerSecond: number | null;
}

export interface DispatchRecipient extends SubscriberConsentState {
  id: string;
  shop: string;
  phone: string;
  timezone: string | null;
  region: string | null;
}

interface HistoryEntry {
  messageId: string;
  at: Date;
}

/** One claimed batch's facts, read at `readAt`. */
export interface DispatchFacts {
  readAt: Date;
  shops: Map<string, DispatchShop>;
  /** By shop and phone (consent is the number's) … */
  recipientsByPhone: Map<string, DispatchRecipient>;
  /** … and by id (the rules follow the row's subscriber, as marketingRulesAtDispatch does). */
  recipientsById: Map<string, DispatchRecipient>;
  /** Marketing texts that were or may have been sent, per subscriber id, with their own ids. */
  history: Map<string, HistoryEntry[]>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const phoneKey = (shop: string, phone: string) => `${shop}\u0000${phone}`;
const rereadKey = (shop: string, phone: string, campaignId: string | null) => `${phoneKey(shop, phone)}\u0000${campaignId ?? ""}`;

/**
 * `values` padded to the next power of two by repeating the last one: an IN
 * list of any length then comes in one of a few statement texts, each
 * prepared once per connection (a repeated value changes nothing in an IN).
 */
export function paddedList<T extends SqlValue>(values: readonly T[]): T[] {
  if (values.length === 0) throw new RangeError("an IN list needs at least one value");
  let size = 1;
  while (size < values.length) size *= 2;
  return [...values, ...Array<T>(size - values.length).fill(values[values.length - 1]!)];
}
const placeholders = (values: readonly unknown[]) => values.map(() => "?").join(", ");

const SHOP_COLUMNS = `"shop", "uninstalledAt", "twilioAccountSid", "twilioAuthTokenEncrypted", "messagingServiceSid", "senderPhoneNumber",
  "senderType", "maxMessagesPerSecond", "timezone", "quietHoursStart", "quietHoursEnd", "maxMessagesPerDay", "maxMessagesPerMonth", "smartSendingHours"`;
const RECIPIENT_COLUMNS = `"id", "shop", "phone", "status", "pendingExpiresAt", "unreachableAt", "timezone", "region"`;

const text = (value: unknown) => (value === null || value === undefined ? null : String(value));

function shopFromRow(row: SqlRow): DispatchShop {
  return {
    shop: String(row.shop),
    uninstalledAt: readDate(row.uninstalledAt),
    twilioAccountSid: text(row.twilioAccountSid),
    twilioAuthTokenEncrypted: text(row.twilioAuthTokenEncrypted),
    messagingServiceSid: text(row.messagingServiceSid),
    senderPhoneNumber: text(row.senderPhoneNumber),
    senderType: String(row.senderType),
    maxMessagesPerSecond: row.maxMessagesPerSecond === null || row.maxMessagesPerSecond === undefined ? null : readInt(row.maxMessagesPerSecond),
    timezone: String(row.timezone),
    quietHoursStart: String(row.quietHoursStart),
    quietHoursEnd: String(row.quietHoursEnd),
    maxMessagesPerDay: readInt(row.maxMessagesPerDay),
    maxMessagesPerMonth: readInt(row.maxMessagesPerMonth),
    smartSendingHours: readInt(row.smartSendingHours),
  };
}

function recipientFromRow(row: SqlRow): DispatchRecipient {
  return {
    id: String(row.id),
    shop: String(row.shop),
    phone: String(row.phone),
    status: String(row.status),
    pendingExpiresAt: readDate(row.pendingExpiresAt),
    unreachableAt: readDate(row.unreachableAt),
    timezone: text(row.timezone),
    region: text(row.region),
  };
}

/**
 * Reads the facts for `messages` (a claimed batch) in `sql`'s transaction, as
 * of `now`: every query at once (Sql.allInOrder, one round trip on
 * PostgreSQL), each shop's history read for the subscribers its texts name
 * and for those of its numbers (a few more rows than needed is harmless).
 */
export async function readDispatchFacts(sql: Sql, messages: readonly Message[], now: Date): Promise<DispatchFacts> {
  const facts: DispatchFacts = { readAt: now, shops: new Map(), recipientsByPhone: new Map(), recipientsById: new Map(), history: new Map() };
  if (messages.length === 0) return facts;
  const shopList = paddedList([...new Set(messages.map((message) => message.shop))]);
  const statements: SqlStatement[] = [{ sql: `SELECT ${SHOP_COLUMNS} FROM "Shop" WHERE "shop" IN (${placeholders(shopList)})`, params: shopList }];

  const marketing = messages.filter((message) => message.kind === "marketing");
  const since = new Date(now.getTime() - HISTORY_DAYS * DAY_MS);
  for (const shop of new Set(marketing.map((message) => message.shop))) {
    const ofShop = marketing.filter((message) => message.shop === shop);
    const phones = paddedList([...new Set(ofShop.map((message) => message.phone))]);
    const ids = ofShop.map((message) => message.subscriberId).filter((id): id is string => id !== null);
    const idList = ids.length > 0 ? paddedList([...new Set(ids)]) : [];
    // Two lookups by key (the unique (shop, phone), the primary key), not one OR that would walk the shop's subscribers.
    // The lookup by id names no shop: with it, SQLite walks the shop's subscribers by another index of the shop
    // instead of the primary key. A subscriber of another shop is never taken for a text's (subscriberOf).
    const byPhone = `SELECT "id" FROM "Subscriber" WHERE "shop" = ? AND "phone" IN (${placeholders(phones)})`;
    const byId = idList.length > 0 ? `SELECT "id" FROM "Subscriber" WHERE "id" IN (${placeholders(idList)}) UNION ` : "";
    statements.push({
      sql:
        `SELECT ${RECIPIENT_COLUMNS} FROM "Subscriber" WHERE "shop" = ? AND "phone" IN (${placeholders(phones)})` +
        (idList.length > 0 ? ` UNION SELECT ${RECIPIENT_COLUMNS} FROM "Subscriber" WHERE "id" IN (${placeholders(idList)})` : ""),
      params: [shop, ...phones, ...idList],
    });
    // The texts of the shop that were or may have been sent (the statuses and dates marketingHistoryFor counts, with
    // each text's id: every claimed text leaves only itself out of the history it is judged by), to the subscribers
    // the texts name and to those of the texts' numbers. Found by subscriber (the [subscriberId, kind, sentAt] index),
    // never by walking the shop's texts: an OR of the two sets made both databases do that, and so does a status
    // condition in the query whenever PostgreSQL's statistics date from before a campaign began (it then reckons few
    // texts are sent and walks them by status, all of them, for every batch). The statuses are sorted here instead.
    statements.push({
      sql: `SELECT "id", "subscriberId", "status", "sentAt", "updatedAt", "nextAttemptAt", "lockedUntil" FROM "Message"
      WHERE "subscriberId" IN (${byId}${byPhone})
        AND "shop" = ? AND "kind" = 'marketing'
        AND ("sentAt" >= ? OR ("sentAt" IS NULL AND ("updatedAt" >= ? OR "nextAttemptAt" >= ? OR "lockedUntil" >= ?)))`,
      params: [...idList, shop, ...phones, shop, since, since, since, since],
    });
  }

  const [shopRows, ...perShop] = await sql.allInOrder(statements);
  for (const row of shopRows!) {
    const shop = shopFromRow(row);
    facts.shops.set(shop.shop, shop);
  }
  for (let i = 0; i < perShop.length; i += 2) {
    for (const row of perShop[i]!) {
      const recipient = recipientFromRow(row);
      facts.recipientsByPhone.set(phoneKey(recipient.shop, recipient.phone), recipient);
      facts.recipientsById.set(recipient.id, recipient);
    }
    for (const row of perShop[i + 1]!) {
      if (!MAY_HAVE_BEEN_SENT.includes(String(row.status) as (typeof MAY_HAVE_BEEN_SENT)[number])) continue;
      const subscriberId = String(row.subscriberId);
      const entries = facts.history.get(subscriberId) ?? [];
      entries.push({ messageId: String(row.id), at: dateOfText(row) });
      facts.history.set(subscriberId, entries);
    }
  }
  return facts;
}

/** As marketingHistoryFor dates a text: when it was sent, else the latest moment it could have gone. */
function dateOfText(row: SqlRow): Date {
  const sentAt = readDate(row.sentAt);
  if (sentAt) return sentAt;
  const candidates = [readDate(row.updatedAt), readDate(row.nextAttemptAt), readDate(row.lockedUntil)].filter((date): date is Date => date !== null);
  return new Date(Math.max(...candidates.map((date) => date.getTime())));
}

function subscriberOf(facts: DispatchFacts, message: Pick<Message, "shop" | "phone" | "subscriberId">): DispatchRecipient | null {
  if (message.subscriberId) {
    const byId = facts.recipientsById.get(message.subscriberId);
    return byId && byId.shop === message.shop ? byId : null;
  }
  return facts.recipientsByPhone.get(phoneKey(message.shop, message.phone)) ?? null;
}

/** May this marketing text go, by consent, as of the batch's read? */
export function consentFromFacts(facts: DispatchFacts, message: Pick<Message, "shop" | "phone">): MarketingPermission {
  return marketingPermissionOf(facts.shops.get(message.shop) ?? null, facts.recipientsByPhone.get(phoneKey(message.shop, message.phone)) ?? null, facts.readAt);
}

/** The sending rules for one marketing text of the batch at `now`: marketingRulesAtDispatch's verdict, from the batch's rows. */
export async function rulesFromFacts(facts: DispatchFacts, message: Pick<Message, "id" | "shop" | "phone" | "subscriberId">, now: Date): Promise<DispatchVerdict> {
  const settings = facts.shops.get(message.shop);
  if (!settings) throw new Error(`No settings for shop ${message.shop}: its marketing texts cannot be judged`);
  const subscriber = subscriberOf(facts, message);
  const location = await recipientLocation({ phone: message.phone, timezone: subscriber?.timezone ?? null, region: subscriber?.region ?? null }, settings.timezone);
  const history = subscriber ? (facts.history.get(subscriber.id) ?? []).filter((entry) => entry.messageId !== message.id).map((entry) => entry.at) : [];
  return marketingRulesVerdict(settings, location, history, now);
}

/** A campaign the merchant stopped since its texts were claimed: "paused" or "cancelled"; null while it goes on. */
export type CampaignHold = "paused" | "cancelled" | null;

export interface ConsentReread {
  permission: MarketingPermission;
  campaign: CampaignHold;
  at: Date;
}

interface Reread {
  shop: string;
  phone: string;
  campaignId: string | null;
  resolve: (answer: ConsentReread) => void;
  reject: (error: unknown) => void;
}

/**
 * Consent read again for texts about to go. A read starts as soon as one is
 * asked for; the texts that ask while it runs wait for the next one, which
 * answers them all (one query per shop): each answer is read after its text
 * asked, so it is as fresh as a read of its own, at a fraction of the cost.
 *
 * Dispatch also reads ahead (`readAhead`) for the texts next in line, so that
 * when one starts, an answer read a moment ago is usually there (`readSince`)
 * and the text does not wait for the database.
 */
export class ConsentRereads {
  private waiting: Reread[] = [];
  private reading = false;
  /** The latest answer for each number (and campaign), whoever asked for it: one per text of the dispatch this serves. */
  private readonly latest = new Map<string, ConsentReread>();

  constructor(private readonly clock: () => Date) {}

  /** Consent for `phone` at `shop` now, and whether `campaignId` (if any) was paused or cancelled since the claim. */
  read(shop: string, phone: string, campaignId: string | null = null): Promise<ConsentReread> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ shop, phone, campaignId, resolve, reject });
      void this.pump();
    });
  }

  /** The latest answer for this text if it was read at or after `since`, else null. */
  readSince(since: Date, shop: string, phone: string, campaignId: string | null = null): ConsentReread | null {
    const answer = this.latest.get(rereadKey(shop, phone, campaignId));
    return answer && answer.at.getTime() >= since.getTime() ? answer : null;
  }

  /**
   * Asks for those of `texts` with no answer read at or after `since` (and
   * none asked for yet) to be read, now or right after the running read.
   * Their answers wait for `readSince`.
   */
  readAhead(texts: readonly { shop: string; phone: string; campaignId: string | null }[], since: Date) {
    const asked = new Set(this.waiting.map((reread) => rereadKey(reread.shop, reread.phone, reread.campaignId)));
    for (const { shop, phone, campaignId } of texts) {
      const key = rereadKey(shop, phone, campaignId);
      if (asked.has(key) || this.readSince(since, shop, phone, campaignId)) continue;
      asked.add(key);
      this.waiting.push({ shop, phone, campaignId, resolve: () => undefined, reject: () => undefined });
    }
    void this.pump();
  }

  private async pump() {
    if (this.reading) return;
    this.reading = true;
    try {
      while (this.waiting.length > 0) {
        const asked = this.waiting.splice(0);
        try {
          const at = this.clock();
          // Every shop's settings and numbers, and the campaigns, read at once (one round trip on PostgreSQL).
          const answers = await withSqlRead(async (sql) => {
            const shops = [...new Set(asked.map((reread) => reread.shop))];
            const phonesOf = new Map(shops.map((shop) => [shop, paddedList([...new Set(asked.filter((reread) => reread.shop === shop).map((reread) => reread.phone))])]));
            const campaignIds = [...new Set(asked.map((reread) => reread.campaignId).filter((id): id is string => id !== null))];
            const ids = campaignIds.length > 0 ? paddedList(campaignIds) : [];
            const shopList = paddedList(shops);
            const [shopRows, campaignRows, ...subscriberRows] = await sql.allInOrder([
              { sql: `SELECT "shop", "uninstalledAt" FROM "Shop" WHERE "shop" IN (${placeholders(shopList)})`, params: shopList },
              ids.length > 0
                ? { sql: `SELECT "id", "status" FROM "Campaign" WHERE "id" IN (${placeholders(ids)})`, params: ids }
                : { sql: `SELECT "id", "status" FROM "Campaign" WHERE 1 = 0`, params: [] },
              ...shops.map((shop) => ({
                sql: `SELECT ${RECIPIENT_COLUMNS} FROM "Subscriber" WHERE "shop" = ? AND "phone" IN (${placeholders(phonesOf.get(shop)!)})`,
                params: [shop, ...phonesOf.get(shop)!],
              })),
            ]);
            const settingsOf = new Map(shopRows!.map((row) => [String(row.shop), { uninstalledAt: readDate(row.uninstalledAt) }]));
            const permissions = new Map<string, MarketingPermission>();
            shops.forEach((shop, i) => {
              const byPhone = new Map(subscriberRows[i]!.map((row) => [String(row.phone), recipientFromRow(row)]));
              for (const phone of phonesOf.get(shop)!) {
                permissions.set(phoneKey(shop, phone), marketingPermissionOf(settingsOf.get(shop) ?? null, byPhone.get(phone) ?? null, at));
              }
            });
            const holds = new Map<string, CampaignHold>();
            for (const row of campaignRows!) {
              const status = String(row.status);
              holds.set(String(row.id), status === "paused" || status === "cancelled" ? status : null);
            }
            return { permissions, holds };
          });
          for (const reread of asked) {
            const answer: ConsentReread = {
              permission: answers.permissions.get(phoneKey(reread.shop, reread.phone))!,
              campaign: reread.campaignId ? (answers.holds.get(reread.campaignId) ?? null) : null,
              at,
            };
            this.latest.set(rereadKey(reread.shop, reread.phone, reread.campaignId), answer);
            reread.resolve(answer);
          }
        } catch (error) {
          for (const reread of asked) reread.reject(error);
        }
      }
    } finally {
      this.reading = false;
    }
  }
}
