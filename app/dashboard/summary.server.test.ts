import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { appendConsentEvent } from "../consent/ledger.server";
import { createTestShop } from "../../tests/support/shop-fixture";
import { getDashboard, getDashboardSummary } from "./summary.server";

const NOW = new Date("2026-11-20T12:00:00Z");

async function addSubscriber(shop: string, phone: string, status: string, eventKind: "opted_in" | "opted_out") {
  const subscriber = await prisma.subscriber.create({ data: { shop, phone, status } });
  await prisma.$transaction((tx) =>
    appendConsentEvent(tx, shop, {
      subscriberId: subscriber.id,
      phone,
      kind: eventKind,
      source: "checkout",
      fromStatus: null,
      toStatus: eventKind === "opted_in" ? "subscribed" : "unsubscribed",
      occurredAt: new Date(NOW.getTime() - 24 * 3600_000),
      evidence: { orderId: "1" },
    }),
  );
  return subscriber;
}

describe("dashboard summary", () => {
  it("counts only the asking shop's subscribers, events, messages and campaigns", async () => {
    const a = await createTestShop();
    const b = await createTestShop();
    const subscribed = await addSubscriber(a.shop, "+15551230001", "subscribed", "opted_in");
    await addSubscriber(a.shop, "+15551230002", "unsubscribed", "opted_out");
    await prisma.subscriber.create({ data: { shop: a.shop, phone: "+15551230003", status: "pending" } });
    for (let i = 0; i < 5; i++) await addSubscriber(b.shop, `+1555123010${i}`, "subscribed", "opted_in");

    const campaign = await prisma.campaign.create({ data: { shop: a.shop, name: "Spring", body: "Hi", status: "sent" } });
    await prisma.message.create({
      data: { shop: a.shop, campaignId: campaign.id, subscriberId: subscribed.id, phone: subscribed.phone, body: "Hi", kind: "marketing", status: "delivered", sentAt: NOW, deliveredAt: NOW },
    });
    await prisma.campaign.create({ data: { shop: b.shop, name: "Other shop's", body: "Hi" } });

    const summary = await getDashboardSummary(a.shop, NOW);
    expect(summary).toEqual({
      brandName: "Acme Outfitters",
      subscribers: { total: 3, subscribed: 1, pending: 1, unsubscribed: 1, expired: 0 },
      last30Days: { optIns: 1, optOuts: 1, messagesSent: 1, messagesDelivered: 1 },
      campaigns: [{ id: campaign.id, name: "Spring", status: "sent", scheduleMode: "now", scheduledAt: null, localSendTime: null, recipients: 1, delivered: 1, failed: 0, skipped: 0 }],
    });
  });

  it("is null for a shop that has not set up its program", async () => {
    expect(await getDashboardSummary("nobody.myshopify.com", NOW)).toBeNull();
  });

  it("draws the shop's growth over the span asked for, and is null before setup", async () => {
    const a = await createTestShop({ timezone: "UTC" });
    await addSubscriber(a.shop, "+15551230201", "subscribed", "opted_in"); // a day before NOW
    const dashboard = await getDashboard(a.shop, 90, NOW);
    expect(dashboard?.growth.span).toBe(90);
    expect(dashboard?.growth.list.days).toHaveLength(90);
    expect(dashboard?.growth.list.days.find((day) => day.optIns > 0)).toMatchObject({ label: "Nov 19", optInsBySource: { checkout: 1 } });
    expect(await getDashboard("nobody.myshopify.com", 30, NOW)).toBeNull();
  });
});
