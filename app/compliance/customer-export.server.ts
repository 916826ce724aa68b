/**
 * customers/data_request: everything the app holds about one customer of a
 * shop, as JSON the merchant can hand over. It is built at once and kept in
 * PrivacyRequest, so the merchant can download it from the admin
 * (app/routes/app.privacy.tsx) whenever they answer the customer.
 */
import type { DbTx } from "../db.server";
import { oncePerWebhook, type OnceResult } from "../webhooks/idempotency.server";
import {
  customerConsentEvents,
  customerInboundMessages,
  customerMessages,
  customerOrders,
  customerSyncJobs,
  findCustomerRecords,
  type CustomerRecords,
} from "./customer-records.server";
import { customerIdentityOf, PRIVACY_TOPICS, type CustomerIdentity, type PrivacyPayload } from "./privacy-webhooks";
import { findRedactedSuppression } from "../consent/redacted-phone.server";

const TOPIC = PRIVACY_TOPICS.CUSTOMERS_DATA_REQUEST;

export async function answerCustomerDataRequest(
  shop: string,
  webhookId: string,
  payload: PrivacyPayload<typeof TOPIC>,
  now: Date = new Date(),
): Promise<OnceResult<{ privacyRequestId: string }>> {
  return oncePerWebhook(
    { webhookId, shop, topic: TOPIC },
    async (tx) => {
      const shopifyRequestId = payload.data_request?.id ?? null;
      // The same request delivered again under a new webhook id is answered once.
      const earlier = shopifyRequestId
        ? await tx.privacyRequest.findFirst({ where: { shop, topic: TOPIC, shopifyRequestId }, select: { id: true } })
        : null;
      if (earlier) return { privacyRequestId: earlier.id };

      const identity = customerIdentityOf({ customer: payload.customer, orderIds: payload.orders_requested });
      const shopifyCustomerId = identity.customerGid;
      const data = await buildCustomerExport(tx, shop, identity, { shopifyCustomerId, shopifyRequestId }, now);
      const request = await tx.privacyRequest.create({
        data: {
          shop,
          topic: TOPIC,
          shopifyCustomerId,
          shopifyRequestId,
          export: JSON.stringify(data, null, 2),
          receivedAt: now,
          completedAt: now,
        },
      });
      return { privacyRequestId: request.id };
    },
    now,
  );
}

