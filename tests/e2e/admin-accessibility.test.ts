/**
 * The admin pages no other browser test covers, on the demo: the dashboard,
 * campaigns (list, new, a draft, a sent one, its results), settings and
 * privacy requests. Each is loaded as Shopify admin loads it, checked by
 * axe-core (no serious or critical violation) and saved as a screenshot in
 * test-results/. Then what every page shares: numbers and dates in the
 * merchant's locale (admin's `locale` in the URL, else the browser's
 * language) and the shop's time zone; an id of no campaign in this shop
 * answered with words and a way back; the loading bar while a page loads.
 */
import fs from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocaleFormat } from "../../app/components/locale-format";
import { createPrismaClient } from "../../app/db.server";
import { DEMO_SHOP } from "../../app/demo/demo-mode.server";
import { seriousAxeViolations, type AxeProblem } from "../support/axe";
import { launchBrowser, openPage, startDemo, type DemoServer } from "../support/demo-server";

let demo: DemoServer;
let browser: Browser;
let ids: {
  sent: string;
  draft: string;
  sentScheduledAt: Date;
  timezone: string;
  sentName: string;
};

const SENT = "Black Friday early access";

beforeAll(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
  fs.mkdirSync("test-results", { recursive: true });
  const db = createPrismaClient(demo.databaseUrl);
  try {
    const shop = await db.shop.findUniqueOrThrow({
      where: { shop: DEMO_SHOP },
    });
    const sent = await db.campaign.findFirstOrThrow({
      where: { shop: DEMO_SHOP, name: SENT },
    });
    const draft = await db.campaign.findFirstOrThrow({
      where: { shop: DEMO_SHOP, status: "draft" },
    });
    // A data request with its file, so the privacy page shows its table and download button (the seed has none).
    await db.privacyRequest.create({
      data: {
        shop: DEMO_SHOP,
        topic: "customers/data_request",
        shopifyCustomerId: "gid://shopify/Customer/7001",
        export: "{}",
        completedAt: new Date(),
      },
    });
    ids = {
      sent: sent.id,
      draft: draft.id,
      sentScheduledAt: sent.scheduledAt ?? sent.startedAt!,
      timezone: shop.timezone,
      sentName: sent.name,
    };
  } finally {
    await db.$disconnect();
  }
});

afterAll(async () => {
  await browser?.close();
  if (demo) expect(await demo.stop(), "the demo stops cleanly on SIGTERM").toBe(0);
});

/** The page at `path`, loaded as Shopify admin loads the app: the admin link's parameters (session token, shop, host), plus any given. */
function adminUrl(path: string, extra: Record<string, string> = {}): string {
  const url = new URL(demo.adminLink);
  url.pathname = path;
  for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
  return url.toString();
}

type RemixWindow = { __remixRouter?: { state: { navigation: { state: string } } } };

/**
 * Remix has hydrated the page (its links navigate in the page, with the
 * session token; client-only parts are drawn) and is not navigating. Not
 * "network idle": the demo's pages preload App Bridge from Shopify's CDN,
 * which a machine without network may never answer, and a page may keep a
 * fetcher busy (a check it runs on its own).
 */
const hydrated = (page: Page, timeout = 60_000) =>
  page.waitForFunction(
    () => {
      const router = (window as unknown as RemixWindow).__remixRouter;
      return router !== undefined && router.state.navigation.state === "idle";
    },
    undefined,
    { timeout },
  );

/**
 * Hydrated, loading the page once more if it is not within 30 s: on a machine
 * where other work rebuilds build/ while the demo runs, the scripts of the first
 * load can be gone. A page that cannot hydrate at all still fails.
 */
async function hydratedAfterLoad(page: Page): Promise<void> {
  try {
    await hydrated(page, 30_000);
  } catch {
    await page.reload();
    await hydrated(page);
  }
}

/** Loaded, hydrated and settled: what axe should see. */
async function open(page: Page, path: string, ready: (page: Page) => Promise<unknown>, extra: Record<string, string> = {}) {
  const response = await page.goto(adminUrl(path, extra));
  expect(response?.status(), path).toBe(200);
  await hydratedAfterLoad(page);
  await ready(page);
  await hydrated(page);
}

// Generous waits: the machine these run on is often busy with other builds.
const heading = (text: string | RegExp) => (page: Page) => page.getByRole("heading", { level: 1, name: text }).waitFor({ timeout: 60_000 });

