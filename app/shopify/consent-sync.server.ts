/**
 * Runs the durable Shopify consent-sync jobs (queued with every consent change
 * by consent-sync-queue.server.ts): for each, find the Shopify customer who has
 * the subscriber's phone number and set that customer's SMS marketing consent
 * with customerSmsMarketingConsentUpdate.
 *
 * - Claiming is the durable-job claim of app/queues/job-lease.server.ts
 *   (pending → running with a lease, one statement), so any number of workers
 *   share the table and no job runs twice at once; a worker that died leaves
 *   its lease behind and the job waits again when it ends.
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
import prisma, { sqlOf } from "../db.server";
import { readDate, readInt, readRequiredDate, type SqlRow } from "../db/sql.server";
import { backoffDelayMs, claimDueJobs, endClaim, expireLeases, type BackoffPolicy, type JobTable } from "../queues/job-lease.server";
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

const SYNC_JOBS: JobTable = { table: "ShopifySyncJob", ready: "pending", leased: "running" };

/**
 * 30 s, 1 min, 2 min… capped at 1 hour, without jitter: a subscriber has at
 * most one job in flight and Shopify says when to come back (Retry-After),
 * so there is no herd of identical retries to spread out.
 */
const SYNC_BACKOFF: BackoffPolicy = { baseMs: 30_000, capMs: 60 * 60_000, jitter: "none" };

/** The delay after `attempts` attempts; never sooner than Shopify's Retry-After. */
export function syncRetryDelayMs(attempts: number, retryAfterMs = 0): number {
  return backoffDelayMs(SYNC_BACKOFF, attempts, { atLeastMs: retryAfterMs });
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

// A due job with a newer job for the same subscriber (any status) would only send an older state.
const SUPERSEDE_SQL = `UPDATE "ShopifySyncJob" SET "status" = 'superseded', "lockedUntil" = NULL, "lastError" = ?, "updatedAt" = ?
  WHERE "status" = 'pending' AND "nextAttemptAt" <= ?
    AND EXISTS (SELECT 1 FROM "ShopifySyncJob" AS "newer" WHERE "newer"."shop" = "ShopifySyncJob"."shop"
      AND "newer"."subscriberId" = "ShopifySyncJob"."subscriberId" AND "newer"."consentEventSeq" > "ShopifySyncJob"."consentEventSeq")`;

// A subscriber's job waits while another of theirs is being sent, so an older state never lands after a newer one.
const NOT_IN_FLIGHT = `NOT EXISTS (SELECT 1 FROM "ShopifySyncJob" AS "other" WHERE "other"."shop" = "job"."shop"
  AND "other"."subscriberId" = "job"."subscriberId" AND "other"."status" = 'running' AND "other"."lockedUntil" >= ?)`;

async function claimDue(now: Date, limit: number): Promise<{ claimed: ShopifySyncJob[]; superseded: number }> {
  const sql = sqlOf(prisma);
  await expireLeases(sql, SYNC_JOBS, { now, to: "pending" }); // a worker died mid-job: the job waits again
  const superseded = await sql.run(SUPERSEDE_SQL, ["Not sent: a newer consent change for this number replaced it.", now, now]);
  const rows = await claimDueJobs(sql, SYNC_JOBS, { now, limit, leaseMs: CLAIM_LEASE_MS, eligible: { sql: NOT_IN_FLIGHT, params: [now] } });
  return { claimed: rows.map(syncJobFromRow), superseded };
}

function syncJobFromRow(row: SqlRow): ShopifySyncJob {
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  return {
    id: String(row.id),
    shop: String(row.shop),
    subscriberId: String(row.subscriberId),
    consentEventSeq: readInt(row.consentEventSeq),
    phone: String(row.phone),
    shopifyCustomerId: text(row.shopifyCustomerId),
    marketingState: String(row.marketingState),
    optInLevel: String(row.optInLevel),
    consentUpdatedAt: readRequiredDate(row.consentUpdatedAt),
    status: String(row.status),
    attempts: readInt(row.attempts),
    nextAttemptAt: readRequiredDate(row.nextAttemptAt),
    lockedUntil: readDate(row.lockedUntil),
    lastError: text(row.lastError),
    createdAt: readRequiredDate(row.createdAt),
    updatedAt: readRequiredDate(row.updatedAt),
  };
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
    await endClaim(sqlOf(prisma), SYNC_JOBS, job, {
      status: "pending",
      now,
      set: { nextAttemptAt: new Date(now.getTime() + delay), lastError: `${reason} Will try again.` },
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

/** Conditional on the claim: an erasure may have deleted the job (and must not see the customer id written back) while it ran. */
async function finish(job: ShopifySyncJob, status: "done" | "failed", note: string | null, extra: { shopifyCustomerId?: string } = {}): Promise<Outcome> {
  await endClaim(sqlOf(prisma), SYNC_JOBS, job, { status, now: new Date(), set: { lastError: note, ...extra } });
  return status;
}
