/**
 * Bringing a list in, in the demo: the merchant chooses a CSV with good rows,
 * rows without evidence, a bad number and a number that opted out at the demo
 * shop; checks the guessed columns; starts the import; the demo's worker runs
 * it while the page follows; the report read back lists every row that was
 * not imported with its reason. axe-core finds no serious problem on the way.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
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

async function demoFacts() {
  const db = createPrismaClient(demo.databaseUrl);
  try {
    const optedOut = await db.subscriber.findFirstOrThrow({ where: { shop: DEMO_SHOP, status: "unsubscribed", phone: { startsWith: "+1" } } });
    return { optedOut: optedOut.phone, db };
  } catch (error) {
    await db.$disconnect();
    throw error;
  }
}

describe("importing a list in the demo", () => {
  it("imports the rows with evidence and reports the others with their reasons", async () => {
    const { optedOut, db } = await demoFacts();
    const stamp = String(Date.now() % 10_000).padStart(4, "0");
    const good = [`+1617555${stamp}`, `(312) 555-${stamp}`];
    const csv = [
      "Phone Number,First Name,SMS Consent Timestamp,Opt-in Source,Consent Form URL",
      `${good[0]},Ada,2025-05-01T10:00:00Z,Spring pop-up,https://juniper-pine.example/sms-terms`,
      `"${good[1]}",Grace,05/02/2025,Spring pop-up,https://juniper-pine.example/sms-terms`,
      `+1415555${stamp},Alan,,Spring pop-up,https://juniper-pine.example/sms-terms`,
      `not a number,Edsger,2025-05-01,Spring pop-up,https://juniper-pine.example/sms-terms`,
      `${optedOut},Barbara,2025-05-01,Spring pop-up,https://juniper-pine.example/sms-terms`,
    ].join("\n");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "import-e2e-"));
    const file = path.join(dir, "attentive-export.csv");
    fs.writeFileSync(file, csv);
    fs.mkdirSync("test-results", { recursive: true });

    const { page, errors } = await openPage(browser, 1600);
    await page.goto(demo.adminLink.replace("/app?", "/app/subscribers/import?"));
    await page.getByRole("heading", { name: "What a list must prove" }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.locator('input[type="file"]').setInputFiles(file);
    await page.getByRole("heading", { name: "2. Check the columns" }).waitFor();
    // Guessed from the headers: the phone, the date, the source and the reference to the disclosure.
    expect(await page.getByLabel("Phone number").inputValue()).toBe("0");
    expect(await page.getByLabel("Consent date (when they agreed)").inputValue()).toBe("2");
    expect(await page.getByLabel("Consent source (where they agreed)").inputValue()).toBe("3");
    expect(await page.getByLabel("Disclosure reference (URL, form or version)").inputValue()).toBe("4");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: "test-results/admin-import-mapping.png", fullPage: true });

    await page.getByRole("button", { name: "Start import" }).click();
    // The demo's worker imports it; the page follows until it is done.
    await page.getByText("Done", { exact: true }).first().waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByText(/5 of 5 rows/).count()).toBe(1);
    expect(await page.getByText(/0 subscribed · 2 asked to confirm · 0 unchanged · 3 not imported/).count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: "test-results/admin-import-done.png", fullPage: true });

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download the report (CSV)" }).first().click()]);
    const report = parse(fs.readFileSync((await download.path())!, "utf8"), { columns: true }) as Record<string, string>[];
    expect(report.map((line) => [line.Row, line.Outcome, line.Reason])).toEqual([
      ["4", "Not imported", "No consent date"],
      ["5", "Not imported", "Not a valid phone number (“not a number”): it has letters in it"],
      ["6", "Not imported", "Opted out here: only the person can subscribe again (by texting in or at checkout)"],
    ]);

    try {
      const imported = await db.subscriber.findMany({ where: { shop: DEMO_SHOP, phone: { in: [good[0]!, `+1312555${stamp}`] } } });
      expect(imported.map((subscriber) => subscriber.status)).toEqual(["pending", "pending"]);
      expect(await db.subscriber.findFirst({ where: { shop: DEMO_SHOP, phone: optedOut } })).toMatchObject({ status: "unsubscribed" });
    } finally {
      await db.$disconnect();
    }
    expect(errors).toEqual([]);
  });
});
