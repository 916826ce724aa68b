/**
 * What a campaign earned, end to end in the demo (issue 10's proof): a
 * campaign whose text links to the shop is sent to one subscriber; the
 * recipient's text, read back from the local Twilio server, holds their own
 * tracked short link; opening it in the browser redirects to the shop (whose
 * domain is answered here, so the test stays offline) and is counted once,
 * while a link preview's fetch of it is redirected but not counted; a signed
 * orders/create for that subscriber is credited to the campaign by their
 * click; and the click and the revenue show on the campaign's results page
 * and on the dashboard.
 */
import { createHmac, randomUUID } from "node:crypto";
import fs from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { createPrismaClient } from "../../app/db.server";
import { DEFAULT_DEMO_TWILIO_AUTH_TOKEN, DEMO_SHOP, DEMO_SHOPIFY_API_SECRET, DEMO_TWILIO_ACCOUNT_SID } from "../../app/demo/demo-mode.server";
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

/** A region no seeded subscriber is in, with no state rules of its own: the audience is exactly the one recipient placed here. */
const TEST_REGION = "CA-YT";
const SALE_URL = `https://${DEMO_SHOP}/collections/sale`;
const ORDER_TOTAL = "64.00";
/** What iMessage sends when it draws a link's preview (a Safari UA naming Facebook's and Twitter's fetchers). */
const IMESSAGE_PREVIEW_UA =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0";

/** A time zone where it is the middle of the day now, whatever the hour the test runs at (as in campaigns.test.ts). */
function zoneAtMidday(now: Date): string {
  const zones = ["Pacific/Kiritimati", "Pacific/Auckland", "Asia/Tokyo", "Asia/Kolkata", "Europe/Berlin", "Europe/London", "America/Sao_Paulo", "America/New_York", "America/Denver", "Pacific/Honolulu"];
  const hourIn = (zone: string) => Number(new Intl.DateTimeFormat("en-US", { timeZone: zone, hour: "numeric", hourCycle: "h23" }).format(now));
  const zone = zones.find((candidate) => hourIn(candidate) >= 10 && hourIn(candidate) < 17);
  if (!zone) throw new Error("no listed zone is at midday: the list has a gap");
  return zone;
}

/**
 * One subscribed number no frequency rule can hold back: no marketing text
 * within the daily window or the demo shop's smart-sending gap, fewer than
 * the monthly cap this month; placed in TEST_REGION at midday.
 */
async function placeRecipient(): Promise<{ id: string; phone: string }> {
  const db = createPrismaClient(demo.databaseUrl);
  try {
    expect(await db.subscriber.count({ where: { shop: DEMO_SHOP, region: TEST_REGION } })).toBe(0);
    const shop = await db.shop.findUniqueOrThrow({ where: { shop: DEMO_SHOP } });
    const since = new Date(Date.now() - Math.max(48, shop.smartSendingHours + 24) * 3600_000);
    const monthStart = DateTime.now().setZone(shop.timezone).startOf("month").toJSDate();
    const from = new Date(Math.min(since.getTime(), monthStart.getTime()));
    const texts = await db.message.findMany({
      where: { shop: DEMO_SHOP, subscriberId: { not: null }, kind: "marketing", OR: [{ createdAt: { gte: from } }, { sentAt: { gte: from } }, { nextAttemptAt: { gte: from } }] },
      select: { subscriberId: true, createdAt: true, sentAt: true, nextAttemptAt: true },
    });
    const after = (bound: Date) => (t: (typeof texts)[0]) => t.createdAt >= bound || (t.sentAt !== null && t.sentAt >= bound) || t.nextAttemptAt >= bound;
    const held = new Set(texts.filter(after(since)).map((t) => t.subscriberId));
    const thisMonth = new Map<string, number>();
    for (const text of texts.filter(after(monthStart))) thisMonth.set(text.subscriberId!, (thisMonth.get(text.subscriberId!) ?? 0) + 1);
    const candidates = await db.subscriber.findMany({ where: { shop: DEMO_SHOP, status: "subscribed", unreachableAt: null }, orderBy: { id: "asc" } });
    const chosen = candidates.find((s) => !held.has(s.id) && (thisMonth.get(s.id) ?? 0) < shop.maxMessagesPerMonth - 1);
    expect(chosen, "a subscriber the rules let a campaign reach now").toBeDefined();
    await db.subscriber.update({ where: { id: chosen!.id }, data: { region: TEST_REGION, timezone: zoneAtMidday(new Date()) } });
    return { id: chosen!.id, phone: chosen!.phone };
  } finally {
    await db.$disconnect();
  }
}

