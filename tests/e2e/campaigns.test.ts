/**
 * A merchant writes a campaign in the demo and sends it: the live segment
 * counter and cost, a compliance error that blocks sending until it is fixed,
 * then the demo's worker plans it and sends it through the built-in Twilio
 * test server, and the page follows it until every text is delivered.
 */
import type { Browser } from "playwright-core";
import { shortLinkPlaceholder } from "../../app/links/short-link";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
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

/** A region no seeded subscriber is in, and with no state rules of its own: the audience is exactly the recipients set up here. */
const TEST_REGION = "CA-YT";
const RECIPIENTS = 3;
const FIRST_NAME = "Robin";

/**
 * A time zone where it is the middle of the day now, whatever the hour this
 * test runs at: the recipients are inside every quiet-hours window (federal
 * 8:00–21:00, the shop's 21:00–08:00), so the campaign finishes now instead
 * of waiting for their morning. Some zone below is between 10:00 and 17:00 at any instant.
 */
function zoneAtMidday(now: Date): string {
  const zones = ["Pacific/Kiritimati", "Pacific/Auckland", "Asia/Tokyo", "Asia/Kolkata", "Europe/Berlin", "Europe/London", "America/Sao_Paulo", "America/New_York", "America/Denver", "Pacific/Honolulu"];
  const hourIn = (zone: string) => Number(new Intl.DateTimeFormat("en-US", { timeZone: zone, hour: "numeric", hourCycle: "h23" }).format(now));
  const zone = zones.find((candidate) => hourIn(candidate) >= 10 && hourIn(candidate) < 17);
  if (!zone) throw new Error("no listed zone is at midday: the list has a gap");
  return zone;
}

/**
 * Three subscribed numbers that no frequency rule can hold back (no marketing
 * text within the daily window or the smart-sending gap, few this month),
 * placed in TEST_REGION at midday, all named FIRST_NAME.
 */
async function placeRecipients(): Promise<string[]> {
  const db = createPrismaClient(demo.databaseUrl);
  try {
    expect(await db.subscriber.count({ where: { shop: DEMO_SHOP, region: TEST_REGION } })).toBe(0);
    const shop = await db.shop.findUniqueOrThrow({ where: { shop: DEMO_SHOP } });
    const since = new Date(Date.now() - Math.max(48, shop.smartSendingHours + 24) * 3600_000);
    const recent = await db.message.findMany({
      where: { shop: DEMO_SHOP, subscriberId: { not: null }, OR: [{ createdAt: { gte: since } }, { sentAt: { gte: since } }, { nextAttemptAt: { gte: since } }] },
      select: { subscriberId: true },
    });
    const held = new Set(recent.map((row) => row.subscriberId));
    const candidates = await db.subscriber.findMany({ where: { shop: DEMO_SHOP, status: "subscribed", unreachableAt: null }, orderBy: { id: "asc" } });
    const chosen = candidates.filter((subscriber) => !held.has(subscriber.id)).slice(0, RECIPIENTS);
    expect(chosen).toHaveLength(RECIPIENTS);
    const timezone = zoneAtMidday(new Date());
    // One first name for all three, so the preview (and its segment count) is the same whichever of them it shows.
    await db.subscriber.updateMany({ where: { id: { in: chosen.map((subscriber) => subscriber.id) } }, data: { region: TEST_REGION, timezone, firstName: FIRST_NAME } });
    return chosen.map((subscriber) => subscriber.id);
  } finally {
    await db.$disconnect();
  }
}

