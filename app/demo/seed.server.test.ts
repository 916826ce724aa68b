import { beforeAll, describe, expect, it } from "vitest";
import prisma from "../db.server";
import { countAudience } from "../campaigns/audience.server";
import { readStoredAudience } from "../campaigns/audience";
import { templateProblems } from "../campaigns/campaign-text";
import { allowedToSendAt } from "../sending-rules/quiet-hours";
import { recipientLocation } from "../sending-rules/recipient-location.server";
import { DEMO_SHOP } from "./demo-mode.server";
import { seedDemoShop } from "./seed.server";

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
      ["Early access for VIPs", "sent"],
      ["Black Friday early access", "sent"],
      ["Winter restock", "draft"],
    ]);
    const [vip, blackFriday, draft] = campaigns as [(typeof campaigns)[0], (typeof campaigns)[0], (typeof campaigns)[0]];
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

    const again = await seedDemoShop({ twilioAuthToken: "demo-seed-test-auth-token", now: NOW });
    expect(again).toMatchObject({ created: false, subscribers: subscribers.length });
    expect(await prisma.campaign.count({ where: { shop: DEMO_SHOP } })).toBe(3);
  });
});
