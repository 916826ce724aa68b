import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { publishDisclosure } from "../../app/disclosures/disclosures.server";
import { action as dataRequestAction } from "../../app/routes/webhooks.customers.data_request";
import { action } from "../../app/routes/webhooks.shop.redact";
import { limitThankYouRequests } from "../../app/checkout/thank-you-limits.server";
import { databaseSnapshot, MODEL_NAMES, readAllTables, rowsOfShop } from "../support/database-scan";
import { seedCustomer } from "../support/privacy-fixture";
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

const shopRedact = (shop: string, options: { webhookId?: string; secret?: string } = {}) =>
  shopifyWebhookRequest({ path: "/webhooks/shop/redact", topic: "shop/redact", shop, payload: { shop_id: 954889, shop_domain: shop }, ...options });

/** A shop with a row in every table, and another shop just like it. */
async function populatedShop() {
  const shop = (await createTestShop()).shop;
  await seedCustomer(shop, { customerId: "7001", digits: "0123", tag: "anabelle", ip: "203.0.113.7" });
  await publishDisclosure(shop, { locale: "en", text: "Acme: up to 6 msgs/month. Msg & data rates may apply. Reply HELP for help, STOP to cancel." });
  await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", accessToken: "shpat_test" } });
  await prisma.campaign.create({ data: { shop, name: "Spring sale", body: "Acme: 20% off this weekend. Reply STOP to cancel." } });
  await prisma.subscriberImport.create({
    data: { shop, fileName: "klaviyo.csv", fileHash: randomUUID(), mapping: "{}", confirmMode: "double_opt_in", report: "2,(415) 555-0199,Not imported,No consent date\n" },
  });
  await limitThankYouRequests(shop, { ip: "203.0.113.7", customerId: "gid://shopify/Customer/7001" });
  const asked = await call(
    dataRequestAction,
    shopifyWebhookRequest({
      path: "/webhooks/customers/data_request",
      topic: "customers/data_request",
      shop,
      payload: { shop_id: 954889, shop_domain: shop, customer: { id: 7001, phone: "+14155550123" }, orders_requested: [], data_request: { id: 1 } },
    }),
  );
  expect(asked.status).toBe(200);
  return shop;
}

describe("POST /webhooks/shop/redact", () => {
  it("deletes every row of the shop in every table, and leaves other shops alone", async () => {
    const shop = await populatedShop();
    const other = await populatedShop();
    const before = await readAllTables();
    const ofShop = rowsOfShop(before, shop);
    // The fixture really does reach every model, so "nothing left" below means something.
    expect(new Set(ofShop.map((row) => row.model))).toEqual(new Set(MODEL_NAMES));
    const linkIds = new Set(before.TrackedLink.filter((link) => link.shop === shop).map((link) => link.id));
    const otherRows = rowsOfShop(before, other);

    expect((await call(action, shopRedact(shop))).status).toBe(200);

    const after = await readAllTables();
    expect(rowsOfShop(after, shop, linkIds)).toEqual([]);
    expect(rowsOfShop(after, other)).toEqual(otherRows);
  });

  it("changes nothing more when delivered again", async () => {
    const shop = await populatedShop();
    await populatedShop();
    const webhookId = randomUUID();
    expect((await call(action, shopRedact(shop, { webhookId }))).status).toBe(200);
    const after = await databaseSnapshot();
    expect((await call(action, shopRedact(shop, { webhookId }))).status).toBe(200);
    expect(await databaseSnapshot()).toEqual(after);
  });

  it("rejects a bad HMAC and deletes nothing", async () => {
    const shop = await populatedShop();
    const before = await databaseSnapshot();
    expect((await call(action, shopRedact(shop, { secret: "wrong-secret" }))).status).toBe(401);
    expect(await databaseSnapshot()).toEqual(before);
  });
});
