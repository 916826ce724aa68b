/**
 * A subscriber's page in the demo, as a merchant answering a complaint uses
 * it: open a subscriber who ticked the box at checkout, read the timeline in
 * words (oldest first), open the evidence behind the opt-in and the disclosure
 * text they saw, then opt them out from the admin and see the timeline say who
 * did it and why. axe-core finds no serious or critical violation on any page.
 */
import fs from "node:fs";
import type { Browser, Page } from "playwright-core";
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

/** A subscribed number of the seed whose only consent is a checkout opt-in. */
async function checkoutSubscriber() {
  const db = createPrismaClient(demo.databaseUrl);
  try {
    const candidates = await db.subscriber.findMany({ where: { shop: DEMO_SHOP, status: "subscribed" }, orderBy: { phone: "asc" }, take: 50 });
    for (const subscriber of candidates) {
      const events = await db.consentEvent.findMany({ where: { shop: DEMO_SHOP, subscriberId: subscriber.id } });
      if (events.length === 1 && events[0]!.source === "checkout") return subscriber;
    }
    throw new Error("the demo seed has no subscriber who opted in at checkout only");
  } finally {
    await db.$disconnect();
  }
}

async function latestEvent(subscriberId: string) {
  const db = createPrismaClient(demo.databaseUrl);
  try {
    return await db.consentEvent.findFirst({ where: { shop: DEMO_SHOP, subscriberId }, orderBy: { seq: "desc" } });
  } finally {
    await db.$disconnect();
  }
}

/** The admin link's session (shop, host, id_token) on another admin path. */
function adminUrl(path: string): string {
  const url = new URL(demo.adminLink);
  url.pathname = path;
  return url.toString();
}

async function expectAccessible(page: Page, what: string) {
  expect(await seriousAxeViolations(page), what).toEqual([]);
}

describe("a subscriber's timeline in the demo", () => {
  it("reads the consent story, shows the evidence and disclosure, and records a staff opt-out", async () => {
    const subscriber = await checkoutSubscriber();
    const { page, errors } = await openPage(browser, 1800);
    fs.mkdirSync("test-results", { recursive: true });

    await page.goto(adminUrl(`/app/subscribers/${subscriber.id}`));
    const timeline = page.locator("#consent-timeline");
    await timeline.getByText(/^Ticked the box at checkout, order \d+, .+, saw disclosure v1$/).waitFor();
    await page.getByRole("button", { name: "Oldest first" }).click();
    const first = timeline.locator("li").first();
    expect(await first.getAttribute("data-entry-type")).toBe("consent");
    expect(await first.textContent()).toContain("Ticked the box at checkout");
    await first.getByText("Evidence, ledger seq and hash").click();
    await first.getByText("Ledger position (seq)").waitFor();
    expect(await first.textContent()).toMatch(/Event hash \(SHA-256\)[0-9a-f]{64}/);
    await expectAccessible(page, "subscriber page");
    await page.screenshot({ path: "test-results/admin-subscriber-timeline.png", fullPage: true });

    await first.getByRole("link", { name: "Disclosure v1 as shown" }).click();
    await page.getByText("The text below is exactly the text published").waitFor();
    expect(await page.locator("#disclosure-text").textContent()).toContain("Msg & data rates may apply");
    await expectAccessible(page, "disclosure page");
    await page.screenshot({ path: "test-results/admin-disclosure.png", fullPage: true });
    await page.getByRole("link", { name: "Back" }).click();
    await timeline.waitFor();

    await page.getByLabel("Reason").selectOption("asked_by_phone");
    await page.getByLabel("In your words").fill("Called the store on Tuesday");
    await page.getByRole("button", { name: "Opt out…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("Reason: Asked by phone (Called the store on Tuesday).").waitFor();
    await expectAccessible(page, "opt-out confirmation");
    await dialog.getByRole("button", { name: "Opt out", exact: true }).click();

    await page.getByText("Opted out.", { exact: true }).waitFor();
    await timeline.getByText(/^Opted out by staff \(Shopify staff user 1\), .+, reason: asked by phone \(Called the store on Tuesday\)$/).waitFor();
    await page.locator("#opted-out-explanation").getByText(/Only the subscriber can opt in again/).waitFor();
    expect(await page.getByRole("button", { name: "Opt out…" }).count()).toBe(0);
    expect(await latestEvent(subscriber.id)).toMatchObject({ kind: "opted_out", source: "admin", toStatus: "unsubscribed" });
    await expectAccessible(page, "subscriber page after the opt-out");
    await page.screenshot({ path: "test-results/admin-subscriber-opted-out.png", fullPage: true });
    expect(errors).toEqual([]);
  });
});
