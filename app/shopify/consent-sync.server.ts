/**
 * Runs the durable Shopify consent-sync jobs (queued with every consent change
 * by consent-sync-queue.server.ts): for each, find the Shopify customer who has
 * the subscriber's phone number and set that customer's SMS marketing consent
 * with customerSmsMarketingConsentUpdate.
 *
 * - Claiming is a conditional update (pending → running, with a lease), so any
 *   number of workers share the table and no job runs twice at once; a worker
 *   that died leaves its lease behind and the job is taken back when it ends.
 * - Only the latest state of a subscriber matters: a job with a newer job for
 *   the same subscriber (any status) is marked "superseded" instead of sent,
 *   and a subscriber's job is not started while another of theirs is in flight,
 *   so an older state can never land in Shopify after a newer one.
 * - Shopify being down loses nothing: network errors, 5xx and throttling put
 *   the job back with exponential backoff; only a refusal (userErrors, other
 *   4xx) or about two days of failures end it as "failed", with a message a
 *   merchant can act on in `lastError`.
 * - The customer is looked up by phone number, not by the customer id we may
 *   have from an order: consent belongs to a number, and the number a shopper
 *   gave us may not be the one on their Shopify account. Setting it on that
 *   account would mark somebody else's number as consenting.
 */
import type { ShopifySyncJob } from "@prisma/client";
import prisma from "../db.server";
import { AdminApiError, adminGraphql } from "./admin-graphql.server";

export const CUSTOMER_BY_PHONE_QUERY = `#graphql
  query SmsConsentCustomerByPhone($phone: String!) {
    customerByIdentifier(identifier: { phoneNumber: $phone }) {
      id
    }
  }
`;

