/**
 * Everything the subscriber's page tells: the subscriber, every consent event
 * with its evidence (oldest first), the disclosure versions those events point
 * at, and the newest texts sent to and received from the number. Every query
 * is scoped by the shop: another shop's subscriber is null.
 *
 * Texts can run to thousands per number, so only the newest `texts` of them
 * are read (sent and received together); the page asks for more. Consent
 * events are the proof itself and are all read, up to MAX_EVENTS.
 */
import prisma from "../db.server";
import { REDACTED_PREFIX } from "../consent/redacted-phone.server";
import type { DisclosureRef, TimelineConsentEvent, TimelineInbound, TimelineMessage } from "./timeline";

export const DEFAULT_TEXTS = 50;
export const MAX_TEXTS = 1000;
export const MAX_EVENTS = 1000;

export interface SubscriberDetail {
  subscriber: {
    id: string;
    phone: string;
    /** Erased at the customer's request (customers/redact): the number is gone, its opt-out stays. */
    erased: boolean;
    status: string;
    optInLevel: string | null;
    firstName: string | null;
    lastName: string | null;
    email: string | null;
    locale: string | null;
    region: string | null;
    subscribedAt: Date | null;
    unsubscribedAt: Date | null;
    pendingExpiresAt: Date | null;
    unreachableAt: Date | null;
    createdAt: Date;
  };
  shop: { timezone: string; messageRetentionDays: number; doubleOptIn: boolean };
  events: TimelineConsentEvent[];
  /** More events than MAX_EVENTS exist (only the first MAX_EVENTS are here). */
  moreEvents: boolean;
  disclosures: DisclosureRef[];
  messages: TimelineMessage[];
  inbound: TimelineInbound[];
  /** Texts that changed consent (a STOP, a JOIN, a Y) older than the texts shown: their events still say how they were answered. */
  consentTexts: TimelineInbound[];
  /** How many texts there are in all, and how many of them are not in `messages` and `inbound`. */
  texts: { total: number; notShown: number };
}

