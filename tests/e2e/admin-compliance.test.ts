/**
 * The Compliance page in the demo: the ledger check run from the page says the
 * chain is intact with the demo's real event count, the audit of texts sent
 * loads beside it, the consent records CSV for the default range downloads and
 * reads back with the events counted in the database, a reversed range is
 * refused in words, and axe-core finds nothing serious. Screenshots in
 * test-results/.
 */
import fs from "node:fs";
import { parse } from "csv-parse/sync";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRecordsRange } from "../../app/compliance/records-range";
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

/** What the database holds: the chain's length, and the events of a range as the CSV should list them. */
async function counted(from: string, to: string) {
  const db = createPrismaClient(demo.databaseUrl);
  try {
    const shop = await db.shop.findUniqueOrThrow({ where: { shop: DEMO_SHOP } });
    const parsed = parseRecordsRange(new URLSearchParams({ from, to }), shop.timezone);
    if (!parsed.ok) throw new Error(parsed.error);
    const inRange = await db.consentEvent.findMany({
      where: { shop: DEMO_SHOP, occurredAt: { gte: parsed.range.start, lt: parsed.range.end } },
      orderBy: { seq: "asc" },
      select: { seq: true, hash: true },
    });
    return { events: await db.consentEvent.count({ where: { shop: DEMO_SHOP } }), inRange };
  } finally {
    await db.$disconnect();
  }
}

describe("compliance page in the demo", () => {
  it("checks the ledger, audits texts sent, downloads the consent records and reads them back", async () => {
    const { page, errors } = await openPage(browser, 2200);
    page.setDefaultTimeout(150_000); // the demo compiles pages on first request: slow on a busy machine
    fs.mkdirSync("test-results", { recursive: true });
    await page.goto(demo.adminLink);
    await page.getByRole("link", { name: "Compliance" }).first().click();
    await page.waitForURL(/\/app\/compliance/);
    await page.getByRole("heading", { name: "Consent ledger" }).waitFor();

    // The audit of texts sent loads by itself once the page is there.
    await page.locator("#sending-audit").waitFor({ timeout: 150_000 });
    expect(await page.locator("#audit-quiet-hours").textContent()).toMatch(/^\d[\d,]*$/);

    const from = await page.locator("#records-from").inputValue();
    const to = await page.locator("#records-to").inputValue();
    // The demo's worker may record a consent event meanwhile (an opt-in request expiring): counted before and after.
    const before = await counted(from, to);
    expect(before.events).toBeGreaterThan(0);
    await page.locator("#check-ledger").click();
    await page.locator("#ledger-result").waitFor({ timeout: 150_000 });
    const result = (await page.locator("#ledger-result").textContent()) ?? "";
    const checked = Number(/Chain intact: ([\d,]+) events, last event/.exec(result)?.[1]?.replace(/,/g, ""));
    expect(checked, result).toBeGreaterThanOrEqual(before.events);
    expect(checked).toBeLessThanOrEqual((await counted(from, to)).events);
    await page.screenshot({ path: "test-results/compliance-ledger.png", fullPage: true });

    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#download-records").click()]);
    expect(download.suggestedFilename()).toBe(`consent-records_${DEMO_SHOP}_${from}_to_${to}.csv`);
    const rows = parse(fs.readFileSync((await download.path())!, "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(0);
    const lastSeq = Number(rows[rows.length - 1]!["Event #"]);
    const expected = (await counted(from, to)).inRange.filter((event) => event.seq <= lastSeq);
    expect(rows.map((row) => [Number(row["Event #"]), row["Event hash"]])).toEqual(expected.map((event) => [event.seq, event.hash]));
    expect(rows.every((row) => row.Shop === DEMO_SHOP)).toBe(true);
    await page.getByText(/^Saved consent-records_/).waitFor();

    // A reversed range: refused in words, nothing downloaded.
    await page.locator("#records-from").fill(to);
    await page.locator("#records-to").fill(from);
    await page.locator("#download-records").click();
    await expect.poll(() => page.locator("#records-error").textContent()).toBe(`The first day (${to}) is after the last day (${from}): swap them.`);
    await page.screenshot({ path: "test-results/compliance-records.png", fullPage: true });

    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  }, 600_000);
});
