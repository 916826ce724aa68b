/**
 * The Remix route for /l/<code> (app/routes/l.$code.tsx), which `npm run dev`
 * serves where server/app-server.ts answers before Remix: the same answers as
 * the node:http route (tests/integration/link-redirect.test.ts).
 */
import { describe, expect, it } from "vitest";
import prisma, { withSqlTransaction } from "../../app/db.server";
import { insertTrackedLinks, planTrackedLinks } from "../../app/links/tracked-links.server";
import { action, loader } from "../../app/routes/l.$code";
import { subscribe } from "../support/campaign-fixture";
import { createTestShop } from "../support/shop-fixture";
import { TEST_ENV } from "../setup/test-env";

const PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36";
const IMESSAGE_PREVIEW =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0";

async function linkFor(url: string, now = new Date()) {
  const { shop } = await createTestShop();
  const subscriber = await subscribe(shop);
  const campaign = await prisma.campaign.create({ data: { shop, name: "Dev", body: `Acme: ${url}` } });
  const planned = planTrackedLinks({ id: campaign.id, shop, name: campaign.name, utmTracking: false }, { appUrl: TEST_ENV.SHOPIFY_APP_URL, now });
  planned.rewriteLinkFor(subscriber.id)(url);
  const [row] = planned.rowsFor([subscriber.id]);
  await withSqlTransaction((sql) => insertTrackedLinks(sql, [row!], TEST_ENV.SHOPIFY_APP_URL));
  return { shop, row: row!, subscriberId: subscriber.id, campaignId: campaign.id };
}

const get = (code: string, userAgent = PHONE) =>
  loader({ request: new Request(`http://localhost/l/${code}`, { headers: { "User-Agent": userAgent } }), params: { code }, context: {} });

describe("the /l/<code> Remix route", () => {
  it("redirects, records a person's click and not a preview's, and answers unknown and expired codes with the page", async () => {
    const { shop, row, subscriberId, campaignId } = await linkFor("https://acme.example.com/sale");
    const click = await get(row.code);
    expect(click.status).toBe(302);
    expect(click.headers.get("location")).toBe("https://acme.example.com/sale");
    expect(click.headers.get("cache-control")).toBe("no-store");
    expect((await get(row.code, IMESSAGE_PREVIEW)).status).toBe(302);
    const clicks = await prisma.linkClick.findMany({ where: { shop } });
    expect(clicks).toEqual([expect.objectContaining({ linkId: row.id, subscriberId, campaignId })]);

    const unknown = await get("ZZZZZZZZ");
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("This link doesn't lead anywhere");

    const expired = await linkFor("https://acme.example.com/old", new Date(Date.now() - 100 * 86_400_000));
    const page = await get(expired.row.code);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain(`href="https://${expired.shop}"`);

    expect(action().status).toBe(405);
  });
});
