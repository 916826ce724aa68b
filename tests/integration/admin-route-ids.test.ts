/**
 * Admin pages that take a row id from the URL, over real HTTP against
 * server/app-server.ts: an id that cannot name a row (too long, odd
 * characters, a NUL byte) is "not found" (404), never a 500, and a real id of
 * another shop is not found either.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { signSessionToken } from "../../app/demo/demo-link.server";
import type { AppServer } from "../../server/app-server";
import { startTestAppServer } from "../support/app-server";
import { createTestShop } from "../support/shop-fixture";
import { TEST_ENV } from "../setup/test-env";

let server: AppServer;

beforeAll(async () => {
  server = await startTestAppServer();
}, 120_000);

afterAll(async () => {
  await server?.close();
});

const DESKTOP_CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/** GET as App Bridge fetches from Shopify admin: the shop's session token, its offline session stored. */
async function adminGet(shop: string, path: string): Promise<{ status: number; body: string }> {
  await prisma.session.upsert({
    where: { id: `offline_${shop}` },
    create: { id: `offline_${shop}`, shop, state: "", accessToken: "shpat_test", scope: TEST_ENV.SCOPES },
    update: {},
  });
  const token = signSessionToken({ shop, apiKey: TEST_ENV.SHOPIFY_API_KEY, apiSecret: TEST_ENV.SHOPIFY_API_SECRET });
  const response = await fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${token}`, "User-Agent": DESKTOP_CHROME } });
  return { status: response.status, body: await response.text() };
}

const UNUSABLE_IDS = ["x".repeat(65), "x".repeat(10_000), "%00", "abc%00def", "..%2F..%2Fetc", "%F0%9F%98%80", "a'%20OR%201=1"];

describe("admin routes with an id in the URL", () => {
  it("an export id that cannot name an export is 404, not 500", async () => {
    const { shop } = await createTestShop();
    for (const id of UNUSABLE_IDS) {
      const answer = await adminGet(shop, `/app/privacy/${id}/download`);
      expect([answer.status, answer.body], id.slice(0, 20)).toEqual([404, "No such export in this shop."]);
    }
  });

  it("a subscriber id that cannot name a subscriber is 404, not 500", async () => {
    const { shop } = await createTestShop();
    for (const id of UNUSABLE_IDS) {
      const answer = await adminGet(shop, `/app/subscribers/${id}?_data=routes%2Fapp.subscribers.%24id`);
      expect(answer.status, id.slice(0, 20)).toBe(404);
    }
  });

  it("another shop's real export and subscriber are 404 too", async () => {
    const owner = await createTestShop();
    const other = await createTestShop();
    const subscriber = await prisma.subscriber.create({ data: { shop: owner.shop, phone: "+12025550188", status: "subscribed" } });
    const request = await prisma.privacyRequest.create({
      data: { shop: owner.shop, topic: "customers/data_request", shopifyCustomerId: "gid://shopify/Customer/1", export: "{}", completedAt: new Date() },
    });

    expect((await adminGet(other.shop, `/app/privacy/${request.id}/download`)).status).toBe(404);
    expect((await adminGet(other.shop, `/app/subscribers/${subscriber.id}?_data=routes%2Fapp.subscribers.%24id`)).status).toBe(404);
    expect((await adminGet(owner.shop, `/app/privacy/${request.id}/download`)).status).toBe(200);
    expect((await adminGet(owner.shop, `/app/subscribers/${subscriber.id}?_data=routes%2Fapp.subscribers.%24id`)).status).toBe(200);
  });
});
