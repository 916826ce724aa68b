/**
 * What a campaign earned, in the demo: a sent campaign of the demo's seed
 * gets clicks and credited orders (written here as the link redirect and
 * orders/create would), then the dashboard draws list growth and revenue and
 * the campaign's results page shows the figures counted from the database
 * and its chart, rendered on the server and drawn in the browser.
 */
import fs from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "../../app/db.server";
import { DEMO_SHOP } from "../../app/demo/demo-mode.server";
import { launchBrowser, openPage, startDemo, type DemoServer } from "../support/demo-server";

let demo: DemoServer;
let browser: Browser;

beforeAll(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  if (demo) expect(await demo.stop(), "the demo stops cleanly on SIGTERM").toBe(0);
});

const CAMPAIGN_NAME = "Black Friday early access";

/** Two recipients click (one twice), one order credited by click and one by delivery; returns the figures to expect, counted here. */
async function addClicksAndOrders() {
  const db = createPrismaClient(demo.databaseUrl);
  try {
    const campaign = await db.campaign.findFirstOrThrow({ where: { shop: DEMO_SHOP, name: CAMPAIGN_NAME } });
    const delivered = await db.message.findMany({ where: { campaignId: campaign.id, status: "delivered" }, orderBy: { deliveredAt: "asc" }, take: 2 });
    expect(delivered).toHaveLength(2);
    const base = Date.now();
    for (const [i, message] of delivered.entries()) {
      const link = await db.trackedLink.create({
        data: { shop: DEMO_SHOP, campaignId: campaign.id, subscriberId: message.subscriberId, code: `e2eres${i}${base.toString(36)}`, url: "https://juniper-pine.example/" },
      });
      const clicks = i === 0 ? 2 : 1;
      for (let c = 0; c < clicks; c++) {
        await db.linkClick.create({ data: { shop: DEMO_SHOP, linkId: link.id, campaignId: campaign.id, subscriberId: message.subscriberId, clickedAt: new Date(message.deliveredAt!.getTime() + (c + 1) * 60_000) } });
      }
    }
    const order = (n: number, subscriberId: string | null, totalMinor: number, attribution: "click" | "delivery", at: Date) =>
      db.order.create({ data: { shop: DEMO_SHOP, shopifyOrderId: `${base}${n}`, subscriberId, totalMinor, currency: "USD", placedAt: at, attributedCampaignId: campaign.id, attribution } });
    await order(1, delivered[0]!.subscriberId, 4500, "click", new Date(delivered[0]!.deliveredAt!.getTime() + 10 * 60_000));
    await order(2, delivered[1]!.subscriberId, 2000, "delivery", new Date(delivered[1]!.deliveredAt!.getTime() + 20 * 60_000));

    const counted = async (status?: string) => db.message.count({ where: { campaignId: campaign.id, ...(status ? { status } : {}) } });
    // Counted over every click and order of the campaign: the demo's seed already holds some of each.
    const allClicks = await db.linkClick.findMany({ where: { shop: DEMO_SHOP, campaignId: campaign.id } });
    const orders = await db.order.findMany({ where: { shop: DEMO_SHOP, attributedCampaignId: campaign.id } });
    const revenueOf = (kind: string) => orders.filter((o) => o.attribution === kind).reduce((sum, o) => sum + o.totalMinor - o.refundedMinor, 0);
    return {
      campaignId: campaign.id,
      planned: await counted(),
      delivered: await counted("delivered"),
      clicks: allClicks.length,
      uniqueClickers: new Set(allClicks.map((click) => click.subscriberId)).size,
      clickRevenueMinor: revenueOf("click"),
      deliveryRevenueMinor: revenueOf("delivery"),
      revenueMinor: orders.reduce((sum, o) => sum + o.totalMinor - o.refundedMinor, 0),
      orders: orders.length,
    };
  } finally {
    await db.$disconnect();
  }
}

const number = (n: number) => n.toLocaleString("en-US");
const dollars = (minor: number) => (minor / 100).toLocaleString("en-US", { style: "currency", currency: "USD" });

describe("campaign results in the demo", () => {
  it("shows the dashboard's charts and a sent campaign's real figures and chart", async () => {
    const expected = await addClicksAndOrders();
    const { page, errors } = await openPage(browser, 2000);
    fs.mkdirSync("test-results", { recursive: true });

    await page.goto(demo.adminLink);
    await page.getByText("List growth: opt-ins by source, and opt-outs").waitFor();
    // Drawn in the browser: Polaris Viz puts an SVG into each chart's box once hydrated.
    await page.locator('[data-chart="List growth per day"] svg').first().waitFor();
    await page.locator('[data-chart="Attributed revenue per day"] svg').first().waitFor();
    await page.locator("#span-90").click();
    await page.getByText("Last 90 days").waitFor();
    await page.locator('[data-chart="List growth per day"] svg').first().waitFor();
    await page.screenshot({ path: "test-results/dashboard-growth.png", fullPage: true });

    await page.getByRole("link", { name: CAMPAIGN_NAME }).first().click();
    await page.waitForURL(new RegExp(`/app/campaigns/${expected.campaignId}/results`));
    await expect.poll(() => page.locator("#figure-planned").textContent()).toBe(number(expected.planned));
    expect(await page.locator("#figure-delivered").textContent()).toBe(number(expected.delivered));
    expect(await page.locator("#figure-clicks").textContent()).toBe(number(expected.clicks));
    expect(await page.locator("#figure-unique-clickers").textContent()).toBe(number(expected.uniqueClickers));
    expect(await page.locator("#attribution-rule").textContent()).toMatch(/last clicked in the \d+ days? before ordering/);
    const revenue = await page.locator("#revenue-table").textContent();
    expect(revenue).toContain("Credited by click");
    expect(revenue).toContain(dollars(expected.clickRevenueMinor));
    expect(revenue).toContain("Credited by delivery");
    expect(revenue).toContain(dollars(expected.deliveryRevenueMinor));
    expect(revenue).toContain(dollars(expected.revenueMinor));
    await page.locator('[data-chart="Deliveries, clicks and orders over time"] svg').first().waitFor();
    await page.screenshot({ path: "test-results/campaign-results.png", fullPage: true });
    expect(errors).toEqual([]);
  });
});