export async function buildCustomerExport(
  tx: DbTx,
  shop: string,
  identity: CustomerIdentity,
  request: { shopifyCustomerId: string | null; shopifyRequestId: string | null },
  now: Date,
) {
  const records = await findCustomerRecords(tx, shop, identity);
  // One after another: a transaction's queries share one connection.
  const events = await tx.consentEvent.findMany({ where: customerConsentEvents(shop, records), orderBy: { seq: "asc" } });
  const sent = await tx.message.findMany({ where: customerMessages(shop, records), orderBy: { createdAt: "asc" } });
  const received = await tx.inboundMessage.findMany({ where: customerInboundMessages(shop, records), orderBy: { receivedAt: "asc" } });
  const syncJobs = await tx.shopifySyncJob.findMany({ where: customerSyncJobs(shop, records), orderBy: { consentEventSeq: "asc" } });
  const clicks = await clicksOf(tx, shop, records.subscriberIds);
  const orders = await ordersOf(tx, shop, identity, records);
  const suppression = identity.phone ? await findRedactedSuppression(shop, identity.phone, tx) : null;

  return {
    about:
      "Personal data the SMS Consent app holds for this customer of the shop: SMS subscriptions, the evidence of every consent change, the texts sent to and received from them, the links they clicked, and their orders as far as campaign results need them (id, total, time, refunds, the campaign credited).",
    shop,
    generatedAt: now.toISOString(),
    request: { ...request, phone: identity.phone, orders: identity.orderIds },
    subscribers: records.subscribers.map((s) => ({
      id: s.id,
      phone: s.phone,
      status: s.status,
      optInLevel: s.optInLevel,
      shopifyCustomerId: s.shopifyCustomerId,
      locale: s.locale,
      timezone: s.timezone,
      region: s.region,
      createdAt: s.createdAt,
      subscribedAt: s.subscribedAt,
      unsubscribedAt: s.unsubscribedAt,
      pendingExpiresAt: s.pendingExpiresAt,
      unreachableAt: s.unreachableAt,
      updatedAt: s.updatedAt,
    })),
    consentEvents: events.map((e) => ({
      subscriberId: e.subscriberId,
      seq: e.seq,
      kind: e.kind,
      source: e.source,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      occurredAt: e.occurredAt,
      recordedAt: e.recordedAt,
      phone: e.phone,
      // Disclosure version and text hash, order id, IP, user agent, the inbound text and its MessageSid…
      evidence: JSON.parse(e.evidence) as unknown,
      evidenceDigest: e.evidenceDigest,
      hash: e.hash,
      redactedAt: e.redactedAt,
    })),
    messagesSent: sent.map((m) => ({
      id: m.id,
      subscriberId: m.subscriberId,
      campaignId: m.campaignId,
      phone: m.phone,
      kind: m.kind,
      body: m.body,
      bodyBlankedAt: m.bodyPurgedAt, // the shop's retention period for texts ended: what it said is no longer kept
      status: m.status,
      createdAt: m.createdAt,
      sentAt: m.sentAt,
      deliveredAt: m.deliveredAt,
      errorCode: m.errorCode,
    })),
    messagesReceived: received.map((m) => ({
      messageSid: m.messageSid,
      subscriberId: m.subscriberId,
      fromPhone: m.fromPhone,
      toPhone: m.toPhone,
      body: m.body,
      bodyBlankedAt: m.bodyPurgedAt,
      understoodAs: m.intent,
      receivedAt: m.receivedAt,
    })),
    shopifySyncJobs: syncJobs.map((j) => ({
      subscriberId: j.subscriberId,
      consentEventSeq: j.consentEventSeq,
      marketingState: j.marketingState,
      optInLevel: j.optInLevel,
      consentUpdatedAt: j.consentUpdatedAt,
      status: j.status,
      attempts: j.attempts,
      createdAt: j.createdAt,
      updatedAt: j.updatedAt,
    })),
    linkClicks: clicks,
    orders,
    // An earlier erasure leaves only a keyed hash of the number and its opt-out (see README, Privacy requests).
    erasedRecord: suppression
      ? { status: suppression.status, unsubscribedAt: suppression.unsubscribedAt, note: "The number's data was erased earlier; only this opt-out is kept." }
      : null,
  };
}

export type CustomerDataExport = Awaited<ReturnType<typeof buildCustomerExport>>;

/** Their orders as attribution recorded them (no more than these facts is kept), with their refunds. */
async function ordersOf(tx: DbTx, shop: string, identity: CustomerIdentity, records: CustomerRecords) {
  const orders = await tx.order.findMany({ where: customerOrders(shop, records, identity), orderBy: { placedAt: "asc" } });
  if (orders.length === 0) return [];
  const refunds = await tx.orderRefund.findMany({
    where: { shop, shopifyOrderId: { in: orders.map((order) => order.shopifyOrderId) } },
    orderBy: { createdAt: "asc" },
  });
  return orders.map((o) => ({
    shopifyOrderId: o.shopifyOrderId,
    subscriberId: o.subscriberId,
    shopifyCustomerId: o.shopifyCustomerId,
    total: { minorUnits: o.totalMinor, currency: o.currency },
    placedAt: o.placedAt,
    refundedMinorUnits: o.refundedMinor,
    creditedToCampaignId: o.attributedCampaignId,
    creditedBecause: o.attribution,
    refunds: refunds
      .filter((refund) => refund.shopifyOrderId === o.shopifyOrderId)
      .map((refund) => ({ shopifyRefundId: refund.shopifyRefundId, amountMinorUnits: refund.amountMinor, recordedAt: refund.createdAt })),
  }));
}

async function clicksOf(tx: DbTx, shop: string, subscriberIds: string[]) {
  if (subscriberIds.length === 0) return [];
  const clicks = await tx.linkClick.findMany({ where: { subscriberId: { in: subscriberIds } }, orderBy: { clickedAt: "asc" } });
  const links = await tx.trackedLink.findMany({
    where: { shop, id: { in: [...new Set(clicks.map((click) => click.linkId))] } },
    select: { id: true, url: true, campaignId: true },
  });
  const byId = new Map(links.map((link) => [link.id, link]));
  // A click is the customer's only through a link of this shop.
  return clicks.flatMap((click) => {
    const link = byId.get(click.linkId);
    return link ? [{ subscriberId: click.subscriberId, url: link.url, campaignId: link.campaignId, clickedAt: click.clickedAt }] : [];
  });
}