export const SMS_CONSENT_UPDATE_MUTATION = `#graphql
  mutation SmsConsentUpdate($input: CustomerSmsMarketingConsentUpdateInput!) {
    customerSmsMarketingConsentUpdate(input: $input) {
      customer {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

/** With the backoff below (30 s doubling to a 1 h cap) this is about two days of trying. */
export const SYNC_MAX_ATTEMPTS = 56;
const CLAIM_LEASE_MS = 2 * 60_000;

/** 30 s, 1 min, 2 min… capped at 1 hour; never sooner than Shopify's Retry-After. */
export function syncRetryDelayMs(attempts: number, retryAfterMs = 0): number {
  return Math.max(Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 60 * 60_000), retryAfterMs);
}

export interface ShopifySyncReport {
  claimed: number;
  superseded: number;
  done: number;
  retried: number;
  failed: number;
}

type Outcome = "done" | "retried" | "failed";

export async function runShopifySyncJobs(options: { now?: Date; limit?: number } = {}): Promise<ShopifySyncReport> {
  const now = options.now ?? new Date();
  const { claimed, superseded } = await claimDue(now, options.limit ?? 50);
  const report: ShopifySyncReport = { claimed: claimed.length, superseded, done: 0, retried: 0, failed: 0 };
  for (const job of claimed) report[await runJob(job, now)] += 1;
  return report;
}

type SubscriberKey = { shop: string; subscriberId: string };
const keyOf = (job: SubscriberKey) => `${job.shop}\u0000${job.subscriberId}`;

async function claimDue(now: Date, limit: number): Promise<{ claimed: ShopifySyncJob[]; superseded: number }> {
  const due = await prisma.shopifySyncJob.findMany({
    where: {
      OR: [
        { status: "pending", nextAttemptAt: { lte: now } },
        { status: "running", lockedUntil: { lt: now } }, // a worker died mid-job: take it back
      ],
    },
    orderBy: { nextAttemptAt: "asc" },
    take: limit,
    select: { id: true, shop: true, subscriberId: true, consentEventSeq: true, status: true },
  });
  if (due.length === 0) return { claimed: [], superseded: 0 };

  const subscribers = [...new Map(due.map((job) => [keyOf(job), { shop: job.shop, subscriberId: job.subscriberId }])).values()];
  const [latest, inFlight] = await Promise.all([
    prisma.shopifySyncJob.groupBy({ by: ["shop", "subscriberId"], where: { OR: subscribers }, _max: { consentEventSeq: true } }),
    prisma.shopifySyncJob.findMany({ where: { OR: subscribers, status: "running", lockedUntil: { gte: now } }, select: { shop: true, subscriberId: true } }),
  ]);
  const latestSeq = new Map(latest.map((group) => [keyOf(group), group._max.consentEventSeq ?? 0]));
  const busy = new Set(inFlight.map(keyOf));

  let superseded = 0;
  const claimed: ShopifySyncJob[] = [];
  for (const job of due) {
    const stillDue = job.status === "running" ? { status: "running", lockedUntil: { lt: now } } : { status: "pending", nextAttemptAt: { lte: now } };
    if (job.consentEventSeq < (latestSeq.get(keyOf(job)) ?? 0)) {
      const { count } = await prisma.shopifySyncJob.updateMany({
        where: { id: job.id, ...stillDue },
        data: { status: "superseded", lockedUntil: null, lastError: "Not sent: a newer consent change for this number replaced it." },
      });
      superseded += count;
      continue;
    }
    if (busy.has(keyOf(job))) continue; // an older job of theirs is being sent right now: wait for it
    const { count } = await prisma.shopifySyncJob.updateMany({
      where: { id: job.id, ...stillDue },
      data: { status: "running", lockedUntil: new Date(now.getTime() + CLAIM_LEASE_MS), attempts: { increment: 1 } },
    });
    if (count === 1) claimed.push(await prisma.shopifySyncJob.findUniqueOrThrow({ where: { id: job.id } }));
  }
  return { claimed, superseded };
}

async function runJob(job: ShopifySyncJob, now: Date): Promise<Outcome> {
  const shop = await prisma.shop.findUnique({ where: { shop: job.shop }, select: { uninstalledAt: true, demo: true } });
  if (!shop) return finish(job, "failed", "Not sent to Shopify: this store's data has been erased.");
  if (shop.uninstalledAt) return finish(job, "failed", "Not sent to Shopify: the app was uninstalled from this store.");
  if (shop.demo) return finish(job, "done", "Demo store: there is no Shopify store to update.");

  try {
    const customerId = await customerIdByPhone(job.shop, job.phone);
    if (!customerId) return finish(job, "done", "No Shopify customer has this phone number, so there was nothing to update in Shopify.");
    await adminGraphql(job.shop, SMS_CONSENT_UPDATE_MUTATION, {
      input: {
        customerId,
        smsMarketingConsent: {
          marketingState: job.marketingState,
          marketingOptInLevel: job.optInLevel,
          consentUpdatedAt: job.consentUpdatedAt.toISOString(),
        },
      },
    });
    await rememberCustomer(job, customerId);
    return finish(job, "done", null, { shopifyCustomerId: customerId });
  } catch (error) {
    return handleFailure(job, error, now);
  }
}

async function customerIdByPhone(shop: string, phone: string): Promise<string | null> {
  const data = await adminGraphql<{ customerByIdentifier: { id: string } | null }>(shop, CUSTOMER_BY_PHONE_QUERY, { phone });
  return data.customerByIdentifier?.id ?? null;
}

/**
 * Links the subscriber to the customer found (if not linked yet), so privacy
 * requests by customer id find them. Only while the row still holds the
 * job's number: a customer erased while this job talked to Shopify keeps no
 * customer id.
 */
async function rememberCustomer(job: ShopifySyncJob, customerId: string): Promise<void> {
  await prisma.subscriber.updateMany({
    where: { id: job.subscriberId, shop: job.shop, phone: job.phone, shopifyCustomerId: null },
    data: { shopifyCustomerId: customerId },
  });
}

async function handleFailure(job: ShopifySyncJob, error: unknown, now: Date): Promise<Outcome> {
  // Anything that is not a known Shopify answer (a bug, a database hiccup) is tried again too, but never forever.
  const retryable = error instanceof AdminApiError ? error.retryable : true;
  const reason = error instanceof AdminApiError ? merchantMessage(error) : `Unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  if (retryable && job.attempts < SYNC_MAX_ATTEMPTS) {
    const delay = syncRetryDelayMs(job.attempts, error instanceof AdminApiError ? error.retryAfterMs : undefined);
    await prisma.shopifySyncJob.updateMany({
      where: { id: job.id },
      data: { status: "pending", lockedUntil: null, nextAttemptAt: new Date(now.getTime() + delay), lastError: `${reason} Will try again.` },
    });
    return "retried";
  }
  return finish(job, "failed", retryable ? `Gave up after ${job.attempts} attempts. ${reason}` : reason);
}

function merchantMessage(error: AdminApiError): string {
  if (error.failure === "user_errors") {
    return `Shopify refused to update this customer's SMS consent: ${error.userErrors.map((entry) => entry.message).join("; ")}`;
  }
  return error.message;
}

/** updateMany: an erasure may have deleted the job (and must not see the customer id written back) while it ran. */
async function finish(job: ShopifySyncJob, status: "done" | "failed", note: string | null, extra: { shopifyCustomerId?: string } = {}): Promise<Outcome> {
  await prisma.shopifySyncJob.updateMany({ where: { id: job.id }, data: { status, lockedUntil: null, lastError: note, ...extra } });
  return status;
}
