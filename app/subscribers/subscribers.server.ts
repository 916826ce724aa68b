import { z } from "zod";
import prisma from "../db.server";
import { SUBSCRIBER_STATUSES } from "../consent/transitions";

export const PAGE_SIZE = 50;

export const subscriberListQuerySchema = z.object({
  status: z.enum(SUBSCRIBER_STATUSES).optional().catch(undefined),
  phone: z
    .string()
    .trim()
    .transform((value) => value.replace(/[^\d+]/g, ""))
    .optional()
    .catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
export type SubscriberListQuery = z.infer<typeof subscriberListQuerySchema>;

export async function listSubscribers(shop: string, query: SubscriberListQuery) {
  const where = {
    shop,
    ...(query.status ? { status: query.status } : {}),
    ...(query.phone ? { phone: { contains: query.phone } } : {}),
  };
  const [total, rows] = await Promise.all([
    prisma.subscriber.count({ where }),
    prisma.subscriber.findMany({
      where,
      orderBy: { updatedAt: "desc" },
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: { id: true, phone: true, status: true, optInLevel: true, subscribedAt: true, unsubscribedAt: true, updatedAt: true },
    }),
  ]);
  return { total, rows, page: query.page, pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
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
