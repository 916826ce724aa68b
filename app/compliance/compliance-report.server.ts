/**
 * The figures of the Compliance page that are cheap enough for every load:
 * the ledger's length, opt-out handling time over the last 30 days, carrier
 * opt-outs, privacy requests and the retention setting. The ledger check
 * (ledger-check.server.ts) and the audit of texts sent (sending-audit.server.ts)
 * run on their own requests: they read every event or every text.
 */
import prisma from "../db.server";
import { handlingTimesOf, type HandlingTimes } from "./compliance-figures";
import { ledgerSummary, type LedgerEventRef } from "./ledger-check.server";

export const REPORT_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
const BATCH = 1000;

export interface OptOutHandling extends HandlingTimes {
  /** Inbound texts read as an opt-out in the window. */
  received: number;
  /** Of those, from a number that was already opted out (or unknown and nothing to record): no event, nothing to do. */
  alreadyOptedOut: number;
  /** Opt-outs Twilio reported as error 21610 in the window (the number texted STOP to Twilio or the carrier). */
  carrierOptOuts: number;
}

export interface PrivacyRequestCounts {
  total: number;
  last30Days: number;
  byTopic: { topic: string; done: number; inProgress: number }[];
}

export interface ComplianceReport {
  from: string;
  to: string;
  timezone: string;
  messageRetentionDays: number | null;
  ledger: { events: number; lastEvent: LedgerEventRef | null };
  optOuts: OptOutHandling;
  privacy: PrivacyRequestCounts;
}

export async function getComplianceReport(shop: string, now: Date): Promise<ComplianceReport> {
  const from = new Date(now.getTime() - REPORT_DAYS * DAY_MS);
  const settings = await prisma.shop.findUnique({ where: { shop }, select: { timezone: true, messageRetentionDays: true } });
  const [ledger, optOuts, privacy] = [await ledgerSummary(shop), await optOutHandling(shop, from, now), await privacyRequestCounts(shop, from)];
  return {
    from: from.toISOString(),
    to: now.toISOString(),
    timezone: settings?.timezone ?? "UTC",
    messageRetentionDays: settings?.messageRetentionDays ?? null,
    ledger,
    optOuts,
    privacy,
  };
}

/**
 * From the receipt of each inbound opt-out (InboundMessage.receivedAt) to
 * the recording of the opt-out it caused (ConsentEvent.recordedAt): the
 * keyword event that carries the text's MessageSid in its evidence. Read in
 * keyset batches over the inbound index ("shop", "receivedAt"), each batch's
 * events by subscriber (index ("subscriberId", "seq")); only the durations
 * are kept.
 */
export async function optOutHandling(shop: string, from: Date, to: Date): Promise<OptOutHandling> {
  const durations: number[] = [];
  let received = 0;
  let cursor: { receivedAt: Date; messageSid: string } | null = null;
  for (;;) {
    const texts: { messageSid: string; subscriberId: string | null; receivedAt: Date }[] = await prisma.inboundMessage.findMany({
      where: {
        shop,
        intent: "opt_out",
        receivedAt: { gte: from, lt: to },
        ...(cursor
          ? { OR: [{ receivedAt: { gt: cursor.receivedAt } }, { receivedAt: cursor.receivedAt, messageSid: { gt: cursor.messageSid } }] }
          : {}),
      },
      orderBy: [{ receivedAt: "asc" }, { messageSid: "asc" }],
      take: BATCH,
      select: { messageSid: true, subscriberId: true, receivedAt: true },
    });
    if (texts.length === 0) break;
    received += texts.length;
    const subscriberIds = [...new Set(texts.map((text) => text.subscriberId).filter((id): id is string => id !== null))];
    const events = subscriberIds.length
      ? await prisma.consentEvent.findMany({
          where: { shop, subscriberId: { in: subscriberIds }, source: "keyword", kind: "opted_out", occurredAt: { gte: from } },
          select: { evidence: true, recordedAt: true },
        })
      : [];
    const recordedBySid = new Map<string, Date>();
    for (const event of events) {
      const sid = messageSidOf(event.evidence);
      if (sid) recordedBySid.set(sid, event.recordedAt);
    }
    for (const text of texts) {
      const recordedAt = recordedBySid.get(text.messageSid);
      if (recordedAt) durations.push(Math.max(0, recordedAt.getTime() - text.receivedAt.getTime()));
    }
    const last = texts[texts.length - 1]!;
    cursor = { receivedAt: last.receivedAt, messageSid: last.messageSid };
    if (texts.length < BATCH) break;
  }
  const carrierOptOuts = await prisma.consentEvent.count({ where: { shop, kind: "carrier_opt_out", occurredAt: { gte: from, lt: to } } });
  return { ...handlingTimesOf(durations), received, alreadyOptedOut: received - durations.length, carrierOptOuts };
}

function messageSidOf(evidence: string): string | null {
  try {
    const parsed = JSON.parse(evidence) as { messageSid?: unknown };
    return typeof parsed.messageSid === "string" ? parsed.messageSid : null;
  } catch {
    return null; // erased evidence
  }
}

export async function privacyRequestCounts(shop: string, from: Date): Promise<PrivacyRequestCounts> {
  const [done, open, last30Days] = await Promise.all([
    prisma.privacyRequest.groupBy({ by: ["topic"], where: { shop, completedAt: { not: null } }, _count: { _all: true } }),
    prisma.privacyRequest.groupBy({ by: ["topic"], where: { shop, completedAt: null }, _count: { _all: true } }),
    prisma.privacyRequest.count({ where: { shop, receivedAt: { gte: from } } }),
  ]);
  const topics = new Map<string, { topic: string; done: number; inProgress: number }>();
  const entry = (topic: string) => topics.get(topic) ?? topics.set(topic, { topic, done: 0, inProgress: 0 }).get(topic)!;
  for (const row of done) entry(row.topic).done = row._count._all;
  for (const row of open) entry(row.topic).inProgress = row._count._all;
  const byTopic = [...topics.values()].sort((a, b) => a.topic.localeCompare(b.topic));
  return { total: byTopic.reduce((sum, row) => sum + row.done + row.inProgress, 0), last30Days, byTopic };
}
