import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import type { CustomerDataExport } from "../../app/compliance/customer-export.server";
import { signSessionToken } from "../../app/demo/demo-link.server";
import { loader as downloadLoader } from "../../app/routes/app.privacy.$id.download";
import { action } from "../../app/routes/webhooks.customers.data_request";
import { databaseSnapshot } from "../support/database-scan";
import { seedCustomer, type CustomerFootprint } from "../support/privacy-fixture";
import { createTestShop } from "../support/shop-fixture";
import { shopifyWebhookRequest } from "../support/shopify-webhook";
import { TEST_ENV } from "../setup/test-env";

async function call<T>(run: () => Promise<T>): Promise<T | Response> {
  try {
    return await run();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const post = (request: Request) => call(() => action({ request, params: {}, context: {} })) as Promise<Response>;

function dataRequest(customer: CustomerFootprint, options: { webhookId?: string; secret?: string; requestId?: number } = {}) {
  return shopifyWebhookRequest({
    path: "/webhooks/customers/data_request",
    topic: "customers/data_request",
    shop: customer.shop,
    webhookId: options.webhookId,
    secret: options.secret,
    payload: {
      shop_id: 954889,
      shop_domain: customer.shop,
      customer: { id: Number(customer.customerId), email: "anabelle@example.com", phone: customer.phone },
      orders_requested: [Number(customer.guestOrderId)],
      data_request: { id: options.requestId ?? 9999 },
    },
  });
}

async function twoCustomersTwoShops() {
  const shopA = (await createTestShop()).shop;
  const shopB = (await createTestShop()).shop;
  const ana = await seedCustomer(shopA, { customerId: "7001", digits: "0123", tag: "anabelle", ip: "203.0.113.7" });
  const ben = await seedCustomer(shopA, { customerId: "7002", digits: "0999", tag: "benedict", ip: "198.51.100.9" });
  await seedCustomer(shopB, { customerId: "7001", digits: "0123", tag: "anabelle", ip: "203.0.113.7" });
  return { shopA, shopB, ana, ben };
}

/** An admin request as App Bridge makes it: a session token for the shop, whose offline session is stored. */
async function adminRequest(shop: string, path: string): Promise<Request> {
  await prisma.session.upsert({
    where: { id: `offline_${shop}` },
    create: { id: `offline_${shop}`, shop, state: "", accessToken: "shpat_test", scope: TEST_ENV.SCOPES },
    update: {},
  });
  const token = signSessionToken({ shop, apiKey: TEST_ENV.SHOPIFY_API_KEY, apiSecret: TEST_ENV.SHOPIFY_API_SECRET });
  return new Request(new URL(path, TEST_ENV.SHOPIFY_APP_URL), { headers: { Authorization: `Bearer ${token}` } });
}

describe("POST /webhooks/customers/data_request", () => {
  it("stores the customer's data, with the evidence of every consent change, for the merchant to hand over", async () => {
    const { shopA, shopB, ana, ben } = await twoCustomersTwoShops();
    const response = await post(dataRequest(ana));
    expect(response.status).toBe(200);

    const stored = await prisma.privacyRequest.findMany({ where: { shop: shopA } });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      topic: "customers/data_request",
      shopifyCustomerId: "gid://shopify/Customer/7001",
      shopifyRequestId: "9999",
      completedAt: expect.any(Date),
    });
    const data = JSON.parse(stored[0]!.export!) as CustomerDataExport;

    // Her number linked to her account, and the number she gave at a guest checkout of the order asked about.
    const byPhone = (a: { phone: string }, b: { phone: string }) => a.phone.localeCompare(b.phone);
    expect(data.subscribers.sort(byPhone).map((s) => [s.phone, s.status, s.shopifyCustomerId, s.locale])).toEqual([
      [ana.phone, "unsubscribed", "gid://shopify/Customer/7001", "en"],
      [ana.guestPhone, "subscribed", null, null],
    ]);
    expect(data.consentEvents.map((e) => [e.kind, e.source])).toEqual([
      ["opted_in", "checkout"],
      ["opted_out", "keyword"],
      ["opted_in", "checkout"],
    ]);
    expect(data.consentEvents[0]!.evidence).toMatchObject({
      orderId: expect.stringMatching(/^gid:\/\/shopify\/Order\/\d+$/),
      disclosureVersion: 1,
      disclosureHash: "a".repeat(64),
      disclosureText: expect.stringContaining("Reply HELP for help, STOP to cancel"),
      ip: "203.0.113.7",
      userAgent: "Mozilla/5.0 (anabelle-browser)",
    });
    expect(data.consentEvents[1]!.evidence).toMatchObject({ body: "please stop texting me, anabelle here", messageSid: expect.stringMatching(/^SM/) });
    expect(data.consentEvents[2]!.evidence).toMatchObject({ orderId: `gid://shopify/Order/${ana.guestOrderId}` });
    expect(data.consentEvents.every((e) => /^[0-9a-f]{64}$/.test(e.hash) && e.seq > 0)).toBe(true);

    // Texts to her (every status), texts from her (also before she subscribed), Shopify sync jobs, clicks.
    expect(data.messagesSent.map((m) => `${m.status}: ${m.body}`).sort()).toEqual([
      "delivered: Acme Outfitters: Thanks for subscribing!",
      "failed: Your order for anabelle has shipped",
      "queued: ANABELLE, your private code anabelle-7731",
      "queued: ANABELLE, your private code anabelle-7731 (guest)",
    ]);
    expect(data.messagesReceived.map((m) => m.body).sort()).toEqual(["HELP anabelle what is this", "please stop texting me, anabelle here"]);
    expect(data.shopifySyncJobs.map((j) => j.marketingState)).toEqual(["SUBSCRIBED", "UNSUBSCRIBED", "SUBSCRIBED"]);
    expect(data.linkClicks).toEqual([expect.objectContaining({ url: "https://acme.test/sale" })]);
    // Her order as attribution recorded it, with its refund; nobody else's.
    expect(data.orders).toEqual([
      expect.objectContaining({
        subscriberId: ana.subscriberIds[0],
        shopifyCustomerId: "gid://shopify/Customer/7001",
        total: { minorUnits: 5400, currency: "USD" },
        refunds: [expect.objectContaining({ amountMinorUnits: 1200 })],
      }),
    ]);
    const herOrder = await prisma.order.findFirstOrThrow({ where: { shop: shopA, shopifyCustomerId: "gid://shopify/Customer/7001" } });
    expect(data.orders[0]!.shopifyOrderId).toBe(herOrder.shopifyOrderId);

    // Nobody else's data: not Ben's, not the same person's at shop B.
    const text = stored[0]!.export!;
    for (const secret of ben.secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain(shopB);
    expect(await prisma.privacyRequest.count({ where: { shop: shopB } })).toBe(0);
  });

  it("changes nothing more on a replay, or on the same request delivered under a new webhook id", async () => {
    const { shopA, ana } = await twoCustomersTwoShops();
    const webhookId = randomUUID();
    expect((await post(dataRequest(ana, { webhookId }))).status).toBe(200);
    const after = await databaseSnapshot();
    expect((await post(dataRequest(ana, { webhookId }))).status).toBe(200);
    expect(await databaseSnapshot()).toEqual(after);

    expect((await post(dataRequest(ana))).status).toBe(200);
    expect(await prisma.privacyRequest.count({ where: { shop: shopA } })).toBe(1);
  });

  it("rejects a bad HMAC and writes nothing", async () => {
    const { ana } = await twoCustomersTwoShops();
    const before = await databaseSnapshot();
    expect((await post(dataRequest(ana, { secret: "wrong-secret" }))).status).toBe(401);
    expect(await databaseSnapshot()).toEqual(before);
  });
});

describe("GET /app/privacy/:id/download", () => {
  it("hands the merchant the export as a JSON attachment, and only their own shop's", async () => {
    const { shopA, shopB, ana } = await twoCustomersTwoShops();
    await post(dataRequest(ana));
    const { id, export: stored } = await prisma.privacyRequest.findFirstOrThrow({ where: { shop: shopA } });

    const download = (shop: string) =>
      adminRequest(shop, `/app/privacy/${id}/download`).then((request) => call(() => downloadLoader({ request, params: { id }, context: {} })));
    const response = (await download(shopA)) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="customer-7001-data-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(await response.text()).toBe(stored);

    expect(((await download(shopB)) as Response).status).toBe(404);
  });
});
