/**
 * The audit of marketing texts sent in the last 30 days (sending-audit.ts
 * judges each): read in keyset batches in subscriber order, each batch's
 * earlier texts read with the same history query the planner counts caps
 * from (marketingHistoryFor, one index range scan per batch), so memory stays
 * flat and the cost is about that of planning a campaign of the same size.
 */
import prisma, { sqlOf } from "../db.server";
import { readRequiredDate, type SqlRow, type SqlValue } from "../db/sql.server";
import { recipientLocator } from "../sending-rules/recipient-location.server";
import { MAY_HAVE_BEEN_SENT, marketingHistoryFor } from "../sending-rules/sending-rules.server";
import { auditText, type AuditRules, type SendingException } from "./sending-audit";

export const AUDIT_DAYS = 30;
/** Exceptions listed on the page; the counts cover them all. */
export const EXCEPTIONS_SHOWN = 100;
const BATCH = 2000;
const DAY_MS = 24 * 60 * 60 * 1000;

export type ListedException = SendingException & { campaignName: string | null };

export interface SendingAudit {
  from: string;
  to: string;
  textsChecked: number;
  quietHours: number;
  dailyCap: number;
  monthlyCap: number;
  exceptions: ListedException[];
  rules: AuditRules;
}

/** Null for a shop that has no settings (nothing can have been sent). */
export async function auditMarketingTexts(shop: string, now: Date, options: { batchSize?: number } = {}): Promise<SendingAudit | null> {
  const settings = await prisma.shop.findUnique({ where: { shop }, select: { timezone: true, maxMessagesPerDay: true, maxMessagesPerMonth: true } });
  if (!settings) return null;
  const rules: AuditRules = { dailyCap: settings.maxMessagesPerDay, monthlyCap: settings.maxMessagesPerMonth, timezone: settings.timezone };
  const from = new Date(now.getTime() - AUDIT_DAYS * DAY_MS);
  const locate = await recipientLocator();
  const batchSize = options.batchSize ?? BATCH;
  const audit: SendingAudit = { from: from.toISOString(), to: now.toISOString(), textsChecked: 0, quietHours: 0, dailyCap: 0, monthlyCap: 0, exceptions: [], rules };
  const record = (found: SendingException[]) => {
    for (const exception of found) {
      if (exception.rule === "quiet_hours") audit.quietHours += 1;
      else if (exception.rule === "daily_cap") audit.dailyCap += 1;
      else audit.monthlyCap += 1;
      if (audit.exceptions.length < EXCEPTIONS_SHOWN) audit.exceptions.push({ ...exception, campaignName: null });
    }
  };

  // Texts to a subscriber, with their history.
  let cursor: { subscriberId: string; sentAt: Date; id: string } | null = null;
  let tie = { subscriberId: "", at: 0, index: 0 };
  for (;;) {
    const rows = await sentTexts(shop, from, now, batchSize, cursor);
    if (rows.length === 0) break;
    const ids = [...new Set(rows.map((row) => String(row.subscriberId)))];
    // From 32 days before the window's start: every text that counts against the first one's caps, and all after it.
    const history = await marketingHistoryFor(shop, ids, from);
    for (const row of rows) {
      const subscriberId = String(row.subscriberId);
      const sentAt = readRequiredDate(row.sentAt);
      // Texts at the same instant count in order: the second of two is over a cap of one.
      tie = tie.subscriberId === subscriberId && tie.at === sentAt.getTime() ? { ...tie, index: tie.index + 1 } : { subscriberId, at: sentAt.getTime(), index: 0 };
      const before = (history.get(subscriberId) ?? []).filter((at) => at.getTime() < sentAt.getTime());
      for (let i = 0; i < tie.index; i++) before.push(sentAt);
      record(auditText(textOf(row, sentAt, before, locate, settings.timezone), rules));
      audit.textsChecked += 1;
    }
    const last = rows[rows.length - 1]!;
    cursor = { subscriberId: String(last.subscriberId), sentAt: readRequiredDate(last.sentAt), id: String(last.id) };
    if (rows.length < batchSize) break;
  }

  // Texts with no subscriber row (none are written so today): quiet hours only, there is no history to count.
  let lastId: string | null = null;
  for (;;) {
    const rows: SqlRow[] = await sqlOf(prisma).all(
      `SELECT "id", "subscriberId", "campaignId", "phone", "sentAt", NULL AS "timezone", NULL AS "region" FROM "Message"
        WHERE "shop" = ? AND "subscriberId" IS NULL AND "kind" = 'marketing' AND "status" IN (${MAY_HAVE_BEEN_SENT.map(() => "?").join(", ")})
          AND "sentAt" >= ? AND "sentAt" < ? ${lastId ? `AND "id" > ?` : ""}
        ORDER BY "id" LIMIT ?`,
      [shop, ...MAY_HAVE_BEEN_SENT, from, now, ...(lastId ? [lastId] : []), batchSize],
    );
    for (const row of rows) {
      record(auditText(textOf(row, readRequiredDate(row.sentAt), [], locate, settings.timezone), rules));
      audit.textsChecked += 1;
    }
    if (rows.length < batchSize) break;
    lastId = String(rows[rows.length - 1]!.id);
  }

  const campaignIds = [...new Set(audit.exceptions.map((exception) => exception.campaignId).filter((id): id is string => id !== null))];
  if (campaignIds.length > 0) {
    const campaigns = await prisma.campaign.findMany({ where: { shop, id: { in: campaignIds } }, select: { id: true, name: true } });
    const names = new Map(campaigns.map((campaign) => [campaign.id, campaign.name]));
    for (const exception of audit.exceptions) exception.campaignName = exception.campaignId ? (names.get(exception.campaignId) ?? null) : null;
  }
  return audit;
}

