/**
 * The evaluator's path: `npm run demo`, open the printed admin link in a real
 * browser, see the seeded shop's real numbers on the Polaris dashboard.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "../../app/db.server";
import twilio from "twilio";
import { DEFAULT_DEMO_TWILIO_AUTH_TOKEN, DEMO_INBOUND_NUMBER, DEMO_SHOP } from "../../app/demo/demo-mode.server";
import { freePort } from "../support/free-port";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const DESKTOP_CHROME =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

let demo: ChildProcess;
let browser: Browser;
let adminLink: string;
const databaseUrl = `file:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "demo-e2e-")), "demo.db")}`;
const output: string[] = [];

function waitForAdminLink(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm run demo printed no admin link in time:\n${output.join("")}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      const match = /^(http:\/\/localhost:\d+\/app\?\S+)$/m.exec(output.join(""));
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.once("exit", (code) => reject(new Error(`npm run demo exited with ${code}:\n${output.join("")}`)));
  });
}

beforeAll(async () => {
  const port = await freePort();
  demo = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/demo.ts"], {
    env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, NODE_ENV: "development", DEMO_MODE: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  adminLink = await waitForAdminLink(demo, 200_000);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  if (!demo || demo.exitCode !== null) return;
  const exited = new Promise<number | null>((resolve) => demo!.once("exit", (code) => resolve(code)));
  demo.kill("SIGTERM");
  const code = await Promise.race([exited, new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), 15_000))]);
  if (code === "hung") demo.kill("SIGKILL");
  expect(code, "the demo stops cleanly on SIGTERM").toBe(0);
});

describe("the demo server (the one `npm start` runs)", () => {
  it("answers a signed inbound text the way Twilio will see it", async () => {
    const webhook = `${new URL(adminLink).origin}/webhooks/twilio/sms`;
    // Twilio signs the app's public URL (SHOPIFY_APP_URL, as the demo was given it), whatever address the request reaches.
    const signedUrl = `${process.env.SHOPIFY_APP_URL || new URL(adminLink).origin}/webhooks/twilio/sms`;
    const params = {
      MessageSid: `SM${"e2e".padEnd(32, "0")}`,
      From: "+15551230042",
      To: DEMO_INBOUND_NUMBER,
      Body: "HELP",
    };
    const token = process.env.DEMO_TWILIO_AUTH_TOKEN || DEFAULT_DEMO_TWILIO_AUTH_TOKEN;
    const response = await fetch(webhook, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": twilio.getExpectedTwilioSignature(token, signedUrl, params),
      },
      body: new URLSearchParams(params),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/xml; charset=utf-8");
    expect(await response.text()).toMatch(/^<\?xml[^>]*><Response><Message>[^<]*Msg &amp; data rates may apply[^<]*STOP[^<]*<\/Message><\/Response>$/);
  });
});

describe("demo admin in a real browser", () => {
  it("renders the Polaris dashboard with the seeded shop's real numbers", async () => {
    const db = createPrismaClient(databaseUrl);
    const count = (status: string) => db.subscriber.count({ where: { shop: DEMO_SHOP, status } });
    const expected = {
      subscribed: await count("subscribed"),
      pending: await count("pending"),
      unsubscribed: await count("unsubscribed"),
      total: await db.subscriber.count({ where: { shop: DEMO_SHOP } }),
    };
    await db.$disconnect();
    expect(expected.total).toBeGreaterThanOrEqual(150);
    expect(expected.unsubscribed).toBeGreaterThan(0);

    // Shopify's library answers bots (and headless Chrome's default user agent is one) with 410 Gone.
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, userAgent: DESKTOP_CHROME });
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    const response = await page.goto(adminLink);
    expect(response?.status()).toBe(200);
    await page.getByRole("heading", { name: "Juniper & Pine SMS" }).waitFor();

    for (const [metric, value] of Object.entries(expected)) {
      await expect.poll(() => page.locator(`#metric-${metric}`).textContent()).toBe(value.toLocaleString("en-US"));
    }
    await expect.poll(() => page.getByText("Black Friday early access").count()).toBeGreaterThan(0);

    fs.mkdirSync("test-results", { recursive: true });
    await page.screenshot({ path: "test-results/demo-dashboard.png", fullPage: true });

    // Client-side navigation: the data requests carry the session token like App Bridge's would.
    await page.getByRole("link", { name: "Subscribers" }).click();
    await page.getByRole("heading", { name: "Subscribers" }).waitFor();
    await expect.poll(() => page.getByText(`${expected.total} numbers`).count()).toBe(1);
    await page.locator('tbody a[href^="/app/subscribers/"]').first().click();
    await page.getByRole("heading", { name: "Timeline" }).waitFor();
    await expect.poll(() => page.locator('#consent-timeline li[data-entry-type="consent"]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: "test-results/demo-consent-history.png", fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it("lets the merchant fix settings with errors explained next to the field", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 }, userAgent: DESKTOP_CHROME });
    await page.goto(adminLink);
    await page.getByRole("link", { name: "Settings" }).click();
    const brand = page.getByLabel("Brand name");
    await brand.waitFor();
    await expect.poll(() => brand.inputValue()).toBe("Juniper & Pine");

    await page.getByLabel("Messages per month, at most").fill("0");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Allow at least 1 message a month").waitFor();

    await page.getByLabel("Messages per month, at most").fill("4");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved.").waitFor();
    await page.screenshot({ path: "test-results/demo-settings.png", fullPage: true });

    const db = createPrismaClient(databaseUrl);
    const saved = await db.shop.findUniqueOrThrow({ where: { shop: DEMO_SHOP } });
    await db.$disconnect();
    expect(saved.maxMessagesPerMonth).toBe(4);
    expect(saved.twilioAuthTokenEncrypted).toMatch(/^v1\./); // the empty token field kept the saved token
  });

  it("refuses the admin without a valid session token", async () => {
    const tampered = new URL(adminLink);
    tampered.searchParams.set("id_token", `${tampered.searchParams.get("id_token")}x`);
    const response = await fetch(tampered, { redirect: "manual" });
    expect(response.status).not.toBe(200);
  });
});
