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

/** A number of the seed whose "Reply Y" request expired unanswered. */
async function expiredSubscriber() {
  const db = createPrismaClient(demo.databaseUrl);
  try {
    return await db.subscriber.findFirstOrThrow({ where: { shop: DEMO_SHOP, status: "expired" }, orderBy: { phone: "asc" } });
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

type RemixWindow = { __remixRouter?: { state: { navigation: { state: string } } } };

/** Remix has hydrated the page (clicks are React's, forms post with the session) and is not navigating. */
const hydrated = (page: Page) =>
  page.waitForFunction(
    () => {
      const router = (window as unknown as RemixWindow).__remixRouter;
      return router !== undefined && router.state.navigation.state === "idle";
    },
    undefined,
    { timeout: 60_000 },
  );

async function expectAccessible(page: Page, what: string) {
  expect(await seriousAxeViolations(page), what).toEqual([]);
}

describe("a subscriber's timeline in the demo", () => {
  it("reads the consent story, shows the evidence and disclosure, and records a staff opt-out", async () => {
    const subscriber = await checkoutSubscriber();
    const { page, errors } = await openPage(browser, 1800);
    fs.mkdirSync("test-results", { recursive: true });

    await page.goto(adminUrl(`/app/subscribers/${subscriber.id}`));
    await hydrated(page);
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
    await hydrated(page);
    expect(await page.locator("#disclosure-text").textContent()).toContain("Msg & data rates may apply");
    await expectAccessible(page, "disclosure page");
    await page.screenshot({ path: "test-results/admin-disclosure.png", fullPage: true });
    await page.getByRole("link", { name: "Back" }).click();
    await timeline.waitFor();
    await hydrated(page);

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

  it("records consent given elsewhere only with its evidence, and asks for the reply Y as the shop's double opt-in requires", async () => {
    const subscriber = await expiredSubscriber();
    const { page, errors } = await openPage(browser, 2000);

    await page.goto(adminUrl(`/app/subscribers/${subscriber.id}`));
    await hydrated(page);
    await page.locator("#consent-timeline").getByText(/^No reply Y before the confirmation window closed, .+, request expired, not subscribed$/).waitFor();
    await page.getByText("Record consent given elsewhere").waitFor();
    await expectAccessible(page, "an expired subscriber's page");

    await page.getByLabel("Why are you adding this number?").fill("Signed up on paper at the Brooklyn pop-up");
    await page.getByRole("button", { name: "Record consent and send the “Reply Y” text" }).click();
    await page.getByText("Choose how the consent was given").waitFor();
    await page.getByText("Paste the text the person agreed to, or say where the signed record is kept").waitFor();
    await hydrated(page);
    expect(await latestEvent(subscriber.id)).toMatchObject({ kind: "expired" }); // nothing written

    await page.getByLabel("How they gave consent").selectOption("paper_form");
    await page.getByLabel("Where").fill("Brooklyn pop-up shop");
    await page.getByLabel("When").fill("2026-11-01");
    await page.getByLabel("Or a reference to the signed record").fill("Form #118 in the store's consent binder");
    await page.getByRole("button", { name: "Record consent and send the “Reply Y” text" }).click();
    await page
      .getByText("Recorded. They were sent the “Reply Y” text and are subscribed when they answer.")
      .waitFor()
      .catch(async (error: unknown) => {
        throw new Error(`${String(error)}\nat ${page.url()}:\n${(await page.locator("body").innerText()).slice(0, 3000)}`);
      });
    await page.locator("#consent-timeline").getByText(/^Added by staff \(Shopify staff user 1\), confirmation by text requested, .+, reason: Signed up on paper at the Brooklyn pop-up, consent given elsewhere: signed paper form, Brooklyn pop-up shop, on 2026-11-01$/).waitFor();
    expect(await latestEvent(subscriber.id)).toMatchObject({ kind: "opt_in_requested", source: "admin", toStatus: "pending" });
    await expectAccessible(page, "after recording consent given elsewhere");
    await page.screenshot({ path: "test-results/admin-subscriber-staff-opt-in.png", fullPage: true });
    expect(errors).toEqual([]);
  });
});