describe("a campaign in the demo admin", () => {
  it("is written with the counter, the cost and the lint, sent, and followed until delivered", async () => {
    const recipientIds = await placeRecipients();
    const { page, errors } = await openPage(browser);
    fs.mkdirSync("test-results", { recursive: true });

    await page.goto(demo.adminLink);
    await page.getByRole("link", { name: "Campaigns" }).click();
    await page.getByRole("link", { name: "Create campaign" }).first().click();
    await page.getByLabel("Campaign name").fill("Yukon lunch hour");

    // The audience: the three placed in the test region.
    await page.getByText("A segment of subscribers").click();
    await page.getByLabel("Regions").fill(TEST_REGION);
    await expect.poll(() => page.locator("#audience-count").textContent()).toBe(`${RECIPIENTS} recipients`);

    // A smart apostrophe and a public link shortener: UCS-2 pointed out, the shortener blocks sending; the cost follows the segments.
    const message = page.getByLabel("Message");
    await message.fill("Juniper & Pine: Hi {first_name|there}! Don’t miss 20% off with {discount_code}: https://bit.ly/jp-sale Reply STOP to opt out");
    await page.getByLabel("Discount code (optional)").fill("LUNCH20");
    await expect.poll(() => page.locator("#segment-counter").textContent()).toMatch(/ · UCS-2 · 2 segments · /);
    await page.getByText("The ’ in “Don’t” makes this 2 segments instead of 1: replace it with '").waitFor();
    await page.getByText(/goes through a public link shortener/).waitFor();
    expect(await page.getByRole("button", { name: "Send now" }).isDisabled()).toBe(true);
    await expect.poll(() => page.locator("#cost-estimate").textContent()).toBe(`Estimated cost $0.05 (2 segments × ${RECIPIENTS} × $0.0083)`);
    await page.screenshot({ path: "test-results/campaign-lint-error.png", fullPage: true });

    // Fixed: a straight apostrophe and the store's own link. One GSM-7 segment, nothing blocks.
    await message.fill("Juniper & Pine: Hi {first_name|there}! Don't miss 20% off with {discount_code}: https://juniperandpine.example/sale Reply STOP to opt out");
    await page.getByText(/goes through a public link shortener/).waitFor({ state: "detached" });
    await expect.poll(() => page.locator("#segment-counter").textContent()).toMatch(/ · GSM-7 · 1 segment · /);
    await expect.poll(() => page.locator("#cost-estimate").textContent()).toBe(`Estimated cost $0.02 (1 segment × ${RECIPIENTS} × $0.0083)`);
    // The link as it will be sent: a tracked short link on the app's own host, counted at its final length.
    const shortLink = shortLinkPlaceholder(new URL(demo.adminLink).origin);
    await expect.poll(() => page.locator("#message-preview").textContent()).toBe(`Juniper & Pine: Hi ${FIRST_NAME}! Don't miss 20% off with LUNCH20: ${shortLink} Reply STOP to opt out`);
    await page.screenshot({ path: "test-results/campaign-ready.png", fullPage: true });

    await page.getByRole("button", { name: "Send now" }).click();
    await page.waitForURL(/\/app\/campaigns\/(?!new)[^/?]+$/);
    const campaignId = new URL(page.url()).pathname.split("/").pop()!;

    // The worker plans it and sends it through the Twilio test server; the page reloads its figures until it is done.
    await page.getByText("Sent", { exact: true }).waitFor({ timeout: 90_000 });
    await expect.poll(() => page.locator("#progress-delivered").textContent(), { timeout: 30_000 }).toBe(String(RECIPIENTS));
    expect(await page.locator("#progress-total").textContent()).toBe(String(RECIPIENTS));
    expect(await page.locator("#fixed-text").textContent()).toBe(`Juniper & Pine: Hi there! Don't miss 20% off with LUNCH20: ${shortLink} Reply STOP to opt out`);
    await page.screenshot({ path: "test-results/campaign-delivered.png", fullPage: true });

    const db = createPrismaClient(demo.databaseUrl);
    const texts = await db.message.findMany({ where: { shop: DEMO_SHOP, campaignId } });
    await db.$disconnect();
    expect(texts.map((text) => text.subscriberId).sort()).toEqual([...recipientIds].sort());
    expect(texts.map((text) => text.status)).toEqual(Array(RECIPIENTS).fill("delivered"));
    // Each recipient's own tracked link, so a click is theirs.
    const origin = new URL(demo.adminLink).origin.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const sent = new RegExp(`^Juniper & Pine: Hi ${FIRST_NAME}! Don't miss 20% off with LUNCH20: (${origin}/l/[0-9A-Za-z]{8}) Reply STOP to opt out$`);
    const links = texts.map((text) => sent.exec(text.body)?.[1]);
    expect(links.every(Boolean), texts.map((text) => text.body).join("\n")).toBe(true);
    expect(new Set(links).size).toBe(RECIPIENTS);
    expect(errors).toEqual([]);
  });
});