/**
 * The next batch of marketing texts sent in [from, to), in (subscriber, time,
 * id) order after `cursor`, with where the subscriber is as far as we know.
 * The index on ("shop", "subscriberId") gives the order; the rest is a sort
 * within one subscriber's texts.
 */
async function sentTexts(shop: string, from: Date, to: Date, limit: number, cursor: { subscriberId: string; sentAt: Date; id: string } | null): Promise<SqlRow[]> {
  const after = cursor
    ? `AND m."subscriberId" >= ? AND (m."subscriberId" > ? OR m."sentAt" > ? OR (m."sentAt" = ? AND m."id" > ?))`
    : "";
  const afterParams: SqlValue[] = cursor ? [cursor.subscriberId, cursor.subscriberId, cursor.sentAt, cursor.sentAt, cursor.id] : [];
  return sqlOf(prisma).all(
    `SELECT m."id", m."subscriberId", m."campaignId", m."phone", m."sentAt", s."timezone", s."region"
       FROM "Message" m LEFT JOIN "Subscriber" s ON s."id" = m."subscriberId" AND s."shop" = m."shop"
      WHERE m."shop" = ? AND m."subscriberId" IS NOT NULL AND m."kind" = 'marketing'
        AND m."status" IN (${MAY_HAVE_BEEN_SENT.map(() => "?").join(", ")}) AND m."sentAt" >= ? AND m."sentAt" < ? ${after}
      ORDER BY m."subscriberId", m."sentAt", m."id" LIMIT ?`,
    [shop, ...MAY_HAVE_BEEN_SENT, from, to, ...afterParams, limit],
  );
}

function textOf(row: SqlRow, sentAt: Date, before: Date[], locate: Awaited<ReturnType<typeof recipientLocator>>, shopTimezone: string) {
  const phone = String(row.phone);
  return {
    messageId: String(row.id),
    subscriberId: row.subscriberId === null ? null : String(row.subscriberId),
    campaignId: row.campaignId === null ? null : String(row.campaignId),
    phone,
    sentAt,
    location: locate({ phone, timezone: (row.timezone as string | null) ?? null, region: (row.region as string | null) ?? null }, shopTimezone),
    before,
  };
}
