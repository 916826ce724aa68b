import { describe, expect, it } from "vitest";
import prisma, { withSqlTransaction } from "../db.server";
import { renderCampaignText } from "../campaigns/campaign-text";
import { LINK_LIFETIME_DAYS } from "./link-expiry";
import { insertTrackedLinks, planTrackedLinks, type LinkCampaign } from "./tracked-links.server";
import { shortLinkUrl } from "./short-link";

const APP_URL = "https://sms-consent.test";
const NOW = new Date("2026-11-27T15:00:00.000Z");
let nextShop = 0;

function campaignOf(overrides: Partial<LinkCampaign> = {}): LinkCampaign {
  nextShop += 1;
  return { id: `cmp-${nextShop}`, shop: `links-${nextShop}.myshopify.com`, name: "Winter Sale", utmTracking: true, ...overrides };
}

const program = { brandName: "Acme" };
const TEMPLATE = "Acme: winter sale https://acme.example.com/sale and https://acme.example.com/sale?utm_campaign=mine! Again: https://acme.example.com/sale.";

function render(rewriteLink: (url: string) => string, firstName: string | null = null): string {
  return renderCampaignText(TEMPLATE, { firstName, shopName: "Acme", discountCode: null }, program, { rewriteLink });
}

describe("planTrackedLinks", () => {
  it("gives each recipient their own link per URL, the same link for a URL written twice, UTM added or kept", () => {
    const campaign = campaignOf();
    const links = planTrackedLinks(campaign, { appUrl: APP_URL, now: NOW });
    const ann = render(links.rewriteLinkFor("sub-ann"));
    const bob = render(links.rewriteLinkFor("sub-bob"));

    const shortLinks = (text: string) => [...text.matchAll(/https:\/\/sms-consent\.test\/l\/[0-9A-Za-z]{8}/g)].map((m) => m[0]);
    expect(shortLinks(ann)).toHaveLength(3);
    expect(shortLinks(ann)[0]).toBe(shortLinks(ann)[2]); // the same URL twice: one link
    expect(ann).not.toContain("acme.example.com");
    expect(new Set([...shortLinks(ann), ...shortLinks(bob)]).size).toBe(4);

    const rows = links.rowsFor(["sub-ann", "sub-bob"]);
    expect(rows).toHaveLength(4);
    expect(rows.map((row) => row.subscriberId)).toEqual(["sub-ann", "sub-ann", "sub-bob", "sub-bob"]);
    for (const row of rows) {
      expect(row).toMatchObject({ shop: campaign.shop, campaignId: campaign.id, createdAt: NOW });
      expect(row.expiresAt.getTime() - NOW.getTime()).toBe(LINK_LIFETIME_DAYS * 86_400_000);
    }
    expect(rows[0]!.url).toBe(`https://acme.example.com/sale?utm_source=sms&utm_medium=campaign&utm_campaign=winter-sale&utm_id=${campaign.id}`);
    expect(rows[1]!.url).toBe(`https://acme.example.com/sale?utm_campaign=mine&utm_source=sms&utm_medium=campaign&utm_id=${campaign.id}`);
    expect(links.rowsFor(["sub-carol"])).toEqual([]);
  });

  it("leaves the merchant's URLs as written when the shop turned UTM tagging off", () => {
    const links = planTrackedLinks(campaignOf({ utmTracking: false }), { appUrl: APP_URL, now: NOW });
    render(links.rewriteLinkFor("sub-ann"));
    expect(links.rowsFor(["sub-ann"]).map((row) => row.url)).toEqual([
      "https://acme.example.com/sale",
      "https://acme.example.com/sale?utm_campaign=mine",
    ]);
  });
});

describe("insertTrackedLinks", () => {
  it("writes 1,500 links in multi-row INSERTs, every code unique and readable back as planned", async () => {
    const campaign = campaignOf();
    const links = planTrackedLinks(campaign, { appUrl: APP_URL, now: NOW });
    const ids = Array.from({ length: 750 }, (_, i) => `sub-${i}`);
    for (const id of ids) render(links.rewriteLinkFor(id));
    const rows = links.rowsFor(ids);
    expect(rows).toHaveLength(1500);
    await withSqlTransaction((sql) => insertTrackedLinks(sql, rows, APP_URL));

    const stored = await prisma.trackedLink.findMany({ where: { shop: campaign.shop } });
    expect(stored).toHaveLength(1500);
    const byCode = new Map(stored.map((row) => [row.code, row]));
    for (const row of rows) {
      expect(byCode.get(row.code)).toMatchObject({ id: row.id, subscriberId: row.subscriberId, campaignId: campaign.id, url: row.url });
      expect(byCode.get(row.code)!.expiresAt!.toISOString()).toBe(row.expiresAt.toISOString());
    }
  });

  it("gives a link whose code is already taken a new one, in its row and in the recipient's text, at the same length", async () => {
    const other = campaignOf();
    const first = planTrackedLinks(other, { appUrl: APP_URL, now: NOW });
    render(first.rewriteLinkFor("sub-x"));
    const [taken] = first.rowsFor(["sub-x"]);
    await withSqlTransaction((sql) => insertTrackedLinks(sql, [taken!], APP_URL));

    const campaign = campaignOf();
    const links = planTrackedLinks(campaign, { appUrl: APP_URL, now: NOW });
    const body = render(links.rewriteLinkFor("sub-ann"));
    const [row, second] = links.rowsFor(["sub-ann"]);
    // Ann's first link meets the code already stored for another shop's campaign.
    const colliding = shortLinkUrl(APP_URL, taken!.code);
    const bodyWithCollision = body.replaceAll(shortLinkUrl(APP_URL, row!.code), colliding);
    row!.code = taken!.code;
    await prisma.message.create({
      data: { id: "msg-ann", shop: campaign.shop, subscriberId: "sub-ann", campaignId: campaign.id, phone: "+12125550100", body: bodyWithCollision, kind: "marketing" },
    });

    await withSqlTransaction((sql) => insertTrackedLinks(sql, [row!, second!], APP_URL));

    expect(row!.code).not.toBe(taken!.code);
    const message = await prisma.message.findUniqueOrThrow({ where: { id: "msg-ann" } });
    expect(message.body).not.toContain(colliding);
    expect(message.body).toContain(shortLinkUrl(APP_URL, row!.code));
    expect(message.body.length).toBe(bodyWithCollision.length);
    const stored = await prisma.trackedLink.findMany({ where: { shop: campaign.shop }, orderBy: { code: "asc" } });
    expect(stored.map((link) => link.code).sort()).toEqual([row!.code, second!.code].sort());
    // The other shop's link is untouched.
    expect(await prisma.trackedLink.findUniqueOrThrow({ where: { code: taken!.code } })).toMatchObject({ shop: other.shop, subscriberId: "sub-x" });
  });
});
