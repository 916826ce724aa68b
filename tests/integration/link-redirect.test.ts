/**
 * Tracked links as production serves them: server/app-server.ts hands
 * /l/<code> to the node:http route (app/http/link-redirect-node.server.ts)
 * before Express and Remix, on the real database (SQLite and PostgreSQL).
 * Links are made by the planner's own helper (planTrackedLinks +
 * insertTrackedLinks). A person's click is recorded once, with its shop,
 * link, campaign and subscriber; previews, HEAD checks and prefetches are
 * redirected but not recorded; unknown and expired codes get the friendly
 * page; another shop's links and clicks are untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { withSqlTransaction } from "../../app/db.server";
import { insertTrackedLinks, planTrackedLinks, type TrackedLinkRow } from "../../app/links/tracked-links.server";
import type { AppServer } from "../../server/app-server";
import { startTestAppServer } from "../support/app-server";
import { subscribe } from "../support/campaign-fixture";
import { createTestShop } from "../support/shop-fixture";
import { TEST_ENV } from "../setup/test-env";

const IPHONE_SAFARI =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
const IMESSAGE_PREVIEW =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0";
const GOOGLE_MESSAGES_PREVIEW =
  "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Mobile Safari/537.36 GoogleMessages/20.1";

let server: AppServer;

beforeAll(async () => {
  server = await startTestAppServer();
}, 120_000);

afterAll(async () => {
  await server?.close();
});

interface Fixture {
  shop: string;
  campaignId: string;
  subscriberId: string;
  links: TrackedLinkRow[];
}

/** A shop with a campaign and one subscriber, whose text carried `urls`: their tracked links, stored. */
async function campaignWithLinks(urls: string[], options: { now?: Date } = {}): Promise<Fixture> {
  const { shop } = await createTestShop();
  const subscriber = await subscribe(shop);
  const campaign = await prisma.campaign.create({ data: { shop, name: "Winter Sale", body: `Acme: ${urls.join(" ")}` } });
  const planned = planTrackedLinks(
    { id: campaign.id, shop, name: campaign.name, utmTracking: true },
    { appUrl: TEST_ENV.SHOPIFY_APP_URL, now: options.now ?? new Date() },
  );
  const rewriteLink = planned.rewriteLinkFor(subscriber.id);
  for (const url of urls) rewriteLink(url);
  const links = planned.rowsFor([subscriber.id]);
  await withSqlTransaction((sql) => insertTrackedLinks(sql, links, TEST_ENV.SHOPIFY_APP_URL));
  return { shop, campaignId: campaign.id, subscriberId: subscriber.id, links };
}

async function open(code: string, options: { method?: string; userAgent?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.userAgent !== null) headers["User-Agent"] = options.userAgent ?? IPHONE_SAFARI;
  const response = await fetch(`${server.url}/l/${code}`, { method: options.method ?? "GET", headers, redirect: "manual" });
  return {
    status: response.status,
    location: response.headers.get("location"),
    cacheControl: response.headers.get("cache-control"),
    type: response.headers.get("content-type"),
    body: await response.text(),
  };
}

const clicksOf = (shop: string) => prisma.linkClick.findMany({ where: { shop }, orderBy: { clickedAt: "asc" } });

