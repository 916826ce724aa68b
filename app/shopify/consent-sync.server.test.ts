import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactCustomer } from "../compliance/customer-redaction.server";
import prisma from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import { createTestShop } from "../../tests/support/shop-fixture";
import { connectShop, startShopifyAdminServer, type ShopifyAdminServer } from "../../tests/support/shopify-admin-server";
import { runShopifySyncJobs, SYNC_MAX_ATTEMPTS, syncRetryDelayMs } from "./consent-sync.server";

let admin: ShopifyAdminServer;
beforeAll(async () => {
  admin = await startShopifyAdminServer();
});
afterAll(async () => {
  await admin.close();
});

const SECOND = 1000;
let phoneCounter = 0;
const nextPhone = () => `+1555200${String(phoneCounter++).padStart(4, "0")}`;

/** An installed shop with one Shopify customer and our subscriber for the same number. */
async function subscribedCustomer(options: { doubleOptIn?: boolean } = {}) {
  const { shop } = await createTestShop({ doubleOptIn: options.doubleOptIn ?? false });
  await connectShop(admin, shop);
  const phone = nextPhone();
  const customer = admin.addCustomer(shop, { phone });
  return { shop, phone, customer };
}

async function jobsOf(shop: string) {
  return prisma.shopifySyncJob.findMany({ where: { shop }, orderBy: { consentEventSeq: "asc" } });
}

