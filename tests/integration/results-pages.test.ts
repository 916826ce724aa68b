/**
 * The results pages rendered on the server, over real HTTP against
 * server/app-server.ts: a campaign's results page and the dashboard come back
 * whole (the charts' placeholders in the HTML, drawn later in the browser),
 * another shop's campaign is not found, and a shop that has not set up its
 * program is led to settings instead of an error.
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

/** A document GET as App Bridge's first load makes it: the shop's session token, its offline session stored. */
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

const textOf = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

describe("results pages", () => {
  it("render a campaign's figures and the dashboard on the server; another shop's campaign is not found", async () => {
    const { shop } = await createTestShop();
    const other = await createTestShop();
    const startedAt = new Date(Date.now() - 2 * 3600_000);
    const campaign = await prisma.campaign.create({ data: { shop, name: "Server-rendered sale", body: "Hi", status: "sent", startedAt } });
    await prisma.message.createMany({
      data: [0, 1, 2].map((i) => ({
        shop,
        campaignId: campaign.id,
        subscriberId: `sub-${i}`,
        phone: `+1212555010${i}`,
        body: "Hi",
        kind: "marketing",
        status: i < 2 ? "delivered" : "failed",
        errorCode: i < 2 ? null : 30005,
        segments: 1,
        sentAt: startedAt,
        deliveredAt: i < 2 ? new Date(startedAt.getTime() + 60_000) : null,
      })),
    });
    await prisma.order.create({
      data: { shop, shopifyOrderId: "9001", totalMinor: 12345, currency: "USD", placedAt: new Date(startedAt.getTime() + 30 * 60_000), attributedCampaignId: campaign.id, attribution: "click" },
    });

    const page = await adminGet(shop, `/app/campaigns/${campaign.id}/results`);
    expect(page.status).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain("Results: Server-rendered sale");
    expect(page.body).toMatch(/id="figure-planned"[^>]*>3</);
    expect(page.body).toMatch(/id="figure-delivered"[^>]*>2</);
    expect(text).toContain("$123.45");
    expect(text).toContain("Unknown or inactive number");
    expect(text).toContain("Loading chart…"); // the chart's placeholder: Polaris Viz draws in the browser
    expect(page.body).toMatch(/polaris-viz|styles-[\w-]+\.css/);

    const elsewhere = await adminGet(other.shop, `/app/campaigns/${campaign.id}/results`);
    expect(elsewhere.status).toBe(404);

    const dashboard = await adminGet(shop, "/app?days=90");
    expect(dashboard.status).toBe(200);
    expect(textOf(dashboard.body)).toContain("Last 90 days");
    expect(textOf(dashboard.body)).toContain("Revenue credited to campaigns");
  });

  it("leads a shop that has not set up its program to settings", async () => {
    const shop = `new-${Date.now()}.myshopify.com`;
    const dashboard = await adminGet(shop, "/app");
    expect(dashboard.status).toBe(200);
    expect(textOf(dashboard.body)).toContain("Set up your SMS program");
    expect(dashboard.body).toContain('href="/app/settings"');
  });
});