export async function getSubscriberDetail(shop: string, subscriberId: string, options: { texts?: number } = {}): Promise<SubscriberDetail | null> {
  const textLimit = Math.min(Math.max(1, Math.floor(options.texts ?? DEFAULT_TEXTS)), MAX_TEXTS);
  const subscriber = await prisma.subscriber.findFirst({ where: { id: subscriberId, shop } });
  if (!subscriber) return null;
  const erased = subscriber.phone.startsWith(REDACTED_PREFIX);
  // Texts received are linked to the subscriber when they changed consent; others (HELP, questions) by the number.
  const inboundWhere = { shop, OR: [{ subscriberId }, ...(erased ? [] : [{ fromPhone: subscriber.phone }])] };
  const [settings, rawEvents, messages, inbound, sentCount, receivedCount] = await Promise.all([
    prisma.shop.findUnique({ where: { shop }, select: { timezone: true, messageRetentionDays: true, doubleOptIn: true } }),
    prisma.consentEvent.findMany({
      where: { shop, subscriberId },
      orderBy: { seq: "asc" },
      take: MAX_EVENTS + 1,
      select: { seq: true, kind: true, source: true, fromStatus: true, toStatus: true, occurredAt: true, recordedAt: true, evidence: true, hash: true, redactedAt: true },
    }),
    prisma.message.findMany({
      where: { shop, subscriberId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: textLimit,
      select: {
        id: true,
        kind: true,
        status: true,
        body: true,
        bodyPurgedAt: true,
        errorCode: true,
        errorMessage: true,
        skipReason: true,
        campaignId: true,
        createdAt: true,
        nextAttemptAt: true,
        sentAt: true,
        deliveredAt: true,
      },
    }),
    prisma.inboundMessage.findMany({
      where: inboundWhere,
      orderBy: [{ receivedAt: "desc" }, { messageSid: "desc" }],
      take: textLimit,
      select: INBOUND_FIELDS,
    }),
    prisma.message.count({ where: { shop, subscriberId } }),
    prisma.inboundMessage.count({ where: inboundWhere }),
  ]);

  const events = rawEvents.slice(0, MAX_EVENTS).map(({ evidence, ...event }) => ({ ...event, evidence: parseEvidence(evidence) }));
  const { sent, received } = newestTexts(messages, inbound, textLimit);
  const [campaigns, disclosures, consentTexts] = await Promise.all([
    campaignNames(shop, sent),
    referencedDisclosures(shop, events),
    textsBehindEvents(shop, events, received),
  ]);

  return {
    subscriber: {
      id: subscriber.id,
      phone: erased ? "Erased number" : subscriber.phone,
      erased,
      status: subscriber.status,
      optInLevel: subscriber.optInLevel,
      firstName: subscriber.firstName,
      lastName: subscriber.lastName,
      email: subscriber.email,
      locale: subscriber.locale,
      region: subscriber.region,
      subscribedAt: subscriber.subscribedAt,
      unsubscribedAt: subscriber.unsubscribedAt,
      pendingExpiresAt: subscriber.pendingExpiresAt,
      unreachableAt: subscriber.unreachableAt,
      createdAt: subscriber.createdAt,
    },
    shop: settings ?? { timezone: "UTC", messageRetentionDays: 365, doubleOptIn: true },
    events,
    moreEvents: rawEvents.length > MAX_EVENTS,
    disclosures,
    messages: sent.reverse().map(({ campaignId, ...message }) => ({ ...message, campaignName: campaignId ? (campaigns.get(campaignId) ?? null) : null })),
    inbound: received.reverse(),
    consentTexts,
    texts: { total: sentCount + receivedCount, notShown: sentCount + receivedCount - sent.length - received.length },
  };
}

/**
 * The newest `limit` texts of both lists together. Each list holds its own
 * newest `limit`, so every text among the newest `limit` overall is in one of
 * them: the merge is exact, and what is left out is older than all it keeps.
 */
function newestTexts<S extends { createdAt: Date }, R extends { receivedAt: Date }>(sent: S[], received: R[], limit: number) {
  const merged = [
    ...sent.map((row) => ({ at: row.createdAt.getTime(), sent: row, received: null })),
    ...received.map((row) => ({ at: row.receivedAt.getTime(), sent: null, received: row })),
  ]
    .sort((a, b) => b.at - a.at)
    .slice(0, limit);
  return {
    sent: merged.flatMap((row) => (row.sent ? [row.sent] : [])),
    received: merged.flatMap((row) => (row.received ? [row.received] : [])),
  };
}

function parseEvidence(evidence: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(evidence);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { evidence: parsed };
  } catch {
    return { evidence };
  }
}

async function campaignNames(shop: string, messages: readonly { campaignId: string | null }[]): Promise<Map<string, string>> {
  const ids = [...new Set(messages.flatMap((message) => (message.campaignId ? [message.campaignId] : [])))];
  if (ids.length === 0) return new Map();
  const campaigns = await prisma.campaign.findMany({ where: { shop, id: { in: ids } }, select: { id: true, name: true } });
  return new Map(campaigns.map((campaign) => [campaign.id, campaign.name]));
}

const INBOUND_FIELDS = { messageSid: true, body: true, intent: true, replyTwiml: true, receivedAt: true, bodyPurgedAt: true } as const;

async function textsBehindEvents(shop: string, events: readonly TimelineConsentEvent[], shown: readonly { messageSid: string }[]): Promise<TimelineInbound[]> {
  const loaded = new Set(shown.map((text) => text.messageSid));
  const sids = [
    ...new Set(events.flatMap((event) => (event.source === "keyword" && typeof event.evidence.messageSid === "string" ? [event.evidence.messageSid] : []))),
  ].filter((sid) => !loaded.has(sid));
  if (sids.length === 0) return [];
  return prisma.inboundMessage.findMany({ where: { shop, messageSid: { in: sids } }, select: INBOUND_FIELDS });
}

async function referencedDisclosures(shop: string, events: readonly TimelineConsentEvent[]): Promise<DisclosureRef[]> {
  const ids = [...new Set(events.flatMap((event) => (typeof event.evidence.disclosureVersionId === "string" ? [event.evidence.disclosureVersionId] : [])))];
  if (ids.length === 0) return [];
  return prisma.disclosureVersion.findMany({ where: { shop, id: { in: ids } }, select: { id: true, version: true, locale: true, contentHash: true } });
}
