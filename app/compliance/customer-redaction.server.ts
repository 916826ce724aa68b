/**
 * customers/redact: erase one customer's personal data at one shop, in one
 * transaction, keeping only what proves past consent and keeps the number
 * suppressed (README, "Privacy requests", says what and why):
 *
 * - texts to them: queued ones are cancelled first; then every body is emptied
 *   and every phone (and Twilio's error text, which can quote it) erased;
 * - texts from them (InboundMessage): deleted. Their MessageSid only ever
 *   served to answer Twilio's retries of the same webhook, which come within
 *   seconds, never days later;
 * - Shopify sync jobs: deleted (they carry the phone and nothing else of use);
 * - link clicks: unlinked from the subscriber;
 * - orders (attribution's minimal facts) and their refunds: deleted. A
 *   campaign's results then count them no more, as if never placed through it;
 * - data-request exports about them: emptied (they hold all of the above);
 * - their lines in list imports' reports (the number as the file wrote it):
 *   removed;
 * - consent events: phone, evidence and salt erased, redactedAt set. Kind,
 *   source, statuses, time, digest and hashes stay, so the chain verifies and
 *   still shows that consent was given, when, how, and that it ended;
 * - subscriber rows: consent is ended first through the consent engine (an
 *   "opted_out" event, source "system"), then the number, customer id and
 *   location are erased. The row keeps status "unsubscribed" and, as its phone,
 *   a keyed hash of the number (redacted-phone.server.ts), so the opt-out still
 *   holds against a later import or sync of the same number.
 */
import type { Subscriber } from "@prisma/client";
import { applyConsentChange } from "../consent/consent-engine.server";
import { lockConsentChain } from "../consent/ledger.server";
import type { DbTx } from "../db.server";
import type { MessageStatus } from "../messaging/message-status";
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
import { reportWithoutNumbers } from "./import-report-erasure";
import { customerIdentityOf, PRIVACY_TOPICS, type CustomerIdentity, type PrivacyPayload } from "./privacy-webhooks";
import { redactedPhoneKey, redactedRowPlaceholder } from "../consent/redacted-phone.server";

const TOPIC = PRIVACY_TOPICS.CUSTOMERS_REDACT;
/** What an erased event's phone, and an erased text's phone, read afterwards. */
export const REDACTED = "redacted";

export interface CustomerRedactionReport {
  privacyRequestId: string;
  subscribers: number;
  consentEnded: number;
  cancelledMessages: number;
  erasedMessages: number;
  deletedInboundMessages: number;
  deletedSyncJobs: number;
  redactedEvents: number;
  deletedClicks: number;
  deletedOrders: number;
  deletedRefunds: number;
  erasedExports: number;
  erasedImportReportLines: number;
}

export async function redactCustomer(
  shop: string,
  webhookId: string,
  payload: PrivacyPayload<typeof TOPIC>,
  now: Date = new Date(),
): Promise<OnceResult<CustomerRedactionReport>> {
  const identity = customerIdentityOf({ customer: payload.customer, orderIds: payload.orders_to_redact });
  return oncePerWebhook({ webhookId, shop, topic: TOPIC }, (tx) => eraseCustomer(tx, shop, identity, now), now);
}

async function eraseCustomer(tx: DbTx, shop: string, identity: CustomerIdentity, now: Date): Promise<CustomerRedactionReport> {
  // The customer id is kept on the request: the record that this erasure was asked for and done.
  const request = await tx.privacyRequest.create({
    data: { shop, topic: TOPIC, shopifyCustomerId: identity.customerGid, receivedAt: now },
  });
  // No consent change for this shop may slip in between finding the rows and erasing them.
  await lockConsentChain(tx, shop); // the consent engine's lock
  const records = await findCustomerRecords(tx, shop, identity);

  const cancelled = await tx.message.updateMany({
    where: { ...customerMessages(shop, records), status: "queued" satisfies MessageStatus },
    data: { status: "cancelled" satisfies MessageStatus, errorMessage: "customer data erased" },
  });
  let consentEnded = 0;
  for (const subscriber of records.subscribers) {
    if (await endConsent(tx, subscriber, request.id, now)) consentEnded += 1;
  }

  const erasedMessages = await tx.message.updateMany({
    where: customerMessages(shop, records),
    data: { body: "", phone: REDACTED, errorMessage: null },
  });
  const deletedInbound = await tx.inboundMessage.deleteMany({ where: customerInboundMessages(shop, records) });
  // Includes the jobs the consent engine queued for the opt-out above: Shopify erases the customer itself.
  const deletedSyncJobs = await tx.shopifySyncJob.deleteMany({ where: customerSyncJobs(shop, records) });
  const redactedEvents = await tx.consentEvent.updateMany({
    where: { ...customerConsentEvents(shop, records), redactedAt: null },
    data: { phone: REDACTED, evidence: "{}", evidenceSalt: null, redactedAt: now },
  });
  // Her clicks go, as her orders do; the links made for her texts no longer say whose they were.
  const deletedClicks = await tx.linkClick.deleteMany({ where: { shop, subscriberId: { in: records.subscriberIds } } });
  await tx.trackedLink.updateMany({ where: { shop, subscriberId: { in: records.subscriberIds } }, data: { subscriberId: null } });
  const { deletedOrders, deletedRefunds } = await deleteOrders(tx, shop, identity, records);
  const erasedExports = await eraseExports(tx, shop, identity, records);
  const erasedImportReportLines = await eraseFromImportReports(tx, shop, records.phones);
  for (const subscriber of records.subscribers) await eraseSubscriber(tx, subscriber);

  await tx.privacyRequest.update({ where: { id: request.id }, data: { completedAt: now } });
  return {
    privacyRequestId: request.id,
    subscribers: records.subscribers.length,
    consentEnded,
    cancelledMessages: cancelled.count,
    erasedMessages: erasedMessages.count,
    deletedInboundMessages: deletedInbound.count,
    deletedSyncJobs: deletedSyncJobs.count,
    redactedEvents: redactedEvents.count,
    deletedClicks: deletedClicks.count,
    deletedOrders,
    deletedRefunds,
    erasedExports,
    erasedImportReportLines,
  };
}

