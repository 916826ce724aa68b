/**
 * Which of a shop's rows belong to the customer a privacy request names.
 *
 * A customer's subscriber rows are found by the Shopify customer id (both the
 * numeric form and the gid the app stores), by their phone in E.164, and by
 * the consent evidence of the orders the request names or that recorded the
 * customer id (a guest checkout's consent is linked only through its order).
 * Their texts, inbound messages and sync jobs are then found by those
 * subscribers' ids and phones, so rows never linked to a subscriber (a HELP
 * from a number that never subscribed) are found too.
 */
import type { Prisma, Subscriber } from "@prisma/client";
import type { DbTx } from "../db.server";
import { orderEvidenceFragment, type CustomerIdentity } from "./privacy-webhooks";
import { isRedactedPhone } from "../consent/redacted-phone.server";

export interface CustomerRecords {
  subscribers: Subscriber[];
  subscriberIds: string[];
  /** E.164 numbers whose texts are this customer's: the request's and its subscribers'. */
  phones: string[];
}

export async function findCustomerRecords(tx: DbTx, shop: string, identity: CustomerIdentity): Promise<CustomerRecords> {
  const direct: Prisma.SubscriberWhereInput[] = [];
  if (identity.customerIds.length > 0) direct.push({ shopifyCustomerId: { in: identity.customerIds } });
  if (identity.phone) direct.push({ phone: identity.phone });

  const evidence = [
    ...identity.orderIds.map(orderEvidenceFragment),
    ...identity.customerIds.map((id) => `"shopifyCustomerId":${JSON.stringify(id)}`),
  ];
  const viaEvidence =
    evidence.length > 0
      ? await tx.consentEvent.findMany({
          where: { shop, redactedAt: null, OR: evidence.map((fragment) => ({ evidence: { contains: fragment } })) },
          select: { subscriberId: true },
        })
      : [];

  const where: Prisma.SubscriberWhereInput[] = [...direct];
  if (viaEvidence.length > 0) where.push({ id: { in: [...new Set(viaEvidence.map((event) => event.subscriberId))] } });
  const subscribers =
    where.length > 0 ? await tx.subscriber.findMany({ where: { shop, OR: where }, orderBy: { createdAt: "asc" } }) : [];

  const phones = new Set<string>();
  if (identity.phone) phones.add(identity.phone);
  for (const subscriber of subscribers) if (!isRedactedPhone(subscriber.phone)) phones.add(subscriber.phone);
  return { subscribers, subscriberIds: subscribers.map((subscriber) => subscriber.id), phones: [...phones] };
}

// The rows of each table that are the customer's. `in: []` matches nothing, so an empty list is safe.
export const customerMessages = (shop: string, r: CustomerRecords): Prisma.MessageWhereInput => ({
  shop,
  OR: [{ subscriberId: { in: r.subscriberIds } }, { phone: { in: r.phones } }],
});
export const customerInboundMessages = (shop: string, r: CustomerRecords): Prisma.InboundMessageWhereInput => ({
  shop,
  OR: [{ subscriberId: { in: r.subscriberIds } }, { fromPhone: { in: r.phones } }],
});
export const customerSyncJobs = (shop: string, r: CustomerRecords): Prisma.ShopifySyncJobWhereInput => ({
  shop,
  OR: [{ subscriberId: { in: r.subscriberIds } }, { phone: { in: r.phones } }],
});
/**
 * Their orders (app/attribution/orders.server.ts): recorded for one of their
 * subscribers, under their customer id, or named by the request (Order keeps
 * Shopify's numeric order id).
 */
export const customerOrders = (shop: string, r: CustomerRecords, identity: CustomerIdentity): Prisma.OrderWhereInput => ({
  shop,
  OR: [
    { subscriberId: { in: r.subscriberIds } },
    { shopifyCustomerId: { in: identity.customerIds } },
    { shopifyOrderId: { in: identity.orderIds.map((gid) => gid.replace(/^gid:\/\/shopify\/Order\//, "")) } },
  ],
});
export const customerConsentEvents = (shop: string, r: CustomerRecords): Prisma.ConsentEventWhereInput => ({
  shop,
  OR: [{ subscriberId: { in: r.subscriberIds } }, { phone: { in: r.phones } }],
});
