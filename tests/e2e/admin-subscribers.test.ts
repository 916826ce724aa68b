/**
 * Finding subscribers in the demo: search a number written the way a person
 * writes it, search a customer's name, filter by status through the URL the
 * filters write, export the filtered list and read the CSV back, with axe-core
 * finding no serious or critical violation on the way. Screenshots in
 * test-results/.
 */
import fs from "node:fs";
import { parse } from "csv-parse/sync";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "../../app/db.server";
import { DEMO_SHOP } from "../../app/demo/demo-mode.server";
import { seriousAxeViolations } from "../support/axe";
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

/** What the database says the page should show. */
async function facts() {
  const db = createPrismaClient(demo.databaseUrl);
  try {
    const named = await db.subscriber.findFirstOrThrow({ where: { shop: DEMO_SHOP, firstName: { not: null }, phone: { startsWith: "+1" } }, orderBy: { phone: "asc" } });
    const sameName = await db.subscriber.count({ where: { shop: DEMO_SHOP, firstName: named.firstName } });
    const unsubscribed = await db.subscriber.findMany({ where: { shop: DEMO_SHOP, status: "unsubscribed" }, select: { phone: true } });
    return { named, sameName, unsubscribed: unsubscribed.map((row) => row.phone).sort() };
  } finally {
    await db.$disconnect();
  }
}

/** "+12125550123" → "(212) 555-0123", as a merchant reads it off an e-mail. */
const national = (e164: string) => `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`;

describe("subscribers page in the demo", () => {
  it("searches by number and name, filters by status, and exports the filtered list as CSV", async () => {
    const expected = await facts();
    const { page, errors } = await openPage(browser, 1600);
    fs.mkdirSync("test-results", { recursive: true });
    // The admin link, opened on the subscribers page (its session token works for any admin page).
    const admin = new URL(demo.adminLink);
    admin.pathname = "/app/subscribers";
    await page.goto(admin.toString());
    await page.getByRole("heading", { name: "Subscribers" }).waitFor();
    await page.locator("tbody tr").first().waitFor();
    await page.waitForLoadState("networkidle"); // hydrated: typing before React runs would be lost
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: "test-results/admin-subscribers.png", fullPage: true });

    // A number as a person writes it.
    const search = page.getByPlaceholder("Search by phone (any format), name or e-mail");
    await search.fill(national(expected.named.phone));
    await page.waitForURL((url) => url.searchParams.get("q") === national(expected.named.phone));
    await expect.poll(() => page.locator("tbody tr").count()).toBe(1);
    expect(await page.locator("tbody tr").first().getByRole("link").textContent()).toBe(expected.named.phone);

    // The customer's first name.
    await search.fill(expected.named.firstName!);
    await page.waitForURL((url) => url.searchParams.get("q") === expected.named.firstName);
    await expect.poll(() => page.locator("tbody tr").count()).toBe(Math.min(expected.sameName, 50));
    await page.screenshot({ path: "test-results/admin-subscribers-search.png", fullPage: true });

    // Clear the search; filter to unsubscribed numbers with the status filter.
    await page.getByRole("button", { name: "Clear" }).first().click();
    await page.waitForURL((url) => !url.searchParams.has("q"));
    // The filter's popover opens on a click; a click that lands while the page re-renders after the navigation above
    // can be lost on a busy machine, so open it until its choices show.
    await expect
      .poll(
        async () => {
          if (await page.getByLabel("Unsubscribed").isVisible()) return true;
          await page.getByRole("button", { name: "Status" }).click();
          return page.getByLabel("Unsubscribed").isVisible();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(true);
    await page.getByLabel("Unsubscribed").click(); // checked once the URL (the state) says so
    await page.waitForURL((url) => url.searchParams.get("status") === "unsubscribed");
    await page.keyboard.press("Escape");
    await expect.poll(() => page.locator("tbody tr").count()).toBe(Math.min(expected.unsubscribed.length, 50));
    await expect.poll(() => page.getByText(`${expected.unsubscribed.length} match`).count()).toBeGreaterThan(0);
    for (const badge of await page.locator("tbody tr").all()) expect(await badge.textContent()).toContain("unsubscribed");
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The filtered list as CSV: fetched with the session token, saved by the browser.
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export CSV" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^subscribers-demo-shop-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = fs.readFileSync((await file.path())!, "utf8");
    const records = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    expect(records.map((record) => record.phone).sort()).toEqual(expected.unsubscribed);
    expect(new Set(records.map((record) => record.status))).toEqual(new Set(["unsubscribed"]));
    expect(Object.keys(records[0]!)).toContain("subscribed at");
    await page.getByText(`Exported ${expected.unsubscribed.length} subscribers.`).waitFor();
    await page.screenshot({ path: "test-results/admin-subscribers-export.png", fullPage: true });
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