/** The demo's origin, and its Twilio test server's (the demo prints both). */
function demoUrls() {
  const app = new URL(demo.adminLink).origin;
  const twilio = /^Twilio test server:\s+(\S+)$/m.exec(demo.output())?.[1];
  expect(twilio, "the demo prints its Twilio test server").toBeDefined();
  return { app, twilio: twilio! };
}

/** The text as the Twilio test server received it (the Messages API, as an account would read it back). */
async function textAtTwilio(twilioUrl: string, sid: string): Promise<{ to: string; body: string; status: string }> {
  const authToken = process.env.DEMO_TWILIO_AUTH_TOKEN || DEFAULT_DEMO_TWILIO_AUTH_TOKEN;
  const response = await fetch(`${twilioUrl}/2010-04-01/Accounts/${DEMO_TWILIO_ACCOUNT_SID}/Messages/${sid}.json`, {
    headers: { Authorization: `Basic ${Buffer.from(`${DEMO_TWILIO_ACCOUNT_SID}:${authToken}`).toString("base64")}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { to: string; body: string; status: string };
}

/** orders/create as Shopify delivers it, signed with the demo's app secret (scripts/demo.ts: SHOPIFY_API_SECRET, else the demo's). */
async function deliverOrder(appUrl: string, order: { id: number; phone: string; totalPrice: string }): Promise<Response> {
  const body = JSON.stringify({
    id: order.id,
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    created_at: new Date().toISOString(),
    currency: "USD",
    total_price: order.totalPrice,
    phone: order.phone,
    customer: null,
    note_attributes: [],
  });
  const secret = process.env.SHOPIFY_API_SECRET || DEMO_SHOPIFY_API_SECRET;
  return fetch(`${appUrl}/webhooks/orders/create`, {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": "orders/create",
      "X-Shopify-Shop-Domain": DEMO_SHOP,
      "X-Shopify-API-Version": "2026-07",
      "X-Shopify-Webhook-Id": randomUUID(),
      "X-Shopify-Triggered-At": new Date().toISOString(),
      "X-Shopify-Hmac-Sha256": createHmac("sha256", secret).update(body, "utf8").digest("base64"),
    },
  });
}

async function withDb<T>(work: (db: ReturnType<typeof createPrismaClient>) => Promise<T>): Promise<T> {
  const db = createPrismaClient(demo.databaseUrl);
  try {
    return await work(db);
  } finally {
    await db.$disconnect();
  }
}

describe("what a campaign earned, in the demo", () => {
  it("counts a person's click once (not a preview's), credits the order to the click, and shows both on the results page and the dashboard", async () => {
    const recipient = await placeRecipient();
    const urls = demoUrls();
    const { page, errors } = await openPage(browser);
    fs.mkdirSync("test-results", { recursive: true });

    // Write and send the campaign to the one recipient.
    await page.goto(demo.adminLink);
    await page.getByRole("link", { name: "Campaigns" }).click();
    await page.getByRole("link", { name: "Create campaign" }).first().click();
    await page.getByLabel("Campaign name").fill("Sale link");
    await page.getByText("A segment of subscribers").click();
    await page.getByLabel("Regions").fill(TEST_REGION);
    await expect.poll(() => page.locator("#audience-count").textContent()).toMatch(/^1 recipients?$/);
    await page.getByLabel("Message").fill(`Juniper & Pine: the winter sale is on: ${SALE_URL} Reply STOP to opt out`);
    // The preview shows where the short link will go, at its final length.
    await expect.poll(() => page.locator("#message-preview").textContent()).toMatch(new RegExp(`^Juniper & Pine: the winter sale is on: ${escape(urls.app)}/l/\\S+ Reply STOP to opt out$`));
    await page.getByRole("button", { name: "Send now" }).click();
    await page.waitForURL(/\/app\/campaigns\/(?!new)[^/?]+$/);
    const campaignId = new URL(page.url()).pathname.split("/").pop()!;
    await page.getByText("Sent", { exact: true }).waitFor({ timeout: 90_000 });
    await expect.poll(() => page.locator("#progress-delivered").textContent(), { timeout: 30_000 }).toBe("1");

    // The recipient's text: their own short link on the app's domain, not the shop's URL.
    const message = await withDb((db) => db.message.findFirstOrThrow({ where: { shop: DEMO_SHOP, campaignId } }));
    expect(message.subscriberId).toBe(recipient.id);
    expect(message.status).toBe("delivered");
    const received = await textAtTwilio(urls.twilio, message.twilioSid!);
    expect(received.to).toBe(recipient.phone);
    expect(received.body).toBe(message.body);
    expect(received.body).not.toContain(DEMO_SHOP);
    const shortLink = new RegExp(`${escape(urls.app)}/l/[A-Za-z0-9_-]+`).exec(received.body)?.[0];
    expect(shortLink, `a short link in "${received.body}"`).toBeDefined();
    const link = await withDb((db) => db.trackedLink.findFirstOrThrow({ where: { shop: DEMO_SHOP, campaignId } }));
    expect(shortLink).toBe(`${urls.app}/l/${link.code}`);
    expect(link.subscriberId).toBe(recipient.id);

    // The recipient opens it: the app answers with a redirect to the shop, whose page is answered here (its domain
    // does not resolve offline). Chrome's own Fetch interception, not page.route: Playwright's route handler is
    // called only for the first URL of a redirect chain, so it never sees the shop's.
    const { page: phone } = await openPage(browser, 900);
    const shopRequests: string[] = [];
    const cdp = await phone.context().newCDPSession(phone);
    cdp.on("Fetch.requestPaused", (event) => {
      shopRequests.push(event.request.url);
      const html = "<!doctype html><title>Winter sale</title><link rel=icon href=data:,><h1>Juniper &amp; Pine winter sale</h1>";
      void cdp.send("Fetch.fulfillRequest", {
        requestId: event.requestId,
        responseCode: 200,
        responseHeaders: [{ name: "Content-Type", value: "text/html; charset=utf-8" }],
        body: Buffer.from(html).toString("base64"),
      });
    });
    await cdp.send("Fetch.enable", { patterns: [{ urlPattern: `https://${DEMO_SHOP}/*`, requestStage: "Request" }] });
    const redirects: { status: number; location: string | null }[] = [];
    phone.on("response", (response) => {
      if (response.url() === shortLink) redirects.push({ status: response.status(), location: response.headers()["location"] ?? null });
    });
    await phone.goto(shortLink!);
    await phone.getByRole("heading", { name: "Juniper & Pine winter sale" }).waitFor();
    const landed = new URL(phone.url());
    expect(`${landed.origin}${landed.pathname}`).toBe(SALE_URL);
    expect(landed.searchParams.get("utm_source")).toBe("sms");
    expect(landed.searchParams.get("utm_campaign")).toBeTruthy();
    expect(shopRequests).toEqual([landed.href]);
    expect(redirects).toEqual([{ status: 302, location: landed.href }]);
    await phone.screenshot({ path: "test-results/earnings-link-opened.png" });
    await phone.close();
    const clicks = () => withDb((db) => db.linkClick.findMany({ where: { shop: DEMO_SHOP, campaignId } }));
    await expect.poll(async () => (await clicks()).length, { timeout: 10_000 }).toBe(1);
    const [click] = await clicks();
    expect(click!.subscriberId).toBe(recipient.id);
    expect(click!.linkId).toBe(link.id);
    expect(click!.clickedAt.getTime()).toBeGreaterThan(message.deliveredAt!.getTime());

    // iMessage draws the link's preview: redirected the same way, not counted.
    const preview = await fetch(shortLink!, { redirect: "manual", headers: { "User-Agent": IMESSAGE_PREVIEW_UA } });
    expect(preview.status).toBe(302);
    expect(preview.headers.get("location")).toBe(landed.href);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // a click would have been committed by now (group commit waits milliseconds)
    expect(await clicks()).toHaveLength(1);

    // The recipient orders: a signed orders/create with their number, credited to the campaign by the click.
    const orderId = 9_100_000_000 + Math.floor(Math.random() * 1_000_000);
    const delivered = await deliverOrder(urls.app, { id: orderId, phone: recipient.phone, totalPrice: ORDER_TOTAL });
    expect(delivered.status).toBe(200);
    const order = await withDb((db) => db.order.findUniqueOrThrow({ where: { shop_shopifyOrderId: { shop: DEMO_SHOP, shopifyOrderId: String(orderId) } } }));
    expect(order).toMatchObject({ subscriberId: recipient.id, attributedCampaignId: campaignId, attribution: "click", totalMinor: 6400, currency: "USD" });

    // The campaign's results page: the one click, its clicker, and the revenue credited by click.
    await page.getByRole("link", { name: "See results: clicks, orders, revenue" }).click();
    await page.waitForURL(new RegExp(`/app/campaigns/${campaignId}/results`));
    await expect.poll(() => page.locator("#figure-clicks").textContent()).toBe("1");
    expect(await page.locator("#figure-unique-clickers").textContent()).toBe("1");
    expect(await page.locator("#figure-delivered").textContent()).toBe("1");
    expect(await page.locator("#figure-click-rate").textContent()).toMatch(/^100(\.0)?%$/);
    const revenue = (await page.locator("#revenue-table").textContent()) ?? "";
    expect(revenue).toContain("Credited by click");
    expect(revenue).not.toContain("Credited by delivery");
    expect(revenue).toContain(`$${ORDER_TOTAL}`);
    await page.locator('[data-chart="Deliveries, clicks and orders over time"] svg').first().waitFor();
    await page.screenshot({ path: "test-results/earnings-campaign-results.png", fullPage: true });

    // The dashboard: the campaign among the recent ones, and today's bar of credited revenue holding the order.
    await page.getByRole("link", { name: "Dashboard" }).first().click();
    await page.getByText("Revenue credited to campaigns").waitFor();
    await page.getByRole("link", { name: "Sale link" }).waitFor();
    const todayRevenue = await withDb(async (db) => {
      const shop = await db.shop.findUniqueOrThrow({ where: { shop: DEMO_SHOP } });
      const today = DateTime.now().setZone(shop.timezone).startOf("day").toJSDate();
      const credited = await db.order.findMany({ where: { shop: DEMO_SHOP, attributedCampaignId: { not: null }, placedAt: { gte: today }, currency: "USD" } });
      return credited.reduce((sum, o) => sum + o.totalMinor - o.refundedMinor, 0) / 100;
    });
    expect(todayRevenue).toBeGreaterThanOrEqual(64);
    const bars = page.locator('[data-chart="Attributed revenue per day"] svg [role="listitem"][aria-label^="Revenue (USD)"]');
    await bars.first().waitFor();
    const lastBar = (await bars.last().getAttribute("aria-label")) ?? "";
    expect(Number(/([\d.,]+)$/.exec(lastBar)?.[1]?.replace(/,/g, ""))).toBeCloseTo(todayRevenue, 2);
    await page.screenshot({ path: "test-results/earnings-dashboard.png", fullPage: true });
    expect(errors).toEqual([]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