async function eraseFromImportReports(tx: DbTx, shop: string, phones: readonly string[]): Promise<number> {
  if (phones.length === 0) return 0;
  const imports = await tx.subscriberImport.findMany({ where: { shop, NOT: { report: "" } }, select: { id: true, report: true } });
  let removed = 0;
  for (const { id, report } of imports) {
    const erased = reportWithoutNumbers(report, phones);
    if (!erased) continue;
    await tx.subscriberImport.update({ where: { id }, data: { report: erased.report } });
    removed += erased.removed;
  }
  return removed;
}

/**
 * Erasure ends the subscription: without the number nobody can be texted, and
 * a "subscribed" row with no number would only fail at every send. The person
 * asked the merchant to forget them; that is at least an objection to
 * marketing, which must be honoured for good.
 */
async function endConsent(tx: DbTx, subscriber: Subscriber, privacyRequestId: string, now: Date): Promise<boolean> {
  if (subscriber.status === "unsubscribed") return false;
  const { event } = await applyConsentChange(
    {
      shop: subscriber.shop,
      phone: subscriber.phone,
      action: "opt_out",
      source: "system",
      occurredAt: now,
      evidence: { reason: "customer data erasure (Shopify customers/redact)", privacyRequestId },
    },
    tx,
  );
  return event !== null;
}

async function eraseSubscriber(tx: DbTx, subscriber: Subscriber): Promise<void> {
  const key = redactedPhoneKey(subscriber.shop, subscriber.phone);
  // One number, one key per shop: if an earlier erasure of this number already holds it, that row keeps the opt-out.
  const holder = await tx.subscriber.findUnique({ where: { shop_phone: { shop: subscriber.shop, phone: key } }, select: { id: true } });
  await tx.subscriber.update({
    where: { id: subscriber.id },
    data: {
      phone: holder ? redactedRowPlaceholder(subscriber.id) : key,
      shopifyCustomerId: null,
      locale: null,
      timezone: null,
      region: null,
      firstName: null,
      lastName: null,
      email: null,
      lastOrderAt: null,
      pendingExpiresAt: null,
    },
  });
}

async function deleteOrders(tx: DbTx, shop: string, identity: CustomerIdentity, records: CustomerRecords) {
  const orders = await tx.order.findMany({ where: customerOrders(shop, records, identity), select: { id: true, shopifyOrderId: true } });
  if (orders.length === 0) return { deletedOrders: 0, deletedRefunds: 0 };
  const refunds = await tx.orderRefund.deleteMany({ where: { shop, shopifyOrderId: { in: orders.map((order) => order.shopifyOrderId) } } });
  const deleted = await tx.order.deleteMany({ where: { shop, id: { in: orders.map((order) => order.id) } } });
  return { deletedOrders: deleted.count, deletedRefunds: refunds.count };
}

/** Earlier data-request exports about this customer hold everything erased above. */
async function eraseExports(tx: DbTx, shop: string, identity: CustomerIdentity, records: CustomerRecords): Promise<number> {
  const { count } = await tx.privacyRequest.updateMany({
    where: {
      shop,
      topic: PRIVACY_TOPICS.CUSTOMERS_DATA_REQUEST,
      export: { not: null },
      OR: [
        { shopifyCustomerId: { in: identity.customerIds } },
        ...records.phones.map((phone) => ({ export: { contains: JSON.stringify(phone) } })),
      ],
    },
    data: { export: null },
  });
  return count;
}