const PAGES: {
  name: string;
  path: () => string;
  ready: (page: Page) => Promise<unknown>;
}[] = [
  {
    name: "dashboard",
    path: () => "/app",
    ready: (page) => page.locator("h1").first().waitFor(),
  },
  {
    name: "campaigns",
    path: () => "/app/campaigns",
    ready: heading("Campaigns"),
  },
  {
    name: "campaign-new",
    path: () => "/app/campaigns/new",
    ready: async (page) => {
      await heading("New campaign")(page);
      await page.locator("#audience-count").waitFor();
    },
  },
  {
    name: "campaign-draft",
    path: () => `/app/campaigns/${ids.draft}`,
    ready: (page) => page.locator("#audience-count").waitFor(),
  },
  {
    name: "campaign-sent",
    path: () => `/app/campaigns/${ids.sent}`,
    ready: (page) => page.locator("#progress-total").waitFor(),
  },
  {
    name: "campaign-results",
    path: () => `/app/campaigns/${ids.sent}/results`,
    ready: (page) => page.locator('[data-chart="Deliveries, clicks and orders over time"] svg').first().waitFor({ timeout: 60_000 }),
  },
  {
    name: "settings",
    path: () => "/app/settings",
    ready: (page) => page.locator("h1").first().waitFor(),
  },
  {
    name: "privacy",
    path: () => "/app/privacy",
    ready: heading("Privacy requests"),
  },
  {
    name: "not-found",
    path: () => "/app/campaigns/no-such-campaign",
    ready: heading("Not found"),
  },
];

describe("the admin's pages", () => {
  it("have no serious or critical accessibility violation (axe-core), each page screenshotted", async () => {
    const found: Record<string, AxeProblem[]> = {};
    for (const { name, path, ready } of PAGES) {
      const { page, errors } = await openPage(browser, 1600);
      try {
        await withName(name, async () => {
          if (name === "not-found") {
            // A 404 is the page's answer, not a failure to load it.
            const response = await page.goto(adminUrl(path()));
            expect(response?.status()).toBe(404);
            await hydratedAfterLoad(page);
            await ready(page);
          } else {
            await open(page, path(), ready);
          }
          await page.screenshot({
            path: `test-results/a11y-${name}.png`,
            fullPage: true,
          });
          found[name] = await seriousAxeViolations(page);
        });
        expect(errors, `${name}: errors in the page`).toEqual([]);
      } finally {
        await page.context().close();
      }
    }
    // Every page's findings at once, so one run names them all.
    expect(found).toEqual(Object.fromEntries(PAGES.map(({ name }) => [name, []])));
  });

  it("says an id of no campaign in this shop is not found, in words, with a way back", async () => {
    const { page } = await openPage(browser);
    try {
      await page.goto(adminUrl("/app/campaigns/no-such-campaign"));
      await hydratedAfterLoad(page);
      await page.getByText("Not found in this shop").waitFor();
      await page.getByText("No such campaign in this shop.").waitFor();
      await page.getByRole("link", { name: "All campaigns" }).click();
      await heading("Campaigns")(page);
    } finally {
      await page.context().close();
    }
  });

  it("shows numbers and dates in admin's locale and the shop's time zone, else in the browser's language", async () => {
    const { page } = await openPage(browser);
    try {
      await open(page, "/app/campaigns", heading("Campaigns"), {
        locale: "fr",
      });
      const row = page.getByRole("row").filter({ hasText: ids.sentName });
      const french = createLocaleFormat("fr", ids.timezone).dateTime(ids.sentScheduledAt);
      expect(await row.textContent()).toContain(french);
      // Kept while the merchant moves on inside the app (App Bridge gives the locale only with the first load).
      await page.getByRole("link", { name: ids.sentName }).click();
      await page.locator("#progress-total").waitFor();
      await page.getByRole("link", { name: "Campaigns", exact: true }).first().click();
      await heading("Campaigns")(page);
      expect(await page.getByRole("row").filter({ hasText: ids.sentName }).textContent()).toContain(french);
      await page.screenshot({
        path: "test-results/a11y-campaigns-fr.png",
        fullPage: true,
      });
    } finally {
      await page.context().close();
    }

    // No locale from admin: the browser's language (Accept-Language).
    const context = await browser.newContext({
      locale: "de-DE",
      userAgent: await userAgentOf(browser),
      viewport: { width: 1280, height: 1400 },
    });
    try {
      const german = await context.newPage();
      await open(german, "/app/campaigns", heading("Campaigns"));
      const row = german.getByRole("row").filter({ hasText: ids.sentName });
      expect(await row.textContent()).toContain(createLocaleFormat("de-DE", ids.timezone).dateTime(ids.sentScheduledAt));
    } finally {
      await context.close();
    }
  });

  it("shows a loading bar while the next page loads", async () => {
    const { page } = await openPage(browser);
    try {
      await open(page, "/app/privacy", heading("Privacy requests"));
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      // The campaigns page's data is held back until the bar has been seen.
      await page.route(/\/app\/campaigns\?.*_data=/, async (route) => {
        await held;
        await route.continue();
      });
      await page.getByRole("link", { name: "Campaigns", exact: true }).first().click();
      await page.getByRole("progressbar", { name: "Loading the page" }).waitFor();
      release();
      await heading("Campaigns")(page);
      await page.getByRole("progressbar", { name: "Loading the page" }).waitFor({ state: "detached" });
    } finally {
      await page.context().close();
    }
  });
});

/** Runs `work`, naming `name` in its error. */
async function withName(name: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof Error) error.message = `${name}: ${error.message}`;
    throw error;
  }
}

/** The desktop user agent openPage gives its pages (Shopify's library answers headless Chrome's own with 410). */
async function userAgentOf(browser: Browser): Promise<string> {
  const { page } = await openPage(browser);
  try {
    return await page.evaluate(() => navigator.userAgent);
  } finally {
    await page.context().close();
  }
}
