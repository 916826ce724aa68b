import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { applyConsentChange } from "../../app/consent/consent-engine.server";
import { verifyConsentChain } from "../../app/consent/ledger.server";
import { mayTextMarketing } from "../../app/consent/suppression.server";
import { findRedactedSuppression, redactedPhoneKey } from "../../app/consent/redacted-phone.server";
import { action as dataRequestAction } from "../../app/routes/webhooks.customers.data_request";
import { action } from "../../app/routes/webhooks.customers.redact";
import { databaseSnapshot, findText, readAllTables, rowText } from "../support/database-scan";
import { seedCustomer, type CustomerFootprint } from "../support/privacy-fixture";
import { createTestShop } from "../support/shop-fixture";
import { shopifyWebhookRequest } from "../support/shopify-webhook";

async function call(run: typeof action, request: Request): Promise<Response> {
  try {
    return await run({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

function redactRequest(customer: CustomerFootprint, options: { webhookId?: string; secret?: string; shopDomain?: string } = {}) {
  return shopifyWebhookRequest({
    path: "/webhooks/customers/redact",
    topic: "customers/redact",
    shop: customer.shop,
    webhookId: options.webhookId,
    secret: options.secret,
    payload: {
      shop_id: 954889,
      shop_domain: options.shopDomain ?? customer.shop,
      customer: { id: Number(customer.customerId), email: "anabelle@example.com", phone: "+1 415-555-" + customer.phone.slice(-4) },
      orders_to_redact: [Number(customer.guestOrderId)],
    },
  });
}

/** Ana (to be erased) and Ben at shop A; the same Ana (same number, same texts) at shop B. */
async function threeCustomers() {
  const shopA = (await createTestShop()).shop;
  const shopB = (await createTestShop()).shop;
  const ana = await seedCustomer(shopA, { customerId: "7001", digits: "0123", tag: "anabelle", ip: "203.0.113.7" });
  const ben = await seedCustomer(shopA, { customerId: "7002", digits: "0999", tag: "benedict", ip: "198.51.100.9" });
  const anaAtB = await seedCustomer(shopB, { customerId: "7001", digits: "0123", tag: "anabelle", ip: "203.0.113.7" });
  // Ana asked for her data earlier: the export holds all of it.
  const asked = await call(
    dataRequestAction,
    shopifyWebhookRequest({
      path: "/webhooks/customers/data_request",
      topic: "customers/data_request",
      shop: shopA,
      payload: { shop_id: 954889, shop_domain: shopA, customer: { id: 7001, email: null, phone: ana.phone }, orders_requested: [], data_request: { id: 42 } },
    }),
  );
  expect(asked.status).toBe(200);
  return { shopA, shopB, ana, ben, anaAtB };
}

/** Every row that mentions one of the customer's values (Ben's rows and shop B's, for "untouched"). */
async function rowsMentioning(customer: CustomerFootprint) {
  const tables = await readAllTables();
  return findText(tables, customer.secrets, (_model, row) => row.shop === customer.shop || row.shop === undefined)
    .map((hit) => `${hit.model} ${hit.row}`)
    .filter((row, index, all) => all.indexOf(row) === index)
    .sort();
}

describe("POST /webhooks/customers/redact", () => {
  it("erases the customer's numbers and texts from every table, and nobody else's", async () => {
    const { shopA, shopB, ana, ben, anaAtB } = await threeCustomers();
    // The guest order the request names, recorded before any subscriber or customer id was known.
    await prisma.order.create({ data: { shop: shopA, shopifyOrderId: ana.guestOrderId, totalMinor: 900, currency: "USD", placedAt: new Date() } });
    const benBefore = await rowsMentioning(ben);
    const shopBBefore = (await readAllTables()).Subscriber.filter((row) => row.shop === shopB).map(rowText);
    const anaAtBBefore = await rowsMentioning(anaAtB);
    // Every one of her values is somewhere in the database before (so the search below can find them);
    // the formatted "(415) 555-0123" is never stored, but is searched for all the same.
    const found = findText(await readAllTables(), ana.secrets, (_model, row) => row.shop !== shopB).map((hit) => hit.needle);
    expect(new Set(found)).toEqual(new Set(ana.secrets.filter((secret) => !secret.startsWith("("))));

    const response = await call(action, redactRequest(ana));
    expect(response.status).toBe(200);

    // Not in any column of any row of shop A, in any format: E.164, national, formatted; nor her texts, IP, user agent.
    const tables = await readAllTables();
    expect(findText(tables, ana.secrets, (_model, row) => row.shop !== shopB)).toEqual([]);
    // Ben at the same shop and Ana at shop B: exactly as they were.
    expect(await rowsMentioning(ben)).toEqual(benBefore);
    expect(await rowsMentioning(anaAtB)).toEqual(anaAtBBefore);
    expect(tables.Subscriber.filter((row) => row.shop === shopB).map(rowText)).toEqual(shopBBefore);

    // The ledger still verifies, with her events counted as redacted (both numbers, and the erasure's own opt-out).
    const herEvents = tables.ConsentEvent.filter((event) => ana.subscriberIds.includes(event.subscriberId as string)).sort(
      (a, b) => (a.seq as number) - (b.seq as number),
    );
    expect(herEvents.map((event) => event.kind)).toEqual(["opted_in", "opted_out", "opted_in", "opted_out"]);
    expect(herEvents.map((event) => event.source)).toEqual(["checkout", "keyword", "checkout", "system"]);
    for (const event of herEvents) {
      expect(event).toMatchObject({ phone: "redacted", evidence: "{}", evidenceSalt: null, redactedAt: expect.any(Date) });
    }
    expect(await verifyConsentChain(shopA)).toEqual({ ok: true, events: tables.ConsentEvent.filter((e) => e.shop === shopA).length, redacted: 4 });
    expect((await verifyConsentChain(shopB)).ok).toBe(true);

    // What is left of her subscriptions: opted out, with only a keyed hash of each number to keep the opt-out.
    const rows = await prisma.subscriber.findMany({ where: { id: { in: ana.subscriberIds } }, orderBy: { createdAt: "asc" } });
    expect(rows.map((row) => row.phone)).toEqual([redactedPhoneKey(shopA, ana.phone), redactedPhoneKey(shopA, ana.guestPhone)]);
    for (const row of rows) {
      expect(row).toMatchObject({ status: "unsubscribed", shopifyCustomerId: null, locale: null, timezone: null, region: null });
    }
    expect(await findRedactedSuppression(shopA, ana.phone, prisma)).toMatchObject({ id: ana.subscriberIds[0], status: "unsubscribed" });
    expect(await findRedactedSuppression(shopB, ana.phone, prisma)).toBeNull();

    // Her texts: nothing left to send, no body, no number; the texts she sent are gone; no sync job, no link to her clicks.
    const messages = await prisma.message.findMany({ where: { shop: shopA, subscriberId: { in: ana.subscriberIds } } });
    expect(messages).toHaveLength(4);
    expect(messages.every((m) => m.body === "" && m.phone === "redacted" && m.errorMessage === null && m.status !== "queued")).toBe(true);
    expect(messages.filter((m) => m.status === "cancelled")).toHaveLength(2);
    expect(await prisma.inboundMessage.count({ where: { shop: shopA, OR: [{ subscriberId: { in: ana.subscriberIds } }, { fromPhone: ana.phone }] } })).toBe(0);
    expect(await prisma.inboundMessage.count({ where: { shop: shopA } })).toBe(2); // Ben's
    expect(await prisma.shopifySyncJob.count({ where: { subscriberId: { in: ana.subscriberIds } } })).toBe(0);
    expect(await prisma.linkClick.count({ where: { subscriberId: { in: ana.subscriberIds } } })).toBe(0);
    expect(await prisma.linkClick.count({ where: { shop: shopA, subscriberId: null } })).toBe(0); // deleted, not left behind without a name
    expect(await prisma.trackedLink.count({ where: { subscriberId: { in: ana.subscriberIds } } })).toBe(0);
    // Her orders and their refunds are gone; Ben's, and hers at shop B, are kept.
    const ordersLeft = await prisma.order.findMany({ where: { shop: { in: [shopA, shopB] } }, orderBy: { shop: "asc" } });
    expect(ordersLeft.map((o) => [o.shop, o.shopifyCustomerId]).sort()).toEqual(
      [
        [shopA, "gid://shopify/Customer/7002"],
        [shopB, "gid://shopify/Customer/7001"],
      ].sort(),
    );
    const refundsLeft = await prisma.orderRefund.findMany({ where: { shop: { in: [shopA, shopB] } } });
    expect(refundsLeft.map((r) => r.shopifyOrderId).sort()).toEqual(ordersLeft.map((o) => o.shopifyOrderId).sort());

    // The requests stay on record; her earlier export is emptied.
    const requests = await prisma.privacyRequest.findMany({ where: { shop: shopA }, orderBy: { topic: "asc" } });
    expect(requests.map((r) => [r.topic, r.shopifyCustomerId, r.export, r.completedAt !== null])).toEqual([
      ["customers/data_request", "gid://shopify/Customer/7001", null, true],
      ["customers/redact", "gid://shopify/Customer/7001", null, true],
    ]);
  });

  it("keeps the erased number's opt-out: an import cannot subscribe it, the person's own consent can", async () => {
    const { shopA, ana } = await threeCustomers();
    expect((await call(action, redactRequest(ana))).status).toBe(200);

    const imported = await applyConsentChange({ shop: shopA, phone: ana.phone, action: "opt_in", source: "import", evidence: { file: "list.csv" } });
    expect(imported).toMatchObject({ previousStatus: "unsubscribed", transition: { changed: false }, event: null });
    expect(await mayTextMarketing(shopA, ana.phone, prisma)).toMatchObject({ allowed: false });

    const ownConsent = await applyConsentChange({ shop: shopA, phone: ana.phone, action: "opt_in", source: "keyword", evidence: { body: "START" } });
    expect(ownConsent).toMatchObject({ previousStatus: "unsubscribed", transition: { changed: true, kind: "resubscribed" } });
    expect(await mayTextMarketing(shopA, ana.phone, prisma)).toEqual({ allowed: true });
  });

  it("changes nothing more when Shopify delivers the same webhook again", async () => {
    const { ana } = await threeCustomers();
    const webhookId = randomUUID();
    expect((await call(action, redactRequest(ana, { webhookId }))).status).toBe(200);
    const after = await databaseSnapshot();

    expect((await call(action, redactRequest(ana, { webhookId }))).status).toBe(200);
    expect(await databaseSnapshot()).toEqual(after);
  });

  it("finds nothing left to erase on a second request for the same customer", async () => {
    const { shopA, ana } = await threeCustomers();
    expect((await call(action, redactRequest(ana))).status).toBe(200);
    const first = await readAllTables();

    expect((await call(action, redactRequest(ana))).status).toBe(200);
    const second = await readAllTables();
    // Only the record of the second request itself (and its delivery) was added.
    expect(second.PrivacyRequest.filter((r) => r.shop === shopA)).toHaveLength(first.PrivacyRequest.filter((r) => r.shop === shopA).length + 1);
    for (const model of ["Subscriber", "ConsentEvent", "Message", "InboundMessage", "ShopifySyncJob", "ConsentChainHead", "Order", "OrderRefund"] as const) {
      expect(second[model].map(rowText).sort()).toEqual(first[model].map(rowText).sort());
    }
  });

  it("rejects a bad HMAC and writes nothing", async () => {
    const { ana } = await threeCustomers();
    const before = await databaseSnapshot();
    const response = await call(action, redactRequest(ana, { secret: "wrong-secret" }));
    expect(response.status).toBe(401);
    expect(await databaseSnapshot()).toEqual(before);
  });

  it("refuses a signed body that names another shop than the delivery, and writes nothing but the malformed record", async () => {
    const { ana, shopB } = await threeCustomers();
    const webhookId = randomUUID();
    const before = await databaseSnapshot();
    const response = await call(action, redactRequest(ana, { shopDomain: shopB, webhookId }));
    expect(response.status).toBe(400);
    const { ProcessedWebhook: recordsAfter, ...after } = await databaseSnapshot();
    const { ProcessedWebhook: recordsBefore, ...unchanged } = before;
    expect(after).toEqual(unchanged);
    expect(recordsAfter).toHaveLength(recordsBefore!.length + 1);
    expect(await prisma.processedWebhook.findUniqueOrThrow({ where: { webhookId } })).toMatchObject({ shop: ana.shop, outcome: "malformed" });
  });
});
