/**
 * Planning writes each recipient's tracked links with their text
 * (plan-campaign.server.ts calls planTrackedLinks and insertTrackedLinks):
 * every link in a text is that recipient's own, stored in the same
 * transaction as the Message row, and planning again, or finishing a
 * planner that died, makes no second link for anyone.
 */
import { describe, expect, it } from "vitest";
import { createTestShop } from "../../tests/support/shop-fixture";
import { subscribe } from "../../tests/support/campaign-fixture";
import prisma from "../db.server";
import { createCampaign, scheduleCampaign } from "../campaigns/campaigns.server";
import { planDueCampaigns, PLANNING_LEASE_MS } from "../campaigns/plan-campaign.server";
import { countSegments } from "../messaging/segments";
import { LINK_LIFETIME_DAYS } from "./link-expiry";

const NOW = new Date("2026-11-27T17:00:00Z");
const later = (ms: number) => new Date(NOW.getTime() + ms);
const BODY = "Acme Outfitters: {first_name|Hi there}, 20% off https://acme.example.com/sale and new https://acme.example.com/new?ref=sms. Reply STOP to opt out";
const SHORT_LINK = /https:\/\/sms-consent\.test\/l\/([0-9A-Za-z]{8})/g;

async function scheduledNow(shop: string, body = BODY) {
  const campaign = await createCampaign(shop, { name: "Weekend Sale", body, audience: { kind: "all" } });
  return scheduleCampaign(shop, campaign.id, { mode: "now" }, NOW);
}

/** Each Message of the campaign with the codes in its text, and each subscriber's stored links. */
async function plannedLinks(campaignId: string) {
  const messages = await prisma.message.findMany({ where: { campaignId } });
  const links = await prisma.trackedLink.findMany({ where: { campaignId } });
  return {
    messages: messages.map((message) => ({ ...message, codes: [...message.body.matchAll(SHORT_LINK)].map((match) => match[1]!) })),
    links,
  };
}

describe("planning writes tracked links", () => {
  it("gives every recipient their own link per URL, in their text and in TrackedLink, with UTM and an expiry", async () => {
    const { shop } = await createTestShop();
    // Two recipients with the same first name: the text is rendered once for both, the links are still their own.
    for (const firstName of ["Ada", "Ada", null]) await subscribe(shop, { columns: firstName ? { firstName } : {} });
    const campaign = await scheduledNow(shop);

    const [report] = await planDueCampaigns(NOW);
    expect(report).toMatchObject({ outcome: "planned", queued: 3 });

    const { messages, links } = await plannedLinks(campaign.id);
    expect(messages).toHaveLength(3);
    expect(links).toHaveLength(6);
    const byCode = new Map(links.map((link) => [link.code, link]));
    for (const message of messages) {
      expect(message.body).not.toContain("acme.example.com");
      expect(message.codes).toHaveLength(2);
      const [sale, fresh] = message.codes.map((code) => byCode.get(code)!);
      expect(sale).toMatchObject({ shop, campaignId: campaign.id, subscriberId: message.subscriberId });
      expect(fresh).toMatchObject({ shop, campaignId: campaign.id, subscriberId: message.subscriberId });
      expect(sale!.url).toBe(`https://acme.example.com/sale?utm_source=sms&utm_medium=campaign&utm_campaign=weekend-sale&utm_id=${campaign.id}`);
      expect(fresh!.url).toBe(`https://acme.example.com/new?ref=sms&utm_source=sms&utm_medium=campaign&utm_campaign=weekend-sale&utm_id=${campaign.id}`);
      expect(sale!.expiresAt!.getTime()).toBe(NOW.getTime() + LINK_LIFETIME_DAYS * 86_400_000);
      expect(message.segments).toBe(countSegments(message.body).segments);
    }
    expect(new Set(messages.flatMap((message) => message.codes)).size).toBe(6);
  });

  it("leaves the merchant's URL as written when the shop turned UTM tagging off, and makes no link for a text without one", async () => {
    const { shop } = await createTestShop();
    await prisma.shop.update({ where: { shop }, data: { utmTracking: false } });
    await subscribe(shop);
    const tagged = await scheduledNow(shop);
    await planDueCampaigns(NOW);
    expect((await plannedLinks(tagged.id)).links.map((link) => link.url).sort()).toEqual([
      "https://acme.example.com/new?ref=sms",
      "https://acme.example.com/sale",
    ]);

    const plain = await scheduledNow(shop, "Acme Outfitters: 20% off in store this weekend. Reply STOP to opt out");
    await planDueCampaigns(later(1000));
    const { messages, links } = await plannedLinks(plain.id);
    expect(messages).toHaveLength(1);
    expect(links).toEqual([]);
  });

  it("makes no second link for anyone when a planner that died mid-way is finished by the next", async () => {
    const { shop } = await createTestShop();
    for (let i = 0; i < 7; i++) await subscribe(shop);
    const campaign = await scheduledNow(shop);

    const [crashed] = await planDueCampaigns(NOW, {
      pageSize: 3,
      afterPage: () => {
        throw new Error("worker killed");
      },
    });
    expect(crashed).toMatchObject({ outcome: "failed", queued: 3 });
    expect((await plannedLinks(campaign.id)).links).toHaveLength(6);

    const [resumed] = await planDueCampaigns(later(PLANNING_LEASE_MS + 1000), { pageSize: 3 });
    expect(resumed).toMatchObject({ outcome: "planned", queued: 4 });
    expect(await planDueCampaigns(later(10 * PLANNING_LEASE_MS))).toEqual([]);

    const { messages, links } = await plannedLinks(campaign.id);
    expect(messages).toHaveLength(7);
    expect(links).toHaveLength(14);
    for (const message of messages) {
      const own = links.filter((link) => link.subscriberId === message.subscriberId);
      expect(own.map((link) => link.code).sort()).toEqual([...message.codes].sort());
    }
  });
});
