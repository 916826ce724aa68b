/**
 * The retention setting for message bodies (Shop.messageRetentionDays, 365
 * days by default): the worker blanks the text of every message sent and
 * every text received that is older than its shop's setting, and records when
 * (`bodyPurgedAt`). What a text said is not needed to prove consent: the
 * ledger keeps each consent's evidence (an inbound STOP's own words among it),
 * which this never touches. Kept, besides the evidence: who a text went to,
 * when, its status and cost, so campaign results and the audit of quiet hours
 * and caps still add up. docs/compliance.md, "Data kept and why".
 *
 * Bounded: each call blanks at most `limit` rows in all, in batches of
 * `batchSize` per shop per round (one short write each), shops taking turns,
 * so a shop with a long backlog (its setting just lowered) cannot hold back
 * the others, nor the worker's other work for long. Rows already blanked are
 * passed over with a keyset on the time, so one call reads each old row at
 * most once.
 */
import prisma from "../db.server";

const DAY_MS = 24 * 60 * 60 * 1000;

/** A stored reply to a text received that is blanked: TwiML that says nothing (what the app answers when it sends no reply). */
export const BLANK_REPLY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * Texts that may still be sent keep their body: queued, or handed to a worker
 * ("sending", and "accepted" in rows from before November 2026). Every other
 * status is past sending.
 */
const STILL_SENDING = ["queued", "sending", "accepted"];

export interface PurgeOptions {
  /** Rows blanked at most in this call, messages and texts received together. */
  limit?: number;
  batchSize?: number;
}

export interface PurgeReport {
  messages: number;
  inbound: number;
  /** True when the limit stopped the call with rows still to blank. */
  more: boolean;
}

/** The instant before which a shop's texts are blanked: strictly older than `days` days. */
export function retentionCutoff(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

export async function purgeExpiredMessageBodies(now: Date, options: PurgeOptions = {}): Promise<PurgeReport> {
  const limit = options.limit ?? 10_000;
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 500, 900, limit));
  const shops = await prisma.shop.findMany({ select: { shop: true, messageRetentionDays: true }, orderBy: { shop: "asc" } });
  const report: PurgeReport = { messages: 0, inbound: 0, more: false };

  // Each shop's two queues (texts sent, texts received) with where the last batch stopped.
  const queues = shops.flatMap(({ shop, messageRetentionDays }) => {
    const cutoff = retentionCutoff(now, messageRetentionDays);
    return [
      { kind: "messages" as const, shop, cutoff, after: null as Date | null },
      { kind: "inbound" as const, shop, cutoff, after: null as Date | null },
    ];
  });
  let active = queues;
  while (active.length > 0) {
    const next: typeof active = [];
    for (const queue of active) {
      const room = limit - report.messages - report.inbound;
      if (room <= 0) {
        report.more = true;
        return report;
      }
      const take = Math.min(batchSize, room);
      const batch = queue.kind === "messages" ? await blankMessages(queue, take, now) : await blankInbound(queue, take, now);
      report[queue.kind] += batch.blanked;
      queue.after = batch.last;
      if (batch.read === take) next.push(queue);
    }
    active = next;
  }
  return report;
}

interface Queue {
  shop: string;
  cutoff: Date;
  after: Date | null;
}

async function blankMessages(queue: Queue, take: number, now: Date) {
  const rows = await prisma.message.findMany({
    where: {
      shop: queue.shop,
      createdAt: { lt: queue.cutoff, ...(queue.after ? { gte: queue.after } : {}) },
      bodyPurgedAt: null,
      status: { notIn: STILL_SENDING },
    },
    orderBy: { createdAt: "asc" },
    take,
    select: { id: true, createdAt: true },
  });
  if (rows.length === 0) return { read: 0, blanked: 0, last: queue.after };
  const { count } = await prisma.message.updateMany({
    // By id alone (the ids were read for this shop above): with "shop" here SQLite's planner may walk the shop's index instead.
    where: { id: { in: rows.map((row) => row.id) }, bodyPurgedAt: null, status: { notIn: STILL_SENDING } },
    data: { body: "", bodyPurgedAt: now },
  });
  return { read: rows.length, blanked: count, last: rows[rows.length - 1]!.createdAt };
}

async function blankInbound(queue: Queue, take: number, now: Date) {
  const rows = await prisma.inboundMessage.findMany({
    where: { shop: queue.shop, receivedAt: { lt: queue.cutoff, ...(queue.after ? { gte: queue.after } : {}) }, bodyPurgedAt: null },
    orderBy: { receivedAt: "asc" },
    take,
    select: { messageSid: true, receivedAt: true },
  });
  if (rows.length === 0) return { read: 0, blanked: 0, last: queue.after };
  const { count } = await prisma.inboundMessage.updateMany({
    where: { messageSid: { in: rows.map((row) => row.messageSid) }, bodyPurgedAt: null },
    data: { body: "", replyTwiml: BLANK_REPLY_TWIML, bodyPurgedAt: now },
  });
  return { read: rows.length, blanked: count, last: rows[rows.length - 1]!.receivedAt };
}
