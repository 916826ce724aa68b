import { beforeAll, describe, expect, it } from "vitest";
import prisma from "../db.server";
import { countAudience } from "../campaigns/audience.server";
import { readStoredAudience } from "../campaigns/audience";
import { templateProblems } from "../campaigns/campaign-text";
import { allowedToSendAt } from "../sending-rules/quiet-hours";
import { recipientLocation } from "../sending-rules/recipient-location.server";
import { DEMO_SHOP } from "./demo-mode.server";
import { seedDemoShop } from "./seed.server";
import { attributeOrder } from "../attribution/attribution";
import { getCampaignResults } from "../results/campaign-results.server";
import { shortLinkUrl } from "../links/short-link";
import { TEST_ENV } from "../../tests/setup/test-env";

const NOW = new Date("2026-11-27T17:00:00Z");

describe("the demo seed", () => {
  let created: boolean;
  beforeAll(async () => {
    created = (await seedDemoShop({ twilioAuthToken: "demo-seed-test-auth-token", now: NOW })).created;
  }, 120_000);

  it("seeds campaigns that went out as the sending rules send, and a draft ready to send", async () => {
    expect(created).toBe(true);

    const shop = await prisma.shop.findUniqueOrThrow({ where: { shop: DEMO_SHOP } });
    const quietHours = { start: shop.quietHoursStart, end: shop.quietHoursEnd };
    const campaigns = await prisma.campaign.findMany({ where: { shop: DEMO_SHOP }, orderBy: { createdAt: "asc" } });
    expect(campaigns.map((campaign) => [campaign.name, campaign.status])).toEqual([
      ["Fall favorites", "sent"],
      ["Weekend flash sale", "sent"],
      ["Early access for VIPs", "sent"],
      ["Black Friday early access", "sent"],
      ["Winter restock", "draft"],
    ]);
    const [vip, blackFriday, draft] = campaigns.slice(2) as [(typeof campaigns)[0], (typeof campaigns)[0], (typeof campaigns)[0]];
    // 09:30 in the shop's zone (New York, standard time), three days earlier.
    expect(blackFriday.scheduledAt).toEqual(new Date("2026-11-24T14:30:00Z"));

    const rows = await prisma.message.findMany({ where: { campaignId: blackFriday.id } });
    const subscribers = new Map((await prisma.subscriber.findMany({ where: { shop: DEMO_SHOP } })).map((subscriber) => [subscriber.id, subscriber]));
    const statuses = new Set(rows.map((row) => row.status));
    expect(statuses).toEqual(new Set(["delivered", "undelivered", "skipped"]));

    // Skipped: only the VIPs, whose VIP text went out less than the shop's smart-sending gap before.
    const vipSentAt = new Map((await prisma.message.findMany({ where: { campaignId: vip.id } })).map((row) => [row.subscriberId, row.sentAt!]));
    const skipped = rows.filter((row) => row.status === "skipped");
    expect(skipped.length).toBeGreaterThan(0);
    for (const row of skipped) {
      expect(row.skipReason).toBe("smart_sending");
      expect(row.twilioSid).toBeNull();
      const gapHours = (blackFriday.scheduledAt!.getTime() - vipSentAt.get(row.subscriberId)!.getTime()) / 3_600_000;
      expect(gapHours).toBeLessThan(shop.smartSendingHours);
    }

    // Sent: at 09:30 where the rules allowed it, else deferred to the recipient's first allowed minute.
    const sent = rows.filter((row) => row.status !== "skipped");
    const deferred = sent.filter((row) => row.deferredBy === "quiet_hours");
    expect(deferred.length).toBeGreaterThan(0);
    expect(sent.length - deferred.length).toBeGreaterThan(0);
    for (const row of sent) {
      const subscriber = subscribers.get(row.subscriberId!)!;
      const location = await recipientLocation({ phone: subscriber.phone, timezone: subscriber.timezone, region: subscriber.region }, shop.timezone);
      expect(allowedToSendAt(location, quietHours, row.nextAttemptAt)).toBe(true);
      expect(row.sentAt!.getTime()).toBeGreaterThanOrEqual(row.nextAttemptAt.getTime());
      if (row.deferredBy === "quiet_hours") {
        expect(allowedToSendAt(location, quietHours, blackFriday.scheduledAt!)).toBe(false);
        expect(allowedToSendAt(location, quietHours, new Date(row.nextAttemptAt.getTime() - 60_000))).toBe(false);
      } else {
        expect(row.nextAttemptAt).toEqual(blackFriday.scheduledAt);
      }
    }

    // Each recipient's own text: tokens replaced, the brand first, the first name or the fallback.
    for (const row of rows) {
      const subscriber = subscribers.get(row.subscriberId!)!;
      expect(row.body).not.toContain("{");
      expect(row.body.startsWith(`Juniper & Pine: ${subscriber.firstName ?? "Hi"}, Black Friday`)).toBe(true);
    }

    // The draft: a personalised template with no problems, to everyone subscribed now.
    expect(templateProblems(draft.body)).toEqual([]);
    expect(draft.body).toContain("{first_name|");
    expect(readStoredAudience(draft.audience)).toEqual({ kind: "all" });
    expect(await countAudience(DEMO_SHOP, readStoredAudience(draft.audience), NOW)).toBeGreaterThan(100);
  });

  it("puts each recipient's own tracked link in their text, and clicks come after delivery", async () => {
    const sent = await prisma.campaign.findMany({ where: { shop: DEMO_SHOP, status: "sent" } });
    expect(sent).toHaveLength(4);
    for (const campaign of sent) {
      const rows = await prisma.message.findMany({ where: { campaignId: campaign.id } });
      const links = new Map((await prisma.trackedLink.findMany({ where: { campaignId: campaign.id } })).map((link) => [link.subscriberId, link]));
      expect(links.size).toBe(rows.length);
      for (const row of rows) {
        const link = links.get(row.subscriberId)!;
        expect(link.shop).toBe(DEMO_SHOP);
        // The shop's own page, tagged for analytics; the text holds the short link instead.
        expect(link.url).toMatch(new RegExp(`^https://${DEMO_SHOP.replace(/\./g, "\\.")}/collections/(fall|flash-sale|vip|sale)\\?utm_source=sms&`));
        expect(row.body).toContain(shortLinkUrl(TEST_ENV.SHOPIFY_APP_URL, link.code));
        expect(row.body).not.toContain(`https://${DEMO_SHOP}`);
        expect(link.expiresAt!.getTime()).toBeGreaterThan(NOW.getTime());
      }

      const clicks = await prisma.linkClick.findMany({ where: { campaignId: campaign.id } });
      const delivered = new Map(rows.filter((row) => row.status === "delivered").map((row) => [row.subscriberId, row]));
      const clickers = new Set(clicks.map((click) => click.subscriberId));
      // A realistic share of those delivered to clicked (a few percent to a third), some more than once.
      expect(clickers.size / delivered.size).toBeGreaterThan(0.04);
      expect(clickers.size / delivered.size).toBeLessThan(0.35);
      for (const click of clicks) {
        const text = delivered.get(click.subscriberId);
        expect(text, "only those a text was delivered to clicked").toBeDefined();
        expect(click.shop).toBe(DEMO_SHOP);
        expect(click.linkId).toBe(links.get(click.subscriberId)!.id);
        expect(click.clickedAt.getTime()).toBeGreaterThan(text!.deliveredAt!.getTime());
        expect(click.clickedAt.getTime()).toBeLessThan(NOW.getTime());
      }
    }
  });

  it("records orders over the last 30 days, credited by the attribution rule, one partly refunded", async () => {
    const shop = await prisma.shop.findUniqueOrThrow({ where: { shop: DEMO_SHOP } });
    const orders = await prisma.order.findMany({ where: { shop: DEMO_SHOP }, orderBy: { placedAt: "asc" } });
    expect(orders.length).toBeGreaterThan(20);
    for (const order of orders) {
      expect(order.placedAt.getTime()).toBeLessThan(NOW.getTime());
      expect(order.placedAt.getTime()).toBeGreaterThanOrEqual(NOW.getTime() - 30 * 86_400_000);
      expect(order.subscriberId).not.toBeNull();
    }
    // Spread over the month, so the daily charts have a shape.
    expect(new Set(orders.map((order) => order.placedAt.toISOString().slice(0, 10))).size).toBeGreaterThanOrEqual(10);
    expect(new Set(orders.map((order) => order.attribution))).toEqual(new Set(["click", "delivery", null]));
    // What campaigns earned, too: credited orders on several days weeks apart, not all in the last few.
    const credited = orders.filter((order) => order.attribution !== null);
    expect(new Set(credited.map((order) => order.placedAt.toISOString().slice(0, 10))).size).toBeGreaterThanOrEqual(4);
    expect(credited.at(-1)!.placedAt.getTime() - credited[0]!.placedAt.getTime()).toBeGreaterThan(14 * 86_400_000);

    // Each credit is the one the rule gives from the seeded clicks and deliveries.
    const windows = { clickWindowDays: shop.clickWindowDays, deliveryWindowHours: shop.deliveryWindowHours };
    for (const order of orders) {
      const clicks = await prisma.linkClick.findMany({ where: { subscriberId: order.subscriberId } });
      const deliveries = await prisma.message.findMany({ where: { subscriberId: order.subscriberId, status: "delivered", campaignId: { not: null } } });
      const expected = attributeOrder(
        order,
        {
          clicks: clicks.map((click) => ({ campaignId: click.campaignId!, clickedAt: click.clickedAt })),
          deliveries: deliveries.map((text) => ({ campaignId: text.campaignId!, deliveredAt: text.deliveredAt! })),
        },
        windows,
      );
      expect([order.attributedCampaignId, order.attribution]).toEqual([expected?.campaignId ?? null, expected?.kind ?? null]);
    }

    const refunds = await prisma.orderRefund.findMany({ where: { shop: DEMO_SHOP } });
    expect(refunds).toHaveLength(1);
    const refundedOrder = orders.find((order) => order.shopifyOrderId === refunds[0]!.shopifyOrderId)!;
    expect(refundedOrder.attribution).toBe("click");
    expect(refundedOrder.refundedMinor).toBe(refunds[0]!.amountMinor);
    expect(refundedOrder.refundedMinor).toBeGreaterThan(0);
    expect(refundedOrder.refundedMinor).toBeLessThan(refundedOrder.totalMinor);
  });

  it("shows each sent campaign's seeded clicks and revenue on its results page, counted by hand", async () => {
    for (const campaign of await prisma.campaign.findMany({ where: { shop: DEMO_SHOP, status: "sent" } })) {
      const clicks = await prisma.linkClick.findMany({ where: { campaignId: campaign.id } });
      const orders = await prisma.order.findMany({ where: { attributedCampaignId: campaign.id } });
      const byKind = (kind: string) => orders.filter((order) => order.attribution === kind);
      const revenue = (kind: string) => byKind(kind).reduce((sum, order) => sum + order.totalMinor - order.refundedMinor, 0);
      const results = (await getCampaignResults(DEMO_SHOP, campaign.id, NOW))!;
      expect(results.clicks).toBe(clicks.length);
      expect(results.uniqueClickers).toBe(new Set(clicks.map((click) => click.subscriberId)).size);
      expect(results.revenue.click).toEqual(byKind("click").length ? [{ currency: "USD", orders: byKind("click").length, revenueMinor: revenue("click") }] : []);
      expect(results.revenue.delivery).toEqual(
        byKind("delivery").length ? [{ currency: "USD", orders: byKind("delivery").length, revenueMinor: revenue("delivery") }] : [],
      );
    }
    const blackFriday = await prisma.campaign.findFirstOrThrow({ where: { shop: DEMO_SHOP, name: "Black Friday early access" } });
    const results = (await getCampaignResults(DEMO_SHOP, blackFriday.id, NOW))!;
    expect(results.clicks).toBeGreaterThan(results.uniqueClickers); // some clicked twice
    expect(results.revenue.click[0]!.orders).toBeGreaterThan(0);
  });

  it("gives subscribers names, languages and places, and seeds only once", async () => {
    const subscribers = await prisma.subscriber.findMany({ where: { shop: DEMO_SHOP } });
    expect(subscribers.length).toBeGreaterThan(150);
    const named = subscribers.filter((subscriber) => subscriber.firstName !== null).length;
    expect(named).toBeGreaterThan(subscribers.length / 2);
    expect(named).toBeLessThan(subscribers.length);
    expect(new Set(subscribers.map((subscriber) => subscriber.locale))).toEqual(new Set(["en", "es", "fr"]));
    const regions = new Set(subscribers.map((subscriber) => subscriber.region).filter(Boolean));
    expect(regions.size).toBeGreaterThanOrEqual(6);
    expect(new Set(subscribers.map((subscriber) => subscriber.timezone).filter(Boolean)).size).toBeGreaterThanOrEqual(4);
    // Those who never ordered have no address: their area code says where they are.
    expect(subscribers.some((subscriber) => subscriber.lastOrderAt === null && subscriber.region === null && subscriber.timezone === null)).toBe(true);

    const counts = () =>
      Promise.all([prisma.message, prisma.trackedLink, prisma.linkClick, prisma.order, prisma.orderRefund, prisma.consentEvent].map((table) =>
        (table as typeof prisma.order).count({ where: { shop: DEMO_SHOP } }),
      ));
    const first = await counts();
    const again = await seedDemoShop({ twilioAuthToken: "demo-seed-test-auth-token", now: NOW });
    expect(await counts()).toEqual(first);
    expect(again).toMatchObject({ created: false, subscribers: subscribers.length });
    expect(await prisma.campaign.count({ where: { shop: DEMO_SHOP } })).toBe(5);
  });
});