describe("runShopifySyncJobs", () => {
  it("sets the Shopify customer's SMS consent from the ledger event, found by phone number", async () => {
    const { shop, phone, customer } = await subscribedCustomer();
    const { event } = await applyConsentChange({ shop, phone, action: "opt_in", source: "checkout", evidence: { orderId: "1" } });

    const report = await runShopifySyncJobs({ now: new Date(Date.now() + SECOND) });

    expect(report).toMatchObject({ claimed: 1, done: 1, retried: 0, failed: 0 });
    expect(admin.customer(shop, customer.id)?.sms).toMatchObject({ marketingState: "SUBSCRIBED", marketingOptInLevel: "SINGLE_OPT_IN" });
    const [job] = await jobsOf(shop);
    expect(job).toMatchObject({ status: "done", attempts: 1, shopifyCustomerId: customer.id, lastError: null, lockedUntil: null });
    const [update] = admin.requestsFor("customerSmsMarketingConsentUpdate").filter((request) => request.shop === shop);
    expect(update?.variables).toEqual({
      input: {
        customerId: customer.id,
        smsMarketingConsent: { marketingState: "SUBSCRIBED", marketingOptInLevel: "SINGLE_OPT_IN", consentUpdatedAt: event!.occurredAt.toISOString() },
      },
    });
    // The subscriber is now linked to the customer, so privacy requests by customer id find them.
    expect((await prisma.subscriber.findFirstOrThrow({ where: { shop, phone } })).shopifyCustomerId).toBe(customer.id);
  });

  it("retries Shopify being down with exponential backoff and loses nothing", async () => {
    const { shop, phone, customer } = await subscribedCustomer();
    const { event } = await applyConsentChange({ shop, phone, action: "opt_out", source: "keyword", evidence: { body: "STOP" } });
    admin.failNext(2, "503", "customerSmsMarketingConsentUpdate");
    const t0 = new Date(Date.now() + SECOND);

    expect(await runShopifySyncJobs({ now: t0 })).toMatchObject({ claimed: 1, retried: 1 });
    let [job] = await jobsOf(shop);
    expect(job).toMatchObject({ status: "pending", attempts: 1, lockedUntil: null });
    expect(job!.nextAttemptAt.getTime() - t0.getTime()).toBe(syncRetryDelayMs(1));
    expect(job!.lastError).toMatch(/temporary problem \(HTTP 503\).*try again/);

    // Not due yet: nothing is claimed before the backoff ends.
    expect((await runShopifySyncJobs({ now: new Date(t0.getTime() + syncRetryDelayMs(1) - SECOND) })).claimed).toBe(0);

    const t1 = new Date(t0.getTime() + syncRetryDelayMs(1));
    expect(await runShopifySyncJobs({ now: t1 })).toMatchObject({ claimed: 1, retried: 1 });
    [job] = await jobsOf(shop);
    expect(job!.nextAttemptAt.getTime() - t1.getTime()).toBe(syncRetryDelayMs(2));
    expect(syncRetryDelayMs(2)).toBe(2 * syncRetryDelayMs(1));

    expect(await runShopifySyncJobs({ now: job!.nextAttemptAt })).toMatchObject({ claimed: 1, done: 1 });
    [job] = await jobsOf(shop);
    expect(job).toMatchObject({ status: "done", attempts: 3, lastError: null });

    const updates = admin.requestsFor("customerSmsMarketingConsentUpdate").filter((request) => request.shop === shop);
    expect(updates.map((request) => request.status)).toEqual([503, 503, 200]);
    const expected = { input: { customerId: customer.id, smsMarketingConsent: { marketingState: "UNSUBSCRIBED", marketingOptInLevel: "UNKNOWN", consentUpdatedAt: event!.occurredAt.toISOString() } } };
    for (const request of updates) expect(request.variables).toEqual(expected);
    expect(admin.customer(shop, customer.id)?.sms.marketingState).toBe("UNSUBSCRIBED");
  });

  it("treats a reset connection, a 429 and a THROTTLED answer as temporary, honouring Retry-After", async () => {
    const { shop, phone } = await subscribedCustomer();
    await applyConsentChange({ shop, phone, action: "opt_out", source: "keyword", evidence: { body: "STOP" } });
    let now = new Date(Date.now() + SECOND);
    const outcomes: Array<[string | null, number]> = [];
    for (const failure of ["reset", "429", "throttled"] as const) {
      admin.failNext(1, failure, "customerSmsMarketingConsentUpdate");
      expect((await runShopifySyncJobs({ now })).retried).toBe(1);
      const [job] = await jobsOf(shop);
      outcomes.push([job!.lastError, job!.nextAttemptAt.getTime() - now.getTime()]);
      now = job!.nextAttemptAt;
    }
    expect(outcomes[0]![0]).toMatch(/could not be reached/);
    expect(outcomes[1]![0]).toMatch(/slow down/);
    expect(outcomes[1]![1]).toBe(Math.max(syncRetryDelayMs(2), 2 * SECOND)); // Retry-After: 2.0
    expect(outcomes[2]![0]).toMatch(/slow down/);
    expect((await runShopifySyncJobs({ now })).done).toBe(1);
    expect((await jobsOf(shop))[0]).toMatchObject({ status: "done", attempts: 4 });
  });

  it("ends as failed, in words a merchant understands, when Shopify refuses the update", async () => {
    const { shop, phone, customer } = await subscribedCustomer();
    admin.refuseConsentUpdates(shop, customer.id, [{ field: ["input", "smsMarketingConsent"], message: "Phone number is not valid for SMS marketing", code: "INVALID" }]);
    await applyConsentChange({ shop, phone, action: "opt_in", source: "form", evidence: { formId: "footer" } });

    expect(await runShopifySyncJobs({ now: new Date(Date.now() + SECOND) })).toMatchObject({ claimed: 1, failed: 1 });
    const [job] = await jobsOf(shop);
    expect(job).toMatchObject({
      status: "failed",
      attempts: 1,
      lastError: "Shopify refused to update this customer's SMS consent: Phone number is not valid for SMS marketing",
    });
    expect((await runShopifySyncJobs({ now: new Date(Date.now() + 3600 * SECOND) })).claimed).toBe(0);
  });

  it("gives up on temporary failures only after the last attempt", async () => {
    const { shop, phone } = await subscribedCustomer();
    await applyConsentChange({ shop, phone, action: "opt_out", source: "keyword", evidence: { body: "STOP" } });
    await prisma.shopifySyncJob.updateMany({ where: { shop }, data: { attempts: SYNC_MAX_ATTEMPTS - 1 } });
    admin.failNext(1, "503", "customerSmsMarketingConsentUpdate");

    expect(await runShopifySyncJobs({ now: new Date(Date.now() + SECOND) })).toMatchObject({ failed: 1 });
    const [job] = await jobsOf(shop);
    expect(job).toMatchObject({ status: "failed", attempts: SYNC_MAX_ATTEMPTS });
    expect(job!.lastError).toBe(`Gave up after ${SYNC_MAX_ATTEMPTS} attempts. Shopify had a temporary problem (HTTP 503).`);
  });

  it("sends only a subscriber's latest state: older pending jobs are superseded", async () => {
    const { shop, phone, customer } = await subscribedCustomer({ doubleOptIn: true });
    await applyConsentChange({ shop, phone, action: "request_opt_in", source: "checkout", evidence: { orderId: "2" } });
    await applyConsentChange({ shop, phone, action: "confirm", source: "keyword", evidence: { body: "Y" } });
    await applyConsentChange({ shop, phone, action: "opt_out", source: "keyword", evidence: { body: "STOP" } });
    const other = await subscribedCustomer();
    await applyConsentChange({ shop: other.shop, phone: other.phone, action: "opt_in", source: "checkout", evidence: { orderId: "3" } });
    const before = admin.requestsFor("customerSmsMarketingConsentUpdate").length;

    const report = await runShopifySyncJobs({ now: new Date(Date.now() + SECOND) });

    expect(report).toMatchObject({ superseded: 2, claimed: 2, done: 2 });
    expect((await jobsOf(shop)).map((job) => [job.marketingState, job.status, job.attempts])).toEqual([
      ["PENDING", "superseded", 0],
      ["SUBSCRIBED", "superseded", 0],
      ["UNSUBSCRIBED", "done", 1],
    ]);
    const sent = admin.requestsFor("customerSmsMarketingConsentUpdate").slice(before);
    expect(sent.filter((request) => request.shop === shop)).toHaveLength(1);
    expect(admin.customer(shop, customer.id)?.sms.marketingState).toBe("UNSUBSCRIBED");
    expect(admin.customer(other.shop, other.customer.id)?.sms.marketingState).toBe("SUBSCRIBED");
  });

  it("supersedes an older job waiting in backoff once a newer one has been sent", async () => {
    const { shop, phone, customer } = await subscribedCustomer();
    await applyConsentChange({ shop, phone, action: "opt_in", source: "checkout", evidence: { orderId: "4" } });
    admin.failNext(1, "503", "customerSmsMarketingConsentUpdate");
    const t0 = new Date(Date.now() + SECOND);
    expect((await runShopifySyncJobs({ now: t0 })).retried).toBe(1);

    await applyConsentChange({ shop, phone, action: "opt_out", source: "keyword", evidence: { body: "STOP" } });
    expect((await runShopifySyncJobs({ now: new Date(Date.now() + SECOND) })).done).toBe(1); // the STOP goes out first
    expect(await runShopifySyncJobs({ now: new Date(t0.getTime() + syncRetryDelayMs(1)) })).toMatchObject({ superseded: 1, claimed: 0 });

    expect((await jobsOf(shop)).map((job) => job.status)).toEqual(["superseded", "done"]);
    expect(admin.customer(shop, customer.id)?.sms.marketingState).toBe("UNSUBSCRIBED");
  });

  it("does not start a subscriber's job while another of theirs is in flight, and takes back an abandoned lease", async () => {
    const { shop, phone } = await subscribedCustomer();
    await applyConsentChange({ shop, phone, action: "opt_in", source: "checkout", evidence: { orderId: "5" } });
    const now = new Date(Date.now() + SECOND);
    // A worker claimed the first job and died holding its lease.
    await prisma.shopifySyncJob.updateMany({ where: { shop }, data: { status: "running", attempts: 1, lockedUntil: new Date(now.getTime() + 60 * SECOND) } });
    await applyConsentChange({ shop, phone, action: "opt_out", source: "keyword", evidence: { body: "STOP" } });

    expect((await runShopifySyncJobs({ now })).claimed).toBe(0);

    const later = new Date(now.getTime() + 61 * SECOND);
    expect(await runShopifySyncJobs({ now: later })).toMatchObject({ superseded: 1, claimed: 1, done: 1 });
    expect((await jobsOf(shop)).map((job) => [job.marketingState, job.status])).toEqual([
      ["SUBSCRIBED", "superseded"],
      ["UNSUBSCRIBED", "done"],
    ]);
  });

  it("leaves no customer id behind when the customer is erased while their job talks to Shopify", async () => {
    const { shop, phone, customer } = await subscribedCustomer();
    const { subscriber } = await applyConsentChange({ shop, phone, action: "opt_in", source: "checkout", evidence: { orderId: "1" } });
    // customers/redact arrives after the job found the customer by phone, before Shopify answers the update.
    admin.beforeNextAnswer("customerSmsMarketingConsentUpdate", async () => {
      const outcome = await redactCustomer(shop, randomUUID(), {
        shop_id: "1",
        shop_domain: shop,
        customer: { id: null, email: null, phone },
        orders_to_redact: [],
      });
      expect(outcome).toMatchObject({ replayed: false, result: { subscribers: 1, deletedSyncJobs: 2 } }); // this job and the opt-out's
    });

    expect(await runShopifySyncJobs({ now: new Date(Date.now() + SECOND) })).toMatchObject({ claimed: 1, done: 1 });

    const erased = await prisma.subscriber.findUniqueOrThrow({ where: { id: subscriber.id } });
    expect(erased.phone).toMatch(/^redacted:/);
    expect(erased.shopifyCustomerId).toBeNull();
    expect(await jobsOf(shop)).toEqual([]);
    expect(JSON.stringify(await prisma.subscriber.findMany({ where: { shop } }))).not.toContain(customer.id);
  });

  it("updates nothing when no Shopify customer has the number, even if an order linked another customer", async () => {
    const { shop, customer } = await subscribedCustomer();
    const phone = nextPhone(); // the shopper gave a number that is not the one on their Shopify account
    await applyConsentChange({ shop, phone, action: "opt_in", source: "checkout", evidence: { orderId: "6" }, shopifyCustomerId: customer.id });

    expect(await runShopifySyncJobs({ now: new Date(Date.now() + SECOND) })).toMatchObject({ claimed: 1, done: 1 });
    const [job] = await jobsOf(shop);
    expect(job).toMatchObject({ status: "done", lastError: "No Shopify customer has this phone number, so there was nothing to update in Shopify." });
    expect(admin.requestsFor("customerSmsMarketingConsentUpdate").filter((request) => request.shop === shop)).toHaveLength(0);
    expect(admin.customer(shop, customer.id)?.sms.marketingState).toBe("NOT_SUBSCRIBED");
  });

  it("skips uninstalled shops, demo shops and shops without access, with the reason", async () => {
    const uninstalled = await subscribedCustomer();
    await applyConsentChange({ shop: uninstalled.shop, phone: uninstalled.phone, action: "opt_in", source: "checkout", evidence: { orderId: "7" } });
    await prisma.shop.update({ where: { shop: uninstalled.shop }, data: { uninstalledAt: new Date() } });

    const demo = await subscribedCustomer();
    await applyConsentChange({ shop: demo.shop, phone: demo.phone, action: "opt_in", source: "checkout", evidence: { orderId: "8" } });
    await prisma.shop.update({ where: { shop: demo.shop }, data: { demo: true } });

    const { shop: noSession } = await createTestShop();
    await applyConsentChange({ shop: noSession, phone: nextPhone(), action: "opt_in", source: "checkout", evidence: { orderId: "9" } });
    const before = admin.requests.length;

    await runShopifySyncJobs({ now: new Date(Date.now() + SECOND) });

    expect(await jobsOf(uninstalled.shop)).toMatchObject([{ status: "failed", lastError: "Not sent to Shopify: the app was uninstalled from this store." }]);
    expect(await jobsOf(demo.shop)).toMatchObject([{ status: "done", lastError: "Demo store: there is no Shopify store to update." }]);
    expect(await jobsOf(noSession)).toMatchObject([{ status: "failed", lastError: "The app has no access to this store: it is not installed, or it was uninstalled." }]);
    expect(admin.requests.length).toBe(before);
  });
});