describe("GET /l/<code>", () => {
  it("redirects a person to the merchant's URL with UTM parameters, and records the click once, with its subscriber and campaign", async () => {
    const fixture = await campaignWithLinks(["https://acme.example.com/sale"]);
    const [link] = fixture.links;
    const before = Date.now();

    const answer = await open(link!.code);

    expect(answer.status).toBe(302);
    expect(answer.location).toBe(
      `https://acme.example.com/sale?utm_source=sms&utm_medium=campaign&utm_campaign=winter-sale&utm_id=${fixture.campaignId}`,
    );
    expect(answer.cacheControl).toBe("no-store");
    const clicks = await clicksOf(fixture.shop);
    expect(clicks).toHaveLength(1);
    expect(clicks[0]).toMatchObject({ shop: fixture.shop, linkId: link!.id, campaignId: fixture.campaignId, subscriberId: fixture.subscriberId });
    expect(clicks[0]!.clickedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(clicks[0]!.clickedAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it("keeps the merchant's own utm parameters", async () => {
    const fixture = await campaignWithLinks(["https://acme.example.com/?utm_campaign=mine&utm_source=newsletter#top"]);
    const answer = await open(fixture.links[0]!.code);
    expect(answer.location).toBe(`https://acme.example.com/?utm_campaign=mine&utm_source=newsletter&utm_medium=campaign&utm_id=${fixture.campaignId}#top`);
  });

  it("redirects link previews, HEAD checks, prefetches and clients without a User-Agent without recording a click", async () => {
    const fixture = await campaignWithLinks(["https://acme.example.com/sale"]);
    const code = fixture.links[0]!.code;

    const visits = [
      await open(code, { userAgent: IMESSAGE_PREVIEW }),
      await open(code, { userAgent: GOOGLE_MESSAGES_PREVIEW }),
      await open(code, { userAgent: "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)" }),
      await open(code, { method: "HEAD" }),
      await open(code, { headers: { "Sec-Purpose": "prefetch" } }),
      await open(code, { userAgent: null }),
    ];
    for (const visit of visits) {
      expect(visit.status).toBe(302);
      expect(visit.location).toContain("https://acme.example.com/sale?");
    }
    expect(await clicksOf(fixture.shop)).toEqual([]);

    // The person opens it after the preview: that one counts, and each later open counts again.
    await open(code);
    await open(code);
    expect(await clicksOf(fixture.shop)).toHaveLength(2);
  });

  it("answers an unknown code with a friendly page, never an error", async () => {
    for (const code of ["ZZZZZZZZ", "short", "has%20space", ""]) {
      const answer = await open(code);
      expect(answer.status).toBe(404);
      expect(answer.type).toBe("text/html; charset=utf-8");
      expect(answer.body).toContain("This link doesn't lead anywhere");
      expect(answer.body).not.toMatch(/error|stack|exception/i);
    }
  });

  it("answers an expired link with a page that leads to the shop, and records nothing", async () => {
    const fixture = await campaignWithLinks(["https://acme.example.com/sale"], { now: new Date(Date.now() - 91 * 86_400_000) });
    const answer = await open(fixture.links[0]!.code);
    expect(answer.status).toBe(404);
    expect(answer.cacheControl).toBe("no-store");
    expect(answer.body).toContain("This link has expired");
    expect(answer.body).toContain(`<a href="https://${fixture.shop}">Visit the shop</a>`);
    expect(await clicksOf(fixture.shop)).toEqual([]);
  });

  it("refuses methods other than GET and HEAD with 405", async () => {
    const fixture = await campaignWithLinks(["https://acme.example.com/sale"]);
    for (const method of ["POST", "PUT", "DELETE"]) {
      const response = await fetch(`${server.url}/l/${fixture.links[0]!.code}`, { method, redirect: "manual", body: method === "DELETE" ? undefined : "x" });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("GET, HEAD");
      await response.text();
    }
    expect(await clicksOf(fixture.shop)).toEqual([]);
  });

  it("records a click on one shop's link against that shop only, and leaves another shop's links and clicks as they were", async () => {
    const first = await campaignWithLinks(["https://first.example.com/a", "https://first.example.com/b"]);
    const second = await campaignWithLinks(["https://second.example.com/a"]);
    await open(second.links[0]!.code);
    const secondBefore = {
      links: await prisma.trackedLink.findMany({ where: { shop: second.shop }, orderBy: { code: "asc" } }),
      clicks: await clicksOf(second.shop),
    };

    await open(first.links[1]!.code);
    await open(first.links[1]!.code, { userAgent: IMESSAGE_PREVIEW });

    const firstClicks = await clicksOf(first.shop);
    expect(firstClicks).toHaveLength(1);
    expect(firstClicks[0]).toMatchObject({ linkId: first.links[1]!.id, campaignId: first.campaignId, subscriberId: first.subscriberId });
    expect(await prisma.trackedLink.findMany({ where: { shop: second.shop }, orderBy: { code: "asc" } })).toEqual(secondBefore.links);
    expect(await clicksOf(second.shop)).toEqual(secondBefore.clicks);
    expect(secondBefore.clicks).toHaveLength(1);
  });

  it("records every click of many arriving at once (they share commits)", async () => {
    const fixture = await campaignWithLinks(["https://acme.example.com/a", "https://acme.example.com/b", "https://acme.example.com/c"]);
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => open(fixture.links[i % 3]!.code)));
    expect(answers.every((answer) => answer.status === 302)).toBe(true);
    const clicks = await clicksOf(fixture.shop);
    expect(clicks).toHaveLength(60);
    for (const link of fixture.links) expect(clicks.filter((click) => click.linkId === link.id)).toHaveLength(20);
  });
});
